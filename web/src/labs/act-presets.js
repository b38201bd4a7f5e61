// act-presets.js: the activation lab as the page knows it: the activations, where a derivative
// counts as saturated, the histogram's bins and the claims (id, the activation they show, whether
// they train on MNIST). activation-claims.js adds how each is measured; the page itself imports
// only this (the measuring runs in the training worker, lab-actions.js).

import { LayerKind } from '../engine/enums.js';

/** The lab's activations: id (the link's act=), the core's layer kind, its parameter (or null). */
export const ACTIVATIONS = Object.freeze([
  { id: 'tanh', kind: LayerKind.TANH, param: null },
  { id: 'sigmoid', kind: LayerKind.SIGMOID, param: null },
  { id: 'relu', kind: LayerKind.RELU, param: null },
  { id: 'leaky_relu', kind: LayerKind.LEAKY_RELU, param: 0.01 }, // negative slope
  { id: 'elu', kind: LayerKind.ELU, param: 1 }, // alpha
  { id: 'swish', kind: LayerKind.SWISH, param: null },
  { id: 'softmax', kind: LayerKind.SOFTMAX, param: null },
].map(Object.freeze));
export const activationOf = (id) => ACTIVATIONS.find((a) => a.id === id) ?? ACTIVATIONS[0];

/** Below this size of the derivative a unit counts as saturated (or dead): little gradient passes. */
export const SATURATED = 0.05;
/** The other two logits of softmax's 3-vector, as on the slide: [x, 1.0, 0.1]. */
export const SOFTMAX_REST = Object.freeze([1.0, 0.1]);

/** The pre-activation histogram's bins: 48 over [-6, 6], the values outside in the end bins. */
export const HISTOGRAM = Object.freeze({ lo: -6, hi: 6, bins: 48 });

export const ACT_PRESETS = Object.freeze([
  { id: 'saturation', mnist: true, state: { act: 'sigmoid' } },
  { id: 'same-sign', mnist: true, state: { act: 'sigmoid' } },
  { id: 'softmax', state: { act: 'softmax' } },
].map(Object.freeze));

export const actPresetOf = (id) => ACT_PRESETS.find((c) => c.id === id) ?? null;
