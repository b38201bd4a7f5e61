// mnist-bytes.js: MNIST for the TF.js side of the benchmark, kept as bytes in JS memory, and the
// batch order both sides use: a fresh shuffle every epoch, batches of 64, a short last batch,
// pixels scaled bytes -> floats (x / 255) one batch at a time, as the core's nn_train_step does.

import { gunzip, idxHeader } from '../src/data/idx.js';
import { MNIST_FILES } from '../src/data/datasets.js';

/** The IDX file's dimensions and the data after its header (only what MNIST uses is checked). */
function parseIdx(bytes, name) {
  const header = idxHeader(bytes);
  if (!header) throw new Error(`${name}: not an IDX file of bytes`);
  const { dims, offset, size } = header;
  if (bytes.length !== offset + size) throw new Error(`${name}: ${bytes.length} bytes, expected ${offset + size}`);
  return { dims, data: bytes.subarray(offset) };
}

/** The training split as {images: Uint8Array (count x 784), labels: Uint8Array, count}. */
export async function loadMnistTrainBytes(readFile) {
  const [imagesFile, labelsFile] = await Promise.all([readFile(MNIST_FILES.trainImages), readFile(MNIST_FILES.trainLabels)]);
  const images = parseIdx(gunzip(imagesFile, MNIST_FILES.trainImages, readFile.gunzip), MNIST_FILES.trainImages);
  const labels = parseIdx(gunzip(labelsFile, MNIST_FILES.trainLabels, readFile.gunzip), MNIST_FILES.trainLabels);
  if (images.dims[0] !== labels.dims[0] || images.dims[1] * images.dims[2] !== 784) throw new Error('MNIST: unexpected shapes');
  return { images: images.data, labels: labels.data, count: images.dims[0] };
}

/** mulberry32: a small seeded PRNG for the shuffle (the order, not its quality, is what matters). */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Batches of `batchSize` over a data set of bytes, reshuffled at each epoch start.
 * next() returns {x: Float32Array (n x 784, scaled), y: Float32Array (n x classes one-hot), n};
 * the arrays are reused between calls (the caller copies them into tensors before the next).
 */
export function batchSampler({ images, labels, count }, batchSize, { seed = 1, classes = 10, features = 784 } = {}) {
  const rand = random(seed);
  const order = new Uint32Array(count);
  let pos = 0;
  const xFull = new Float32Array(batchSize * features);
  const yFull = new Float32Array(batchSize * classes);
  const shuffle = () => {
    for (let i = 0; i < count; i++) order[i] = i;
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  };
  shuffle();
  const scale = 1 / 255;
  return {
    next() {
      const n = Math.min(batchSize, count - pos);
      const x = n === batchSize ? xFull : xFull.subarray(0, n * features);
      const y = n === batchSize ? yFull : yFull.subarray(0, n * classes);
      y.fill(0);
      for (let b = 0; b < n; b++) {
        const index = order[pos + b];
        const src = index * features;
        const dst = b * features;
        for (let k = 0; k < features; k++) x[dst + k] = images[src + k] * scale;
        y[b * classes + labels[index]] = 1;
      }
      pos += n;
      if (pos === count) {
        pos = 0;
        shuffle();
      }
      return { x, y, n };
    },
  };
}
