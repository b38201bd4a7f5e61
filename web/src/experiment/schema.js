// schema.js: the experiment schema (version 1): everything that changes the numbers of a run,
// with torch's defaults filled in, sane caps, and messages that name the field and say why.
// One schema serves the runner, the page's worker and the URL codec. Valibot builds no code at
// run time (no eval / new Function), so it works under the page's CSP.

import * as v from 'valibot';

export const EXPERIMENT_VERSION = 1;

/** Caps: an experiment beyond these is refused before anything is allocated. */
export const LIMITS = Object.freeze({
  layers: 64,
  units: 16384,
  filters: 1024,
  kernel: 64,
  stride: 64,
  padding: 64,
  batch_size: 8192,
  epochs: 1000,
  synth_count: 100000,
  synth_noise: 1,
  mnist_train: 60000,
  mnist_test: 10000,
  learning_rate: 100,
  classes: 1000,
  seed: Number.MAX_SAFE_INTEGER,
  text: 2000,
});

export const LAYER_TYPES = Object.freeze([
  'dense', 'conv2d', 'maxpool', 'avgpool', 'flatten', 'dropout', 'batchnorm',
  'tanh', 'sigmoid', 'relu', 'leaky_relu', 'elu', 'swish', 'softmax', 'identity',
]);
export const INIT_TYPES = Object.freeze([
  'torch_default', 'zeros', 'constant', 'uniform', 'normal', 'xavier_uniform', 'xavier_normal',
  'kaiming_uniform', 'kaiming_normal', 'msra_lesson',
]);
export const OPTIMIZER_TYPES = Object.freeze(['sgd', 'adagrad', 'rmsprop', 'adam', 'adamw']);
export const LOSS_TYPES = Object.freeze(['cross_entropy', 'mse']);
export const DATA_SETS = Object.freeze(['mnist', 'xor', 'circles', 'spirals', 'gaussians']);
export const NONLINEARITIES = Object.freeze(['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu']);

/** A value as a person would write it in a message: 3, -3, NaN, "abc", a list, an object. */
export function show(x) {
  if (x === undefined) return 'nothing';
  if (x === null) return 'null';
  if (typeof x === 'number') return Object.is(x, -0) ? '0' : String(x);
  if (typeof x === 'string') {
    const s = JSON.stringify(x);
    return s.length > 42 ? `${s.slice(0, 40)}…"` : s;
  }
  if (Array.isArray(x)) return 'a list';
  if (typeof x === 'object') return 'an object';
  return String(x);
}

const quoteList = (xs) => xs.map((x) => JSON.stringify(x)).join(', ');

// ---- field builders: each failure of a field gives the same sentence, whichever check failed ----

function int(lo, hi) {
  const m = (issue) => `must be an integer from ${lo} to ${hi}, got ${show(issue.input)}`;
  return v.pipe(v.number(m), v.integer(m), v.minValue(lo, m), v.maxValue(hi, m));
}

/** A finite number in [lo, hi]; `open` makes the low end exclusive ("greater than 0"). */
function num(lo, hi, { lowOpen = false, highOpen = false } = {}) {
  const range = lowOpen || highOpen
    ? `${lowOpen ? `greater than ${lo}` : `at least ${lo}`} and ${highOpen ? `less than ${hi}` : `at most ${hi}`}`
    : `from ${lo} to ${hi}`;
  const m = (issue) => `must be a number ${range}, got ${show(issue.input)}`;
  return v.pipe(
    v.number(m),
    v.finite(m),
    lowOpen ? v.gtValue(lo, m) : v.minValue(lo, m),
    highOpen ? v.ltValue(hi, m) : v.maxValue(hi, m),
  );
}

function bool() {
  return v.boolean((issue) => `must be true or false, got ${show(issue.input)}`);
}

function pick(options) {
  return v.picklist(options, (issue) => `must be one of ${quoteList(options)}, got ${show(issue.input)}`);
}

function text() {
  const m = (issue) => `must be a text of at most ${LIMITS.text} characters, got ${show(issue.input)}`;
  return v.pipe(v.string(m), v.maxLength(LIMITS.text, m));
}

/** A strict object: a missing field says "is required", an unknown one lists the allowed fields. */
function obj(entries, what) {
  const allowed = Object.keys(entries);
  return v.strictObject(entries, (issue) => {
    if (issue.expected === 'never') return `unknown field in ${what} (allowed: ${allowed.join(', ')})`;
    if (issue.received === 'undefined' && issue.expected !== 'Object') return `is required in ${what}`;
    return `must be ${what} (a JSON object), got ${show(issue.input)}`;
  });
}

