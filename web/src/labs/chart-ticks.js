// chart-ticks.js: the labs' chart axes: a linear range that keeps negative values (tanh, ELU) in
// view, and on a log axis one labelled line per decade or per few decades, written as people
// write powers of ten, so that the labels do not crowd each other at 390 px.

/** At most this many labelled decades on a log axis. */
export const MAX_DECADES = 5;

const SUPERSCRIPT = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

const superscript = (n) => String(n).replace(/[-0-9]/g, (c) => SUPERSCRIPT[c]);

/** 10^exponent as people write it: 0.01, 0.1, 1, 10, 100, and 10⁻⁵ or 10³ beyond those. */
export function decadeLabel(exponent) {
  if (Math.abs(exponent) <= 2) return String(10 ** exponent);
  return `10${superscript(exponent)}`;
}

/**
 * A linear axis's tick, short enough for the axis's 52 px: 3 significant digits, and for very large
 * or small values a mantissa times a power of ten (-2×10³⁷ rather than -2.00e+37, which is cut off).
 */
export function tickLabel(v) {
  const a = Math.abs(v);
  if (a === 0 || (a >= 1e-3 && a < 1e5)) return String(Number(v.toPrecision(3)));
  const [m, e] = v.toExponential(1).split('e');
  return `${m.replace(/\.0$/, '')}×10${superscript(Number(e))}`;
}

/** The powers of ten to draw between lo and hi (both > 0): every k-th decade, at most MAX_DECADES, the top one kept. */
export function decadeSplits(lo, hi) {
  const a = Math.ceil(Math.log10(lo) - 1e-9);
  const b = Math.floor(Math.log10(hi) + 1e-9);
  if (!(b >= a)) return [];
  const step = Math.ceil((b - a + 1) / MAX_DECADES);
  const splits = [];
  for (let e = a + ((b - a) % step); e <= b; e += step) splits.push(10 ** e);
  return splits;
}

/** A linear range over [min, max] with 10 % room on each side and zero in view. */
export function signedRange(min, max) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  const pad = (hi - lo || 1) * 0.1;
  return [lo < 0 ? lo - pad : 0, hi + pad];
}

/**
 * Ticks at a round step (1, 2 or 5 times a power of ten) between min and max, about `count` of them.
 * uPlot's own steps end near 10¹⁶, so a path that runs off to -10³⁷ got no tick at all.
 */
export function linearSplits(min, max, count = 5) {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= min) return [];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * power).find((s) => s >= raw);
  const splits = [];
  for (let i = Math.ceil(min / step); i * step <= max + step * 1e-9; i++) splits.push(Number((i * step).toPrecision(12)));
  return splits;
}

/**
 * Round steps from 10⁻²⁰ to 5×10⁴⁰: uPlot draws no tick at all on an axis whose range needs a step
 * past the end of its own list (about 10¹⁶).
 */
export const LINEAR_STEPS = Array.from({ length: 61 }, (_, i) => [1, 2, 5].map((k) => Number(`${k}e${i - 20}`))).flat();
