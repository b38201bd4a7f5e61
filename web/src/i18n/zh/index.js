// zh/index.js: Simplified Chinese.
import start from './start.js';

export default { code: 'zh', tag: 'zh-CN', name: '中文', start };
