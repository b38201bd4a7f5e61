// live-run.js: the numbers of the run being trained, as the worker streams them (steps, stats,
// eval, grid, boundary): growable columns the charts read in place, the snapshots of every weight
// tensor, the gradient norms, the latest views; a run's history put back after a restore; and
// what one run of a lesson measured. No DOM: the page draws from it, tests read it in Node.

import { multiplyAdds } from '../engine/insight.js';
import { isHistory } from '../runs/checkpoints.js';
import { downsample, thinTest } from '../runs/runs.js';
import { evenlySpaced } from '../components/viz/stats.js';

/** Snapshots kept per tensor; older ones are thinned to every other one past this. */
export const MAX_SNAPSHOTS = 240;
/**
 * A lesson run's evidence keeps at most this many points of each curve (train loss and accuracy
 * averaged in buckets, gradient norms and test points thinned): a lesson of seven runs stays a
 * few hundred kilobytes however long it trains.
 */
export const EVIDENCE_POINTS = 300;

/** A growable column of numbers (charts read `array` up to `length`). */
export class Column {
  constructor(Type = Float64Array, capacity = 1024) {
    this.Type = Type;
    this.array = new Type(capacity);
    this.length = 0;
  }

  push(x) {
    if (this.length === this.array.length) {
      const grown = new this.Type(this.array.length * 2);
      grown.set(this.array);
      this.array = grown;
    }
    this.array[this.length++] = x;
  }

  values() {
    return Array.from(this.array.subarray(0, this.length));
  }
}

/** Keeps at most MAX_SNAPSHOTS, in place, by dropping every other old one (the newest stays). */
function thinInPlace(list) {
  if (list.length <= MAX_SNAPSHOTS) return;
  const kept = list.filter((_, i) => i % 2 === 0 || i === list.length - 1);
  list.length = 0;
  list.push(...kept);
}

const NONE = Object.freeze([]);

/**
 * The live run. reset(info) begins a new one (a fresh network: info is the worker's answer to
 * configure/reset); apply(type, msg) takes one pushed message and returns the views it changed.
 */
export class LiveRun {
  constructor(info = null) {
    this.reset(info);
  }

  reset(info = null) {
    const weights = (info?.tensors ?? []).filter((x) => x.role === 'weight');
    this.steps = new Column(Float64Array);
    this.loss = new Column(Float32Array);
    this.accuracy = new Column(Float32Array);
    this.test = { steps: [], loss: [], accuracy: [] };
    // What the metric charts read; updated in place (arrays swapped when a column grows), and a
    // new array for a new run, so the charts see the change.
    this.metricRuns = [{ id: 'run', train: this.#train(), test: this.test }];
    this.last = { loss: NaN, accuracy: NaN, testAccuracy: NaN, testLoss: NaN, testCount: 0, testFull: false, samples: 0, trainMs: 0 };
    this.snapshots = new Map(weights.map((w) => [w.name, { weights: [], grads: [] }]));
    // layers: the index in the experiment's layer list of each weight tensor (layer N is layers[N-1]).
    this.norms = { names: weights.map((x) => x.name), layers: weights.map((x) => x.layer), steps: [], norms: weights.map(() => []), length: 0 };
    this.confusion = null;
    this.gridProbs = null;
    this.filters = null;
    /** Every layer's output for one test sample ({step, input, layers}), for the network drawing. */
    this.example = null;
    this.activations = null;
    this.startActivations = null; // the activations measured at step 0, kept for the lessons' table
    this.boundary = null;
    /** The last step the worker reported (the readouts show it). */
    this.lastStep = info?.step ?? 0;
    /** The whole test set's numbers at a step (Submit asks for them): {step, test_accuracy, test_loss, count}. */
    this.fullEval = null;
  }

  /** Number of steps trained in this run. */
  get stepCount() {
    return this.steps.length;
  }

  /** Steps and losses of every step trained in this run (plain arrays of the exact f32 values). */
  lossHistory() {
    return { steps: this.steps.values(), loss: this.loss.values() };
  }

  /** The train columns as the charts and a run's record take them. */
  #train() {
    return { steps: this.steps.array, loss: this.loss.array, accuracy: this.accuracy.array, length: this.steps.length };
  }

  /** Takes one message the worker pushed; returns the views (data-view names) it changed. */
  apply(type, msg) {
    switch (type) {
      case 'steps': return this.#steps(msg);
      case 'stats': return this.#stats(msg);
      case 'eval': return this.#eval(msg);
      case 'grid':
        this.gridProbs = msg.probs;
        return ['digits'];
      case 'boundary':
        this.boundary = msg;
        return ['boundary'];
      default:
        return NONE;
    }
  }

  #steps(msg) {
    for (let i = 0; i < msg.loss.length; i++) {
      this.steps.push(msg.first + i);
      this.loss.push(msg.loss[i]);
      this.accuracy.push(msg.accuracy[i]);
    }
    Object.assign(this.metricRuns[0].train, this.#train());
    this.last.loss = msg.loss[msg.loss.length - 1];
    this.last.accuracy = msg.accuracy[msg.accuracy.length - 1];
    this.last.samples = msg.samples;
    this.last.trainMs = msg.trainMs;
    this.lastStep = msg.first + msg.loss.length - 1;
    return ['loss', 'accuracy'];
  }

  #stats(msg) {
    for (const tensor of msg.tensors) {
      const entry = this.snapshots.get(tensor.name);
      if (!entry) continue;
      entry.weights.push({ step: msg.step, ...tensor.weights });
      entry.grads.push({ step: msg.step, ...tensor.grads });
      thinInPlace(entry.weights);
      thinInPlace(entry.grads);
    }
    const norms = this.norms;
    if (msg.step > 0 && norms.steps.at(-1) !== msg.step) {
      norms.steps.push(msg.step);
      norms.names.forEach((name, i) => {
        norms.norms[i].push(msg.tensors.find((x) => x.name === name)?.grads.l2 ?? NaN);
      });
      norms.length = norms.steps.length;
    }
    if (msg.filters !== undefined) this.filters = msg.filters; // undefined: unchanged
    if (msg.example !== undefined) this.example = msg.example;
    if (msg.activations) this.activations = { step: msg.step, layers: msg.activations };
    if (msg.activations && msg.step === 0) this.startActivations = msg.activations;
    return ['weights', 'grads', 'norms', 'filters'];
  }

