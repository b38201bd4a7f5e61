// browser-support.js: checks, before the playground starts, the browser features it relies on,
// and puts a notice on the page naming what is missing and what that costs, instead of leaving a
// page that breaks without a word. Minimum versions (MDN's compatibility data): WebAssembly SIMD
// Chrome 91, Firefox 89, Safari 16.4; module workers Chrome 80, Firefox 114, Safari 15;
// constructable stylesheets Chrome 73, Firefox 101, Safari 16.4; DecompressionStream Chrome 80,
// Firefox 113, Safari 16.4 (README, "Browsers"). What start-failure.js checks for the start-up
// message (WebAssembly, its SIMD, workers, IndexedDB) is taken from there.

import { browserFeatures } from './start-failure.js';

// A browser without module workers never reads the options' `type`; the URL is invalid on
// purpose, so nothing is fetched (and the CSP is not asked).
function moduleWorkers() {
  let read = false;
  try {
    new Worker('http://[', { get type() { read = true; return 'module'; } }).terminate();
  } catch {
    // the invalid URL, as intended
  }
  return read;
}

/** [{feature, needed: true when the playground cannot train without it, en, zh}] for what is missing. */
export function missingFeatures(scope = globalThis) {
  const missing = [];
  const add = (ok, feature, needed, en, zh) => {
    if (!ok) missing.push({ feature, needed, en, zh });
  };
  const has = Object.fromEntries(browserFeatures(scope).map((f) => [f.name, f.ok]));
  add(has.WebAssembly && has['WebAssembly SIMD'], 'WebAssembly SIMD', true, 'the training core cannot run', '训练核心无法运行');
  add(has['Web Workers'] && moduleWorkers(), 'module workers', true, 'training cannot start', '无法开始训练');
  add(typeof scope.CSSStyleSheet === 'function' && 'replaceSync' in scope.CSSStyleSheet.prototype && 'adoptedStyleSheets' in scope.Document.prototype,
    'constructable stylesheets', false, 'the page is shown without its styles', '页面将没有样式');
  add(typeof scope.DecompressionStream === 'function', 'DecompressionStream', false, 'MNIST loads more slowly', 'MNIST 载入较慢');
  add(typeof scope.caches === 'object', 'Cache Storage', false, 'MNIST is downloaded on every visit', '每次访问都要重新下载 MNIST');
  add(has.IndexedDB, 'IndexedDB', false, 'runs are not kept and cannot be resumed', '运行记录不会保存，也无法继续');
  return missing;
}

function notice(missing) {
  const box = document.createElement('div');
  box.className = 'support-notice';
  box.setAttribute('role', missing.some((m) => m.needed) ? 'alert' : 'status');
  const line = (lang) => {
    const p = document.createElement('p');
    p.lang = lang === 'zh' ? 'zh-CN' : 'en';
    const what = missing.map((m) => `${m.feature} (${m[lang]})`).join(lang === 'zh' ? '；' : '; ');
    p.textContent = lang === 'zh'
      ? `此浏览器缺少：${what}。实验场需要 Chrome 91、Firefox 114、Safari 16.4 或更新的版本。`
      : `This browser lacks ${what}. The playground needs Chrome 91, Firefox 114, Safari 16.4 or newer.`;
    return p;
  };
  box.append(line('en'), line('zh'));
  document.body.prepend(box);
}

const missing = missingFeatures();
if (missing.length) {
  for (const m of missing) console.warn(`nn-playground: this browser lacks ${m.feature}: ${m.en}`);
  if (document.body) notice(missing);
  else document.addEventListener('DOMContentLoaded', () => notice(missing), { once: true });
}
