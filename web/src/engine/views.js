// views.js: what the page sees of a run besides its steps (protocol.js's pushes STATS, EVAL, GRID
// and BOUNDARY): weight and gradient histograms and norms, the first layer's filters, activation
// statistics, the test evaluation, the digit grid's predictions and the 2-D decision boundary.
// Each is computed from a Session and posted at its own rate, so a fast model keeps training
// instead of measuring; `post` and the clock `now` are given, so the rates are tested in Node.

import { activationStats, exampleOutputs } from './insight.js';
import { Push } from './protocol.js';

// Histograms and norms while training: every STATS_STEPS steps, but never twice within
// STATS_MIN_MS (the charts' refresh rate, 10 a second: with views on, a fast model loses a few
// per cent to them, measured by `npm run bench`), and at least every STATS_MS.
export const STATS_MS = 250;
export const STATS_STEPS = 20;
export const STATS_MIN_MS = 100;
export const FILTERS_MS = 500; // the first layer's weights as images at most this often
export const EVAL_MS = 1000; // test evaluation on a fixed subset at most this often
export const EVAL_SUBSET = 1000; // test samples in that evaluation (the whole set at each epoch end)
export const GRID_DIGITS = 40; // test digits whose predictions the page shows
const HIST_BINS = 40;
const BOUNDARY_SIZE = 49; // grid points per side of the 2-D decision boundary
const BOUNDARY_EXTENT = [-1.5, 1.5];
const MAX_FILTERS = 64;
// Activation statistics (dead units, scale per layer) take a forward pass over ACTIVATION_SAMPLES
// test samples: measured at the stats rate, but skipped while their last measurement would cost
// more than a fortieth of the time since it (a large network trains on instead of measuring).
const ACTIVATION_SAMPLES = 512; // as the lessons count a dead unit: 0 for every one of 512 test digits
const ACTIVATION_SPACING = 40; // times its last cost that must pass before the next measurement

// When each view was last posted (ms of `now`), and the step of the last statistics.
const CLOCK_START = Object.freeze({ lastStats: 0, lastStatsStep: 0, lastFilters: 0, lastEval: 0 });

/**
 * The data the views draw over, sent once with a run's SessionInfo: MNIST's first test digits
 * (`grid`, as bytes) or a 2-D set's training points (`points`, under the boundary).
 */
export function viewData(session) {
  const { dataset } = session;
  if (dataset.name === 'mnist') {
    const count = Math.min(GRID_DIGITS, dataset.test.count);
    const { x, labels } = session.storedSamples('test', count);
    return { grid: { count, size: 28, pixels: x, labels }, points: null };
  }
  const { x, labels } = session.storedSamples('train', dataset.train.count);
  return { grid: null, points: { x, labels, extent: BOUNDARY_EXTENT } };
}

export class Views {
  /** Whether the views are computed while training (Request.VIEWS); a run's end posts them either way. */
  live = true;
  session = null;
  #clock = { ...CLOCK_START };
  // The last activation measurement: when it ended and what it took. It outlives a run: the next
  // run's first forced measurement sets it again.
  #activations = { at: -Infinity, ms: 0 };

  /** post(msg) sends a push to the page; now() reads the clock in ms. */
  constructor({ post, now }) {
    this.post = post;
    this.now = now;
  }

