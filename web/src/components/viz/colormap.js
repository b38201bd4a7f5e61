// colormap.js: the colour maps of the charts: viridis (sequential), blue–orange (diverging) and
// the Okabe–Ito palette (categorical); all three stay distinguishable for colour-blind viewers.

// viridis at 0, 0.1, ..., 1 (matplotlib's values); in between is linear in sRGB, which is close
// enough to the perceptual original at this spacing.
const VIRIDIS = [
  [0x44, 0x01, 0x54], [0x48, 0x24, 0x75], [0x41, 0x44, 0x87], [0x35, 0x5f, 0x8d], [0x2a, 0x78, 0x8e],
  [0x21, 0x91, 0x8c], [0x22, 0xa8, 0x84], [0x44, 0xbf, 0x70], [0x7a, 0xd1, 0x51], [0xbd, 0xdf, 0x26],
  [0xfd, 0xe7, 0x25],
];

// Blue for negative, near-white at zero, orange for positive: the two ends differ in lightness
// and on the blue–yellow axis, which red–green colour blindness keeps.
const BLUE_ORANGE = [
  [0x08, 0x45, 0x94], [0x42, 0x92, 0xc6], [0x9e, 0xca, 0xe1], [0xf7, 0xf7, 0xf7],
  [0xfd, 0xbe, 0x85], [0xf1, 0x69, 0x13], [0x8c, 0x2d, 0x04],
];

/** Okabe & Ito's colour-blind-safe palette (yellow left out: it vanishes on white). */
export const CATEGORICAL = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#000000'];

function sample(stops, t) {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const pos = x * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [
    Math.round(a[0] + (b[0] - a[0]) * f),
    Math.round(a[1] + (b[1] - a[1]) * f),
    Math.round(a[2] + (b[2] - a[2]) * f),
  ];
}

/** viridis(t) for t in [0, 1] (clamped) as [r, g, b] bytes. */
export function viridis(t) {
  return sample(VIRIDIS, t);
}

/** The diverging map for t in [-1, 1] (clamped): -1 blue, 0 near-white, +1 orange. */
export function blueOrange(t) {
  return sample(BLUE_ORANGE, (t + 1) / 2);
}

/** [r, g, b] -> '#rrggbb'. */
export function toHex([r, g, b]) {
  return `#${((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1)}`;
}

/** [r, g, b] + alpha -> 'rgba(...)'. */
export function toRgba([r, g, b], alpha = 1) {
  return `rgba(${r},${g},${b},${alpha})`;
}

/** Relative luminance (WCAG), to pick black or white text on a coloured cell. */
export function luminance([r, g, b]) {
  const lin = (c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Black or white, whichever reads better on the colour. */
export function textColorOn(rgb) {
  return luminance(rgb) > 0.35 ? '#000000' : '#ffffff';
}

/** A 256-entry lookup table [r, g, b, r, g, b, ...] of a map over t in [0, 1], for per-pixel use. */
export function lookupTable(map, diverging = false) {
  const table = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    const [r, g, b] = diverging ? map(t * 2 - 1) : map(t);
    table[i * 3] = r;
    table[i * 3 + 1] = g;
    table[i * 3 + 2] = b;
  }
  return table;
}

/** n colours spread along viridis from dark to light, stopping short of the pale yellow end. */
export function viridisSteps(n, end = 0.85) {
  if (n <= 1) return [toHex(viridis(0.3))];
  return Array.from({ length: n }, (_, i) => toHex(viridis((i / (n - 1)) * end)));
}
