// Percentiles from histograms, re-binning, EMA smoothing, series alignment and label formatting.
import { describe, expect, it } from 'vitest';
import {
  BAND_PERCENTILES, SeriesAligner, alignSeries, emaSmooth, format, formatNumber, formatTicks, percentilesFromHistogram, positiveOnly, readSnapshot,
  rebinHistogram, summarizeRows,
} from '../../../../web/src/components/viz/stats.js';

// The same equal-bin histogram the core's nn_histogram makes (values outside clamp to the ends).
function histogram(values, bins, lo, hi) {
  const counts = new Uint32Array(bins);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)))] += 1;
  return counts;
}

function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('percentilesFromHistogram', () => {
  it('interpolates linearly inside bins of a uniform histogram', () => {
    const counts = new Array(10).fill(100); // values spread evenly over [0, 10]
    const [p0, p5, p25, p50, p75, p95, p100] = percentilesFromHistogram(counts, 0, 10);
    expect(p0).toBeCloseTo(0, 12);
    expect(p5).toBeCloseTo(0.5, 12);
    expect(p25).toBeCloseTo(2.5, 12);
    expect(p50).toBeCloseTo(5, 12);
    expect(p75).toBeCloseTo(7.5, 12);
    expect(p95).toBeCloseTo(9.5, 12);
    expect(p100).toBeCloseTo(10, 12);
  });

  it('gives the exact min and max when the statistics are known', () => {
    const counts = [0, 5, 5, 0];
    const out = percentilesFromHistogram(counts, 0, 4, [0, 50, 100], 1.2, 2.7);
    expect(out[0]).toBe(1.2);
    expect(out[1]).toBeCloseTo(2, 12);
    expect(out[2]).toBe(2.7);
  });

  it('skips empty bins at the ends (p0 is the first non-empty bin without statistics)', () => {
    const out = percentilesFromHistogram([0, 0, 4, 0], 0, 4, [0, 100]);
    expect(out).toEqual([2, 3]);
  });

  it('agrees with the sorted sample to within a bin width', () => {
    const random = seeded(7);
    const values = Array.from({ length: 50_000 }, () => {
      const u = Math.max(1e-12, random());
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random()) * 0.05 + 0.01;
    });
    const sorted = [...values].sort((a, b) => a - b);
    const lo = sorted[0];
    const hi = sorted[sorted.length - 1];
    const bins = 64;
    const out = percentilesFromHistogram(histogram(values, bins, lo, hi), lo, hi, BAND_PERCENTILES, lo, hi);
    const width = (hi - lo) / bins;
    BAND_PERCENTILES.forEach((p, k) => {
      const exact = sorted[Math.min(sorted.length - 1, Math.round((p / 100) * (sorted.length - 1)))];
      expect(Math.abs(out[k] - exact)).toBeLessThan(width);
    });
    for (let k = 1; k < out.length; k++) expect(out[k]).toBeGreaterThanOrEqual(out[k - 1]);
  });

  it('collapses to the value when every value is equal (lo == hi as the core reports it)', () => {
    // Session.tensorStats uses [min, min + 1] when max == min; all counts land in bin 0.
    const out = percentilesFromHistogram([10, 0, 0, 0], 0.25, 1.25, BAND_PERCENTILES, 0.25, 0.25);
    expect(out.every((v) => v === 0.25)).toBe(true);
  });

  it('returns NaN for an empty histogram', () => {
    expect(percentilesFromHistogram([0, 0], 0, 1, [50]).every(Number.isNaN)).toBe(true);
    expect(percentilesFromHistogram([], 0, 1, [50]).every(Number.isNaN)).toBe(true);
  });
});

describe('readSnapshot', () => {
  it('reads the session tensorStats shape and the stats-array shape alike', () => {
    const a = readSnapshot({ step: 3, counts: [1, 2, 1], lo: -1, hi: 2, min: -0.9, max: 1.9, mean: 0.4, std: 0.7 });
    const b = readSnapshot({ step: 3, counts: Uint32Array.from([1, 2, 1]), lo: -1, hi: 2, stats: [-0.9, 1.9, 0.4, 0.7] });
    for (const r of [a, b]) {
      expect(r).toMatchObject({ step: 3, lo: -1, hi: 2, min: -0.9, max: 1.9, mean: 0.4, std: 0.7, total: 4 });
    }
  });

  it('falls back to the outermost non-empty bin edges without statistics', () => {
    const r = readSnapshot({ counts: [0, 3, 1, 0], lo: 0, hi: 8 });
    expect(r.min).toBe(2);
    expect(r.max).toBe(6);
  });
});

