// activation-curves.js: the activation lab's numbers, from the core's own activation layers: each
// activation and its derivative over x (softmax on a 3-vector: its first output against the first
// logit), softmax's stable and naive forms, and two networks on MNIST that show saturation and
// sigmoid's same-sign gradients.

import { LossKind, Reduction } from '../engine/enums.js';
import { Session } from '../engine/session.js';
import { forEachBatch, gradientNorms } from '../engine/insight.js';
import { parseExperiment } from '../experiment/validate.js';
import { ACTIVATIONS, HISTOGRAM, SATURATED, SOFTMAX_REST, activationOf } from './act-presets.js';

export { ACTIVATIONS, SATURATED, SOFTMAX_REST, activationOf } from './act-presets.js';

/**
 * Runs `inputs` ([n][width] floats) through one identity dense layer and the activation, in the
 * core, and back with an output gradient of `dout` per sample: {out [n][width], din [n][width]}
 * (din: the gradient at the activation's input). Batches of at most 4096.
 */
function throughActivation(core, act, param, inputs, width, dout) {
  const { fn } = core;
  const n = inputs.length / width;
  const chunk = Math.min(n, 4096);
  const net = fn.nn_net_create(width, 1, 1);
  const out = new Float32Array(n * width);
  const din = new Float32Array(n * width);
  const x = core.alloc(4 * chunk * width);
  const labels = core.alloc(4 * chunk);
  try {
    fn.nn_add_dense(net, width, 0);
    fn.nn_add_activation(net, act.kind, param ?? 0);
    fn.nn_build(net, chunk);
    const w = core.f32(fn.nn_params(net), width * width);
    w.fill(0);
    for (let i = 0; i < width; i++) w[i * width + i] = 1;
    // Any loss will do: it only marks the output gradient as written, which is then replaced.
    fn.nn_set_loss(net, LossKind.MSE, Reduction.SUM, 0, 0);
    core.i32(labels, chunk).fill(0);
    for (let start = 0; start < n; start += chunk) {
      const m = Math.min(chunk, n - start);
      core.f32(x, m * width).set(inputs.subarray(start * width, (start + m) * width));
      fn.nn_forward(net, x, m, 1);
      core.loss(net, labels, m);
      const g = core.f32(fn.nn_layer_output_grad(net, 1), m * width);
      for (let i = 0; i < m; i++) g.set(dout, i * width);
      fn.nn_backward(net);
      out.set(core.f32(fn.nn_layer_output(net, 1), m * width), start * width);
      din.set(core.f32(fn.nn_layer_output_grad(net, 0), m * width), start * width);
    }
    return { out, din };
  } finally {
    core.free(x);
    core.free(labels);
    fn.nn_net_free(net);
  }
}

/** x from -6 to 6. */
export const curveX = (n = 241) => Float32Array.from({ length: n }, (_, i) => -6 + (12 * i) / (n - 1));

/**
 * An activation and its derivative over xs: {x, y, dy}. Softmax: its first output for the logits
 * [x, 1.0, 0.1] and the derivative of that output by x.
 */
export function activationCurve(core, id, param, xs = curveX()) {
  const act = activationOf(id);
  if (act.id !== 'softmax') {
    const { out, din } = throughActivation(core, act, param ?? act.param, xs, 1, Float32Array.of(1));
    return { x: xs, y: out, dy: din };
  }
  const inputs = new Float32Array(3 * xs.length);
  xs.forEach((v, i) => inputs.set([v, ...SOFTMAX_REST], 3 * i));
  const { out, din } = throughActivation(core, act, null, inputs, 3, Float32Array.of(1, 0, 0));
  return { x: xs, y: out.filter((_, i) => i % 3 === 0), dy: din.filter((_, i) => i % 3 === 0) };
}

/** The derivative of the activation at each of `values` (the core's backward). */
export function derivatives(core, id, param, values) {
  const act = activationOf(id);
  return throughActivation(core, act, param ?? act.param, values, 1, Float32Array.of(1)).din;
}

/** The share of values whose derivative through the activation is below SATURATED in size. */
export function saturatedShare(core, id, param, values) {
  let n = 0;
  const din = derivatives(core, id, param, values);
  for (const d of din) if (Math.abs(d) < SATURATED) n++;
  return n / din.length;
}

/** The core's softmax of a vector. */
export function softmax(core, logits) {
  return throughActivation(core, activationOf('softmax'), null, Float32Array.from(logits), logits.length, new Float32Array(logits.length)).out;
}

/** Softmax as the naive formula e^x / sum e^x in float32, with no max subtracted: overflows past x = 88.7. */
export function naiveSoftmax(logits) {
  const e = logits.map((v) => Math.fround(Math.exp(Math.fround(v))));
  const sum = e.reduce((a, b) => Math.fround(a + b), 0);
  return e.map((v) => Math.fround(v / sum));
}

/** An MLP on MNIST: 784 -> hidden (activation) -> 10, cross-entropy, plain SGD lr 0.1. */
export function mnistMlp(activation, { hidden = 256, init = { type: 'torch_default' }, batch = 64 } = {}) {
  return parseExperiment({
    version: 1, data: { set: 'mnist' },
    layers: [{ type: 'flatten' }, { type: 'dense', units: hidden }, { type: activation }, { type: 'dense', units: 10 }],
    loss: { type: 'cross_entropy' }, optimizer: { type: 'sgd', lr: 0.1 }, init, batch_size: batch, epochs: 1, shuffle: true, seed: 1,
  });
}

