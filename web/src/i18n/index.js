// i18n/index.js: the page's two languages (Simplified Chinese and English) from one message table.
//
// Why a table and not @lit/localize: localize's runtime mode needs its CLI to extract msg() calls
// into XLIFF and generate a module per locale, a build step for exactly two languages. Here the
// table is plain data (messages.js), a test checks both languages have the same keys and the
// same {placeholders}, and switching language re-renders every element live through
// LocaleController, Lit's own reactive-controller hook. Messages are text: they are only ever
// placed with Lit text bindings, never parsed as HTML.

import { MESSAGES } from './messages.js';
import { VIZ_LABELS_ZH } from '../components/viz/labels-zh.js';

export const LANGUAGES = Object.freeze(['en', 'zh']);
const events = new EventTarget();
let current = 'en';

/** The language a browser asks for: zh for any Chinese (zh, zh-CN, zh-TW, ...), else en. */
export function detectLanguage(languages = globalThis.navigator?.languages ?? []) {
  for (const tag of languages) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (base === 'zh') return 'zh';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export function language() {
  return current;
}

/** Switches the language of every connected element; emits nothing when it does not change. */
export function setLanguage(lang) {
  if (!LANGUAGES.includes(lang) || lang === current) return;
  current = lang;
  if (globalThis.document) document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  events.dispatchEvent(new Event('change'));
}

/** The message `key` in the current language with {name} placeholders filled from params. */
export function t(key, params) {
  const text = MESSAGES[current][key] ?? MESSAGES.en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (Object.hasOwn(params, name) ? String(params[name]) : m));
}

/**
 * The `labels` object for a viz element (by tag name) in the current language: undefined in
 * English (each element carries its English defaults), the viz team's Chinese table otherwise.
 */
export function vizLabels(tag) {
  return current === 'zh' ? VIZ_LABELS_ZH[tag] : undefined;
}

/** True when the table has `key` (optional messages, like per-field hints). */
export function has(key) {
  return Object.hasOwn(MESSAGES.en, key);
}

const integerFormats = {};
/** 12345.6 -> "12,346" with the language's grouping. */
export function formatInteger(x) {
  integerFormats[current] ??= new Intl.NumberFormat(current === 'zh' ? 'zh-CN' : 'en-US', { maximumFractionDigits: 0 });
  return integerFormats[current].format(x);
}

/** Bytes as "1.2 MB". */
export function formatBytes(bytes) {
  const units = ['B', 'KB', 'MB', 'GB'];
  let x = bytes;
  let i = 0;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${x >= 100 || i === 0 ? Math.round(x) : x.toFixed(1)} ${units[i]}`;
}

/** Seconds as "1:05" or "12 s". */
export function formatDuration(seconds) {
  const s = Math.floor(seconds);
  if (s < 60) return t('time.seconds', { s });
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Re-renders its host whenever the language changes (Lit's ReactiveController). */
export class LocaleController {
  #host;
  #onChange = () => this.#host.requestUpdate();
  constructor(host) {
    this.#host = host;
    host.addController(this);
  }
  hostConnected() {
    events.addEventListener('change', this.#onChange);
  }
  hostDisconnected() {
    events.removeEventListener('change', this.#onChange);
  }
}
