// nn-threads-control.browser.test.js: the Settings' thread count in Chromium: 1 to 8 offered, what
// runs now said in words, why only one thread can run said instead (each reason, both
// languages), disabled where threads cannot run; a user's choice emits threads-change, a value
// set from code emits nothing. Then the page's kept count (shell/training.js): localStorage, else
// the cores, 1 to 8.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inBrowser, mount } from './viz/helpers.js';

const REASONS = ['isolation', 'frame', 'shared', 'workers', 'memory', 'start'];

describe.skipIf(!inBrowser)('nn-threads-control', () => {
  let mounted;
  let i18n;
  beforeAll(async () => {
    i18n = await import('../../../web/src/i18n/index.js');
    await i18n.setLanguage('en');
    await import('../../../web/src/components/nn-threads-control.js');
  });
  afterEach(async () => {
    mounted?.remove();
    await i18n.setLanguage('en');
  });
  const parts = (el) => ({ select: el.shadowRoot.querySelector('select'), note: el.shadowRoot.querySelector('#threads-note').textContent.trim() });

  it('offers 1 to 8, says how many train now, and emits a user\'s choice only', async () => {
    mounted = await mount('nn-threads-control', { value: 4, running: 4, max: 8, reason: '' });
    const { el, events } = mounted;
    const { select, note } = parts(el);
    expect([...select.options].map((o) => o.value)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(select.value).toBe('4');
    expect(select.disabled).toBe(false);
    expect(note).toBe('4 threads train now. Any count gives the same numbers, bit for bit, so it is kept in this browser and not in the link.');
    expect(select.getAttribute('aria-describedby')).toBe('threads-note');
    // Set from code: nothing emitted.
    el.value = 2;
    el.running = 1;
    await el.updateComplete;
    expect(parts(el).select.value).toBe('2');
    expect(parts(el).note).toMatch(/^One thread trains now\./);
    expect(events.filter((e) => e.type === 'threads-change')).toEqual([]);
    // A user's choice: one event, its count.
    select.value = '6';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    const emitted = events.filter((e) => e.type === 'threads-change');
    expect(emitted.map((e) => e.detail)).toEqual([{ threads: 6 }]);
    expect(emitted[0].bubbles && emitted[0].composed).toBe(true);
  });

  it('says why only one thread runs, for each reason, in English and Chinese, and is disabled where none can', async () => {
    mounted = await mount('nn-threads-control', { value: 4, running: 1, max: 1, reason: 'isolation' });
    const { el } = mounted;
    expect(parts(el).select.disabled).toBe(true);
    expect(parts(el).select.value).toBe('1'); // what runs, not what was asked for
    expect(parts(el).note).toMatch(/^One thread: this page is not cross-origin isolated \(the host sends no COOP\/COEP headers\)\./);
    const seen = { en: new Set(), zh: new Set() };
    for (const lang of ['en', 'zh']) {
      await i18n.setLanguage(lang);
      for (const reason of REASONS) {
        el.reason = reason;
        el.max = reason === 'start' ? 8 : 1;
        el.running = reason === 'start' ? 2 : 1;
        await el.updateComplete;
        const { note } = parts(el);
        expect(note, `${lang} ${reason}`).not.toContain('threads.why');
        if (lang === 'zh') expect(note).toMatch(/[\u4e00-\u9fff]/);
        if (reason === 'start') expect(note).toContain('2');
        seen[lang].add(note);
      }
    }
    expect(seen.en.size).toBe(REASONS.length);
    expect(seen.zh.size).toBe(REASONS.length);
    // 'start': the threaded core runs, so the count can still be chosen.
    expect(parts(el).select.disabled).toBe(false);
  });
});

describe('the kept thread count', () => {
  it('is the browser\'s choice, else its cores, always 1 to 8', async () => {
    const { keptThreads, keepThreads } = await import('../../../web/src/shell/training.js');
    const store = new Map();
    const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, String(v)) };
    expect(keptThreads(storage, 4)).toBe(4);
    expect(keptThreads(storage, 16)).toBe(8);
    expect(keptThreads(storage, 0)).toBe(1); // no hardwareConcurrency
    keepThreads(3, storage);
    expect(keptThreads(storage, 16)).toBe(3);
    store.set('nn-playground-threads', 'garbage');
    expect(keptThreads(storage, 2)).toBe(2);
    expect(keptThreads(null, 6)).toBe(6); // no storage (refused)
    expect(() => keepThreads(2, { setItem() { throw new Error('QuotaExceededError'); } })).not.toThrow();
  });
});