/**
 * Saturation at the start of training: the hidden layer's pre-activations over 512 test samples
 * (values [512][hidden], share: of them saturated), the first layer's weight-gradient L2 after
 * one training step (gradient), and that gradient split by unit: the mean L2 of the weight rows
 * of units saturated on at least 90 % of the samples against the others' ({saturated, others,
 * units: how many are saturated}; null where a group is empty).
 */
export function saturationOf(core, mnist, activation, init) {
  const session = new Session(core, mnistMlp(activation, { init }), mnist);
  try {
    const layer = session.layers[1]; // the hidden dense layer: its output is the pre-activation
    const hidden = layer.outShape.reduce((a, b) => a * b, 1);
    const chunks = [];
    forEachBatch(session, { split: 'test', samples: 512, layers: [layer] }, (_, values) => chunks.push(values.slice()));
    const values = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      values.set(c, at);
      at += c.length;
    }
    const din = derivatives(core, activation, null, values);
    const samples = values.length / hidden;
    const flat = new Uint32Array(hidden);
    let all = 0;
    din.forEach((d, i) => {
      if (Math.abs(d) < SATURATED) {
        flat[i % hidden]++;
        all++;
      }
    });
    session.trainStep();
    const w = session.tensors.find((t) => t.layer === 1 && t.role === 'weight');
    const g = session.tensorValues(w.name, { grads: true });
    const inputs = w.shape[1];
    const groups = { saturated: [], others: [] };
    for (let j = 0; j < hidden; j++) {
      let sq = 0;
      for (let i = 0; i < inputs; i++) sq += g[j * inputs + i] ** 2;
      groups[flat[j] >= 0.9 * samples ? 'saturated' : 'others'].push(Math.sqrt(sq));
    }
    const mean = (a) => (a.length ? a.reduce((x, y) => x + y, 0) / a.length : null);
    return {
      values, share: all / din.length, gradient: gradientNorms(session)[0].l2,
      rows: { saturated: mean(groups.saturated), others: mean(groups.others), units: groups.saturated.length },
    };
  } finally {
    session.dispose();
  }
}

/**
 * The pre-activations of one activation layer of a running session (the playground's, in its
 * worker) over 512 test samples, read as insight.js reads activations (eval mode; the run's
 * later numbers do not change): {layers: [{index, type}] (every activation layer but softmax),
 * index (the one read), type, step, histogram (HISTOGRAM's bins, shares), share (|a'| < 0.05)};
 * {layers: []} when the session has none.
 */
export function livePreActivations(core, session, wanted) {
  const layers = session.layers.filter((l) => l.index > 0 && ACTIVATIONS.some((a) => a.id === l.type && a.id !== 'softmax'))
    .map((l) => ({ index: l.index, type: l.type }));
  const chosen = layers.find((l) => l.index === wanted) ?? layers[0];
  if (!chosen) return { layers, step: session.step };
  const spec = session.experiment.layers[chosen.index];
  const param = chosen.type === 'leaky_relu' ? spec.negative_slope : chosen.type === 'elu' ? spec.alpha : null;
  const chunks = [];
  forEachBatch(session, { split: 'test', samples: 512, layers: [session.layers[chosen.index - 1]] }, (_, values) => chunks.push(values.slice()));
  const values = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    values.set(c, at);
    at += c.length;
  }
  return {
    layers, index: chosen.index, type: chosen.type, step: session.step,
    histogram: histogram(values), share: saturatedShare(core, chosen.type, param, values),
  };
}

/** Shares of values in HISTOGRAM's bins (values outside [lo, hi] in the end bins). */
export function histogram(values) {
  const { lo, hi, bins } = HISTOGRAM;
  const counts = new Float64Array(bins);
  for (const v of values) counts[Math.max(0, Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins)))]++;
  return counts.map((c) => c / values.length);
}

/**
 * Sigmoid's outputs are all positive, so the gradient of every weight into a unit of the next
 * layer is that unit's delta times a positive number: one sign for the whole row. Over `steps`
 * steps of batch `batch`: the share of (unit, step) pairs of the output layer whose weight
 * gradients (zeros aside) all have one sign.
 */
export function sameSignShare(core, mnist, activation, { steps = 40, batch = 1 } = {}) {
  const session = new Session(core, mnistMlp(activation, { hidden: 64, batch }), mnist);
  try {
    const t = session.tensors.find((x) => x.layer === 3 && x.role === 'weight');
    const [out, inp] = t.shape;
    let same = 0;
    for (let s = 0; s < steps; s++) {
      session.trainStep();
      const g = session.tensorValues(t.name, { grads: true });
      for (let j = 0; j < out; j++) {
        let pos = 0;
        let neg = 0;
        for (let i = 0; i < inp; i++) {
          const v = g[j * inp + i];
          if (v > 0) pos++;
          else if (v < 0) neg++;
        }
        if (!pos || !neg) same++;
      }
    }
    return same / (steps * out);
  } finally {
    session.dispose();
  }
}
