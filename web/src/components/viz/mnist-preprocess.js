// mnist-preprocess.js: turns a drawing into the kind of image MNIST's digits are, so the model sees
// what it was trained on. MNIST's recipe (LeCun et al.): each digit was size-normalised to fit a
// 20x20 box keeping its aspect ratio, anti-aliased to grey levels, then placed in a 28x28 frame so
// that its centre of mass sits at the centre of the frame.

/**
 * The bounding box of the pixels whose ink exceeds `threshold`, as {x0, y0, x1, y1} (inclusive),
 * or null when nothing is drawn. ink: [height][width] values in 0..1.
 */
export function inkBounds(ink, width, height, threshold = 0.02) {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (ink[row + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1, y1 };
}

/**
 * Centre of mass of an image, in continuous coordinates (pixel i covers [i, i + 1), so its centre
 * is i + 0.5). Returns {x, y, mass}; x and y are NaN for an empty image.
 */
export function centerOfMass(img, width, height) {
  let mass = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = img[y * width + x];
      if (v > 0) {
        mass += v;
        sx += v * (x + 0.5);
        sy += v * (y + 0.5);
      }
    }
  }
  return { x: sx / mass, y: sy / mass, mass };
}

// For each destination pixel d along one axis, the source pixels it covers and by how much (in
// source pixels). The destination pixel d covers source [origin + d / scale, origin + (d + 1) / scale).
function footprints(dstSize, origin, scale, srcLo, srcHi) {
  const out = new Array(dstSize);
  for (let d = 0; d < dstSize; d++) {
    const a = origin + d / scale;
    const b = origin + (d + 1) / scale;
    const from = Math.max(srcLo, Math.floor(a));
    const to = Math.min(srcHi, Math.ceil(b) - 1);
    const idx = [];
    const w = [];
    for (let s = from; s <= to; s++) {
      const overlap = Math.min(b, s + 1) - Math.max(a, s);
      if (overlap > 0) {
        idx.push(s);
        w.push(overlap);
      }
    }
    out[d] = { idx, w };
  }
  return out;
}

/**
 * MNIST-style preprocessing of a drawing.
 *
 * ink: [height][width] ink amounts in 0..1 (e.g. a canvas's alpha / 255).
 * Options: box (20: the longer side of the digit after scaling), size (28: the frame),
 * threshold (ink above which a pixel counts for the bounding box).
 * Returns a Float32Array(size * size), row-major, grey levels 0..1 (0 = background, as MNIST
 * after dividing its bytes by 255); all zeros for an empty drawing.
 *
 * Scaling is exact area averaging (each output pixel is the mean ink over its footprint in the
 * drawing), which is the anti-aliasing; the centring offset is fractional, so the centre of mass
 * lands on the frame's centre to within the box filter's rounding, not to the nearest pixel.
 */
export function preprocessDigit(ink, width, height, { box = 20, size = 28, threshold = 0.02 } = {}) {
  const out = new Float32Array(size * size);
  const bounds = inkBounds(ink, width, height, threshold);
  if (!bounds) return out;
  const { x0, y0, x1, y1 } = bounds;
  const scale = box / Math.max(x1 - x0 + 1, y1 - y0 + 1);
  // Centre of mass of the cropped drawing, in drawing coordinates.
  let mass = 0;
  let sx = 0;
  let sy = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const v = ink[y * width + x];
      if (v > 0) {
        mass += v;
        sx += v * (x + 0.5);
        sy += v * (y + 0.5);
      }
    }
  }
  if (!(mass > 0)) return out;
  const cx = sx / mass;
  const cy = sy / mass;
  // Destination coordinate u maps to drawing coordinate cx + (u - size / 2) / scale, so the centre
  // of mass lands on size / 2, the middle of the frame.
  const fx = footprints(size, cx - size / 2 / scale, scale, x0, x1);
  const fy = footprints(size, cy - size / 2 / scale, scale, y0, y1);
  const area = 1 / (scale * scale);
  for (let dy = 0; dy < size; dy++) {
    const { idx: ys, w: wys } = fy[dy];
    if (!ys.length) continue;
    for (let dx = 0; dx < size; dx++) {
      const { idx: xs, w: wxs } = fx[dx];
      if (!xs.length) continue;
      let sum = 0;
      for (let j = 0; j < ys.length; j++) {
        const row = ys[j] * width;
        let rowSum = 0;
        for (let i = 0; i < xs.length; i++) rowSum += ink[row + xs[i]] * wxs[i];
        sum += rowSum * wys[j];
      }
      const v = sum / area;
      out[dy * size + dx] = v > 1 ? 1 : v < 0 ? 0 : v;
    }
  }
  return out;
}

/** The ink of an RGBA image (ImageData.data): its alpha channel as 0..1. */
export function inkFromRgba(rgba, width, height) {
  const ink = new Float32Array(width * height);
  for (let i = 0; i < ink.length; i++) ink[i] = rgba[i * 4 + 3] / 255;
  return ink;
}

/**
 * 1/255 as a float32: the core scales MNIST's bytes by it (data.c: `(float)byte * scale`, with the
 * data set's scale 1/255 handed over as a float).
 */
export const BYTE_SCALE = Math.fround(1 / 255);

/**
 * MNIST bytes (0..255) as the model sees them: byte × BYTE_SCALE rounded to float32, bit for bit
 * what the core's nn_data_gather computes (a byte times a float is exact in a double, so the one
 * rounding into the Float32Array gives the correctly rounded float product, as wasm's f32.mul does).
 */
export function pixelsFromBytes(bytes) {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] * BYTE_SCALE;
  return out;
}

/**
 * The model's input for a drawing that is already in MNIST's frame (a test digit put on the pad,
 * perhaps drawn over): no cropping, scaling or centring, which would move and resample a digit
 * that MNIST has already centred. Each of the size x size output pixels is the mean alpha of its
 * block of (width / size) x (height / size) RGBA pixels, scaled as the core scales bytes, so a
 * block of one alpha value b gives exactly pixelsFromBytes([b]). rgba: ImageData.data; width and
 * height must be multiples of size.
 */
export function framePixels(rgba, width, height, size = 28) {
  const bw = width / size;
  const bh = height / size;
  if (!Number.isInteger(bw) || !Number.isInteger(bh)) throw new RangeError(`framePixels: ${width} x ${height} is not a multiple of ${size}`);
  const sums = new Uint32Array(size * size);
  for (let y = 0; y < height; y++) {
    const row = ((y / bh) | 0) * size;
    for (let x = 0; x < width; x++) sums[row + ((x / bw) | 0)] += rgba[(y * width + x) * 4 + 3];
  }
  const out = new Float32Array(size * size);
  const n = bw * bh;
  for (let i = 0; i < out.length; i++) out[i] = (sums[i] / n) * BYTE_SCALE;
  return out;
}
