// en/index.js: English, the source language: the other languages' tables have its keys. It has
// no core.js: the C core writes English.
import ui from './ui.js';
import labs from './labs.js';
import errors from './errors.js';
import viz from './viz.js';
import start from './start.js';

export default { code: 'en', tag: 'en', name: 'English', ui: { ...ui, ...labs }, errors, viz, start };
