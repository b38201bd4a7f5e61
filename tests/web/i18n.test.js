// The message tables: every language's folder has English's keys and placeholders in each table
// (interface, errors, start message), every key the page asks for exists, the language follows
// the browser, and a switch reaches every listening element.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { LANGUAGES, TRANSLATIONS } from '../../web/src/i18n/languages.js';
import { detectLanguage, formatBytes, formatDuration, language, setLanguage, t } from '../../web/src/i18n/index.js';
import { DATA_SETS, INIT_TYPES, LAYER_TYPES, LOSS_TYPES, OPTIMIZER_TYPES } from '../../web/src/experiment/schema.js';

// @lit/localize announces a switch on `window` (its lit-localize-status event); Node has none.
vi.stubGlobal('window', new EventTarget());

const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

const en = TRANSLATIONS.en;
const OTHERS = LANGUAGES.filter((code) => code !== 'en');
/** The strings of a nested table by dotted key: {a: {b: 'x'}} -> {'a.b': 'x'}. */
const flat = (table, prefix = '') => Object.fromEntries(Object.entries(table).flatMap(([k, v]) => (
  v !== null && typeof v === 'object' ? Object.entries(flat(v, `${prefix}${k}.`)) : [[`${prefix}${k}`, v]])));

describe('messages', () => {
  it('has one folder per language, English first, each with a valid tag and its own name', () => {
    expect(LANGUAGES).toEqual(['en', 'zh']);
    for (const code of LANGUAGES) {
      const folder = TRANSLATIONS[code];
      expect(folder.code).toBe(code);
      expect(Intl.getCanonicalLocales(folder.tag)).toEqual([folder.tag]);
      expect(folder.name.length).toBeGreaterThan(0);
    }
  });

  it.each(OTHERS)('has English\'s keys and placeholders in every table of %s', (code) => {
    const folder = TRANSLATIONS[code];
    for (const part of ['ui', 'errors', 'start']) {
      const mine = flat(folder[part]);
      const english = flat(en[part]);
      expect(Object.keys(mine).sort(), part).toEqual(Object.keys(english).sort());
      for (const key of Object.keys(english)) {
        expect(placeholders(mine[key]), `${part} ${key}`).toEqual(placeholders(english[key]));
        expect(mine[key].trim().length, `${part} ${key}`).toBeGreaterThan(0);
      }
    }
  });

  it('keeps the interface and the errors apart: no key in both', () => {
    for (const code of LANGUAGES) {
      const both = Object.keys(TRANSLATIONS[code].ui).filter((key) => Object.hasOwn(TRANSLATIONS[code].errors, key));
      expect(both, code).toEqual([]);
    }
  });

  it('names every layer, initialiser, optimizer, loss and data set of the schema', () => {
    const need = [
      ...LAYER_TYPES.map((k) => `layer.${k}`),
      ...INIT_TYPES.flatMap((k) => [`init.${k}`, `init.${k}.formula`]),
      ...OPTIMIZER_TYPES.flatMap((k) => [`opt.${k}`, `opt.${k}.about`]),
      ...LOSS_TYPES.flatMap((k) => [`loss.${k}`, `loss.${k}.about`]),
      ...DATA_SETS.flatMap((k) => [`data.${k}`, `data.${k}.about`]),
    ];
    for (const key of need) expect(en.ui, key).toHaveProperty([key]);
  });

  it('has every literal key the components and the page controllers ask for', () => {
    const keys = new Set();
    for (const folder of ['components', 'shell']) {
      const dir = new URL(`../../web/src/${folder}/`, import.meta.url);
      for (const f of readdirSync(dir).filter((name) => name.endsWith('.js'))) {
        for (const m of readFileSync(new URL(f, dir), 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.-]+)'/g)) keys.add(m[1]);
      }
    }
    expect(keys.size).toBeGreaterThan(50);
    for (const key of keys) expect({ ...en.ui, ...en.errors }, key).toHaveProperty([key]);
  });

  it('tells the lesson\'s MSRA formula apart from torch\'s kaiming', () => {
    expect(en.ui['init.msra_lesson']).toContain('√(1/fan_in)');
    expect(en.ui['init.kaiming_normal']).not.toBe(en.ui['init.msra_lesson']);
    expect(TRANSLATIONS.zh.ui['init.msra_lesson']).toContain('课件');
  });
});

describe('language', () => {
  it('follows the browser: any Chinese is zh, everything else en', () => {
    expect(detectLanguage(['zh-CN', 'en'])).toBe('zh');
    expect(detectLanguage(['zh-TW'])).toBe('zh');
    expect(detectLanguage(['en-GB', 'zh'])).toBe('en');
    expect(detectLanguage(['fr', 'de'])).toBe('en');
    expect(detectLanguage(['fr', 'zh-Hans-CN'])).toBe('zh');
    expect(detectLanguage([])).toBe('en');
  });

  it('fills placeholders and switches through @lit/localize', async () => {
    await setLanguage('en');
    expect(t('layers.params', { n: '1,290' })).toBe('1,290 params');
    const events = [];
    const listen = (e) => events.push(e.detail);
    window.addEventListener('lit-localize-status', listen);
    const switching = setLanguage('zh');
    // Asynchronous: the messages (and language()) change once @lit/localize has installed the
    // zh templates and said so, all at the same moment.
    expect(language()).toBe('en');
    expect(t('layers.params', { n: '1,290' })).toBe('1,290 params');
    await switching;
    expect(language()).toBe('zh');
    window.removeEventListener('lit-localize-status', listen);
    expect(events).toEqual([{ status: 'loading', loadingLocale: 'zh' }, { status: 'ready', readyLocale: 'zh' }]);
    expect(t('layers.params', { n: '1,290' })).toBe('1,290 个参数');
    await setLanguage('xx');
    expect(language()).toBe('zh');
    expect(t('layers.params', { n: '1,290' })).toBe('1,290 个参数');
    await setLanguage('en');
    expect(t('layers.params', { n: '1,290' })).toBe('1,290 params');
    expect(t('no.such.key')).toBe('no.such.key');
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(4804200)).toBe('4.6 MB');
  });

  it('formats durations: tenths under 10 s (a run on threads can take 0.8 s), then seconds, then minutes', async () => {
    expect(formatDuration(0)).toBe('0.0 s');
    expect(formatDuration(0.87)).toBe('0.8 s');
    expect(formatDuration(9.99)).toBe('9.9 s');
    expect(formatDuration(10.6)).toBe('10 s');
    expect(formatDuration(65)).toBe('1:05');
    await setLanguage('zh');
    expect(formatDuration(0.87)).toBe('0.8 秒');
    await setLanguage('en');
  });
});
