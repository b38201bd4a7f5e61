// loss-curves.js: the loss lab's numbers, from the core's own losses: cross-entropy (softmax
// fused) and MSE after a softmax layer on one-hot targets, their value and their gradient with
// respect to the true class's logit as functions of the predicted probability p of that class;
// and the same MLP trained on MNIST with each, to 90 % test accuracy.

import { LayerKind, LossKind, Reduction } from '../engine/enums.js';
import { Session } from '../engine/session.js';
import { parseExperiment } from '../experiment/validate.js';

import { CLASSES } from './loss-presets.js';

export { CLASSES, smoothedTarget } from './loss-presets.js';

/**
 * A net whose output is its input's 10 logits (one bias-free dense layer with identity weights),
 * with the loss of `kind` (MSE after a softmax layer). Calls fn(net) and frees the net.
 */
function withLogitNet(core, kind, { smoothing = 0, weight = 1 }, fn) {
  const { fn: c } = core;
  const net = c.nn_net_create(CLASSES, 1, 1);
  try {
    c.nn_add_dense(net, CLASSES, 0);
    if (kind === 'mse') c.nn_add_activation(net, LayerKind.SOFTMAX, 0);
    c.nn_build(net, 1);
    const w = core.f32(c.nn_params(net), CLASSES * CLASSES);
    w.fill(0);
    for (let i = 0; i < CLASSES; i++) w[i * CLASSES + i] = 1;
    // The true class is class 0; its weight is `weight`, every other class's 1. Summed, not
    // averaged: for one sample the mean divides the weight out again (torch does the same).
    const weights = new Float32Array(CLASSES).fill(1);
    weights[0] = weight;
    core.withCopy(weights, (ptr) => c.nn_set_loss(net, kind === 'mse' ? LossKind.MSE : LossKind.CROSS_ENTROPY, Reduction.SUM,
      kind === 'mse' ? 0 : smoothing, kind === 'mse' ? 0 : ptr));
    return fn(net);
  } finally {
    c.nn_net_free(net);
  }
}

/** The logits whose softmax gives the true class (0) probability p and the others (1 - p) / 9 each. */
export function logitsFor(p) {
  const z = new Float32Array(CLASSES);
  z[0] = Math.log((p * (CLASSES - 1)) / (1 - p));
  return z;
}

/** {loss, grad (d loss / d true logit), p (as the core's softmax gives it)} of one sample. */
function sampleOf(core, net, p) {
  const { fn: c } = core;
  const x = core.alloc(4 * CLASSES);
  const label = core.alloc(4);
  try {
    core.f32(x, CLASSES).set(logitsFor(p));
    core.i32(label, 1)[0] = 0;
    c.nn_forward(net, x, 1, 1);
    const { loss } = core.loss(net, label, 1);
    c.nn_zero_grad(net);
    c.nn_backward(net);
    const grad = core.f32(c.nn_layer_output_grad(net, 0), CLASSES)[0];
    return { loss, grad };
  } finally {
    core.free(x);
    core.free(label);
  }
}

/** The probabilities the curves are drawn at: denser near 0 and 1, where the losses differ most. */
export function probabilities(n = 199) {
  return Float64Array.from({ length: n }, (_, i) => {
    const u = (i + 1) / (n + 1);
    return u * u * (3 - 2 * u); // smoothstep: more points at both ends
  });
}

/**
 * Both losses and their gradients over p: {p, ce, mse, dce, dmse} (Float64Array each). options:
 * {smoothing (cross-entropy's label smoothing), weight (the true class's weight)}.
 */
export function lossCurves(core, options = {}, p = probabilities()) {
  const out = { p, ce: new Float64Array(p.length), mse: new Float64Array(p.length), dce: new Float64Array(p.length), dmse: new Float64Array(p.length) };
  for (const kind of ['ce', 'mse']) {
    withLogitNet(core, kind === 'ce' ? 'cross_entropy' : 'mse', options, (net) => {
      p.forEach((pi, i) => {
        const s = sampleOf(core, net, pi);
        out[kind][i] = s.loss;
        out[`d${kind}`][i] = s.grad;
      });
    });
  }
  return out;
}

/** One sample at probability p: {ce, mse, dce, dmse} with the options. */
export function lossAt(core, p, options = {}) {
  const c = lossCurves(core, options, Float64Array.of(p));
  return { ce: c.ce[0], mse: c.mse[0], dce: c.dce[0], dmse: c.dmse[0] };
}

/** The MLP of the playground's default experiment; with MSE a softmax layer ends it (MSE after softmax). */
export function mnistExperiment(loss) {
  const layers = [{ type: 'flatten' }, { type: 'dense', units: 128 }, { type: 'relu' }, { type: 'dense', units: 10 }];
  return parseExperiment({
    version: 1, data: { set: 'mnist' }, layers: loss === 'mse' ? [...layers, { type: 'softmax' }] : layers,
    loss: { type: loss }, optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 }, init: { type: 'torch_default' },
    batch_size: 64, epochs: 3, shuffle: true, seed: 1,
  });
}

export const TARGET_ACCURACY = 0.9;
export const EVAL_EVERY = 25;
export const MAX_STEPS = 2000;

/**
 * Trains the MLP with `loss` on MNIST until its test accuracy reaches 90 % (checked every 25
 * steps) or 2000 steps: {loss, steps (to 90 %, or null), curve: {steps, accuracy} (Float64Array)}.
 */
export function trainTo90(core, mnist, loss) {
  const session = new Session(core, mnistExperiment(loss), mnist);
  const steps = [];
  const accuracy = [];
  let reached = null;
  try {
    for (let i = 1; i <= MAX_STEPS && reached === null; i++) {
      session.trainStep();
      if (i % EVAL_EVERY) continue;
      const a = session.evaluate('test').accuracy;
      steps.push(i);
      accuracy.push(a);
      if (a >= TARGET_ACCURACY) reached = i;
    }
  } finally {
    session.dispose?.();
  }
  return { loss, steps: reached, curve: { steps: Float64Array.from(steps), accuracy: Float64Array.from(accuracy) } };
}
