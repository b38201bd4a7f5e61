// stats.js: the pure data functions behind the charts: percentiles from a histogram, TensorBoard's
// debiased EMA smoothing, re-binning a histogram onto another grid, and joining series that were
// logged at different steps onto one x axis (uPlot draws all series over one shared x array).

/** The percentiles that TensorBoard's distribution view draws as nested bands. */
export const BAND_PERCENTILES = [0, 5, 25, 50, 75, 95, 100];

/**
 * Reads a histogram snapshot in either shape the page may hand over: the session's tensorStats
 * ({counts, lo, hi, min, max, mean, std}) or {counts, lo, hi, stats: [min, max, mean, std]}.
 * Returns {step, counts, lo, hi, min, max, mean, std, total}; min/max fall back to the edges of
 * the outermost non-empty bins when the snapshot carries no statistics.
 */
export function readSnapshot(s) {
  const counts = s.counts ?? [];
  const lo = Number(s.lo);
  const hi = Number(s.hi);
  const st = s.stats;
  let min = st ? st[0] : s.min;
  let max = st ? st[1] : s.max;
  const mean = st ? st[2] : s.mean;
  const std = st ? st[3] : s.std;
  let total = 0;
  let first = -1;
  let last = -1;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (c > 0) {
      total += c;
      if (first < 0) first = i;
      last = i;
    }
  }
  const width = counts.length ? (hi - lo) / counts.length : 0;
  if (!Number.isFinite(min)) min = first < 0 ? lo : lo + first * width;
  if (!Number.isFinite(max)) max = last < 0 ? hi : lo + (last + 1) * width;
  return { step: s.step, counts, lo, hi, min, max, mean, std, total };
}

/**
 * Percentiles (0..100) of the values a histogram counted, interpolating linearly inside a bin
 * (values are taken as spread evenly over their bin) and clamped to [min, max] when known, so
 * the 0th and 100th percentiles are the exact extremes. Returns one number per requested
 * percentile, NaN for an empty histogram.
 *
 * counts: bins equal bins over [lo, hi]; values outside were clamped into the end bins.
 */
export function percentilesFromHistogram(counts, lo, hi, percentiles = BAND_PERCENTILES, min = -Infinity, max = Infinity) {
  const bins = counts.length;
  let total = 0;
  for (let i = 0; i < bins; i++) total += Math.max(0, counts[i]);
  if (!(total > 0) || bins === 0) return percentiles.map(() => NaN);
  const width = (hi - lo) / bins;
  const out = new Array(percentiles.length);
  // Percentiles arrive sorted in practice; walk the cumulative counts once per request anyway,
  // the histograms are small (tens of bins).
  for (let k = 0; k < percentiles.length; k++) {
    const p = Math.min(100, Math.max(0, percentiles[k]));
    const rank = (p / 100) * total;
    let cumulative = 0;
    let value = hi;
    for (let i = 0; i < bins; i++) {
      const c = Math.max(0, counts[i]);
      if (c > 0 && cumulative + c >= rank) {
        const inside = (rank - cumulative) / c;
        value = lo + (i + inside) * width;
        break;
      }
      cumulative += c;
    }
    out[k] = Math.min(max, Math.max(min, value));
  }
  if (percentiles[0] === 0 && Number.isFinite(min)) out[0] = min;
  if (percentiles[percentiles.length - 1] === 100 && Number.isFinite(max)) out[percentiles.length - 1] = max;
  return out;
}

/**
 * Moves a histogram onto another grid of equal bins, sharing each old bin's count among the new
 * bins in proportion to overlap (mass is kept: the counts still add up to the same total).
 */
export function rebinHistogram(counts, lo, hi, newLo, newHi, newBins) {
  const out = new Float64Array(newBins);
  const bins = counts.length;
  if (!bins || !(newHi > newLo)) return out;
  const w = (hi - lo) / bins;
  const nw = (newHi - newLo) / newBins;
  for (let i = 0; i < bins; i++) {
    const c = counts[i];
    if (!(c > 0)) continue;
    const a = lo + i * w;
    const b = a + w;
    if (!(w > 0)) {
      const j = Math.min(newBins - 1, Math.max(0, Math.floor((a - newLo) / nw)));
      out[j] += c;
      continue;
    }
    let j = Math.max(0, Math.floor((a - newLo) / nw));
    const jEnd = Math.min(newBins - 1, Math.floor((b - newLo) / nw));
    // Parts outside the new range go to the end bins, as the core's histogram does.
    if (a < newLo) out[0] += (c * (Math.min(b, newLo) - a)) / w;
    if (b > newHi) out[newBins - 1] += (c * (b - Math.max(a, newHi))) / w;
    for (; j <= jEnd; j++) {
      const na = newLo + j * nw;
      const overlap = Math.min(b, na + nw) - Math.max(a, na);
      if (overlap > 0) out[j] += (c * overlap) / w;
    }
  }
  return out;
}

