// canonical.test.js: experiments compare by their numbers, whatever the order of their fields.
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalRun, sameExperiment } from '../../../web/src/experiment/canonical.js';
import { presetOf } from '../../../web/src/experiment/presets.js';

describe('canonical', () => {
  const mlp = presetOf('mlp').experiment;
  const reordered = Object.fromEntries(Object.entries(structuredClone(mlp)).reverse());
  reordered.optimizer = Object.fromEntries(Object.entries(mlp.optimizer).reverse());

  it('sorts keys at every depth and keeps arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: 2 } })).toBe('{"a":{"c":2,"d":[3,1]},"b":1}');
    expect(canonicalJson(reordered)).toBe(canonicalJson(mlp));
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(mlp));
  });

  it('sameExperiment ignores the name and description, not the numbers', () => {
    expect(sameExperiment(reordered, mlp)).toBe(true);
    expect(sameExperiment({ ...mlp, name: 'other', description: 'x' }, mlp)).toBe(true);
    expect(sameExperiment({ ...mlp, epochs: mlp.epochs + 1 }, mlp)).toBe(false);
    expect(sameExperiment({ ...mlp, optimizer: { ...mlp.optimizer, lr: 0.5 } }, mlp)).toBe(false);
  });

  it('canonicalRun also leaves out the epochs (they only say when to stop)', () => {
    expect(canonicalRun({ ...reordered, epochs: 99, name: 'n' })).toBe(canonicalRun(mlp));
    expect(canonicalRun({ ...mlp, seed: mlp.seed + 1 })).not.toBe(canonicalRun(mlp));
  });
});