describe('rebinHistogram', () => {
  it('keeps the counts when the grid is the same', () => {
    expect(Array.from(rebinHistogram([1, 2, 3, 4], 0, 4, 0, 4, 4))).toEqual([1, 2, 3, 4]);
  });

  it('keeps the total mass on a coarser, wider grid', () => {
    const out = rebinHistogram([4, 4, 4, 4], 0, 4, -2, 6, 4); // new bins of width 2 over [-2, 6]
    expect(Array.from(out)).toEqual([0, 8, 8, 0]);
  });

  it('shares a bin between the new bins it overlaps', () => {
    const out = rebinHistogram([10], 0, 1, 0, 2, 4); // [0, 0.5) and [0.5, 1) get half each
    expect(Array.from(out)).toEqual([5, 5, 0, 0]);
  });

  it('puts mass outside the new range into the end bins', () => {
    // [-1, 0) lies below the new range [0, 1]: all of it goes to the first bin; [0, 1) splits.
    const out = rebinHistogram([6, 6], -1, 1, 0, 1, 2);
    expect(out[0]).toBeCloseTo(9, 12);
    expect(out[1]).toBeCloseTo(3, 12);
  });
});

describe('emaSmooth', () => {
  it('is the identity with weight 0', () => {
    expect(emaSmooth([3, 1, 2], 0)).toEqual([3, 1, 2]);
  });

  it('is debiased: a constant stays constant from the first point', () => {
    for (const v of emaSmooth(new Array(20).fill(2.5), 0.9)) expect(v).toBeCloseTo(2.5, 12);
  });

  it('follows TensorBoard\'s formula', () => {
    const w = 0.6;
    const values = [1, 3, 2, 5];
    let last = 0;
    const expected = values.map((v, i) => {
      last = last * w + (1 - w) * v;
      return last / (1 - w ** (i + 1));
    });
    emaSmooth(values, w).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
  });

  it('passes gaps and non-finite values through without letting them into the average', () => {
    const out = emaSmooth([1, null, NaN, 1], 0.5);
    expect(out[1]).toBeNull();
    expect(Number.isNaN(out[2])).toBe(true);
    expect(out[3]).toBeCloseTo(1, 12);
  });
});

