// languages.js: the page's languages, one folder each beside this file, and how one is chosen from
// what a browser or a link says. A folder's index.js gives {code, tag, name} and its tables:
//   ui.js      the interface's sentences by key (t() in index.js)
//   errors.js  the error sentences by id (say() in errors.js)
//   core.js    the C core's sentences by printf format (core-sentences.js); English needs none
//   viz.js     the chart elements' labels by tag (en/viz.js holds their English defaults)
//   start.js   the message of a page that could not start (start-failure.js)
// Nothing here throws, whatever the input: a browser under LANG=C reports navigator.language "C",
// and Intl refuses such a tag with a RangeError.

import en from './en/index.js';
import zh from './zh/index.js';

/** Every language's folder, English (the source language of the tables) first. */
const FOLDERS = [en, zh];

/** The page's languages by code: ['en', 'zh']. */
export const LANGUAGES = Object.freeze(FOLDERS.map((l) => l.code));

/** Each language's folder by code: {code, tag, name, ui, errors, core, viz, start}. */
export const TRANSLATIONS = Object.freeze(Object.fromEntries(FOLDERS.map((l) => [l.code, l])));

// A tag's language is the part before the first separator: BCP 47's "-", and POSIX locales'
// "_", "." and "@" (zh_CN.UTF-8, sr_RS@latin).
const SEPARATORS = /[-_.@]/;

/**
 * The page's language a tag names, by its first part in any case: "zh", "zh-CN", "zh_TW.UTF-8",
 * "ZH-Hant" -> 'zh'; "en-GB", "en_US" -> 'en'; anything else ("C", "POSIX", "", "fr", not a
 * text) -> undefined.
 */
export function languageOf(tag) {
  if (typeof tag !== 'string') return undefined;
  const code = tag.trim().split(SEPARATORS)[0].toLowerCase();
  return LANGUAGES.includes(code) ? code : undefined;
}

/** The items of a list as the browser gives it; a text alone, a non-list or a throwing getter give what they can. */
function listOf(value) {
  if (typeof value === 'string') return [value];
  try {
    return value && typeof value[Symbol.iterator] === 'function' ? [...value] : [];
  } catch {
    return [];
  }
}

/**
 * The language for a browser that asks for `languages` (navigator.languages, preferred first),
 * then `language` (navigator.language): the first that names a language of the page, else 'en'.
 * An unsupported tag on the way (C, fr) is skipped, so ['fr', 'zh-CN'] reads Chinese.
 */
export function detectLanguage(languages = globalThis.navigator?.languages, language = globalThis.navigator?.language) {
  for (const tag of [...listOf(languages), ...listOf(language)]) {
    const code = languageOf(tag);
    if (code) return code;
  }
  return 'en';
}

/** A valid BCP 47 tag for a language of the page (its lang= attribute, every Intl formatter); 'en' for anything else. */
export function languageTag(code) {
  return Object.hasOwn(TRANSLATIONS, code) ? TRANSLATIONS[code].tag : en.tag;
}

/** A language's own name for itself ("中文"), for its button. */
export function languageName(code) {
  return Object.hasOwn(TRANSLATIONS, code) ? TRANSLATIONS[code].name : String(code);
}

/** `tag` in its canonical form when Intl accepts it ("en-us" -> "en-US"), else undefined ("C", "en_US", ""). */
export function validTag(tag) {
  if (typeof tag !== 'string' || tag === '') return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}
