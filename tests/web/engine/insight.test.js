// insight.test.js: the lesson measurements of insight.js on made-up data: activation statistics and
// dead units against values worked out by hand and in plain JS, gradient norms against tensorStats,
// multiply-adds per sample against sums worked out by hand, and calls between training steps
// leaving the run bit for bit the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../../web/src/engine/session.js';
import { activationStats, deadUnits, gradientNorms, gradientRatio, multiplyAdds } from '../../../web/src/engine/insight.js';
import { parseExperiment } from '../../../web/src/experiment/validate.js';
import { freshCore } from '../../../web/src/node.js';
import { fakeMnist } from '../fixtures.js';

let core;
let data;
const COUNT = 40;
beforeAll(async () => {
  core = await freshCore();
  data = fakeMnist(core, COUNT);
});
afterAll(() => data?.dispose());

/** A session over the fake digits: flatten, the given hidden layers, dense 10. */
function session(hidden, changes = {}) {
  const e = parseExperiment({
    version: 1,
    data: { set: 'mnist' },
    layers: [{ type: 'flatten' }, ...hidden, { type: 'dense', units: 10 }],
    loss: { type: 'cross_entropy' },
    optimizer: { type: 'sgd', lr: 0.1 },
    batch_size: 8, // 40 samples: five batches, so every statistic spans several forwards
    seed: 3,
    ...changes,
  });
  return new Session(core, e, data);
}

const constantDense = (units, bias) => ({
  type: 'dense', units, init: { weight: { type: 'zeros' }, bias: { type: 'constant', value: bias } },
});

describe('activationStats and deadUnits', () => {
  it('a ReLU after a bias of -1 and zero weights: every unit dead', () => {
    const s = session([constantDense(6, -1), { type: 'relu' }]);
    try {
      const [relu] = activationStats(s);
      expect(relu).toMatchObject({ index: 2, type: 'relu', units: 6, samples: COUNT, mean: 0, std: 0, zeroFraction: 1, dead: 6, deadFraction: 1, neverPositive: 6 });
      expect(deadUnits(s)).toEqual({ layers: [{ index: 2, type: 'relu', units: 6, dead: 6, deadFraction: 1 }], units: 6, dead: 6, overall: 1 });
    } finally {
      s.dispose();
    }
  });

  it('a bias of +0.5: no unit dead, every value 0.5', () => {
    const s = session([constantDense(6, 0.5), { type: 'relu' }]);
    try {
      const [relu] = activationStats(s);
      expect(relu.dead).toBe(0);
      expect(relu.neverPositive).toBe(0);
      expect(relu.zeroFraction).toBe(0);
      expect(relu.mean).toBeCloseTo(0.5, 6);
      expect(relu.std).toBeLessThan(1e-6);
      expect([relu.min, relu.max]).toEqual([0.5, 0.5]);
    } finally {
      s.dispose();
    }
  });

  it('a leaky ReLU on the negative side is not dead, but never positive', () => {
    const s = session([constantDense(5, -1), { type: 'leaky_relu', negative_slope: 0.1 }]);
    try {
      const [leaky] = activationStats(s, { perUnit: true });
      expect(leaky).toMatchObject({ type: 'leaky_relu', dead: 0, neverPositive: 5, neverPositiveFraction: 1, zeroFraction: 0 });
      expect(leaky.mean).toBeCloseTo(-0.1, 6);
      expect(Array.from(leaky.positive)).toEqual([0, 0, 0, 0, 0]);
      expect(deadUnits(s).units).toBe(0); // only ReLU layers count as able to die
    } finally {
      s.dispose();
    }
  });

  it('random weights: the same numbers as the layer worked out in plain JS', () => {
    const s = session([{ type: 'dense', units: 24 }, { type: 'relu' }, { type: 'dense', units: 7 }, { type: 'tanh' }], {
      init: { type: 'normal', mean: 0, std: 0.02 },
    });
    try {
      const samples = 27; // not a multiple of the batch of 8
      const w = s.tensorValues('layers.1.weight');
      const b = s.tensorValues('layers.1.bias');
      const pixels = core.u8(data.train.x, COUNT * 784);
      const out = [];
      for (let n = 0; n < samples; n++) {
        for (let j = 0; j < 24; j++) {
          let z = b[j];
          for (let k = 0; k < 784; k++) z += w[j * 784 + k] * (pixels[n * 784 + k] / 255);
          out.push(Math.max(0, z));
        }
      }
      const mean = out.reduce((a, x) => a + x, 0) / out.length;
      const std = Math.sqrt(out.reduce((a, x) => a + (x - mean) ** 2, 0) / out.length);
      let dead = 0;
      for (let j = 0; j < 24; j++) if (out.every((x, i) => i % 24 !== j || x === 0)) dead += 1;
      const zeros = out.filter((x) => x === 0).length;

      const stats = activationStats(s, { samples });
      expect(stats.map((l) => l.type)).toEqual(['relu', 'tanh']);
      const [relu, tanh] = stats;
      expect(relu.samples).toBe(samples);
      expect(relu.mean).toBeCloseTo(mean, 5);
      expect(relu.std).toBeCloseTo(std, 5);
      expect(relu.dead).toBe(dead);
      expect(relu.zeroFraction).toBeCloseTo(zeros / out.length, 10);
      expect(dead).toBeGreaterThan(0); // the case is not trivial: some units die, some do not
      expect(dead).toBeLessThan(24);
      expect(tanh.units).toBe(7);
      expect(activationStats(s, { samples: 1000 })[0].samples).toBe(COUNT); // capped at the split
      expect(activationStats(s, { types: ['tanh'] }).map((l) => l.index)).toEqual([4]);
    } finally {
      s.dispose();
    }
  });
});

