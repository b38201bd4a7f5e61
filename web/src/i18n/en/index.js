// en/index.js: English, the source language: every table's keys are English's.
import start from './start.js';

export default { code: 'en', tag: 'en', name: 'English', start };
