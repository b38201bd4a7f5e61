// learning.test.js: the core learns for real, in the wasm build under Node, on real MNIST:
// the lesson's claims as numbers. The CNN epoch is the slow one (about half a minute); it runs once.
import { describe, expect, it } from 'vitest';
import { Session } from '../../web/src/engine/session.js';
import { loadMnist, makeSynth } from '../../web/src/data/datasets.js';
import { parseExperiment } from '../../web/src/experiment/validate.js';
import { freshCore, nodeMnistSource } from '../../web/src/node.js';
import { example, realMnist } from './fixtures.js';

const real = realMnist();

/** Trains one epoch; returns {first, test, seconds}: the first step's loss (taken before its update). */
function oneEpoch(session) {
  const started = performance.now();
  const first = session.trainStep();
  let r = first;
  while (!r.epochEnd) r = session.trainStep();
  const seconds = (performance.now() - started) / 1000;
  return { first, test: session.evaluate('test'), seconds };
}

/** The same run in a fresh wasm instance: losses of every step and the final weights' bytes. */
async function trace(experiment, steps) {
  const fresh = await freshCore();
  const data = experiment.data.set === 'mnist' ? await loadMnist(fresh, nodeMnistSource()) : makeSynth(fresh, experiment.data, experiment.seed);
  const s = new Session(fresh, experiment, data);
  try {
    const losses = new Float32Array(steps);
    for (let i = 0; i < steps; i++) losses[i] = s.trainStep().loss;
    const weights = new Uint8Array(s.paramsView().slice().buffer);
    return { losses: new Uint8Array(losses.buffer), weights, buffers: s.tensors.filter((t) => t.buffer === 'buffers').map((t) => s.tensorValues(t)) };
  } finally {
    s.dispose();
    data.dispose();
  }
}

const LN10 = Math.log(10);

describe('learning on real MNIST', () => {
  it('MLP 784-128-10 (ReLU), SGD momentum: loss at init near ln 10, >= 95.8 % after one epoch', () => {
    const s = new Session(real.core, example('mlp'), real.mnist);
    try {
      expect(Math.abs(s.evaluate('test').loss - LN10)).toBeLessThan(0.1);
      const { first, test, seconds } = oneEpoch(s);
      console.log(`MLP: first loss ${first.loss.toFixed(4)}, one epoch ${seconds.toFixed(1)} s, test accuracy ${test.accuracy}`);
      expect(Math.abs(first.loss - LN10)).toBeLessThan(0.1);
      expect(s.step).toBe(938);
      expect(test.accuracy).toBeGreaterThanOrEqual(0.958);
    } finally {
      s.dispose();
    }
  }, 120_000);

  it('CNN (two conv 5x5 + max-pool blocks), Adam: loss at init near ln 10, >= 96.8 % after one epoch', () => {
    const s = new Session(real.core, example('cnn'), real.mnist);
    try {
      expect(Math.abs(s.evaluate('test').loss - LN10)).toBeLessThan(0.1);
      const { first, test, seconds } = oneEpoch(s);
      console.log(`CNN: first loss ${first.loss.toFixed(4)}, one epoch ${seconds.toFixed(1)} s, test accuracy ${test.accuracy}`);
      expect(Math.abs(first.loss - LN10)).toBeLessThan(0.1);
      expect(test.accuracy).toBeGreaterThanOrEqual(0.968);
    } finally {
      s.dispose();
    }
  }, 600_000);
});

describe('the lesson on XOR', () => {
  const run = (name) => {
    const e = example(name);
    const data = makeSynth(real.core, e.data, e.seed);
    const s = new Session(real.core, e, data);
    try {
      for (let epoch = 0; epoch < e.epochs; epoch++) while (!s.trainStep().epochEnd);
      return { train: s.evaluate('train').accuracy, test: s.evaluate('test').accuracy };
    } finally {
      s.dispose();
      data.dispose();
    }
  };

  it('a linear network (identity activation) stays near 50 %', () => {
    const r = run('xor-linear');
    console.log(`XOR linear: train ${r.train}, test ${r.test}`);
    expect(r.train).toBeGreaterThan(0.4);
    expect(r.train).toBeLessThan(0.6);
    expect(r.test).toBeLessThan(0.6);
  });

  it('one tanh hidden layer of 4 units passes 95 %', () => {
    const r = run('xor-tanh');
    console.log(`XOR tanh-4: train ${r.train}, test ${r.test}`);
    expect(r.train).toBeGreaterThanOrEqual(0.95);
    expect(r.test).toBeGreaterThanOrEqual(0.95);
  });
});

describe('determinism', () => {
  it('two runs of the MLP in separate wasm instances give bit-identical losses and weights', async () => {
    const e = example('mlp');
    const [a, b] = [await trace(e, 300), await trace(e, 300)];
    expect(Buffer.from(a.losses).equals(Buffer.from(b.losses))).toBe(true);
    expect(Buffer.from(a.weights).equals(Buffer.from(b.weights))).toBe(true);
  }, 120_000);

  it('so do dropout, batch-norm and convolutions (every random stream)', async () => {
    const e = parseExperiment({
      ...example('cnn'),
      data: { set: 'mnist', train_samples: 2000, test_samples: 100 },
      layers: [
        { type: 'conv2d', filters: 4, kernel: 3, padding: 1, init: { weight: { type: 'kaiming_normal', nonlinearity: 'relu' } } },
        { type: 'batchnorm' }, { type: 'relu' }, { type: 'maxpool', kernel: 2 },
        { type: 'flatten' }, { type: 'dropout', p: 0.3 }, { type: 'dense', units: 10 },
      ],
      optimizer: { type: 'adamw', lr: 1e-3 },
    });
    const [a, b] = [await trace(e, 40), await trace(e, 40)];
    expect(Buffer.from(a.losses).equals(Buffer.from(b.losses))).toBe(true);
    expect(Buffer.from(a.weights).equals(Buffer.from(b.weights))).toBe(true);
    expect(a.buffers).toEqual(b.buffers);
  }, 120_000);
});
