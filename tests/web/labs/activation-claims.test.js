// activation-claims.test.js: the activation lab's curves against the formulas, and its claims
// measured with the core's own layers on MNIST.
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, activationCurve, livePreActivations, mnistMlp, naiveSoftmax } from '../../../web/src/labs/activation-curves.js';
import { Session } from '../../../web/src/engine/session.js';
import { histogram, runActivationClaim } from '../../../web/src/labs/activation-claims.js';
import { realMnist } from '../fixtures.js';

const real = realMnist();
let core;
let mnist;
beforeAll(() => ({ core, mnist } = real));

const sig = (x) => 1 / (1 + Math.exp(-x));
const FORMULAS = {
  tanh: [Math.tanh, (x) => 1 - Math.tanh(x) ** 2],
  sigmoid: [sig, (x) => sig(x) * (1 - sig(x))],
  relu: [(x) => Math.max(0, x), (x) => (x > 0 ? 1 : 0)],
  leaky_relu: [(x) => (x > 0 ? x : 0.01 * x), (x) => (x > 0 ? 1 : 0.01)],
  elu: [(x) => (x > 0 ? x : Math.exp(x) - 1), (x) => (x > 0 ? 1 : Math.exp(x))],
  swish: [(x) => x * sig(x), (x) => sig(x) * (1 + x * (1 - sig(x)))],
  softmax: [(x) => Math.exp(x) / (Math.exp(x) + Math.exp(1) + Math.exp(0.1)), (x) => {
    const s = Math.exp(x) / (Math.exp(x) + Math.exp(1) + Math.exp(0.1));
    return s * (1 - s);
  }],
};

describe('the activation lab', () => {
  it('draws every activation and its derivative as the core computes them, which are the formulas', () => {
    for (const a of ACTIVATIONS) {
      const c = activationCurve(core, a.id, null, Float32Array.of(-3.5, -0.5, 0.25, 2.75));
      const [f, df] = FORMULAS[a.id];
      c.x.forEach((x, i) => {
        expect(c.y[i]).toBeCloseTo(f(x), 5);
        expect(c.dy[i]).toBeCloseTo(df(x), 5);
      });
    }
    // the parameter: leaky ReLU's slope, ELU's alpha
    expect(activationCurve(core, 'leaky_relu', 0.2, Float32Array.of(-2)).dy[0]).toBeCloseTo(0.2, 6);
    expect(activationCurve(core, 'elu', 0.5, Float32Array.of(-1)).y[0]).toBeCloseTo(0.5 * (Math.exp(-1) - 1), 6);
    expect(Array.from(histogram([-7, -6, 0, 5.99, 9]))).toHaveLength(48);
    expect(naiveSoftmax([1000, 0]).some(Number.isNaN)).toBe(true);
  });

  it('1. saturation: with N(0, 1) weights most sigmoid and tanh pre-activations are saturated; the gradients are measured', () => {
    const { holds, values, histograms } = runActivationClaim(core, 'saturation', mnist);
    console.log(`saturation: ${JSON.stringify(values)}`);
    expect(Number(values.sigmoid)).toBeGreaterThan(50);
    expect(Number(values.tanh)).toBeGreaterThan(50);
    expect(Number(values.sigmoidDefault)).toBeLessThan(1);
    // The slide's second half does not hold here: the first layer's gradient is larger with the
    // large init (its loss is larger); only the saturated units' own rows are smaller (4x).
    expect(Number(values.gradient)).toBeGreaterThan(Number(values.gradientDefault));
    expect(Number(values.rows)).toBeLessThan(Number(values.others));
    expect(holds).toBe(false);
    expect(histograms.normal.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  }, 60_000);

  it('2. after a sigmoid layer every weight gradient of a unit has one sign in a step of one sample; after tanh almost none', () => {
    const { holds, values } = runActivationClaim(core, 'same-sign', mnist);
    console.log(`same-sign: ${JSON.stringify(values)}`);
    expect(holds).toBe(true);
    expect(values.sigmoid).toBe('100.0');
  }, 60_000);

  it('3. softmax: the stable form gives [0.66, 0.24, 0.10] for [2, 1, 0.1] and for the same shifted by 100; the naive one overflows', () => {
    const { holds, values } = runActivationClaim(core, 'softmax');
    console.log(`softmax: ${JSON.stringify(values)}`);
    expect(holds).toBe(true);
    expect(values.naive).toBe('NaN, NaN, NaN');
  });

  it('reads the pre-activations of a running session\'s activation layer without changing its run', () => {
    const run = (read) => {
      const session = new Session(core, mnistMlp('relu', { hidden: 32 }), mnist);
      try {
        const seen = [];
        for (let i = 0; i < 6; i++) {
          const step = session.trainStep();
          if (read && i % 2) seen.push(livePreActivations(core, session, 2));
          seen.push(step.loss);
        }
        return seen;
      } finally {
        session.dispose();
      }
    };
    const withReads = run(true);
    const live = withReads.filter((x) => typeof x === 'object');
    expect(live.map((l) => l.step)).toEqual([2, 4, 6]);
    expect(live[0].layers).toEqual([{ index: 2, type: 'relu' }]);
    // ReLU's derivative is 0 at x <= 0: the saturated (dead) share is the share of bins below 0
    const below = live[2].histogram.slice(0, 24).reduce((a, b) => a + b, 0);
    expect(live[2].share).toBeCloseTo(below, 3);
    expect(live[2].histogram.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    // the run's losses are the same bits with and without the reads
    expect(withReads.filter((x) => typeof x === 'number')).toEqual(run(false));
  }, 60_000);
});
