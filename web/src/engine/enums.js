// enums.js: the C core's enums as frozen JS objects.
// Must match c/nn.h (tests/web/engine/enums.test.js parses the header and checks every value).
// Keys are the C names without their prefix: NN_ERR_SHAPE -> Status.ERR_SHAPE.

export const Status = Object.freeze({
  OK: 0,
  ERR_INVALID: 1,
  ERR_SHAPE: 2,
  ERR_NOMEM: 3,
  ERR_NUMERIC: 4,
  ERR_DATA: 5,
});

export const LayerKind = Object.freeze({
  DENSE: 0,
  CONV2D: 1,
  MAXPOOL: 2,
  AVGPOOL: 3,
  FLATTEN: 4,
  DROPOUT: 5,
  BATCHNORM: 6,
  TANH: 7,
  SIGMOID: 8,
  RELU: 9,
  LEAKY_RELU: 10,
  ELU: 11,
  SWISH: 12,
  SOFTMAX: 13,
  IDENTITY: 14,
  KIND_COUNT: 15,
});

export const LossKind = Object.freeze({
  CROSS_ENTROPY: 0,
  MSE: 1,
});

export const Reduction = Object.freeze({
  MEAN: 0,
  SUM: 1,
});

export const OptimKind = Object.freeze({
  SGD: 0,
  ADAGRAD: 1,
  RMSPROP: 2,
  ADAM: 3,
  ADAMW: 4,
});

export const Hyper = Object.freeze({
  LR: 0,
  MOMENTUM: 1,
  DAMPENING: 2,
  WEIGHT_DECAY: 3,
  NESTEROV: 4,
  MAXIMIZE: 5,
  ALPHA: 6,
  EPS: 7,
  CENTERED: 8,
  BETA1: 9,
  BETA2: 10,
  AMSGRAD: 11,
  LR_DECAY: 12,
  INITIAL_ACCUMULATOR: 13,
  COUNT: 14,
});

export const InitKind = Object.freeze({
  TORCH_DEFAULT: 0,
  ZEROS: 1,
  CONSTANT: 2,
  UNIFORM: 3,
  NORMAL: 4,
  XAVIER_UNIFORM: 5,
  XAVIER_NORMAL: 6,
  KAIMING_UNIFORM: 7,
  KAIMING_NORMAL: 8,
  MSRA_LESSON: 9,
  KIND_COUNT: 10,
});

export const FanMode = Object.freeze({
  FAN_IN: 0,
  FAN_OUT: 1,
});

export const Gain = Object.freeze({
  LINEAR: 0,
  SIGMOID: 1,
  TANH: 2,
  RELU: 3,
  LEAKY_RELU: 4,
  SELU: 5,
});

export const ParamRole = Object.freeze({
  WEIGHT: 0,
  BIAS: 1,
});

export const SynthKind = Object.freeze({
  XOR: 0,
  CIRCLES: 1,
  SPIRALS: 2,
  GAUSSIANS: 3,
});

/** The optimizer lab's 2-D surfaces (web/src/labs/surfaces.js). */
export const SurfaceKind = Object.freeze({
  SADDLE: 0,
  RAVINE: 1,
  ROSENBROCK: 2,
  BEALE: 3,
  HIMMELBLAU: 4,
  SPARSE: 5,
  KIND_COUNT: 6,
});

/** Status code -> its C name, for error messages ("NN_ERR_SHAPE"). */
export function statusName(code) {
  for (const [name, value] of Object.entries(Status)) if (value === code) return `NN_${name}`;
  return `status ${code}`;
}