describe('gradientNorms', () => {
  it('are the weight gradients\' L2 norms of the last step, input first', () => {
    const s = session([{ type: 'dense', units: 16 }, { type: 'sigmoid' }, { type: 'dense', units: 16 }, { type: 'sigmoid' }]);
    try {
      expect(gradientNorms(s).every((g) => g.l2 === 0)).toBe(true); // no step yet
      s.trainStep();
      const norms = gradientNorms(s);
      expect(norms.map((g) => g.name)).toEqual(['layers.1.weight', 'layers.3.weight', 'layers.5.weight']);
      for (const g of norms) {
        const grads = s.tensorValues(g.name, { grads: true });
        expect(g.l2).toBeCloseTo(Math.hypot(...grads), 6);
        expect(g.l2).toBeGreaterThan(0);
      }
      expect(gradientRatio(s)).toBeCloseTo(norms[0].l2 / norms[2].l2, 6);
    } finally {
      s.dispose();
    }
  });
});

describe('multiplyAdds', () => {
  it('counts the dense and conv2d layers of one sample\'s forward pass, from the shapes the core builds', () => {
    const mlp = session([{ type: 'dense', units: 128 }, { type: 'relu' }]);
    try {
      // 784 x 128 + 128 x 10
      expect(multiplyAdds(mlp.dataset.shape, mlp.layers, mlp.experiment.layers)).toBe(101_632);
    } finally {
      mlp.dispose();
    }
    const e = parseExperiment({
      version: 1,
      data: { set: 'mnist' },
      layers: [
        { type: 'conv2d', filters: 4, kernel: 3, padding: 1 }, { type: 'relu' }, { type: 'maxpool', kernel: 2 },
        { type: 'conv2d', filters: 6, kernel: 3 }, { type: 'batchnorm' }, { type: 'relu' },
        { type: 'flatten' }, { type: 'dense', units: 10 },
      ],
      loss: { type: 'cross_entropy' },
      optimizer: { type: 'sgd', lr: 0.1 },
      batch_size: 8,
      seed: 3,
    });
    const cnn = new Session(core, e, data);
    try {
      // 4 x 28 x 28 outputs of 1 x 3 x 3 taps; 6 x 12 x 12 of 4 x 3 x 3; 10 of 6 x 12 x 12.
      const expected = 4 * 28 * 28 * 9 + 6 * 12 * 12 * 4 * 9 + 10 * 864;
      expect(multiplyAdds(cnn.dataset.shape, cnn.layers, e.layers)).toBe(expected);
      // The worker's info has only the output shapes: the same count.
      expect(multiplyAdds(cnn.dataset.shape, cnn.layers.map(({ outShape }) => ({ outShape })), e.layers)).toBe(expected);
    } finally {
      cnn.dispose();
    }
  });
});

describe('measuring does not change the run', () => {
  it('insight calls between steps leave every loss and weight bit for bit the same (batch norm, dropout)', () => {
    const hidden = [{ type: 'dense', units: 32 }, { type: 'batchnorm' }, { type: 'relu' }, { type: 'dropout', p: 0.3 }];
    const trace = (measure) => {
      const s = session(hidden);
      try {
        const losses = [];
        for (let i = 0; i < 12; i++) {
          losses.push(s.trainStep().loss);
          if (measure) {
            activationStats(s, { samples: 30 });
            deadUnits(s, { split: 'train' });
            gradientNorms(s);
          }
        }
        return { losses, weights: Array.from(s.paramsView()), buffers: s.tensors.filter((t) => t.buffer === 'buffers').map((t) => Array.from(s.tensorValues(t))) };
      } finally {
        s.dispose();
      }
    };
    const plain = trace(false);
    const measured = trace(true);
    expect(measured.losses).toEqual(plain.losses);
    expect(measured.weights).toEqual(plain.weights);
    expect(measured.buffers).toEqual(plain.buffers);
  });
});