/** Objects told apart by their "type" field. */
function byType(options, what, types) {
  return v.variant('type', options, (issue) => {
    if (issue.expected === 'Object') return `must be ${what === 'initialiser' ? 'an' : 'a'} ${what} (a JSON object with a "type"), got ${show(issue.input)}`;
    if (issue.input === undefined) return `is required: every ${what} needs a "type", one of ${quoteList(types)}`;
    return `unknown ${what} type ${show(issue.input)} (known: ${quoteList(types)})`;
  });
}

const withType = (type, entries, what) => obj({ type: v.literal(type), ...entries }, what);
const opt = (schema, fallback) => v.optional(schema, fallback);

// ---- initialisers (torch.nn.init names and defaults) ----

const initOptions = [
  withType('torch_default', {}, 'an initialiser'),
  withType('zeros', {}, 'an initialiser'),
  withType('constant', { value: num(-1e6, 1e6) }, 'a constant initialiser'),
  withType('uniform', { a: opt(num(-1e6, 1e6), 0), b: opt(num(-1e6, 1e6), 1) }, 'a uniform initialiser'),
  withType('normal', { mean: opt(num(-1e6, 1e6), 0), std: opt(num(0, 1e6), 1) }, 'a normal initialiser'),
  withType('xavier_uniform', { gain: opt(num(0, 1e3), 1) }, 'a xavier_uniform initialiser'),
  withType('xavier_normal', { gain: opt(num(0, 1e3), 1) }, 'a xavier_normal initialiser'),
  withType('kaiming_uniform', {
    a: opt(num(0, 1e3), 0), mode: opt(pick(['fan_in', 'fan_out']), 'fan_in'),
    nonlinearity: opt(pick(NONLINEARITIES), 'leaky_relu'),
  }, 'a kaiming_uniform initialiser'),
  withType('kaiming_normal', {
    a: opt(num(0, 1e3), 0), mode: opt(pick(['fan_in', 'fan_out']), 'fan_in'),
    nonlinearity: opt(pick(NONLINEARITIES), 'leaky_relu'),
  }, 'a kaiming_normal initialiser'),
  withType('msra_lesson', {}, 'an initialiser'),
];
const initSchema = v.pipe(
  byType(initOptions, 'initialiser', INIT_TYPES),
  v.check((i) => i.type !== 'uniform' || i.a <= i.b, (issue) => `a uniform initialiser needs a <= b, got a = ${issue.input.a}, b = ${issue.input.b}`),
);
const layerInit = opt(obj({ weight: v.optional(initSchema), bias: v.optional(initSchema) }, 'a per-layer init ({"weight": ..., "bias": ...})'));

// ---- layers ----

const plain = (type) => withType(type, {}, `a ${type} layer`);
const layerOptions = [
  withType('dense', { units: int(1, LIMITS.units), bias: opt(bool(), true), init: layerInit }, 'a dense layer'),
  withType('conv2d', {
    filters: int(1, LIMITS.filters), kernel: int(1, LIMITS.kernel), stride: opt(int(1, LIMITS.stride), 1),
    padding: opt(int(0, LIMITS.padding), 0), bias: opt(bool(), true), init: layerInit,
  }, 'a conv2d layer'),
  withType('maxpool', { kernel: int(1, LIMITS.kernel), stride: v.optional(int(1, LIMITS.stride)), padding: opt(int(0, LIMITS.padding), 0) }, 'a maxpool layer'),
  withType('avgpool', { kernel: int(1, LIMITS.kernel), stride: v.optional(int(1, LIMITS.stride)), padding: opt(int(0, LIMITS.padding), 0) }, 'an avgpool layer'),
  plain('flatten'),
  withType('dropout', { p: opt(num(0, 1, { highOpen: true }), 0.5) }, 'a dropout layer'),
  withType('batchnorm', { eps: opt(num(0, 1, { lowOpen: true }), 1e-5), momentum: opt(num(0, 1), 0.1) }, 'a batchnorm layer'),
  plain('tanh'),
  plain('sigmoid'),
  plain('relu'),
  withType('leaky_relu', { negative_slope: opt(num(-1e3, 1e3), 0.01) }, 'a leaky_relu layer'),
  withType('elu', { alpha: opt(num(0, 1e3), 1.0) }, 'an elu layer'),
  plain('swish'),
  plain('softmax'),
  plain('identity'),
];
const layerSchema = byType(layerOptions, 'layer', LAYER_TYPES);

// ---- data sets ----

