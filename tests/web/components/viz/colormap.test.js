// Colour maps: viridis and the blue–orange map stay ordered and distinguishable with colour blindness.
import { describe, expect, it } from 'vitest';
import { CATEGORICAL, blueOrange, lookupTable, luminance, textColorOn, toHex, viridis, viridisSteps } from '../../../../web/src/components/viz/colormap.js';

// Viénot, Brettel & Mollon (1999) simulation of deuteranopia and protanopia, in linear RGB.
const SIM = {
  deuteranopia: [[0.29275, 0.70725, 0], [0.29275, 0.70725, 0], [-0.02234, 0.02234, 1]],
  protanopia: [[0.11238, 0.88762, 0], [0.11238, 0.88762, 0], [0.00401, -0.00401, 1]],
};
const toLinear = (c) => ((c / 255) <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
function simulate(rgb, kind) {
  const lin = rgb.map(toLinear);
  return SIM[kind].map((row) => Math.min(1, Math.max(0, row[0] * lin[0] + row[1] * lin[1] + row[2] * lin[2])));
}
const distance = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const hexToRgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

describe('viridis', () => {
  it('has matplotlib\'s end points and clamps', () => {
    expect(toHex(viridis(0))).toBe('#440154');
    expect(toHex(viridis(1))).toBe('#fde725');
    expect(viridis(-3)).toEqual(viridis(0));
    expect(viridis(7)).toEqual(viridis(1));
    expect(viridis(NaN)).toEqual(viridis(0));
  });

  it('gets lighter all the way (a sequential map reads without hue)', () => {
    let last = -1;
    for (let t = 0; t <= 1.0001; t += 0.02) {
      const l = luminance(viridis(t));
      expect(l).toBeGreaterThan(last);
      last = l;
    }
  });
});

describe('blueOrange', () => {
  it('is near-white at zero and dark at both ends', () => {
    expect(luminance(blueOrange(0))).toBeGreaterThan(0.85);
    expect(luminance(blueOrange(-1))).toBeLessThan(0.15);
    expect(luminance(blueOrange(1))).toBeLessThan(0.15);
  });

  it('keeps negative and positive apart under deuteranopia and protanopia', () => {
    for (const kind of Object.keys(SIM)) {
      for (const t of [0.3, 0.6, 1]) {
        expect(distance(simulate(blueOrange(-t), kind), simulate(blueOrange(t), kind))).toBeGreaterThan(0.12);
      }
    }
  });

  it('fills a 256-entry lookup table from -1 to 1', () => {
    const table = lookupTable(blueOrange, true);
    expect(table).toHaveLength(768);
    expect(Array.from(table.slice(0, 3))).toEqual(blueOrange(-1));
    expect(Array.from(table.slice(765))).toEqual(blueOrange(1));
  });
});

describe('categorical palette and text', () => {
  it('keeps the first colours (train, test, second run) apart under colour blindness', () => {
    const colors = CATEGORICAL.slice(0, 4).map(hexToRgb);
    for (const kind of Object.keys(SIM)) {
      for (let i = 0; i < colors.length; i++) {
        for (let j = i + 1; j < colors.length; j++) {
          expect(distance(simulate(colors[i], kind), simulate(colors[j], kind))).toBeGreaterThan(0.08);
        }
      }
    }
  });

  it('picks readable text on dark and light cells', () => {
    expect(textColorOn(viridis(0))).toBe('#ffffff');
    expect(textColorOn(viridis(1))).toBe('#000000');
  });

  it('spreads layer colours along viridis', () => {
    const steps = viridisSteps(5);
    expect(steps).toHaveLength(5);
    expect(new Set(steps).size).toBe(5);
    expect(viridisSteps(1)).toHaveLength(1);
  });
});
