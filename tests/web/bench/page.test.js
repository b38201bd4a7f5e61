// page.test.js: how `npm run bench` reads the built page: the first-step latency from the training
// worker's performance marks (two clocks: the page's and the worker's), and the live charts' cost
// from alternating rounds.
import { describe, expect, it } from 'vitest';
import { chartsCost, firstStepTimes } from '../../../web/bench/page.js';

// The worker started 1000 ms after the page; its marks are on its own clock.
const marks = [
  { name: 'nn:core-start', at: 10 },
  { name: 'nn:core-ready', at: 110 },
  { name: 'nn:mnist-in-memory', at: 2110 },
  { name: 'nn:network-built', at: 2140 },
  { name: 'nn:train', at: 2600 },
  { name: 'nn:first-step', at: 2604, detail: { ms: 3.5 } },
  { name: 'nn:train', at: 9000 }, // a later run: only the first of each counts
];

describe('firstStepTimes', () => {
  it('puts the worker\'s marks on the page\'s clock and splits the latency into its parts', () => {
    const t = firstStepTimes({ pageOrigin: 1_700_000_000_000, workerOrigin: 1_700_000_001_000, marks });
    expect(t.at['nn:mnist-in-memory']).toBe(3110);
    expect(t.at['nn:train']).toBe(3600);
    expect(t.latencyMs).toBe(494);
    expect(t.parts).toEqual({ build: 30, wait: 460, step: 4 });
    expect(t.parts.build + t.parts.wait + t.parts.step).toBe(t.latencyMs);
    expect(t.wasmMs).toBe(100);
    expect(t.mnistMs).toBe(2000);
    expect(t.firstStepMs).toBe(3.5);
  });

  it('refuses marks that are missing or out of order', () => {
    expect(() => firstStepTimes({ pageOrigin: 0, workerOrigin: 0, marks: marks.filter((m) => m.name !== 'nn:first-step') }))
      .toThrow(/did not mark nn:first-step/);
    const swapped = marks.map((m) => (m.name === 'nn:network-built' ? { ...m, at: 5000 } : m));
    expect(() => firstStepTimes({ pageOrigin: 0, workerOrigin: 0, marks: swapped })).toThrow(/out of order/);
  });
});

describe('chartsCost', () => {
  it('is the median round\'s off/on - 1, with the median rates', () => {
    const c = chartsCost([{ on: 20000, off: 21000 }, { on: 10000, off: 12000 }, { on: 30000, off: 30000 }]);
    expect(c.costs.map((x) => x.toFixed(3))).toEqual(['0.050', '0.200', '0.000']);
    expect(c.cost).toBeCloseTo(0.05, 12);
    expect(c.onSamplesPerSec).toBe(20000);
    expect(c.offSamplesPerSec).toBe(21000);
    expect(c.met).toBe(true);
  });

  it('misses the target at 10 % and refuses a round without two rates', () => {
    expect(chartsCost([{ on: 10000, off: 11000 }]).met).toBe(false);
    expect(() => chartsCost([{ on: 0, off: 1 }])).toThrow(/two positive rates/);
    expect(() => chartsCost([])).toThrow();
  });
});
