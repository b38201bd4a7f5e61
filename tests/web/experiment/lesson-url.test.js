// lesson-url.test.js: the lesson= setting of url.js (a page setting, like lang=): round trip and refusals.
import { describe, expect, it } from 'vitest';
import { decodeHash, encodeHash } from '../../../web/src/experiment/url.js';
import { DEFAULT_PRESET } from '../../../web/src/experiment/presets.js';
import { LESSONS } from '../../../web/src/experiment/lessons.js';

const defaults = DEFAULT_PRESET.experiment;

describe('lesson= in the link', () => {
  it('reads back every lesson id, beside the experiment', () => {
    for (const lesson of LESSONS) {
      const e = lesson.experiments[0].experiment;
      const hash = encodeHash(e, { lang: 'zh', lesson: lesson.id });
      expect(hash).toContain(`lesson=${lesson.id}`);
      const d = decodeHash(hash, defaults);
      expect(d.ok).toBe(true);
      expect(d.lesson).toBe(lesson.id);
      expect(d.lang).toBe('zh');
    }
  });

  it('alone, is a page setting: the hash holds no experiment', () => {
    const d = decodeHash('#lesson=optimizer-race', defaults);
    expect(d).toMatchObject({ ok: true, empty: true, lesson: 'optimizer-race' });
  });

  it('refuses what is not an id', () => {
    for (const bad of ['Optimizer', 'a b', '-x', 'x'.repeat(60), '<b>']) {
      const d = decodeHash(`#lesson=${encodeURIComponent(bad)}`, defaults);
      expect(d.ok).toBe(false);
      expect(d.errors[0].key).toBe('lesson');
    }
  });

  it('is left out when not given', () => {
    expect(encodeHash(defaults, {})).not.toContain('lesson=');
  });
});
