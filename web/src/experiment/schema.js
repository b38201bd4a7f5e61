// schema.js: the experiment schema (version 1): everything that changes the numbers of a run,
// with torch's defaults filled in, sane caps, and messages that name the field and say why.
// One schema serves the runner, the page's worker and the URL codec. Valibot builds no code at
// run time (no eval / new Function), so it works under the page's CSP.
//
// Each message is built by say() (i18n/errors.js): valibot keeps its English sentence as the
// issue's message, and the message itself goes on the issue as `msg` (see note()), so the page
// can show it in Chinese.

import * as v from 'valibot';
import { english, say } from '../i18n/errors.js';

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
  /** leaky_relu's |negative_slope| and elu's alpha (torch takes any; c/activations.c checks the same). */
  activation_param: 1000,
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
/** The initialisers a layer's own bias init can take (the others need a weight matrix's fans). */
export const BIAS_INIT_TYPES = Object.freeze(['torch_default', 'zeros', 'constant', 'uniform', 'normal']);
/**
 * The initialisers that, as the experiment's own `init`, set the biases of dense and conv layers
 * too (the lesson's all-zeros start means every parameter); the others set only the weights and
 * leave the biases at torch's default. Must match nn_init_all in c/init.c (init.test.js checks).
 */
export const INIT_SETS_BIASES = Object.freeze(['zeros', 'constant']);
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

/** show(x) as a message parameter: the words "nothing", "a list", "an object" are translated. */
export function shown(x) {
  if (x === undefined) return say('err.show.nothing');
  if (Array.isArray(x)) return say('err.show.list');
  if (x !== null && typeof x === 'object') return say('err.show.object');
  return show(x);
}

const quoteList = (xs) => xs.map((x) => JSON.stringify(x)).join(', ');

/**
 * A valibot message function from a function of the issue to a message: it puts the message on
 * the issue (`msg`, which validate.js reads) and returns its English for valibot to keep.
 */
const note = (build) => (issue) => {
  issue.msg = build(issue);
  return english(issue.msg);
};

// ---- field builders: each failure of a field gives the same sentence, whichever check failed ----

function int(lo, hi) {
  const m = note((issue) => say('err.int', { lo, hi, got: shown(issue.input) }));
  return v.pipe(v.number(m), v.integer(m), v.minValue(lo, m), v.maxValue(hi, m));
}

/** A finite number in [lo, hi]; `open` makes the low end exclusive ("greater than 0"). */
function num(lo, hi, { lowOpen = false, highOpen = false } = {}) {
  const id = lowOpen ? (highOpen ? 'err.numOpen' : 'err.numLowOpen') : highOpen ? 'err.numHighOpen' : 'err.num';
  const m = note((issue) => say(id, { lo, hi, got: shown(issue.input) }));
  return v.pipe(
    v.number(m),
    v.finite(m),
    lowOpen ? v.gtValue(lo, m) : v.minValue(lo, m),
    highOpen ? v.ltValue(hi, m) : v.maxValue(hi, m),
  );
}

function bool() {
  return v.boolean(note((issue) => say('err.bool', { got: shown(issue.input) })));
}

function pick(options) {
  return v.picklist(options, note((issue) => say('err.oneOf', { options: quoteList(options), got: shown(issue.input) })));
}

function text() {
  const m = note((issue) => say('err.text', { max: LIMITS.text, got: shown(issue.input) }));
  return v.pipe(v.string(m), v.maxLength(LIMITS.text, m));
}

/**
 * A strict object: a missing field says "is required", an unknown one lists the allowed fields.
 * `what` names the object in messages (a message: say('err.what.aLayer', {type: 'dense'})).
 */
function obj(entries, what) {
  const allowed = Object.keys(entries).join(', ');
  return v.strictObject(entries, note((issue) => {
    if (issue.expected === 'never') return say('err.unknownField', { what, allowed });
    if (issue.received === 'undefined' && issue.expected !== 'Object') return say('err.requiredIn', { what });
    return say('err.object', { what, got: shown(issue.input) });
  }));
}

/** Objects told apart by their "type" field; `noun` is initialiser, layer, loss or optimizer. */
const NOUNS = {
  initialiser: [say('err.noun.initialiser'), say('err.noun.anInitialiser')],
  layer: [say('err.noun.layer'), say('err.noun.aLayer')],
  loss: [say('err.noun.loss'), say('err.noun.aLoss')],
  optimizer: [say('err.noun.optimizer'), say('err.noun.aOptimizer')],
};
function byType(options, noun, types, unknownId = 'err.unknownType') {
  const [what, a] = NOUNS[noun];
  return v.variant('type', options, note((issue) => {
    if (issue.expected === 'Object') return say('err.typedObject', { what: a, got: shown(issue.input) });
    if (issue.input === undefined) return say('err.typeRequired', { what, types: quoteList(types) });
    return say(unknownId, { what, got: shown(issue.input), types: quoteList(types) });
  }));
}

