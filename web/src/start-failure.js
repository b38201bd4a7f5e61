// start-failure.js: what a page that cannot start shows instead of "Loading…": a message in every
// language of the page with the error's text, the browser features the playground needs (and
// which of them this browser lacks) and how to report it. main.js calls it at each boundary of
// the start (the code's loading, the element's definition, first render, worker and wasm). It
// depends on nothing but the language folders' plain sentences, and builds its DOM without
// markup or inline styles (the page's Content-Security-Policy allows neither; page.css styles it).

import { LANGUAGES, TRANSLATIONS, languageTag } from './i18n/languages.js';

// The smallest module that uses 128-bit SIMD: one function returning v128.const 0.
const SIMD_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7b, 3, 2, 1, 0,
  10, 0x16, 1, 0x14, 0, 0xfd, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b];

/** The features the playground needs, each {name, ok} for this browser. */
export function browserFeatures(scope = globalThis) {
  const wasm = typeof scope.WebAssembly === 'object' && scope.WebAssembly !== null;
  let simd = false;
  try {
    simd = wasm && scope.WebAssembly.validate(new Uint8Array(SIMD_PROBE));
  } catch {
    simd = false;
  }
  return [
    { name: 'WebAssembly', ok: wasm },
    { name: 'WebAssembly SIMD', ok: simd },
    { name: 'Web Workers', ok: typeof scope.Worker === 'function' },
    { name: 'IndexedDB', ok: typeof scope.indexedDB === 'object' && scope.indexedDB !== null },
  ];
}

/** "RangeError: invalid language tag: C" for an error, the text of anything else; '' for nothing. */
export function errorText(error) {
  if (error === null || error === undefined) return '';
  if (typeof error === 'object' && typeof error.message === 'string') {
    const name = typeof error.name === 'string' && error.name ? error.name : 'Error';
    return error.message ? `${name}: ${error.message}` : name;
  }
  try {
    return String(error);
  } catch {
    return '';
  }
}

const fill = (template, params) => template.replace(/\{(\w+)\}/g, (m, key) => (key in params ? params[key] : m));

function element(doc, tag, className, text) {
  const el = doc.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

let shown = null;

/**
 * Replaces the page's <nn-playground> (or, without one, adds to the body) with the message for
 * `error` at `stage` (a key of the folders' start.stages). Only the first failure is shown: what
 * follows is most often its consequence; every one goes to the console. Returns the message.
 */
export function showStartFailure(error, stage = 'start', doc = globalThis.document) {
  console.error(`The playground could not start (${stage}):`, error);
  if (shown || !doc?.body) return shown;
  const text = errorText(error);
  const missing = browserFeatures(doc.defaultView ?? globalThis).filter((f) => !f.ok).map((f) => f.name);
  const box = element(doc, 'section', 'start-failure');
  box.setAttribute('role', 'alert');
  box.dataset.stage = stage;
  for (const code of LANGUAGES) {
    const words = TRANSLATIONS[code].start;
    const part = element(doc, 'div', 'start-failure-language');
    part.lang = languageTag(code);
    part.append(element(doc, 'h1', '', words.title));
    part.append(element(doc, 'p', '', fill(words.failed, { stage: words.stages[stage] ?? words.stages.start })));
    part.append(element(doc, 'p', 'start-failure-error', text || words.unknown));
    part.append(element(doc, 'p', '', words.needs));
    if (missing.length) part.append(element(doc, 'p', 'start-failure-missing', fill(words.missing, { features: missing.join(', ') })));
    part.append(element(doc, 'p', '', words.report));
    box.append(part);
  }
  const nav = doc.defaultView?.navigator;
  const details = [text || 'unknown error', `stage: ${stage}`, `browser: ${nav?.userAgent ?? ''}`,
    `languages: ${JSON.stringify(nav?.languages ?? null)} / ${JSON.stringify(nav?.language ?? null)}`,
    `missing: ${missing.join(', ') || 'none'}`, `page: ${doc.location?.href ?? ''}`];
  const pre = element(doc, 'pre', 'start-failure-details', details.join('\n'));
  pre.lang = 'en';
  box.append(pre);
  const playground = doc.querySelector('nn-playground');
  if (playground) playground.replaceWith(box);
  else doc.body.prepend(box);
  shown = box;
  return box;
}

/**
 * Watches the start for what no boundary caught: an uncaught exception (a constructor that threw
 * while define() upgraded the element is only reported, never thrown to the caller) or an
 * unhandled rejection (a Lit element whose first render threw). The shell says `nn-started` once
 * its engine answers, or `nn-start-failed` {error, stage} at its own boundaries. Returns stop().
 */
export function watchStart(doc = globalThis.document) {
  const win = doc.defaultView;
  // An ErrorEvent without an error (a ResizeObserver loop note, a failed resource) is no failure.
  const onError = (e) => {
    if (e.error !== null && e.error !== undefined) showStartFailure(e.error, 'start', doc);
  };
  const onRejection = (e) => showStartFailure(e.reason, 'start', doc);
  const onFailed = (e) => showStartFailure(e.detail?.error, e.detail?.stage, doc);
  const stop = () => {
    win.removeEventListener('error', onError);
    win.removeEventListener('unhandledrejection', onRejection);
    doc.removeEventListener('nn-started', stop);
  };
  win.addEventListener('error', onError);
  win.addEventListener('unhandledrejection', onRejection);
  doc.addEventListener('nn-started', stop);
  // The shell's own boundaries stay heard after the start: a worker or wasm failure can only come then.
  doc.addEventListener('nn-start-failed', onFailed);
  return stop;
}
