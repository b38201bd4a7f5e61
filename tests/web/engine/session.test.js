// session.test.js: building, training, evaluating, statistics and weights of a Session, in the
// real nn.wasm under Node, on small data (the real-MNIST runs are in learning.test.js).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NnError } from '../../../web/src/engine/core.js';
import { Status } from '../../../web/src/engine/enums.js';
import { readSafetensors, writeSafetensors } from '../../../web/src/engine/safetensors.js';
import { planExperiment, Session } from '../../../web/src/engine/session.js';
import { makeSynth } from '../../../web/src/data/datasets.js';
import { parseExperiment } from '../../../web/src/experiment/validate.js';
import { freshCore } from '../../../web/src/node.js';
import { example, fakeMnist } from '../fixtures.js';

let core;
let mnist;
beforeAll(async () => {
  core = await freshCore();
  mnist = fakeMnist(core, 40);
});
afterAll(() => mnist.dispose());

/** Runs fn(session) and disposes it. */
function withSession(experiment, dataset, fn) {
  const s = new Session(core, experiment, dataset);
  try {
    return fn(s);
  } finally {
    s.dispose();
  }
}

describe('Session', () => {
  it('names tensors as torch does, with torch shapes', () => {
    withSession(example('mlp'), mnist, (s) => {
      expect(s.tensors.map((t) => [t.name, t.shape])).toEqual([
        ['layers.1.weight', [128, 784]], ['layers.1.bias', [128]], ['layers.3.weight', [10, 128]], ['layers.3.bias', [10]],
      ]);
      expect(s.paramCount).toBe(784 * 128 + 128 + 128 * 10 + 10);
      expect(s.layers.map((l) => l.outShape)).toEqual([[784, 1, 1], [128, 1, 1], [128, 1, 1], [10, 1, 1]]);
    });
    withSession(example('cnn'), mnist, (s) => {
      expect(s.tensors.filter((t) => t.role === 'weight').map((t) => [t.name, t.shape])).toEqual([
        ['layers.0.weight', [8, 1, 5, 5]], ['layers.3.weight', [16, 8, 5, 5]], ['layers.7.weight', [10, 784]],
      ]);
      expect(s.layers[5].outShape).toEqual([16, 7, 7]);
    });
    const bn = parseExperiment({ ...example('cnn'), layers: [{ type: 'conv2d', filters: 4, kernel: 3 }, { type: 'batchnorm' }, { type: 'relu' }, { type: 'flatten' }, { type: 'dense', units: 10 }] });
    withSession(bn, mnist, (s) => {
      expect(s.tensors.filter((t) => t.layer === 1).map((t) => [t.name, t.shape])).toEqual([
        ['layers.1.weight', [4]], ['layers.1.bias', [4]], ['layers.1.running_mean', [4]], ['layers.1.running_var', [4]],
      ]);
      expect(Array.from(s.tensorValues('layers.1.weight'))).toEqual([1, 1, 1, 1]);
      expect(Array.from(s.tensorValues('layers.1.running_var'))).toEqual([1, 1, 1, 1]);
    });
  });

  it('steps through epochs, the last batch short', () => {
    withSession(parseExperiment({ ...example('mlp'), batch_size: 16 }), mnist, (s) => {
      const steps = [s.trainStep(), s.trainStep(), s.trainStep(), s.trainStep()];
      expect(steps.map((r) => [r.step, r.epoch, r.batch, r.epochEnd])).toEqual([
        [1, 0, 16, false], [2, 0, 16, false], [3, 0, 8, true], [4, 1, 16, false],
      ]);
      for (const r of steps) {
        expect(Number.isFinite(r.loss)).toBe(true);
        expect(r.accuracy).toBe(r.correct / r.batch);
      }
    });
  });

  it('evaluates with a confusion matrix and predictions', () => {
    withSession(example('mlp'), mnist, (s) => {
      const r = s.evaluate('test', { confusion: true, predictions: true });
      expect(r.count).toBe(40);
      expect(r.accuracy).toBe(r.correct / 40);
      expect(r.confusion.length).toBe(100);
      expect(r.confusion.reduce((a, b) => a + b, 0)).toBe(40);
      expect(r.predictions.length).toBe(40);
      let diagonal = 0;
      for (let c = 0; c < 10; c++) diagonal += r.confusion[c * 10 + c];
      expect(diagonal).toBe(r.correct);
    });
  });

  it('counts the steps of an epoch and of the run', () => {
    withSession(parseExperiment({ ...example('mlp'), batch_size: 16, epochs: 3 }), mnist, (s) => {
      expect([s.stepsPerEpoch, s.totalSteps]).toEqual([3, 9]); // 40 samples: 16 + 16 + 8
    });
  });

  it('evaluates the first test samples with the core\'s own accuracy', () => {
    withSession(parseExperiment({ ...example('mlp'), batch_size: 16 }), mnist, (s) => {
      s.trainStep();
      const all = s.evaluate('test', { confusion: true });
      const head = s.evaluateTestSubset(1000); // more than there are: all 40
      expect(head.count).toBe(40);
      expect(head.loss).toBe(all.loss);
      expect(Array.from(head.confusion)).toEqual(Array.from(all.confusion));
      expect(head.accuracy).toBe(Math.fround(all.correct / 40)); // a float32, not the exact fraction
      const first = s.evaluateTestSubset(10);
      expect(first.count).toBe(10);
      expect(first.confusion.reduce((a, b) => a + b, 0)).toBe(10);
    });
  });

  it('copies samples as the network reads them and as the data set stores them', () => {
    withSession(example('mlp'), mnist, (s) => {
      const stored = s.storedSamples('test', 3);
      expect(stored.x).toBeInstanceOf(Uint8Array);
      expect(Array.from(stored.x)).toEqual(Array.from(core.u8(mnist.test.x, 3 * 784)));
      expect(Array.from(stored.labels)).toEqual([0, 1, 2]);
      const inputs = s.inputs('test', 3);
      expect(inputs.length).toBe(3 * 784);
      inputs.forEach((v, i) => expect(v).toBeCloseTo(stored.x[i] / 255, 6));
      // predicted from these inputs, the first samples get the labels the core's evaluation gives them
      const probs = s.predict(inputs, 3);
      const argmax = [0, 1, 2].map((i) => { const p = Array.from(probs.subarray(i * 10, i * 10 + 10)); return p.indexOf(Math.max(...p)); });
      expect(argmax).toEqual(Array.from(s.evaluate('test', { predictions: true }).predictions.subarray(0, 3)));
    });
  });

  it('predicts probabilities in batches', () => {
    withSession(parseExperiment({ ...example('mlp'), batch_size: 3 }), mnist, (s) => {
      const x = new Float32Array(7 * 784).map((_, i) => (i % 13) / 13);
      const p = s.predict(x);
      expect(p.length).toBe(70);
      for (let i = 0; i < 7; i++) expect(p.subarray(i * 10, i * 10 + 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      // the same sample alone gives the same probabilities
      expect(Array.from(s.predict(x.subarray(6 * 784), 1))).toEqual(Array.from(p.subarray(60)));
      expect(() => s.predict(new Float32Array(10), 1)).toThrow(/784 values per sample/);
    });
  });

  it('reports statistics and histograms that agree with the values', () => {
    withSession(example('mlp'), mnist, (s) => {
      s.trainStep();
      const w = s.tensorValues('layers.3.weight');
      const st = s.tensorStats('layers.3.weight', { bins: 10 });
      expect(st.min).toBe(Math.min(...w));
      expect(st.max).toBe(Math.max(...w));
      const mean = w.reduce((a, b) => a + b, 0) / w.length;
      expect(st.mean).toBeCloseTo(mean, 5);
      expect(st.l2).toBeCloseTo(Math.sqrt(w.reduce((a, b) => a + b * b, 0)), 4);
      expect(st.counts.reduce((a, b) => a + b, 0)).toBe(w.length);
      const g = s.tensorStats('layers.3.weight', { grads: true });
      expect(g.l2).toBeGreaterThan(0);
      expect(s.allStats().map((x) => x.name)).toEqual(s.tensors.map((t) => t.name));
      // views are fresh and cover the flat buffers
      expect(s.paramsView().length).toBe(s.paramCount);
      expect(s.gradsView().length).toBe(s.paramCount);
    });
  });

  it('applies per-layer init overrides after the default', () => {
    const e = parseExperiment({
      ...example('mlp'),
      init: { type: 'msra_lesson' },
      layers: [
        { type: 'flatten' },
        { type: 'dense', units: 128, init: { weight: { type: 'constant', value: 0.5 }, bias: { type: 'zeros' } } },
        { type: 'relu' },
        { type: 'dense', units: 10 },
      ],
    });
    withSession(e, mnist, (s) => {
      expect(new Set(s.tensorValues('layers.1.weight'))).toEqual(new Set([0.5]));
      expect(new Set(s.tensorValues('layers.1.bias'))).toEqual(new Set([0]));
      const st = s.tensorStats('layers.3.weight');
      expect(st.std).toBeGreaterThan(Math.sqrt(1 / 128) * 0.8); // N(0, sqrt(1/fan_in)) as the lesson writes it
      expect(st.std).toBeLessThan(Math.sqrt(1 / 128) * 1.2);
    });
  });

  it('saves and loads weights bit for bit', () => {
    const e = example('xor-tanh');
    const data = makeSynth(core, e.data, e.seed);
    try {
      let saved;
      let expected;
      withSession(e, data, (s) => {
        for (let i = 0; i < 20; i++) s.trainStep();
        saved = s.saveWeights();
        expected = { values: s.tensors.map((t) => s.tensorValues(t)), test: s.evaluate() };
        const meta = readSafetensors(saved).metadata;
        expect(meta.format).toBe('pt');
        expect(JSON.parse(meta.experiment)).toEqual(e);
      });
      withSession(parseExperiment({ ...e, seed: 99 }), data, (s) => {
        expect(s.tensorValues('layers.0.weight')).not.toEqual(expected.values[0]);
        s.loadWeights(saved);
        s.tensors.forEach((t, i) => expect(s.tensorValues(t)).toEqual(expected.values[i]));
        expect(s.evaluate()).toEqual(expected.test);
      });
    } finally {
      data.dispose();
    }
  });

  it('refuses weights that do not fit the model, changing nothing', () => {
    const e = example('xor-tanh');
    const data = makeSynth(core, e.data, e.seed);
    try {
      withSession(e, data, (s) => {
        const good = s.saveWeights();
        const before = s.tensorValues('layers.0.weight');
        const tensors = s.tensors.map((t) => ({ name: t.name, dtype: 'F32', shape: t.shape, data: s.tensorValues(t) }));
        const variants = [
          [good.subarray(0, good.length - 4), /weights file: .*belong to no tensor|outside/],
          [writeSafetensors(tensors.slice(1)), /tensor layers.0.weight is missing/],
          [writeSafetensors([...tensors, { name: 'layers.9.weight', dtype: 'F32', shape: [1], data: new Float32Array(1) }]), /tensor layers.9.weight does not belong to this model/],
          [writeSafetensors(tensors.map((t, i) => (i === 0 ? { ...t, shape: [2, 4], data: t.data } : t))), /layers.0.weight has shape \[2, 4\] but the model's is \[4, 2\]/],
          [writeSafetensors(tensors.map((t, i) => (i === 2 ? { ...t, data: t.data.map(() => NaN) } : t))), /layers.2.weight holds NaN/],
          [writeSafetensors(tensors.map((t, i) => (i === 1 ? { ...t, dtype: 'I32', data: new Int32Array(t.data.length) } : t))), /layers.0.bias is I32; only F32 is read/],
          [new Uint8Array([1, 2, 3]), /too short/],
        ];
        for (const [bytes, message] of variants) {
          let err;
          try {
            s.loadWeights(bytes);
          } catch (x) {
            err = x;
          }
          expect(err).toBeInstanceOf(NnError);
          expect(err.status).toBe(Status.ERR_DATA);
          expect(err.message).toMatch(message);
          expect(s.tensorValues('layers.0.weight')).toEqual(before);
        }
      });
    } finally {
      data.dispose();
    }
  });

  it('stops on NaN/Inf keeping the last finite weights', () => {
    const e = parseExperiment({
      version: 1, data: { set: 'xor', count: 200 }, seed: 1, batch_size: 16,
      layers: [{ type: 'dense', units: 4 }, { type: 'identity' }, { type: 'dense', units: 2 }],
      loss: { type: 'mse' }, optimizer: { type: 'sgd', lr: 100 },
    });
    const data = makeSynth(core, e.data, e.seed);
    try {
      withSession(e, data, (s) => {
        let err;
        let last;
        for (let i = 0; i < 100 && !err; i++) {
          try {
            s.trainStep();
            last = s.tensors.map((t) => s.tensorValues(t));
          } catch (x) {
            err = x;
          }
        }
        expect(err).toBeInstanceOf(NnError);
        expect(err.status).toBe(Status.ERR_NUMERIC);
        expect(err.message).toMatch(/became NaN\/Inf at step \d+/);
        expect(err.step).toBe(s.step + 1);
        s.tensors.forEach((t, i) => {
          expect(s.tensorValues(t)).toEqual(last[i]);
          expect(s.tensorValues(t).every(Number.isFinite)).toBe(true);
        });
      });
    } finally {
      data.dispose();
    }
  });

  it('frees what it allocates', () => {
    const e = example('mlp');
    withSession(e, mnist, () => {});
    const size = core.memory.buffer.byteLength;
    const held = core.memoryUse().coreHeapBytes;
    for (let i = 0; i < 30; i++) {
      withSession(e, mnist, (s) => {
        s.trainStep();
        s.evaluateTestSubset(20);
        s.evaluateTestSubset(10); // a different count makes its view again
        s.inputs('test', 5);
      });
    }
    expect(core.memory.buffer.byteLength).toBe(size);
    expect(core.memoryUse().coreHeapBytes).toBe(held);
  });

  it('opens with its own data set and disposes it', async () => {
    const s = await Session.open(core, example('xor-tanh'));
    expect(s.dataset.name).toBe('xor');
    expect(s.trainCount).toBe(1000);
    expect(s.dataset.classes).toBe(2);
    s.dispose();
    expect(s.net).toBe(0);
    s.dispose(); // twice is harmless
  });

  it('plans an experiment without building it', () => {
    const mnistShape = { shape: [1, 28, 28], classes: 10 };
    const size = core.memory.buffer.byteLength;
    const plan = planExperiment(core, example('cnn'), mnistShape);
    expect(plan.ok).toBe(true);
    expect(plan.errors).toEqual([]);
    expect(plan.layers.map((l) => l.outShape)).toEqual([[8, 28, 28], [8, 28, 28], [8, 14, 14], [16, 14, 14], [16, 14, 14], [16, 7, 7], [784, 1, 1], [10, 1, 1]]);
    expect(plan.params).toBe(8 * 25 + 8 + 16 * 8 * 25 + 16 + 784 * 10 + 10);
    expect(plan.bytes).toBeGreaterThan(plan.params * 4);
    expect(core.memory.buffer.byteLength).toBe(size);

    const bad = planExperiment(core, parseExperiment({ ...example('cnn'), layers: example('cnn').layers.map((l, i) => (i === 3 ? { ...l, kernel: 25 } : l)) }), mnistShape);
    expect(bad.ok).toBe(false);
    expect(bad.layers.length).toBe(3);
    expect(bad.errors[0].path).toEqual(['layers', 3]);
    expect(bad.errors[0].message).toMatch(/^kernel 25 is larger than its padded input 18x18/);

    const wide = planExperiment(core, parseExperiment({ ...example('mlp'), layers: [{ type: 'flatten' }, { type: 'dense', units: 7 }] }), mnistShape);
    expect(wide.errors[0].message).toMatch(/ends with 7 outputs per sample, but the mnist data set has 10 classes/);
    const huge = planExperiment(core, example('mlp'), mnistShape, { memoryBudget: 1024 * 1024 });
    expect(huge.ok).toBe(false);
    expect(huge.errors[0].message).toMatch(/over the memory budget of 1 MB/);
  });
});