const withType = (type, entries, what) => obj({ type: v.literal(type), ...entries }, what);
const opt = (schema, fallback) => v.optional(schema, fallback);

// ---- initialisers (torch.nn.init names and defaults) ----

const anInit = say('err.what.anInit');
const aInit = (type) => say('err.what.init', { type });
const initOptions = [
  withType('torch_default', {}, anInit),
  withType('zeros', {}, anInit),
  withType('constant', { value: num(-1e6, 1e6) }, aInit('constant')),
  withType('uniform', { a: opt(num(-1e6, 1e6), 0), b: opt(num(-1e6, 1e6), 1) }, aInit('uniform')),
  withType('normal', { mean: opt(num(-1e6, 1e6), 0), std: opt(num(0, 1e6), 1) }, aInit('normal')),
  withType('xavier_uniform', { gain: opt(num(0, 1e3), 1) }, aInit('xavier_uniform')),
  withType('xavier_normal', { gain: opt(num(0, 1e3), 1) }, aInit('xavier_normal')),
  withType('kaiming_uniform', {
    a: opt(num(0, 1e3), 0), mode: opt(pick(['fan_in', 'fan_out']), 'fan_in'),
    nonlinearity: opt(pick(NONLINEARITIES), 'leaky_relu'),
  }, aInit('kaiming_uniform')),
  withType('kaiming_normal', {
    a: opt(num(0, 1e3), 0), mode: opt(pick(['fan_in', 'fan_out']), 'fan_in'),
    nonlinearity: opt(pick(NONLINEARITIES), 'leaky_relu'),
  }, aInit('kaiming_normal')),
  withType('msra_lesson', {}, anInit),
];
const uniformAB = v.check((i) => i.type !== 'uniform' || i.a <= i.b, note((issue) => say('err.uniformAB', { a: issue.input.a, b: issue.input.b })));
const initSchema = v.pipe(byType(initOptions, 'initialiser', INIT_TYPES), uniformAB);
// A bias has no fan-in and fan-out: torch.nn.init's xavier and kaiming refuse a 1-D tensor, and so does the core.
const biasInitSchema = v.pipe(
  byType(initOptions.filter((o) => BIAS_INIT_TYPES.includes(o.entries.type.literal)), 'initialiser', BIAS_INIT_TYPES, 'err.biasInitType'),
  uniformAB,
);
const layerInit = opt(obj({ weight: v.optional(initSchema), bias: v.optional(biasInitSchema) }, say('err.what.layerInit')));

// ---- layers ----

const aLayer = (type) => say('err.what.aLayer', { type });
const anLayer = (type) => say('err.what.anLayer', { type });
const plain = (type) => withType(type, {}, aLayer(type));
const layerOptions = [
  withType('dense', { units: int(1, LIMITS.units), bias: opt(bool(), true), init: layerInit }, aLayer('dense')),
  withType('conv2d', {
    filters: int(1, LIMITS.filters), kernel: int(1, LIMITS.kernel), stride: opt(int(1, LIMITS.stride), 1),
    padding: opt(int(0, LIMITS.padding), 0), bias: opt(bool(), true), init: layerInit,
  }, aLayer('conv2d')),
  withType('maxpool', { kernel: int(1, LIMITS.kernel), stride: v.optional(int(1, LIMITS.stride)), padding: opt(int(0, LIMITS.padding), 0) }, aLayer('maxpool')),
  withType('avgpool', { kernel: int(1, LIMITS.kernel), stride: v.optional(int(1, LIMITS.stride)), padding: opt(int(0, LIMITS.padding), 0) }, anLayer('avgpool')),
  plain('flatten'),
  withType('dropout', { p: opt(num(0, 1, { highOpen: true }), 0.5) }, aLayer('dropout')),
  // eps above 0 as a float32 (the core computes in float32; 1e-46 would be 0 there)
  withType('batchnorm', { eps: opt(num(1e-30, 1), 1e-5), momentum: opt(num(0, 1), 0.1) }, aLayer('batchnorm')),
  plain('tanh'),
  plain('sigmoid'),
  plain('relu'),
  withType('leaky_relu', { negative_slope: opt(num(-LIMITS.activation_param, LIMITS.activation_param), 0.01) }, aLayer('leaky_relu')),
  withType('elu', { alpha: opt(num(0, LIMITS.activation_param), 1.0) }, anLayer('elu')),
  plain('swish'),
  plain('softmax'),
  plain('identity'),
];
const layerSchema = byType(layerOptions, 'layer', LAYER_TYPES);

// ---- data sets ----

