// chart-ticks.test.js: the labs' chart axes. The activation curves' range keeps the negative half
// (tanh, ELU, Swish's dip), and the loss lab's log axis from 10⁻⁹ to 10 labels at most five decades.

import { describe, expect, it } from 'vitest';
import { MAX_DECADES, decadeLabel, decadeSplits, signedRange, tickLabel, linearSplits, LINEAR_STEPS } from '../../../web/src/labs/chart-ticks.js';

describe('signedRange', () => {
  it('keeps tanh\'s -1 and ELU\'s -α in view, with room', () => {
    const [lo, hi] = signedRange(-1, 1);
    expect(lo).toBeLessThan(-1);
    expect(hi).toBeGreaterThan(1);
    expect(signedRange(-0.278, 6)[0]).toBeLessThan(-0.278); // Swish's dip under ReLU-sized values
  });
  it('starts at zero for curves that never go below it (sigmoid, ReLU)', () => {
    expect(signedRange(0, 1)).toEqual([0, 1.1]);
    expect(signedRange(0.2, 6)[0]).toBe(0);
  });
});

describe('decadeSplits and decadeLabel', () => {
  it('labels at most five decades from 10⁻⁹ to 10, the top one kept', () => {
    const splits = decadeSplits(1e-9, 10);
    expect(splits.length).toBeLessThanOrEqual(MAX_DECADES);
    expect(splits.at(-1)).toBe(10);
    expect(splits.map((v) => decadeLabel(Math.round(Math.log10(v))))).toEqual(['10⁻⁸', '10⁻⁵', '0.01', '10']);
  });
  it('labels every decade when there are few', () => {
    expect(decadeSplits(0.01, 10).map((v) => decadeLabel(Math.round(Math.log10(v))))).toEqual(['0.01', '0.1', '1', '10']);
    expect(decadeLabel(3)).toBe('10³');
    expect(decadeLabel(-12)).toBe('10⁻¹²');
  });
});

describe('tickLabel', () => {
  it('writes huge and tiny values as a mantissa times a power of ten, the rest as they are', () => {
    expect(tickLabel(-2e37)).toBe('-2×10³⁷');
    expect(tickLabel(2.5e-7)).toBe('2.5×10⁻⁷');
    expect(tickLabel(0.25)).toBe('0.25');
    expect(tickLabel(-1)).toBe('-1');
    expect(tickLabel(0)).toBe('0');
  });
});

describe('linearSplits', () => {
  it('gives round ticks, also for a path that runs off to -7×10³⁷ (uPlot gave none)', () => {
    expect(linearSplits(-1.1, 1.1)).toEqual([-1, -0.5, 0, 0.5, 1]);
    const huge = linearSplits(-7.45e37, 6.8e36);
    expect(huge.length).toBeGreaterThanOrEqual(3);
    expect(huge.map(tickLabel)).toEqual(['-6×10³⁷', '-4×10³⁷', '-2×10³⁷', '0']);
  });
});

describe('LINEAR_STEPS', () => {
  it('reaches past the 7×10³⁷ of momentum leaving the saddle, in 1-2-5 steps', () => {
    expect(LINEAR_STEPS.at(-1)).toBeGreaterThan(1e38);
    expect(LINEAR_STEPS.slice(20 * 3, 20 * 3 + 4)).toEqual([1, 2, 5, 10]);
  });
});