const synth = (type, what) => obj({
  set: v.literal(type),
  count: opt(int(1, LIMITS.synth_count), 500),
  test_count: v.optional(int(1, LIMITS.synth_count)),
  noise: opt(num(0, LIMITS.synth_noise), 0.1),
}, what);
const dataOptions = [
  obj({
    set: v.literal('mnist'),
    train_samples: opt(int(1, LIMITS.mnist_train), LIMITS.mnist_train),
    test_samples: opt(int(1, LIMITS.mnist_test), LIMITS.mnist_test),
  }, 'the mnist data set'),
  synth('xor', 'the xor data set'),
  synth('circles', 'the circles data set'),
  synth('spirals', 'the spirals data set'),
  synth('gaussians', 'the gaussians data set'),
];
const dataSchema = v.variant('set', dataOptions, (issue) => {
  if (issue.expected === 'Object') return `must be a data set (a JSON object with a "set"), got ${show(issue.input)}`;
  if (issue.input === undefined) return `is required: the data set needs a "set", one of ${quoteList(DATA_SETS)}`;
  return `unknown data set ${show(issue.input)} (known: ${quoteList(DATA_SETS)})`;
});

// ---- loss ----

const classWeights = v.nullable(
  v.pipe(
    v.array(num(0, 1e6), (issue) => `must be a list of class weights or null, got ${show(issue.input)}`),
    v.minLength(1, 'must not be empty (use null for equal weights)'),
    v.maxLength(LIMITS.classes, `must have at most ${LIMITS.classes} entries`),
  ),
);
const reduction = opt(pick(['mean', 'sum']), 'mean');
const lossSchema = byType([
  withType('cross_entropy', {
    label_smoothing: opt(num(0, 1), 0), reduction, class_weights: opt(classWeights, null),
  }, 'a cross_entropy loss'),
  withType('mse', { reduction }, 'an mse loss'),
], 'loss', LOSS_TYPES);

// ---- optimizers: torch.optim's hyper-parameters and defaults ----

const lr = (fallback) => opt(num(0, LIMITS.learning_rate), fallback);
const decay = (fallback) => opt(num(0, 1e3), fallback);
const eps = (fallback) => opt(num(0, 1, { highOpen: true }), fallback);
const beta = num(0, 1, { highOpen: true });
const betas = opt(
  v.strictTuple([beta, beta], (issue) => (issue.expected === 'never'
    ? 'is one item too many: betas is a list of two numbers [beta1, beta2]'
    : `must be a list of two numbers [beta1, beta2], got ${show(issue.input)}`)),
  [0.9, 0.999],
);
const optimizerSchema = v.pipe(
  byType([
    withType('sgd', {
      lr: lr(1e-3), momentum: opt(num(0, 1e3), 0), dampening: opt(num(0, 1), 0), weight_decay: decay(0),
      nesterov: opt(bool(), false), maximize: opt(bool(), false),
    }, 'an sgd optimizer'),
    withType('adagrad', {
      lr: lr(1e-2), lr_decay: decay(0), weight_decay: decay(0), initial_accumulator_value: opt(num(0, 1e6), 0),
      eps: eps(1e-10), maximize: opt(bool(), false),
    }, 'an adagrad optimizer'),
    withType('rmsprop', {
      lr: lr(1e-2), alpha: opt(num(0, 1), 0.99), eps: eps(1e-8), weight_decay: decay(0), momentum: opt(num(0, 1e3), 0),
      centered: opt(bool(), false), maximize: opt(bool(), false),
    }, 'an rmsprop optimizer'),
    withType('adam', {
      lr: lr(1e-3), betas, eps: eps(1e-8), weight_decay: decay(0), amsgrad: opt(bool(), false), maximize: opt(bool(), false),
    }, 'an adam optimizer'),
    withType('adamw', {
      lr: lr(1e-3), betas, eps: eps(1e-8), weight_decay: decay(1e-2), amsgrad: opt(bool(), false), maximize: opt(bool(), false),
    }, 'an adamw optimizer'),
  ], 'optimizer', OPTIMIZER_TYPES),
  v.check(
    (o) => o.type !== 'sgd' || !o.nesterov || (o.momentum > 0 && o.dampening === 0),
    'nesterov needs a momentum above 0 and a dampening of 0 (as torch.optim.SGD)',
  ),
);

// ---- the experiment ----

export const experimentSchema = obj({
  version: v.literal(EXPERIMENT_VERSION, (issue) => `must be ${EXPERIMENT_VERSION} (this playground reads version ${EXPERIMENT_VERSION} experiments), got ${show(issue.input)}`),
  name: v.optional(text()),
  description: v.optional(text()),
  data: dataSchema,
  layers: v.pipe(
    v.array(layerSchema, (issue) => `must be a list of layers, got ${show(issue.input)}`),
    v.minLength(1, 'must hold at least one layer'),
    v.maxLength(LIMITS.layers, (issue) => `must hold at most ${LIMITS.layers} layers, got ${issue.input.length}`),
  ),
  loss: lossSchema,
  optimizer: optimizerSchema,
  init: opt(initSchema, { type: 'torch_default' }),
  batch_size: opt(int(1, LIMITS.batch_size), 64),
  epochs: opt(int(1, LIMITS.epochs), 1),
  shuffle: opt(bool(), true),
  seed: opt(int(0, LIMITS.seed), 0),
}, 'an experiment');