  /** Shows `session` from now on, every rate starting afresh (null: no run). */
  attach(session) {
    this.session = session;
    Object.assign(this.#clock, CLOCK_START);
  }

  /** The run went back or forward to `step` (a restored checkpoint): the statistics count from there. */
  restoredAt(step) {
    this.#clock.lastStatsStep = step;
  }

  /**
   * Posts the views that are due; `force` posts all of them now. With the live views off, only an
   * epoch end's whole-test-set evaluation (fullEval) is posted unless forced.
   */
  report(force, fullEval = false) {
    const { session, post } = this;
    if (!this.live && !force) {
      if (fullEval) post(this.evaluation(true));
      return;
    }
    const now = this.now();
    const clock = this.#clock;
    const statsDue = force || (now - clock.lastStats >= STATS_MS)
      || (session.step - clock.lastStatsStep >= STATS_STEPS && now - clock.lastStats >= STATS_MIN_MS);
    if (statsDue) {
      clock.lastStats = now;
      clock.lastStatsStep = session.step;
      post(this.stats(force));
    }
    if (force || fullEval || now - clock.lastEval >= EVAL_MS) {
      clock.lastEval = now;
      post(this.evaluation(fullEval));
      const grid = this.grid();
      if (grid) post(grid);
      const boundary = this.boundary();
      if (boundary) post(boundary);
    }
  }

  /** Posts the statistics now, whatever their rate, and counts the rate from here (a run's first step). */
  postStats() {
    this.#clock.lastStats = this.now();
    this.#clock.lastStatsStep = this.session.step;
    this.post(this.stats());
  }

  /**
   * The STATS push. The first layer's images change slowly and are the largest part of it: at
   * most every FILTERS_MS (undefined: unchanged since the last); so is `example`, every layer's
   * output for the first test sample (insight.js's exampleOutputs), which the network drawing shows.
   */
  stats(force = false) {
    const { session } = this;
    const now = this.now();
    const filtersDue = force || now - this.#clock.lastFilters >= FILTERS_MS;
    if (filtersDue) this.#clock.lastFilters = now;
    const tensors = session.tensors.filter((t) => t.buffer === 'params').map((t) => ({
      name: t.name, layer: t.layer, role: t.role,
      weights: session.tensorStats(t.name, { bins: HIST_BINS }),
      grads: session.tensorStats(t.name, { grads: true, bins: HIST_BINS }),
    }));
    return { type: Push.STATS, step: session.step, tensors, filters: filtersDue ? this.filters() : undefined,
      example: filtersDue ? { step: session.step, ...exampleOutputs(session) } : undefined, activations: this.activations(force) };
  }

  /** activationStats of every activation layer, or null when skipped this time (never when forced). */
  activations(force) {
    const { session } = this;
    const last = this.#activations;
    const now = this.now();
    if (!force && session.step > 0 && now - last.at < ACTIVATION_SPACING * last.ms) return null;
    const layers = activationStats(session, { samples: ACTIVATION_SAMPLES })
      .map(({ index, type, units, samples, mean, std, deadFraction, neverPositiveFraction }) => ({ index, type, units, samples, mean, std, deadFraction, neverPositiveFraction }));
    last.at = this.now();
    last.ms = last.at - now;
    return layers;
  }

  /** The first layer's weights as small images: dense over 28x28 pixels, or conv2d kernels. */
  filters() {
    const { session } = this;
    const first = session.tensors.find((t) => t.role === 'weight' && t.buffer === 'params');
    if (!first) return null;
    const layer = session.layers[first.layer];
    const [units, ...rest] = first.shape;
    const data = session.dataset.shape;
    let channels;
    let height;
    let width;
    if (layer.type === 'conv2d') {
      [channels, height, width] = rest;
    } else if (layer.type === 'dense' && data[1] > 1 && rest[0] === data[0] * data[1] * data[2]) {
      [channels, height, width] = data; // a dense layer straight over the pixels: one image per unit
    } else {
      return null; // a dense layer over 2-D points or features has nothing to picture
    }
    const count = Math.min(units, MAX_FILTERS);
    const values = session.tensorValues(first.name).subarray(0, count * channels * height * width).slice();
    return { layer: first.layer, name: first.name, count, channels, height, width, values };
  }

  /** The EVAL push: the whole test set (full), or its first EVAL_SUBSET samples. */
  evaluation(full) {
    const { session } = this;
    const classes = session.dataset.classes;
    let result;
    let subset;
    if (full) {
      result = session.evaluate('test', { confusion: true });
      subset = session.testCount;
    } else {
      ({ count: subset, ...result } = session.evaluateTestSubset(EVAL_SUBSET));
    }
    return { type: Push.EVAL, step: session.step, split: 'test', subset, full, classes, ...result };
  }

  /** The GRID push: the predictions for the first GRID_DIGITS test digits (MNIST only). */
  grid() {
    const { session } = this;
    if (session.dataset.name !== 'mnist') return null;
    const n = Math.min(GRID_DIGITS, session.testCount);
    return { type: Push.GRID, step: session.step, classes: session.dataset.classes, probs: session.predict(session.inputs('test', n), n) };
  }

  /** The BOUNDARY push: P(class 1) over a size x size grid of [lo, hi]^2 (corners included, x fastest, first row at y = lo). */
  boundary() {
    const { session } = this;
    if (session.dataset.name === 'mnist') return null;
    const size = BOUNDARY_SIZE;
    const [lo, hi] = BOUNDARY_EXTENT;
    const step = (hi - lo) / (size - 1);
    const points = new Float32Array(size * size * 2);
    for (let iy = 0; iy < size; iy++) {
      for (let ix = 0; ix < size; ix++) {
        points[2 * (iy * size + ix)] = lo + ix * step;
        points[2 * (iy * size + ix) + 1] = lo + iy * step;
      }
    }
    const classes = session.dataset.classes;
    const probs = session.predict(points, size * size);
    const grid = new Float32Array(size * size);
    for (let i = 0; i < grid.length; i++) grid[i] = probs[i * classes + 1];
    return { type: Push.BOUNDARY, step: session.step, resolution: size, extent: BOUNDARY_EXTENT, classes, grid };
  }
}
