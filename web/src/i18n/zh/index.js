// zh/index.js: Simplified Chinese.
import ui from './ui.js';
import labs from './labs.js';
import errors from './errors.js';
import core from './core.js';
import viz from './viz.js';
import start from './start.js';

export default { code: 'zh', tag: 'zh-CN', name: '中文', ui: { ...ui, ...labs }, errors, core, viz, start };
