// viz-labels.browser.test.js: every viz element's English labels (its *_LABELS defaults) are
// en/viz.js's entry for its tag, and every other language's viz.js has each of them with the
// same keys and {placeholders}, in that language: no label is missing or left over.
import { describe, expect, it } from 'vitest';
import { inBrowser } from './helpers.js';
import { LANGUAGES, TRANSLATIONS } from '../../../../web/src/i18n/languages.js';

const PLACEHOLDERS = /\{(\w+)\}/g;
const names = (text) => [...String(text).matchAll(PLACEHOLDERS)].map((m) => m[1]).sort();
// What tells a language's text apart from English that was left untranslated.
const SCRIPT = { zh: /[\u4e00-\u9fff]/ };

describe.skipIf(!inBrowser)('the viz elements\' labels in every language', () => {
  it('take their English defaults from en/viz.js, and every language covers them with the same placeholders', async () => {
    const modules = import.meta.glob('../../../../web/src/components/viz/nn-*.js');
    const english = TRANSLATIONS.en.viz;
    const tags = [];
    for (const [file, load] of Object.entries(modules)) {
      const tag = file.split('/').pop().replace(/\.js$/, '');
      const exported = Object.entries(await load()).filter(([name]) => name.endsWith('_LABELS'));
      for (const [, defaults] of exported) {
        expect(defaults, tag).toBe(english[tag]);
        tags.push(tag);
      }
    }
    expect(Object.keys(english).sort()).toEqual(tags.sort());
    let checked = 0;
    for (const code of LANGUAGES.filter((c) => c !== 'en')) {
      const viz = TRANSLATIONS[code].viz;
      expect(Object.keys(viz).sort(), code).toEqual(tags);
      for (const tag of tags) {
        expect(Object.keys(viz[tag]).sort(), `${code} ${tag}`).toEqual(Object.keys(english[tag]).sort());
        for (const key of Object.keys(english[tag])) {
          expect(names(viz[tag][key]), `${code} ${tag}.${key}`).toEqual(names(english[tag][key]));
          const words = String(viz[tag][key]).replace(PLACEHOLDERS, '');
          if (SCRIPT[code]) expect(SCRIPT[code].test(words) || !/[a-z]{3}/i.test(words), `${code} ${tag}.${key} is translated: ${viz[tag][key]}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(90);
  });
});