const synth = (type) => obj({
  set: v.literal(type),
  count: opt(int(1, LIMITS.synth_count), 500),
  test_count: v.optional(int(1, LIMITS.synth_count)),
  noise: opt(num(0, LIMITS.synth_noise), 0.1),
}, say('err.what.dataSet', { set: type }));
const dataOptions = [
  obj({
    set: v.literal('mnist'),
    train_samples: opt(int(1, LIMITS.mnist_train), LIMITS.mnist_train),
    test_samples: opt(int(1, LIMITS.mnist_test), LIMITS.mnist_test),
  }, say('err.what.dataSet', { set: 'mnist' })),
  synth('xor'),
  synth('circles'),
  synth('spirals'),
  synth('gaussians'),
];
const dataSchema = v.variant('set', dataOptions, note((issue) => {
  if (issue.expected === 'Object') return say('err.dataObject', { got: shown(issue.input) });
  if (issue.input === undefined) return say('err.dataRequired', { sets: quoteList(DATA_SETS) });
  return say('err.unknownData', { got: shown(issue.input), sets: quoteList(DATA_SETS) });
}));

// ---- loss ----

const classWeights = v.nullable(
  v.pipe(
    v.array(num(0, 1e6), note((issue) => say('err.classWeightsList', { got: shown(issue.input) }))),
    v.minLength(1, note(() => say('err.classWeightsEmpty'))),
    v.maxLength(LIMITS.classes, note(() => say('err.classWeightsMax', { max: LIMITS.classes }))),
  ),
);
const reduction = opt(pick(['mean', 'sum']), 'mean');
const lossSchema = byType([
  withType('cross_entropy', {
    label_smoothing: opt(num(0, 1), 0), reduction, class_weights: opt(classWeights, null),
  }, say('err.what.aLoss', { type: 'cross_entropy' })),
  withType('mse', { reduction }, say('err.what.anLoss', { type: 'mse' })),
], 'loss', LOSS_TYPES);

// ---- optimizers: torch.optim's hyper-parameters and defaults ----

const lr = (fallback) => opt(num(0, LIMITS.learning_rate), fallback);
const decay = (fallback) => opt(num(0, 1e3), fallback);
const eps = (fallback) => opt(num(0, 1, { highOpen: true }), fallback);
const beta = num(0, 1, { highOpen: true });
const betas = opt(
  v.strictTuple([beta, beta], note((issue) => (issue.expected === 'never'
    ? say('err.betasTooMany')
    : say('err.betas', { got: shown(issue.input) })))),
  [0.9, 0.999],
);
const anOptimizer = (type) => say('err.what.anOptimizer', { type });
const optimizerSchema = v.pipe(
  byType([
    withType('sgd', {
      lr: lr(1e-3), momentum: opt(num(0, 1e3), 0), dampening: opt(num(0, 1), 0), weight_decay: decay(0),
      nesterov: opt(bool(), false), maximize: opt(bool(), false),
    }, anOptimizer('sgd')),
    withType('adagrad', {
      lr: lr(1e-2), lr_decay: decay(0), weight_decay: decay(0), initial_accumulator_value: opt(num(0, 1e6), 0),
      eps: eps(1e-10), maximize: opt(bool(), false),
    }, anOptimizer('adagrad')),
    withType('rmsprop', {
      lr: lr(1e-2), alpha: opt(num(0, 1), 0.99), eps: eps(1e-8), weight_decay: decay(0), momentum: opt(num(0, 1e3), 0),
      centered: opt(bool(), false), maximize: opt(bool(), false),
    }, anOptimizer('rmsprop')),
    withType('adam', {
      lr: lr(1e-3), betas, eps: eps(1e-8), weight_decay: decay(0), amsgrad: opt(bool(), false), maximize: opt(bool(), false),
    }, anOptimizer('adam')),
    withType('adamw', {
      lr: lr(1e-3), betas, eps: eps(1e-8), weight_decay: decay(1e-2), amsgrad: opt(bool(), false), maximize: opt(bool(), false),
    }, anOptimizer('adamw')),
  ], 'optimizer', OPTIMIZER_TYPES),
  v.check(
    (o) => o.type !== 'sgd' || !o.nesterov || (o.momentum > 0 && o.dampening === 0),
    note(() => say('err.nesterov')),
  ),
);

// ---- the experiment ----

export const experimentSchema = obj({
  version: v.literal(EXPERIMENT_VERSION, note((issue) => say('err.version', { version: EXPERIMENT_VERSION, got: shown(issue.input) }))),
  name: v.optional(text()),
  description: v.optional(text()),
  data: dataSchema,
  layers: v.pipe(
    v.array(layerSchema, note((issue) => say('err.layersList', { got: shown(issue.input) }))),
    v.minLength(1, note(() => say('err.layersEmpty'))),
    v.maxLength(LIMITS.layers, note((issue) => say('err.layersMax', { max: LIMITS.layers, n: issue.input.length }))),
  ),
  loss: lossSchema,
  optimizer: optimizerSchema,
  init: opt(initSchema, { type: 'torch_default' }),
  batch_size: opt(int(1, LIMITS.batch_size), 64),
  epochs: opt(int(1, LIMITS.epochs), 1),
  shuffle: opt(bool(), true),
  seed: opt(int(0, LIMITS.seed), 0),
}, say('err.what.experiment'));