/**
 * TensorBoard's smoothing: an exponential moving average with weight `weight` in [0, 1), debiased
 * so the start is not pulled towards zero. Non-finite values pass through and do not enter the
 * average. Returns a new array of `length` numbers (null where the input was null).
 */
export function emaSmooth(values, weight, length = values.length) {
  const out = new Array(length);
  const w = Math.min(0.999, Math.max(0, weight));
  let last = 0;
  let n = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      out[i] = null;
      continue;
    }
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    n += 1;
    out[i] = w === 0 ? v : last / (1 - w ** n);
  }
  return out;
}

/** How many points of a series to use: its explicit length, else the shorter of x and y. */
export function seriesLength(x, y, length) {
  const n = Math.min(x?.length ?? 0, y?.length ?? 0);
  return length === undefined || length === null ? n : Math.min(n, length);
}

/**
 * Joins series logged at different steps onto one sorted x axis: the union of all their x
 * values. Returns {x: Float64Array, ys: Array<Array<number|null>>}, null where a series has no
 * value at that x. When every series shares the same x values (the common case: train metrics
 * logged at each step) the join is a copy.
 *
 * series: [{x, y, length?}], each x sorted ascending (steps).
 */
export function alignSeries(series) {
  const lengths = series.map((s) => seriesLength(s.x, s.y, s.length));
  if (series.length === 0) return { x: new Float64Array(0), ys: [] };
  const sameX = series.every((s, k) => lengths[k] === lengths[0] && (s.x === series[0].x || sameValues(s.x, series[0].x, lengths[0])));
  if (sameX) {
    const x = Float64Array.from({ length: lengths[0] }, (_, i) => series[0].x[i]);
    const ys = series.map((s) => toNullable(s.y, lengths[0]));
    return { x, ys };
  }
  // A k-way merge over the series' cursors; k is small (a few series per run).
  const cursor = new Array(series.length).fill(0);
  const xs = [];
  const ys = series.map(() => []);
  for (;;) {
    let next = Infinity;
    for (let k = 0; k < series.length; k++) {
      if (cursor[k] < lengths[k]) next = Math.min(next, series[k].x[cursor[k]]);
    }
    if (next === Infinity) break;
    xs.push(next);
    for (let k = 0; k < series.length; k++) {
      const c = cursor[k];
      if (c < lengths[k] && series[k].x[c] === next) {
        const v = series[k].y[c];
        ys[k].push(Number.isFinite(v) ? v : null);
        cursor[k] = c + 1;
        // Repeated steps in one series (should not happen) are dropped, keeping the first.
        while (cursor[k] < lengths[k] && series[k].x[cursor[k]] === next) cursor[k] += 1;
      } else {
        ys[k].push(null);
      }
    }
  }
  return { x: Float64Array.from(xs), ys };
}

function sameValues(a, b, n) {
  if (!a || !b) return false;
  if (n === 0) return true;
  // Checking the ends and a stride is enough for logs that only ever append; a full check would
  // cost as much as the merge it tries to skip.
  if (a[0] !== b[0] || a[n - 1] !== b[n - 1]) return false;
  const stride = Math.max(1, Math.floor(n / 64));
  for (let i = 0; i < n; i += stride) if (a[i] !== b[i]) return false;
  return true;
}

function toNullable(y, n) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = y[i];
    out[i] = Number.isFinite(v) ? v : null;
  }
  return out;
}

/**
 * The rows of aligned columns (x ascending, each column as long as x, null where a series has no
 * value) that draw the same lines on a plot `buckets` pixels wide: the rows are cut into `buckets`
 * runs of consecutive rows, about one a pixel column, and in each run every column keeps its
 * first, last, lowest and highest value (the M4 summary: a line through those touches the same
 * pixels as one through every row), and all its values when it has no more than four there (a
 * sparse series, the test points, keeps every point). Every kept row is a real row: a tooltip
 * shows a step's true values. Returns {x, columns, points}, points being the finite values of
 * all the rows. A chart of a run of 100,000 steps then hands uPlot a few thousand rows, and a
 * redraw no longer grows with the run.
 */