  #eval(msg) {
    const test = this.test;
    if (test.steps.at(-1) === msg.step) {
      test.loss[test.loss.length - 1] = msg.loss;
      test.accuracy[test.accuracy.length - 1] = msg.accuracy;
    } else {
      test.steps.push(msg.step);
      test.loss.push(msg.loss);
      test.accuracy.push(msg.accuracy);
    }
    Object.assign(this.last, { testAccuracy: msg.accuracy, testLoss: msg.loss, testCount: msg.subset, testFull: Boolean(msg.full) });
    if (msg.full) this.fullEval = { step: msg.step, test_accuracy: msg.accuracy, test_loss: msg.loss, count: msg.subset };
    this.confusion = { matrix: msg.confusion, subset: msg.subset };
    return ['loss', 'accuracy', 'confusion'];
  }

  /**
   * The metric history as it was at `step`: the kept columns cut back, or, when none is kept
   * (a reload), the stored `history` of a checkpoint (runs/checkpoints.js's historyUpTo) put back.
   */
  restoreHistory(history, step) {
    let n = this.steps.length;
    while (n > 0 && this.steps.array[n - 1] > step) n--;
    if (n === 0 && isHistory(history)) {
      for (let i = 0; i < history.train.steps.length; i++) {
        this.steps.push(history.train.steps[i]);
        this.loss.push(history.train.loss[i]);
        this.accuracy.push(history.train.accuracy[i]);
      }
      n = this.steps.length;
      this.test.steps.push(...history.test.steps);
      this.test.loss.push(...history.test.loss);
      this.test.accuracy.push(...history.test.accuracy);
    }
    for (const column of [this.steps, this.loss, this.accuracy]) column.length = n;
    const keep = this.test.steps.findLastIndex((s) => s <= step) + 1;
    for (const list of [this.test.steps, this.test.loss, this.test.accuracy]) list.length = keep;
    Object.assign(this.metricRuns[0].train, this.#train());
    this.last.loss = n ? this.loss.array[n - 1] : NaN;
    this.last.accuracy = n ? this.accuracy.array[n - 1] : NaN;
    this.lastStep = step;
  }

  /**
   * What this run measured as one run of a lesson (the panel's table and the tests read it).
   * entry: the lesson's experiment entry; runId, color, label: the run's; info: the worker's
   * answer to configure (shapes, for the multiply-adds).
   */
  lessonResult(entry, { runId, color, label, info, seconds = NaN }) {
    const n = this.loss.length;
    const activations = this.activations?.layers ?? [];
    const rectifiers = activations.filter((a) => a.type === 'relu' || a.type === 'leaky_relu');
    const norms = this.norms.norms.map((col) => col.at(-1));
    const firstNorms = this.norms.norms.map((col) => col[0]);
    const ratio = (xs) => (xs.length >= 2 && xs.at(-1) > 0 ? xs[0] / xs.at(-1) : null);
    const shown = activations.filter((a) => a.type !== 'softmax');
    // The activation scale at the start: the last hidden activation layer's std over the first's.
    const start = (this.startActivations ?? []).filter((a) => a.type !== 'softmax');
    const deadFraction = rectifiers.length ? Math.max(...rectifiers.map((a) => a.deadFraction)) : null;
    const number = (index) => (Number.isInteger(index) ? index + 1 : null); // layer N is layers[N-1]
    return {
      id: entry.id,
      label,
      runId,
      color,
      steps: n ? this.steps.array[n - 1] : 0,
      firstLoss: n ? this.loss.array[0] : NaN,
      trainLoss: n ? this.loss.array[n - 1] : NaN,
      testLoss: this.last.testLoss,
      testAccuracy: this.last.testAccuracy,
      testCount: this.last.testCount,
      deadFraction,
      // Which layer each one-layer number reads, numbered as the layer rows and the drawing number them.
      deadLayer: deadFraction === null ? null : number(rectifiers.find((a) => a.deadFraction === deadFraction).index),
      gradLayers: norms.length >= 2 && this.norms.length ? [number(this.norms.layers[0]), number(this.norms.layers.at(-1))] : null, // first / last
      startStdLayers: start.length >= 2 ? [number(start.at(-1).index), number(start[0].index)] : null, // as the ratio: last / first
      deadPerLayer: rectifiers.map((a) => a.deadFraction),
      deadLayers: rectifiers.map((a) => number(a.index)),
      neverPositivePerLayer: rectifiers.map((a) => a.neverPositiveFraction),
      stdPerLayer: shown.map((a) => a.std),
      lastStd: shown.length ? shown.at(-1).std : null,
      startStdPerLayer: start.map((a) => a.std),
      startStdRatio: start.length >= 2 && start[0].std > 0 ? start.at(-1).std / start[0].std : null,
      multiplyAdds: info?.layers?.length === entry.experiment.layers.length ? multiplyAdds(info.inputShape, info.layers, entry.experiment.layers) : null,
      gradRatio: ratio(norms),
      firstGradRatio: ratio(firstNorms),
      gradNorms: norms,
      seconds, // the run's training time (the clock of the training controller)
      evidence: this.evidence(info),
    };
  }

  /**
   * What the lesson panel's evidence draws of this run: its loss and accuracy curves, the gradient
   * norm of every layer over the steps, the activation statistics at the start and at the end
   * (dead units, scale), each weight tensor's last gradient histogram, and for a 2-D set the final
   * decision boundary over the training points.
   * Long curves are cut to EVIDENCE_POINTS; arrays are copies, so the next run cannot change them.
   */
  evidence(info) {
    const n = this.steps.length;
    const norms = this.norms;
    const picked = evenlySpaced(norms.steps.length, EVIDENCE_POINTS);
    const keep = (layers) => (layers ?? []).map(({ index, type, units, samples, mean, std, deadFraction, neverPositiveFraction }) => ({
      index, type, units, samples, mean, std, deadFraction, neverPositiveFraction,
    }));
    const boundary = this.boundary;
    return {
      classes: info?.classes ?? 0,
      train: n ? downsample(this.#train(), n, EVIDENCE_POINTS) : { steps: [], loss: [], accuracy: [] },
      test: thinTest(this.test, EVIDENCE_POINTS),
      norms: {
        layers: norms.layers.slice(),
        steps: picked.map((i) => norms.steps[i]),
        norms: norms.norms.map((col) => picked.map((i) => col[i])),
      },
      activations: {
        start: keep(this.startActivations),
        end: keep(this.activations?.layers),
        step: this.activations?.step ?? 0,
      },
      // The last gradient histogram of each weight tensor (a dead unit's weights get exactly 0).
      grads: norms.names.map((name) => {
        const last = this.snapshots.get(name)?.grads.at(-1);
        return last ? { step: last.step, lo: last.lo, hi: last.hi, counts: Array.from(last.counts ?? []), min: last.min, max: last.max, mean: last.mean, std: last.std } : null;
      }),
      boundary: boundary ? { grid: Float32Array.from(boundary.grid), resolution: boundary.resolution, extent: boundary.extent.slice(), step: boundary.step } : null,
      points: info?.points ?? null,
    };
  }
}