describe('alignSeries', () => {
  it('copies series that share their steps', () => {
    const steps = [1, 2, 3];
    const { x, ys } = alignSeries([{ x: steps, y: [3, 2, 1] }, { x: steps, y: [0.1, 0.2, NaN] }]);
    expect(Array.from(x)).toEqual([1, 2, 3]);
    expect(ys).toEqual([[3, 2, 1], [0.1, 0.2, null]]);
  });

  it('joins train steps with sparser test steps, null where a series has no value', () => {
    const { x, ys } = alignSeries([
      { x: [1, 2, 3, 4, 5, 6], y: [6, 5, 4, 3, 2, 1] },
      { x: [3, 6], y: [4.5, 1.5] },
      { x: [7], y: [9] },
    ]);
    expect(Array.from(x)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(ys[0]).toEqual([6, 5, 4, 3, 2, 1, null]);
    expect(ys[1]).toEqual([null, null, 4.5, null, null, 1.5, null]);
    expect(ys[2]).toEqual([null, null, null, null, null, null, 9]);
  });

  it('honours an explicit length (preallocated typed arrays)', () => {
    const steps = new Float64Array(100);
    const loss = new Float32Array(100);
    steps.set([1, 2, 3]);
    loss.set([2.5, 2, 1.5]);
    const { x, ys } = alignSeries([{ x: steps, y: loss, length: 3 }]);
    expect(Array.from(x)).toEqual([1, 2, 3]);
    expect(ys[0]).toEqual([2.5, 2, 1.5]);
  });

  it('handles no series and empty series', () => {
    expect(alignSeries([]).x.length).toBe(0);
    const { x, ys } = alignSeries([{ x: [], y: [] }, { x: [2], y: [1] }]);
    expect(Array.from(x)).toEqual([2]);
    expect(ys).toEqual([[null], [1]]);
  });
});

describe('SeriesAligner', () => {
  it('joins only the new points while logs grow, and agrees with a full join', () => {
    const random = seeded(3);
    const train = { steps: [], loss: [] };
    const test = { steps: [], loss: [] };
    const other = { steps: [], loss: [] };
    const aligner = new SeriesAligner();
    let step = 0;
    for (let frame = 0; frame < 40; frame++) {
      const n = Math.floor(random() * 30);
      for (let i = 0; i < n; i++) {
        step += 1;
        train.steps.push(step);
        train.loss.push(random());
        if (step % 7 === 0) {
          test.steps.push(step);
          test.loss.push(random());
        }
        if (step % 2 === 0) {
          other.steps.push(step);
          other.loss.push(random());
        }
      }
      const series = [train, test, other].map((log) => ({ x: log.steps, y: log.loss }));
      const got = aligner.update(series);
      const want = alignSeries(series);
      expect(got.x).toEqual(Array.from(want.x));
      expect(got.ys).toEqual(want.ys);
    }
    expect(aligner.rebuilds).toBe(1);
  });

  it('re-joins everything when a step lands between joined steps or the arrays change', () => {
    const a = { steps: [1, 2, 5], loss: [1, 2, 5] };
    const b = { steps: [], loss: [] };
    const aligner = new SeriesAligner();
    const series = () => [{ x: a.steps, y: a.loss }, { x: b.steps, y: b.loss }];
    aligner.update(series());
    b.steps.push(3);
    b.loss.push(3);
    const got = aligner.update(series());
    expect(got.x).toEqual([1, 2, 3, 5]);
    expect(got.ys[1]).toEqual([null, null, 3, null]);
    expect(aligner.rebuilds).toBe(2);
    aligner.update([{ x: [...a.steps], y: a.loss }, { x: b.steps, y: b.loss }]);
    expect(aligner.rebuilds).toBe(3);
  });
});

describe('summarizeRows', () => {
  // A noisy falling loss with rare spikes, and a test point every 997 steps.
  const n = 100_000;
  const random = seeded(7);
  const x = Array.from({ length: n }, (_, i) => i + 1);
  const train = x.map((s) => 0.1 + 2 * Math.exp(-s / 5000) + 0.3 * random() + (s % 12_345 === 0 ? 5 : 0));
  const test = x.map((s) => (s % 997 === 0 ? 0.2 + 2 * Math.exp(-s / 5000) : null));

  it('keeps the first, last, lowest and highest value of each pixel column, and every sparse point', () => {
    const width = 500;
    const { x: sx, columns: [strain, stest], points } = summarizeRows(x, [train, test], width);
    expect(points).toBe(n + Math.floor(n / 997));
    expect(sx.length).toBeLessThanOrEqual(4 * width + Math.floor(n / 997) + 2);
    expect(sx.length).toBeGreaterThan(2 * width);
    // Real rows only, in order, the ends kept.
    expect(sx[0]).toBe(1);
    expect(sx.at(-1)).toBe(n);
    for (let i = 1; i < sx.length; i++) expect(sx[i]).toBeGreaterThan(sx[i - 1]);
    sx.forEach((s, i) => {
      expect(strain[i]).toBe(train[s - 1]);
      expect(stest[i]).toBe(test[s - 1]);
    });
    // Each column of 200 rows draws the same vertical extent: its lowest and highest are kept.
    const size = n / width;
    for (let b = 0; b < width; b++) {
      const rows = train.slice(b * size, (b + 1) * size);
      const kept = strain.filter((_, i) => sx[i] > b * size && sx[i] <= (b + 1) * size);
      expect(Math.min(...kept)).toBe(Math.min(...rows));
      expect(Math.max(...kept)).toBe(Math.max(...rows));
    }
    // The spikes and every test point survive.
    expect(strain.filter((v) => v > 5).length).toBe(Math.floor(n / 12_345));
    expect(stest.filter((v) => v !== null).length).toBe(Math.floor(n / 997));
  });

  it('leaves short columns whole and counts only finite values', () => {
    const { x: sx, columns, points } = summarizeRows([1, 2, 3], [[0.5, null, NaN], [null, 1, 2]], 10);
    expect(sx).toEqual([1, 2, 3]);
    expect(columns).toEqual([[0.5, null, NaN], [null, 1, 2]]);
    expect(points).toBe(3);
  });
});

describe('labels', () => {
  it('fills templates and keeps unknown placeholders', () => {
    expect(format('expected at init: ln {classes} = {value}', { classes: 10, value: '2.30' })).toBe('expected at init: ln 10 = 2.30');
    expect(format('{a} {b}', { a: 1 })).toBe('1 {b}');
  });

  it('formats numbers compactly', () => {
    expect(formatNumber(2.302585)).toBe('2.3');
    expect(formatNumber(0.000123)).toBe('1.23e-4');
    expect(formatNumber(NaN)).toBe('–');
    expect(formatNumber(null)).toBe('–');
  });

  it('turns non-positive values into gaps for log axes', () => {
    expect(positiveOnly([1, 0, -2, null, 3])).toEqual([1, null, null, null, 3]);
  });
});

describe('formatTicks', () => {
  it('adds digits until no two ticks read alike, and keeps three where they differ', () => {
    expect(formatTicks([2.306, 2.307, 2.308, 2.309])).toEqual(['2.306', '2.307', '2.308', '2.309']);
    expect(formatTicks([0, 0.5, 1, 1.5, 2])).toEqual(['0', '0.5', '1', '1.5', '2']);
  });
});
