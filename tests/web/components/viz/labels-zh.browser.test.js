// labels-zh.browser.test.js: every viz element's English labels have a Chinese twin in
// labels-zh.js with the same {placeholders}, and no Chinese key is left over from a removed label.
import { describe, expect, it } from 'vitest';
import { inBrowser } from './helpers.js';

const PLACEHOLDERS = /\{(\w+)\}/g;
const names = (text) => [...String(text).matchAll(PLACEHOLDERS)].map((m) => m[1]).sort();

describe.skipIf(!inBrowser)('the viz elements\' Chinese labels', () => {
  it('cover every English label, with the same placeholders', async () => {
    const { VIZ_LABELS_ZH } = await import('../../../../web/src/components/viz/labels-zh.js');
    const modules = import.meta.glob('../../../../web/src/components/viz/nn-*.js');
    let checked = 0;
    for (const [file, load] of Object.entries(modules)) {
      const tag = file.split('/').pop().replace(/\.js$/, '');
      const exported = Object.entries(await load()).filter(([name]) => name.endsWith('_LABELS'));
      for (const [, en] of exported) {
        const zh = VIZ_LABELS_ZH[tag];
        expect(zh, `${tag} has Chinese labels`).toBeTypeOf('object');
        expect(Object.keys(zh).sort(), tag).toEqual(Object.keys(en).sort());
        for (const key of Object.keys(en)) {
          expect(names(zh[key]), `${tag}.${key}`).toEqual(names(en[key]));
          const words = String(zh[key]).replace(PLACEHOLDERS, '');
          expect(/[\u4e00-\u9fff]/.test(words) || !/[a-z]{3}/i.test(words), `${tag}.${key} is Chinese: ${zh[key]}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(90);
  });
});
