// i18n/index.js: the page's languages (languages.js: one folder each), through the Lit team's
// @lit/localize in its runtime mode, without its CLI: each folder's tables (ui.js, errors.js) are
// plain data with a key per sentence, so English is the source locale and another language's
// tables are its locale's templates as they are, each under its key as msg() id. t(key) is
// msg(English, {id: key}) with our {name} placeholders filled; a language switch is
// @lit/localize's setLocale, and elements re-render on its lit-localize-status event
// (updateWhenLocaleChanges). A test checks every table has English's keys and {placeholders}.
// Messages are text: they are only ever placed with Lit text bindings, never parsed as HTML.
//
// setLocale is asynchronous: the templates are loaded with this module, so a switch completes
// a microtask later, before the browser paints (a page that opens in Chinese never shows
// English). language() is the language of the messages in use, so whatever renders in between
// (the same task) is consistently in the old one; setLanguage() resolves once the switch is done,
// and what follows the language outside the elements (the document's lang, the link's lang=)
// is set then.
//
// Errors are kept as they came (a message {id, params} of errors.js, an Error, or the C core's
// English sentence) and put in words by localize() at render time, so a switch of language
// re-renders a visible error in the other language too.

import { configureLocalization, msg, updateWhenLocaleChanges } from '@lit/localize';
import { coreSentence } from './core-sentences.js';
import { LANGUAGES, TRANSLATIONS, languageTag } from './languages.js';

export { say } from './errors.js';
export { LANGUAGES, detectLanguage, languageName, languageTag } from './languages.js';
/** Re-renders a Lit element whenever the language changes (call it in the constructor). */
export { updateWhenLocaleChanges };

const SOURCE = 'en';
/** A language's templates, keyed as msg() ids: its interface and its error sentences. */
const templatesOf = (code) => ({ ...TRANSLATIONS[code].ui, ...TRANSLATIONS[code].errors });
const ENGLISH = templatesOf(SOURCE);
const TARGETS = LANGUAGES.filter((code) => code !== SOURCE);
/** The locale modules of the target languages, made once each. */
const locales = {};
const { getLocale, setLocale } = configureLocalization({
  sourceLocale: SOURCE,
  targetLocales: TARGETS,
  loadLocale: (locale) => Promise.resolve((locales[locale] ??= { templates: templatesOf(locale) })),
});

/** The language of the messages in use: a code of LANGUAGES. */
export function language() {
  return getLocale();
}

/**
 * Switches the language of every connected element (an unknown one is ignored). Resolves once
 * the messages are in the new language, every element has been asked to re-render, and the
 * document's lang says so. Of two switches in a row the last wins (both resolve then).
 */
export async function setLanguage(lang) {
  if (!LANGUAGES.includes(lang)) return;
  await setLocale(lang);
  const now = getLocale();
  if (globalThis.document) document.documentElement.lang = languageTag(now);
}

/**
 * The message `key` in the current language (English where the table has no translation) with
 * {name} placeholders filled from params.
 */
export function t(key, params) {
  const text = msg(ENGLISH[key] ?? key, { id: key });
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (Object.hasOwn(params, name) ? String(params[name]) : m));
}

/** An English sentence from outside the tables (the C core's) in the current language; unknown ones stay English. */
function sentence(text) {
  return coreSentence(text, TRANSLATIONS[getLocale()].core) ?? text;
}

/** {path, message, msg}: "Layer 3 units: ..." (a field's name stays code), or the message alone. */
function fieldError(e) {
  const message = localize(e.msg ?? e.message);
  if (!e.path?.length) return message;
  let path = '';
  for (const key of e.path) path += typeof key === 'number' ? `[${key}]` : path ? `.${key}` : key;
  return t('err.field', { path: keyName(path), message });
}

/**
 * What to show for a message, in the current language: a message {id, params} (params that are
 * messages too are put in words first), a sentence to translate {text} or a plain string (the
 * C core's English), or an error: its `msg`, its `errors` ({path, message, msg} of an
 * ExperimentError), else its `message`. Text never empty for a non-empty input: what has no
 * Chinese stays English.
 */
export function localize(x) {
  if (x === null || x === undefined || x === '') return '';
  if (typeof x !== 'object') return typeof x === 'string' ? sentence(x) : String(x);
  if (typeof x.id === 'string') {
    if (!x.params) return t(x.id);
    const params = {};
    for (const [k, v] of Object.entries(x.params)) params[k] = v !== null && typeof v === 'object' ? localize(v) : v;
    if (x.id === 'err.field' && typeof params.path === 'string') params.path = keyName(params.path);
    return t(x.id, params);
  }
  if (typeof x.text === 'string') return sentence(x.text);
  if (x.msg) return localize(x.msg);
  if (Array.isArray(x.errors) && x.errors.length) return x.errors.map(fieldError).join(t('error.separator'));
  if (typeof x.message === 'string') return sentence(x.message);
  return String(x);
}

/** The errors of a link ({key, message, msg}), one a line: "lr: must be ...". */
export function localizeLinkErrors(errors) {
  return (errors ?? []).map((e) => (e.key ? t('err.field', { path: keyName(e.key), message: localize(e) }) : localize(e))).join('\n');
}

/** A field's path as the page names it: "layers[1].units" is the row "Layer 2" and its field. */
function keyName(key) {
  const m = /^layers\[(\d+)\]\.?(.*)$/.exec(key);
  return m ? `${t('layers.path', { n: Number(m[1]) + 1 })}${m[2] ? ` ${m[2]}` : ''}` : key;
}

/**
 * The `labels` object for a viz element (by tag name) in the current language: undefined in
 * English (each element carries its English defaults), the language's viz.js otherwise.
 */
export function vizLabels(tag) {
  const locale = getLocale();
  return locale === SOURCE ? undefined : TRANSLATIONS[locale].viz?.[tag];
}

/** True when the table has `key` (optional messages, like per-field hints). */
export function has(key) {
  return Object.hasOwn(ENGLISH, key);
}

const integerFormats = {};
/** 12345.6 -> "12,346" with the language's grouping. */
export function formatInteger(x) {
  const locale = getLocale();
  integerFormats[locale] ??= new Intl.NumberFormat(languageTag(locale), { maximumFractionDigits: 0 });
  return integerFormats[locale].format(x);
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

const tenthFormats = {};
/**
 * Seconds as "1:05", "12 s", or under 10 s to the tenth, "0.8 s" (a run on threads can be over
 * in less than a second; "0 s" would say it took no time). Rounded down: it never runs ahead.
 */
export function formatDuration(seconds) {
  if (seconds < 10) {
    const locale = getLocale();
    tenthFormats[locale] ??= new Intl.NumberFormat(languageTag(locale), { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    return t('time.seconds', { s: tenthFormats[locale].format(Math.floor(Math.max(0, seconds) * 10) / 10) });
  }
  const s = Math.floor(seconds);
  if (s < 60) return t('time.seconds', { s });
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
