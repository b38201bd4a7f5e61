// i18n-languages.test.js: the page picks one of its languages whatever a browser or a link says
// (a browser under LANG=C reports "C", and Intl throws on such a tag), and every tag it hands to
// Intl or to a lang attribute is one Intl accepts.
import { describe, expect, it } from 'vitest';
import { LANGUAGES, detectLanguage, languageOf, languageTag, validTag } from '../../web/src/i18n/languages.js';
import { decodeHash, encodeHash } from '../../web/src/experiment/url.js';
import { formatAgo } from '../../web/src/runs/checkpoints.js';
import { errorText } from '../../web/src/start-failure.js';
import { example } from './fixtures.js';

// navigator.language values seen in the wild or possible: POSIX locales, empty, malformed tags.
const ODD = {
  C: 'en', POSIX: 'en', '': 'en', en_US: 'en', 'zh_CN.UTF-8': 'zh', 'zh_TW.Big5': 'zh', 'en_GB.UTF-8@euro': 'en',
  'en-US-': 'en', 'zh-': 'zh', '--': 'en', '-zh': 'en', '*': 'en', 'i-klingon': 'en', ' zh-CN ': 'zh', 'ZH-HANT-tw': 'zh',
  'zh-Hans-CN': 'zh', 'zhx': 'en', 'fr-FR': 'en', 'sr_RS@latin': 'en', '\u4e2d\u6587': 'en', ['x'.repeat(10_000)]: 'en',
};

describe('the language a browser gets', () => {
  it.each(Object.entries(ODD))('navigator.language %j alone -> %s', (tag, want) => {
    expect(detectLanguage([], tag)).toBe(want);
    expect(detectLanguage([tag], undefined)).toBe(want);
  });

  it('takes the first tag that names a language of the page, skipping the others', () => {
    expect(detectLanguage(['C', 'zh_CN.UTF-8'], 'C')).toBe('zh');
    expect(detectLanguage(['fr', 'zh-Hans-CN'])).toBe('zh');
    expect(detectLanguage(['en-GB', 'zh'])).toBe('en');
    expect(detectLanguage(['POSIX'], 'zh-TW')).toBe('zh');
  });

  it('survives lists that are not lists and values that are not text', () => {
    expect(detectLanguage([], '')).toBe('en');
    expect(detectLanguage(undefined, undefined)).toBe('en');
    expect(detectLanguage(null, null)).toBe('en');
    expect(detectLanguage('zh-CN')).toBe('zh'); // a text where a list belongs
    expect(detectLanguage(42, {})).toBe('en');
    expect(detectLanguage([null, undefined, 7, {}, ['zh'], 'zh-CN'])).toBe('zh');
    const throwing = { [Symbol.iterator]() { throw new Error('no'); } };
    expect(detectLanguage(throwing, 'zh')).toBe('zh');
  });

  it('gives every language a tag that Intl and a lang attribute accept', () => {
    expect(LANGUAGES).toEqual(['en', 'zh']);
    for (const code of [...LANGUAGES, 'C', '', undefined, 'fr', 'constructor', '__proto__']) {
      const tag = languageTag(code);
      expect(validTag(tag), String(code)).toBe(tag);
      expect(() => new Intl.NumberFormat(tag).format(12345)).not.toThrow();
      expect(() => new Intl.RelativeTimeFormat(tag).format(-3, 'minute')).not.toThrow();
    }
    expect(languageTag('zh')).toBe('zh-CN');
    expect(languageTag('C')).toBe('en');
    expect(formatAgo(0, 'C', 180_000)).toBe('3 minutes ago');
    expect(formatAgo(0, 'zh', 180_000)).toBe('3分钟前');
  });

  it('tells a tag Intl can read from one it throws on', () => {
    for (const bad of ['C', '', 'en_US', 'zh_CN.UTF-8', 'en-US-', '*', undefined, 5]) expect(validTag(bad), String(bad)).toBeUndefined();
    expect(validTag('en-us')).toBe('en-US');
    expect(validTag('POSIX')).toBe('posix'); // well formed, if no language: Intl reads it
  });
});

describe('the language a link gives', () => {
  const defaults = example('mlp');
  it.each([['zh', 'zh'], ['zh-CN', 'zh'], ['zh_TW.UTF-8', 'zh'], ['ZH', 'zh'], ['en', 'en'], ['en-GB', 'en'], ['en_US', 'en']])('lang=%s reads as %s', (value, want) => {
    const d = decodeHash(`#lang=${encodeURIComponent(value)}`, defaults);
    expect(d.ok).toBe(true);
    expect(d.lang).toBe(want);
    expect(encodeHash(defaults, { lang: d.lang })).toContain(`lang=${want}`);
  });

  it.each(['C', 'POSIX', 'fr', '', '-', '中文'])('lang=%j is refused with the languages it may be, and the rest of the link still reads', (value) => {
    const d = decodeHash(`#lang=${encodeURIComponent(value)}&mode=instructor`, defaults);
    expect(d.ok).toBe(false);
    expect(d.lang).toBeUndefined();
    expect(d.mode).toBe('instructor');
    expect(d.message).toMatch(/lang: must be one of en, zh/);
  });
});

describe('the text of a start failure', () => {
  it('names the error, or says what it was given', () => {
    expect(errorText(new RangeError('invalid language tag: C'))).toBe('RangeError: invalid language tag: C');
    expect(errorText(Object.assign(new Error(''), { name: 'CompileError' }))).toBe('CompileError');
    expect(errorText('worker script failed')).toBe('worker script failed');
    expect(errorText(undefined)).toBe('');
    expect(errorText({ message: 'plain object' })).toBe('Error: plain object');
  });
});
