// views.test.js: the rates of views.js, in the real nn.wasm under Node, with the clock and post given
// by the test: statistics by time and by steps, filters, evaluations, the digit grid and the
// boundary at their own rates, activation statistics skipped while they would cost too much, the
// live views off, and a new or restored run starting the rates afresh.
import { describe, expect, it } from 'vitest';
import { makeSynth } from '../../../web/src/data/datasets.js';
import { Push } from '../../../web/src/engine/protocol.js';
import { Session } from '../../../web/src/engine/session.js';
import { EVAL_MS, FILTERS_MS, GRID_DIGITS, STATS_MIN_MS, STATS_MS, STATS_STEPS, Views, viewData } from '../../../web/src/engine/views.js';
import { example, fakeMnistCore, linearMnist } from '../fixtures.js';

const made = fakeMnistCore(60);

// 15 steps an epoch.
const EXPERIMENT = linearMnist({ batch_size: 4, epochs: 10, seed: 2 });

/**
 * Views over a fresh session. The clock stands at `t` and moves on by `perRead` each time it is
 * read (so a measurement between two reads takes perRead ms).
 */
function harness(experiment = EXPERIMENT, dataset = made.data) {
  const session = new Session(made.core, experiment, dataset);
  const pushes = [];
  const clock = { t: 0, perRead: 0 };
  const views = new Views({ post: (msg) => pushes.push(msg), now: () => (clock.t += clock.perRead) });
  views.attach(session);
  return {
    session, views, clock,
    /** The types of what `report` posts now (taken out of the record). */
    report(...args) {
      pushes.length = 0;
      views.report(...args);
      return pushes.map((m) => m.type);
    },
    pushes,
    train: (n) => { for (let i = 0; i < n; i++) session.trainStep(); },
    dispose: () => session.dispose(),
  };
}

