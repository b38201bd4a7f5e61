// fixtures.js: small things the web tests share.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { loadMnist } from '../../web/src/data/datasets.js';
import { parseExperiment } from '../../web/src/experiment/validate.js';
import { freshCore, nodeMnistSource } from '../../web/src/node.js';

/** A validated copy of one of web/experiments/*.json, with some fields replaced. */
export function example(name, changes = {}) {
  const raw = JSON.parse(readFileSync(new URL(`../../web/experiments/${name}.json`, import.meta.url), 'utf8'));
  return parseExperiment({ ...raw, ...changes });
}

/**
 * A 2-D experiment big enough that every product of a step is split over the threads (256-wide
 * layers, batch 128), for the tests of the threaded core's host and of the page's threads.
 */
export function threadedSpirals() {
  return example('xor-tanh', {
    data: { set: 'spirals', count: 1024, noise: 0.1, test_count: 256 },
    layers: [{ type: 'dense', units: 256 }, { type: 'relu' }, { type: 'dense', units: 256 }, { type: 'relu' }, { type: 'dense', units: 2 }],
    batch_size: 128, epochs: 5,
  });
}

/**
 * Real MNIST (build.sh's copy) in a fresh core, for the tests of the file that calls this at its
 * top: loaded before them, disposed after them. Returns {core, mnist}, filled in by then.
 */
export function realMnist() {
  const real = { core: null, mnist: null };
  beforeAll(async () => {
    real.core = await freshCore();
    real.mnist = await loadMnist(real.core, nodeMnistSource());
  });
  afterAll(() => real.mnist?.dispose());
  return real;
}

/** A fresh core with fakeMnist(count) in it, for the tests of the file that calls this at its top: {core, data}. */
export function fakeMnistCore(count) {
  const made = { core: null, data: null };
  beforeAll(async () => {
    made.core = await freshCore();
    made.data = fakeMnist(made.core, count);
  });
  afterAll(() => made.data?.dispose());
  return made;
}

/** The smallest MNIST model: one dense layer straight over the pixels (its weights picture as filters), SGD. */
export function linearMnist(changes) {
  return parseExperiment({
    version: 1,
    data: { set: 'mnist' },
    layers: [{ type: 'flatten' }, { type: 'dense', units: 10 }],
    loss: { type: 'cross_entropy' },
    optimizer: { type: 'sgd', lr: 0.01 },
    ...changes,
  });
}

/** An MNIST-shaped data set of `count` made-up images, for tests that need no real pixels. */
export function fakeMnist(core, count = 32) {
  const x = core.alloc(count * 784);
  const y = core.alloc(count);
  const pixels = core.u8(x, count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37 + (i >> 9)) & 255;
  const labels = core.u8(y, count);
  for (let i = 0; i < count; i++) labels[i] = i % 10;
  const split = { type: 'u8', x, y, count, scale: 1 / 255 };
  return {
    name: 'mnist', shape: [1, 28, 28], features: 784, classes: 10, train: split, test: split,
    dispose: () => { core.free(x); core.free(y); },
  };
}

/** An IDX file of unsigned bytes with the given dimensions, filled by fill(i). */
export function idx(dims, fill = (i) => i & 255) {
  const size = dims.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * dims.length + size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0x0800 | dims.length, false);
  dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < size; i++) out[4 + 4 * dims.length + i] = fill(i);
  return out;
}
