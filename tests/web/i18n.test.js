// The message table: both languages have the same keys and placeholders, every key the page asks
// for exists, the language follows the browser, and a switch reaches every listening element.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { MESSAGES } from '../../web/src/i18n/messages.js';
import { detectLanguage, formatBytes, language, setLanguage, t } from '../../web/src/i18n/index.js';
import { DATA_SETS, INIT_TYPES, LAYER_TYPES, LOSS_TYPES, OPTIMIZER_TYPES } from '../../web/src/experiment/schema.js';

// @lit/localize announces a switch on `window` (its lit-localize-status event); Node has none.
vi.stubGlobal('window', new EventTarget());

const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('messages', () => {
  it('has the same keys and placeholders in English and Chinese', () => {
    expect(Object.keys(MESSAGES.zh).sort()).toEqual(Object.keys(MESSAGES.en).sort());
    for (const key of Object.keys(MESSAGES.en)) {
      expect(placeholders(MESSAGES.zh[key]), key).toEqual(placeholders(MESSAGES.en[key]));
      expect(MESSAGES.zh[key].trim().length, key).toBeGreaterThan(0);
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
    for (const key of need) expect(MESSAGES.en, key).toHaveProperty([key]);
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
    for (const key of keys) expect(MESSAGES.en, key).toHaveProperty([key]);
  });

  it('tells the lesson\'s MSRA formula apart from torch\'s kaiming', () => {
    expect(MESSAGES.en['init.msra_lesson']).toContain('√(1/fan_in)');
    expect(MESSAGES.en['init.kaiming_normal']).not.toBe(MESSAGES.en['init.msra_lesson']);
    expect(MESSAGES.zh['init.msra_lesson']).toContain('课件');
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
});