export function summarizeRows(x, columns, buckets) {
  const n = x.length;
  const keep = new Uint8Array(n);
  const size = Math.max(1, Math.ceil(n / Math.max(1, buckets)));
  let points = 0;
  for (const col of columns) {
    for (let start = 0; start < n; start += size) {
      const end = Math.min(n, start + size);
      let first = -1;
      let last = -1;
      let lo = -1;
      let hi = -1;
      let count = 0;
      for (let i = start; i < end; i++) {
        const v = col[i];
        if (v === null || !Number.isFinite(v)) continue;
        count++;
        if (first < 0) first = lo = hi = i;
        else if (v < col[lo]) lo = i;
        else if (v > col[hi]) hi = i;
        last = i;
      }
      points += count;
      if (count === 0) continue;
      if (count <= 4) {
        for (let i = start; i < end; i++) if (col[i] !== null && Number.isFinite(col[i])) keep[i] = 1;
      } else {
        keep[first] = keep[last] = keep[lo] = keep[hi] = 1;
      }
    }
  }
  if (n) keep[0] = keep[n - 1] = 1;
  const rows = [];
  for (let i = 0; i < n; i++) if (keep[i]) rows.push(i);
  return { x: rows.map((i) => x[i]), columns: columns.map((col) => rows.map((i) => col[i])), points };
}

/** For log-scale axes: non-positive values become gaps instead of -Infinity. */
export function positiveOnly(values) {
  return values.map((v) => (v !== null && v > 0 ? v : null));
}

/** Fills a template like 'loss {value} at step {step}' from an object of values. */
export function format(template, values = {}) {
  return String(template ?? '').replace(/\{(\w+)\}/g, (m, key) => (key in values ? String(values[key]) : m));
}

/** A compact number for labels: 3 significant digits, exponent form for very small or large. */
export function formatNumber(v, digits = 3) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits)).toString();
}

/**
 * An axis's tick labels: formatNumber with `digits` significant digits, or more where that would
 * print two ticks alike (a loss at step 0 spans 2.3051 to 2.3079: "2.31" four times).
 */
export function formatTicks(vals, digits = 3) {
  let labels = vals.map((v) => formatNumber(v, digits));
  for (let d = digits + 1; d <= 8 && new Set(labels).size < labels.length; d++) labels = vals.map((v) => formatNumber(v, d));
  return labels;
}

/**
 * alignSeries for logs that only grow: remembers how much of each series it has joined and, on
 * the next call with the same arrays, joins only the new points (O(new) instead of O(all) per
 * frame). Anything else (other arrays, a shorter series, a new step landing between two joined
 * steps) falls back to a full join. Returns the same {x, ys} arrays, grown in place.
 *
 * The contract: points already logged are never changed; to rewrite a log, pass a new array.
 */
export class SeriesAligner {
  constructor() {
    this.inputs = [];
    this.used = [];
    this.x = [];
    this.ys = [];
    this.rebuilds = 0;
  }

  update(series) {
    const lengths = series.map((s) => seriesLength(s.x, s.y, s.length));
    const same =
      series.length === this.inputs.length &&
      series.every((s, k) => s.x === this.inputs[k].x && s.y === this.inputs[k].y && lengths[k] >= this.used[k]);
    if (!same || !this._append(series, lengths)) this._rebuild(series, lengths);
    return { x: this.x, ys: this.ys };
  }

  _rebuild(series, lengths) {
    const { x, ys } = alignSeries(series.map((s, k) => ({ x: s.x, y: s.y, length: lengths[k] })));
    this.x = Array.from(x);
    this.ys = ys;
    this.inputs = series.map((s) => ({ x: s.x, y: s.y }));
    this.used = lengths.slice();
    this.rebuilds += 1;
  }

  _append(series, lengths) {
    const { x, ys, used } = this;
    const cursor = used.slice();
    for (;;) {
      let k = -1;
      let next = Infinity;
      for (let j = 0; j < series.length; j++) {
        if (cursor[j] < lengths[j] && series[j].x[cursor[j]] < next) {
          next = series[j].x[cursor[j]];
          k = j;
        }
      }
      if (k < 0) break;
      const v = series[k].y[cursor[k]];
      const value = Number.isFinite(v) ? v : null;
      const last = x.length ? x[x.length - 1] : -Infinity;
      if (next > last) {
        x.push(next);
        for (const col of ys) col.push(null);
        ys[k][x.length - 1] = value;
      } else {
        const i = findSorted(x, next);
        if (i < 0) return false; // a step between joined steps: the caller re-joins everything
        if (ys[k][i] === null) ys[k][i] = value;
      }
      cursor[k] += 1;
    }
    this.used = cursor;
    return true;
  }
}

function findSorted(xs, v) {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] === v) return mid;
    if (xs[mid] < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * The ranks of at most `max` of `total` rows, evenly spaced, the first (0) and the last (total - 1)
 * always among them; every rank when total <= max.
 */
export function evenlySpaced(total, max) {
  if (total <= max) return Array.from({ length: total }, (_, i) => i);
  if (max <= 1) return [total - 1];
  return Array.from({ length: max }, (_, k) => Math.round((k * (total - 1)) / (max - 1)));
}