describe('Views', () => {
  it(`posts statistics every ${STATS_MS} ms, or after ${STATS_STEPS} steps once ${STATS_MIN_MS} ms have passed`, () => {
    const h = harness();
    try {
      expect(h.report(false)).toEqual([]);
      h.clock.t = STATS_MS - 1;
      expect(h.report(false)).toEqual([]);
      h.clock.t = STATS_MS;
      expect(h.report(false)).toEqual([Push.STATS]);
      h.train(STATS_STEPS - 1);
      h.clock.t = STATS_MS + STATS_MIN_MS;
      expect(h.report(false)).toEqual([]); // steps too few, time too short
      h.train(1);
      h.clock.t = STATS_MS + STATS_MIN_MS - 1;
      expect(h.report(false)).toEqual([]); // steps enough, but not twice within STATS_MIN_MS
      h.clock.t = STATS_MS + STATS_MIN_MS;
      expect(h.report(false)).toEqual([Push.STATS]);
      expect(h.pushes[0].step).toBe(STATS_STEPS);
      expect(h.report(true)).toEqual([Push.STATS, Push.EVAL, Push.GRID]); // forced: everything, now
    } finally {
      h.dispose();
    }
  });

  it(`sends the first layer's images at most every ${FILTERS_MS} ms`, () => {
    const h = harness();
    try {
      h.report(true);
      expect(h.pushes[0].filters).toMatchObject({ layer: 1, count: 10, channels: 1, height: 28, width: 28 });
      expect(h.pushes[0].filters.values.length).toBe(10 * 784);
      h.clock.t = STATS_MS;
      h.report(false);
      expect(h.pushes[0].type).toBe(Push.STATS);
      expect(h.pushes[0].filters).toBeUndefined(); // unchanged since the last
      h.clock.t = FILTERS_MS;
      h.report(false);
      expect(h.pushes[0].filters.values.length).toBe(10 * 784);
    } finally {
      h.dispose();
    }
  });

  it(`evaluates the test subset every ${EVAL_MS} ms, and the whole test set at an epoch's end`, () => {
    const h = harness({ ...EXPERIMENT, data: { set: 'mnist', test_samples: 50 } });
    try {
      h.train(3);
      h.clock.t = EVAL_MS - 1;
      expect(h.report(false)).toEqual([Push.STATS]);
      h.clock.t = EVAL_MS;
      expect(h.report(false)).toEqual([Push.EVAL, Push.GRID]);
      const [quick, grid] = h.pushes;
      expect(quick).toMatchObject({ step: 3, split: 'test', subset: 50, full: false, classes: 10 });
      expect(quick.confusion.reduce((a, b) => a + b, 0)).toBe(50);
      expect(grid.probs.length).toBe(GRID_DIGITS * 10);
      // The grid's predictions are the network's for the first test digits.
      expect(Array.from(grid.probs)).toEqual(Array.from(h.session.predict(h.session.inputs('test', GRID_DIGITS), GRID_DIGITS)));
      h.clock.t = EVAL_MS + 1;
      expect(h.report(false, true)).toEqual([Push.EVAL, Push.GRID]);
      const whole = h.session.evaluate('test', { confusion: true });
      expect(h.pushes[0]).toMatchObject({ full: true, subset: 50, accuracy: whole.accuracy, correct: whole.correct, loss: whole.loss });
    } finally {
      h.dispose();
    }
  });

  it(`sends every layer's output for the first test digit with the images, at most every ${FILTERS_MS} ms`, () => {
    const h = harness(linearMnist({ batch_size: 4, epochs: 10, seed: 2, layers: [{ type: 'conv2d', filters: 20, kernel: 3, padding: 1 }, { type: 'relu' }, { type: 'flatten' }, { type: 'dense', units: 10 }] }));
    try {
      h.train(3);
      h.report(true);
      const { example } = h.pushes[0];
      expect(example.step).toBe(3);
      expect(example.input).toEqual(h.session.inputs('test', 1));
      // Conv maps capped at 16 channels, flat layers at 1024 features.
      expect(example.layers.map((l) => [l.index, l.type, l.shape, l.values.length])).toEqual([
        [0, 'conv2d', [16, 28, 28], 16 * 784], [1, 'relu', [16, 28, 28], 16 * 784],
        [2, 'flatten', [1024, 1, 1], 1024], [3, 'dense', [10, 1, 1], 10],
      ]);
      // The ReLU is the conv's output clipped at 0, and the last layer's softmax is the prediction.
      expect(example.layers[1].values).toEqual(example.layers[0].values.map((x) => Math.max(0, x)));
      const logits = example.layers[3].values;
      const top = Math.max(...logits);
      const sum = logits.reduce((s, x) => s + Math.exp(x - top), 0);
      const probs = h.session.predict(h.session.inputs('test', 1), 1);
      logits.forEach((x, i) => expect(Math.exp(x - top) / sum).toBeCloseTo(probs[i], 5));
      h.clock.t = STATS_MS;
      h.report(false);
      expect(h.pushes[0].example).toBeUndefined(); // unchanged since the last
      h.clock.t = FILTERS_MS;
      h.report(false);
      expect(h.pushes[0].example.layers).toHaveLength(4);
    } finally {
      h.dispose();
    }
  });

  it('measures activation statistics again only once 40 times their last cost has passed (always at step 0 and when forced)', () => {
    const h = harness({ ...EXPERIMENT, layers: [{ type: 'flatten' }, { type: 'dense', units: 16 }, { type: 'relu' }, { type: 'dense', units: 10 }] });
    try {
      h.clock.perRead = 5; // every measurement takes 5 ms on this clock
      expect(h.views.stats(false).activations).toHaveLength(1); // step 0: measured
      expect(h.views.stats(false).activations).toHaveLength(1); // step 0: measured whatever it costs
      h.train(1);
      h.views.stats(true); // forced: measured, 5 ms
      const at = h.clock.t;
      h.clock.perRead = 0;
      h.clock.t = at + 40 * 5 - 1;
      expect(h.views.stats(false).activations).toBeNull();
      h.clock.t = at + 40 * 5;
      const [relu] = h.views.stats(false).activations;
      expect(relu).toMatchObject({ index: 2, type: 'relu', units: 16, samples: 60 });
      expect(relu.deadFraction).toBeGreaterThanOrEqual(0);
    } finally {
      h.dispose();
    }
  });

  it('with the live views off posts only an epoch end\'s whole evaluation, unless forced', () => {
    const h = harness();
    try {
      h.views.live = false;
      h.train(STATS_STEPS);
      h.clock.t = 10 * EVAL_MS;
      expect(h.report(false)).toEqual([]);
      expect(h.report(false, true)).toEqual([Push.EVAL]);
      expect(h.pushes[0].full).toBe(true);
      expect(h.report(true)).toEqual([Push.STATS, Push.EVAL, Push.GRID]);
    } finally {
      h.dispose();
    }
  });

  it('counts the statistics\' rate from a run\'s first statistics, a new run and a restored step', () => {
    const h = harness();
    try {
      h.train(1);
      h.clock.t = 500;
      h.views.postStats();
      expect(h.pushes.map((m) => [m.type, m.step])).toEqual([[Push.STATS, 1]]);
      h.train(STATS_STEPS);
      h.clock.t = 500 + STATS_MIN_MS - 1;
      expect(h.report(false)).toEqual([]);
      h.clock.t = 500 + STATS_MIN_MS;
      expect(h.report(false)).toEqual([Push.STATS]);
      // A new run: every rate from zero, so its first report posts the statistics at once.
      h.views.attach(h.session);
      expect(h.report(false)).toEqual([Push.STATS]);
      // A restored run at step 21 counts its steps from there, not from 0.
      h.views.attach(h.session);
      h.clock.t = STATS_MIN_MS;
      h.views.restoredAt(h.session.step);
      expect(h.report(false)).toEqual([]);
      h.views.attach(h.session);
      expect(h.report(false)).toEqual([Push.STATS]);
    } finally {
      h.dispose();
    }
  });

  it('draws a 2-D set\'s decision boundary and sends its points, and MNIST\'s first test digits', () => {
    const e = example('xor-tanh');
    const xor = makeSynth(made.core, e.data, e.seed);
    const h = harness(e, xor);
    try {
      expect(h.report(true)).toEqual([Push.STATS, Push.EVAL, Push.BOUNDARY]);
      const b = h.pushes[2];
      expect(b).toMatchObject({ resolution: 49, extent: [-1.5, 1.5], classes: 2 });
      // The grid's corner (-1.5, -1.5) is the first value, (1.5, 1.5) the last.
      const corners = h.session.predict(Float32Array.from([-1.5, -1.5, 1.5, 1.5]), 2);
      expect([b.grid[0], b.grid[49 * 49 - 1]]).toEqual([corners[1], corners[3]]);
      expect(h.pushes[0].filters).toBeNull(); // a dense layer over points has no images
      const { grid, points } = viewData(h.session);
      expect(grid).toBeNull();
      expect(points.x.length).toBe(2 * xor.train.count);
      expect(points.labels.length).toBe(xor.train.count);
    } finally {
      h.dispose();
      xor.dispose();
    }
    const m = harness();
    try {
      const { grid, points } = viewData(m.session);
      expect(points).toBeNull();
      expect(grid).toMatchObject({ count: GRID_DIGITS, size: 28 });
      expect(Array.from(grid.pixels)).toEqual(Array.from(made.core.u8(made.data.test.x, GRID_DIGITS * 784)));
    } finally {
      m.dispose();
    }
  });
});
