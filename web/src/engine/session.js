// session.js: one training run of one validated experiment inside the core. The headless runner
// and the page's worker both drive training through this class, so the same experiment and seed
// give the same numbers in Node and in the browser.

import { NnError } from './core.js';
import { FanMode, Gain, Hyper, InitKind, LayerKind, LossKind, OptimKind, ParamRole, Reduction, Status } from './enums.js';
import { readSafetensors, SafetensorsError, toFloat32, writeSafetensors } from './safetensors.js';
import { ExperimentError, fieldError } from '../experiment/validate.js';
import { loadDataset } from '../data/datasets.js';
import { english, msgOf, say } from '../i18n/errors.js';
import { canonicalRun } from '../experiment/canonical.js';

/** The default cap on what one network may allocate (parameters, state, activations). */
export const DEFAULT_MEMORY_BUDGET = 1024 * 1024 * 1024;

const ACTIVATIONS = {
  tanh: LayerKind.TANH, sigmoid: LayerKind.SIGMOID, relu: LayerKind.RELU, leaky_relu: LayerKind.LEAKY_RELU,
  elu: LayerKind.ELU, swish: LayerKind.SWISH, softmax: LayerKind.SOFTMAX, identity: LayerKind.IDENTITY,
};
const INIT_KINDS = {
  torch_default: InitKind.TORCH_DEFAULT, zeros: InitKind.ZEROS, constant: InitKind.CONSTANT, uniform: InitKind.UNIFORM,
  normal: InitKind.NORMAL, xavier_uniform: InitKind.XAVIER_UNIFORM, xavier_normal: InitKind.XAVIER_NORMAL,
  kaiming_uniform: InitKind.KAIMING_UNIFORM, kaiming_normal: InitKind.KAIMING_NORMAL, msra_lesson: InitKind.MSRA_LESSON,
};
const GAINS = {
  linear: Gain.LINEAR, sigmoid: Gain.SIGMOID, tanh: Gain.TANH, relu: Gain.RELU, leaky_relu: Gain.LEAKY_RELU, selu: Gain.SELU,
};
export const OPTIMIZERS = { sgd: OptimKind.SGD, adagrad: OptimKind.ADAGRAD, rmsprop: OptimKind.RMSPROP, adam: OptimKind.ADAM, adamw: OptimKind.ADAMW };
// Experiment field -> the core's hyper-parameter (betas are split into two).
export const HYPERS = {
  lr: Hyper.LR, momentum: Hyper.MOMENTUM, dampening: Hyper.DAMPENING, weight_decay: Hyper.WEIGHT_DECAY,
  nesterov: Hyper.NESTEROV, maximize: Hyper.MAXIMIZE, alpha: Hyper.ALPHA, eps: Hyper.EPS, centered: Hyper.CENTERED,
  amsgrad: Hyper.AMSGRAD, lr_decay: Hyper.LR_DECAY, initial_accumulator_value: Hyper.INITIAL_ACCUMULATOR,
};

/** The arguments nn_init_param / nn_init_all take for an initialiser of the schema. */
function initArgs(spec) {
  const kind = INIT_KINDS[spec.type];
  switch (spec.type) {
    case 'constant': return [kind, spec.value, 0, FanMode.FAN_IN, Gain.LINEAR];
    case 'uniform': return [kind, spec.a, spec.b, FanMode.FAN_IN, Gain.LINEAR];
    case 'normal': return [kind, spec.mean, spec.std, FanMode.FAN_IN, Gain.LINEAR];
    case 'xavier_uniform':
    case 'xavier_normal': return [kind, spec.gain, 0, FanMode.FAN_IN, Gain.LINEAR];
    case 'kaiming_uniform':
    case 'kaiming_normal':
      return [kind, spec.a, 0, spec.mode === 'fan_out' ? FanMode.FAN_OUT : FanMode.FAN_IN, GAINS[spec.nonlinearity]];
    default: return [kind, 0, 0, FanMode.FAN_IN, Gain.LINEAR];
  }
}

/** A core error about one part of the experiment, as an ExperimentError naming that part. */
function blame(path, err) {
  if (!(err instanceof NnError)) return err;
  // The core names layers "layer 3 (conv2d): ..."; the experiment calls it layers[3]. (The page
  // translates the rest of the C sentence, as i18n/core-sentences.js knows each sentence's tail.)
  const message = path[0] === 'layers' ? err.message.replace(/^layer \d+ \([a-z0-9_]+\): /, '') : err.message;
  const wrapped = new ExperimentError([err.msg ? { path, message, msg: err.msg } : { path, message }]);
  wrapped.status = err.status;
  return wrapped;
}

const product = (xs) => xs.reduce((a, b) => a * b, 1);

/** A diverged step's error with what a student can do about it (the page and the runner both show it). */
const withAdvice = (msg) => say('err.run.numeric', { message: msg });

/** Bumped whenever the checkpoint's fields change: an older one is refused, not misread. */
export const CHECKPOINT_FORMAT = 'nn-playground-checkpoint-1';
/** Adds one layer of the schema to a network being built (the nn_add_* call it maps to). */
export function addLayer(core, net, layer) {
  const { fn } = core;
  switch (layer.type) {
    case 'dense': return fn.nn_add_dense(net, layer.units, layer.bias ? 1 : 0);
    case 'conv2d': return fn.nn_add_conv2d(net, layer.filters, layer.kernel, layer.stride, layer.padding, layer.bias ? 1 : 0);
    case 'maxpool': return fn.nn_add_pool(net, LayerKind.MAXPOOL, layer.kernel, layer.stride, layer.padding);
    case 'avgpool': return fn.nn_add_pool(net, LayerKind.AVGPOOL, layer.kernel, layer.stride, layer.padding);
    case 'flatten': return fn.nn_add_flatten(net);
    case 'dropout': return fn.nn_add_dropout(net, layer.p);
    case 'batchnorm': return fn.nn_add_batchnorm(net, layer.eps, layer.momentum);
    default: {
      const kind = ACTIVATIONS[layer.type];
      if (kind === undefined) throw new NnError(Status.ERR_INVALID, say('err.run.unknownLayer', { type: JSON.stringify(layer.type) }), 'addLayer');
      return fn.nn_add_activation(net, kind, layer.negative_slope ?? layer.alpha ?? 0);
    }
  }
}

/**
 * What a validated experiment would build over input of `shape` with `classes` classes, without
 * allocating it (the layer editor shows this as the user types). Returns {ok, layers: [{index,
 * type, inShape, outShape, params}], params, bytes, errors}: layers up to the first one the core
 * refuses; errors as ExperimentError's ({path, message}), empty when ok.
 */
export function planExperiment(core, experiment, { shape, classes, name = experiment.data.set }, { memoryBudget = DEFAULT_MEMORY_BUDGET } = {}) {
  const { fn } = core;
  const plan = { ok: false, layers: [], params: 0, bytes: 0, errors: [] };
  const net = fn.nn_net_create(...shape);
  try {
    let inShape = [...shape];
    for (const [i, layer] of experiment.layers.entries()) {
      try {
        addLayer(core, net, layer);
      } catch (err) {
        plan.errors = blame(['layers', i], err).errors ?? [{ path: ['layers', i], message: err.message }];
        return plan;
      }
      const outShape = core.layerOutShape(net, i);
      const params = fn.nn_layer_param_count(net, i, ParamRole.WEIGHT) + fn.nn_layer_param_count(net, i, ParamRole.BIAS);
      plan.layers.push({ index: i, type: layer.type, inShape, outShape, params });
      plan.params += params;
      inShape = outShape;
    }
    const outputs = product(inShape);
    if (outputs !== classes) {
      plan.errors = [fieldError(['layers', experiment.layers.length - 1], outputMismatch(outputs, name, classes))];
      return plan;
    }
    fn.nn_set_memory_budget(memoryBudget);
    try {
      plan.bytes = fn.nn_build_bytes(net, experiment.batch_size);
    } catch (err) {
      plan.errors = [{ path: [], message: err.message, msg: msgOf(err) }];
      return plan;
    }
    plan.ok = true;
    return plan;
  } finally {
    fn.nn_net_free(net);
  }
}

const outputMismatch = (outputs, name, classes) => say('err.run.outputs', { outputs, name, classes });

export class Session {
  #subset = null; // {count, data}: evaluateTestSubset's view of the first test samples

  /**
   * Opens a session, loading the experiment's data set unless one is given. A given data set is
   * borrowed (the caller disposes it, and may share it between sessions); a loaded one is owned.
   * options: {dataset, mnistSource, onProgress, memoryBudget}
   */
  static async open(core, experiment, options = {}) {
    let { dataset } = options;
    let owns = false;
    if (!dataset) {
      dataset = await loadDataset(core, experiment, options);
      owns = true;
    }
    try {
      const session = new Session(core, experiment, dataset, options);
      session.ownsDataset = owns;
      return session;
    } catch (err) {
      if (owns) dataset.dispose();
      throw err;
    }
  }

  /** Builds the network of a validated experiment over a data set already in wasm memory. */
  constructor(core, experiment, dataset, { memoryBudget = DEFAULT_MEMORY_BUDGET } = {}) {
    this.core = core;
    this.experiment = experiment;
    this.dataset = dataset;
    this.ownsDataset = false;
    this.step = 0;
    this.net = 0;
    this.trainData = 0;
    this.testData = 0;
    try {
      this.#create(memoryBudget);
    } catch (err) {
      this.dispose();
      throw err;
    }
  }

  #create(memoryBudget) {
    const { core, experiment: e, dataset } = this;
    const fn = core.fn;
    this.net = fn.nn_net_create(...dataset.shape);
    e.layers.forEach((layer, i) => {
      try {
        addLayer(core, this.net, layer);
      } catch (err) {
        throw blame(['layers', i], err);
      }
    });
    const outputs = fn.nn_output_size(this.net);
    if (outputs !== dataset.classes) {
      throw new ExperimentError([fieldError(['layers', e.layers.length - 1], outputMismatch(outputs, dataset.name, dataset.classes))]);
    }
    this.batchSize = e.batch_size;
    fn.nn_set_memory_budget(memoryBudget);
    try {
      fn.nn_build(this.net, this.batchSize);
    } catch (err) {
      throw blame([], err);
    }
    this.#describe();
    this.#initialise();
    this.#setLoss(outputs);
    this.#setOptimizer();
    const limited = (split, limit) => this.#dataOver(split, Math.min(split.count, limit ?? split.count));
    this.trainData = limited(dataset.train, e.data.train_samples);
    this.testData = limited(dataset.test, e.data.test_samples);
    fn.nn_reset_epoch(this.net);
  }

  /** The core's view (nn_data) of a split's first `count` samples; it borrows the split's memory. */
  #dataOver(split, count) {
    const { fn } = this.core;
    return split.type === 'u8'
      ? fn.nn_data_create_u8(split.x, split.y, count, this.dataset.features, split.scale)
      : fn.nn_data_create_f32(split.x, split.y, count, this.dataset.features);
  }

  /** Layer shapes and the named tensors (torch's names) with their place in the flat buffers. */
  #describe() {
    const { core, net, experiment: e, dataset } = this;
    const fn = core.fn;
    this.paramCount = fn.nn_param_count(net);
    this.bufferCount = fn.nn_buffer_count(net);
    this.layers = [];
    this.tensors = [];
    let inShape = [...dataset.shape];
    e.layers.forEach((layer, i) => {
      const outShape = core.layerOutShape(net, i);
      const info = { index: i, type: layer.type, inShape, outShape, params: 0 };
      for (const [role, code] of [['weight', ParamRole.WEIGHT], ['bias', ParamRole.BIAS]]) {
        const count = fn.nn_layer_param_count(net, i, code);
        if (!count) continue;
        let shape = [count];
        if (role === 'weight' && layer.type === 'dense') shape = [layer.units, product(inShape)];
        if (role === 'weight' && layer.type === 'conv2d') shape = [layer.filters, inShape[0], layer.kernel, layer.kernel];
        if (product(shape) !== count) shape = [count];
        this.tensors.push({ name: `layers.${i}.${role}`, layer: i, role, shape, count, offset: fn.nn_layer_param_offset(net, i, code), buffer: 'params' });
        info.params += count;
      }
      if (layer.type === 'batchnorm') {
        const channels = inShape[0]; // per channel, or per feature for flat input (BatchNorm1d)
        const offset = fn.nn_layer_buffer_offset(net, i);
        this.tensors.push({ name: `layers.${i}.running_mean`, layer: i, role: 'running_mean', shape: [channels], count: channels, offset, buffer: 'buffers' });
        this.tensors.push({ name: `layers.${i}.running_var`, layer: i, role: 'running_var', shape: [channels], count: channels, offset: offset + channels, buffer: 'buffers' });
      }
      this.layers.push(info);
      inShape = outShape;
    });
  }

  #initialise() {
    const { fn } = this.core;
    const { net, experiment: e } = this;
    fn.nn_seed(net, e.seed);
    try {
      fn.nn_init_all(net, ...initArgs(e.init));
    } catch (err) {
      throw blame(['init'], err);
    }
    // Overrides come after the default, in layer order, so the random streams stay reproducible.
    e.layers.forEach((layer, i) => {
      for (const [role, code] of [['weight', ParamRole.WEIGHT], ['bias', ParamRole.BIAS]]) {
        const spec = layer.init?.[role];
        if (!spec) continue;
        try {
          fn.nn_init_param(net, i, code, ...initArgs(spec));
        } catch (err) {
          throw blame(['layers', i, 'init', role], err);
        }
      }
    });
  }

  #setLoss(outputs) {
    const { core, net, experiment: e } = this;
    const loss = e.loss;
    const reduction = loss.reduction === 'sum' ? Reduction.SUM : Reduction.MEAN;
    try {
      if (loss.type === 'mse') {
        core.fn.nn_set_loss(net, LossKind.MSE, reduction, 0, 0);
      } else if (loss.class_weights) {
        if (loss.class_weights.length !== outputs) {
          throw new ExperimentError([fieldError(['loss', 'class_weights'], say('err.run.classWeights', { outputs, n: loss.class_weights.length }))]);
        }
        core.withCopy(new Float32Array(loss.class_weights), (ptr) =>
          core.fn.nn_set_loss(net, LossKind.CROSS_ENTROPY, reduction, loss.label_smoothing, ptr));
      } else {
        core.fn.nn_set_loss(net, LossKind.CROSS_ENTROPY, reduction, loss.label_smoothing, 0);
      }
    } catch (err) {
      throw blame(['loss'], err);
    }
  }

  #setOptimizer() {
    const { fn } = this.core;
    const { net, experiment: e } = this;
    const o = e.optimizer;
    fn.nn_set_optimizer(net, OPTIMIZERS[o.type]);
    const set = (field, which, value) => {
      try {
        fn.nn_set_hyper(net, which, typeof value === 'boolean' ? Number(value) : value);
      } catch (err) {
        throw blame(['optimizer', field], err);
      }
    };
    for (const [field, value] of Object.entries(o)) {
      if (field === 'type') continue;
      if (field === 'betas') {
        set('betas', Hyper.BETA1, value[0]);
        set('betas', Hyper.BETA2, value[1]);
      } else if (HYPERS[field] !== undefined) {
        set(field, HYPERS[field], value);
      }
    }
  }

  // ---- training ----

  /**
   * One optimizer step on the next mini-batch. Returns {step, epoch, epochEnd, loss, correct,
   * batch, accuracy}. A step whose loss or weights would become NaN/Inf throws an NnError with
   * status ERR_NUMERIC and leaves the last finite weights in place.
   */
  trainStep() {
    const { shuffle } = this.experiment;
    let r;
    try {
      r = this.core.trainStep(this.net, this.trainData, this.batchSize, shuffle);
    } catch (err) {
      if (err instanceof NnError) {
        err.step = this.step + 1;
        if (err.status === Status.ERR_NUMERIC) {
          err.msg = withAdvice(msgOf(err));
          err.message = english(err.msg);
        }
      }
      throw err;
    }
    if (!Number.isFinite(r.loss)) {
      const err = new NnError(Status.ERR_NUMERIC, withAdvice(say('err.run.lossNaN', { step: this.step + 1 })), 'nn_train_step');
      err.step = this.step + 1;
      throw err;
    }
    this.step += 1;
    return { step: this.step, ...r, accuracy: r.batch ? r.correct / r.batch : 0 };
  }

  /** Number of training samples (after the experiment's limit). */
  get trainCount() {
    return this.core.fn.nn_data_count(this.trainData);
  }

  get testCount() {
    return this.core.fn.nn_data_count(this.testData);
  }

  /** Steps in one epoch (its last batch may be short). */
  get stepsPerEpoch() {
    return Math.ceil(this.trainCount / this.batchSize);
  }

  /** Steps of the whole run: every epoch the experiment asks for. */
  get totalSteps() {
    return this.stepsPerEpoch * this.experiment.epochs;
  }

  /**
   * Loss and accuracy over the test (or train) set in eval mode.
   * {confusion: true} adds a classes x classes Int32Array (row = true label);
   * {predictions: true} adds a Uint8Array with one predicted label per sample.
   */
  evaluate(split = 'test', { confusion = false, predictions = false } = {}) {
    const { core, net } = this;
    const data = split === 'train' ? this.trainData : this.testData;
    const classes = core.fn.nn_output_size(net);
    const count = core.fn.nn_data_count(data);
    let confusionPtr = 0;
    let predictionsPtr = 0;
    try {
      if (confusion) confusionPtr = core.alloc(classes * classes * 4);
      if (predictions) predictionsPtr = core.alloc(count);
      const { loss, accuracy } = core.evaluate(net, data, this.batchSize, confusionPtr, predictionsPtr);
      // The core's accuracy is a float32; the exact fraction reads better (0.9645, not 0.96450001).
      const correct = Math.round(accuracy * count);
      const result = { loss, accuracy: correct / count, correct, count };
      if (confusion) result.confusion = core.i32(confusionPtr, classes * classes).slice();
      if (predictions) result.predictions = core.u8(predictionsPtr, count).slice();
      return result;
    } finally {
      core.free(confusionPtr);
      core.free(predictionsPtr);
    }
  }

  /**
   * The live views' quick evaluation over the first `samples` test samples: {loss, accuracy,
   * confusion, count}, the accuracy the core's float32 as it comes (evaluate() makes it the exact
   * fraction). The data view over those samples is made on first use and kept until dispose().
   */
  evaluateTestSubset(samples) {
    const { core, net } = this;
    const count = Math.min(samples, this.testCount);
    if (this.#subset?.count !== count) {
      if (this.#subset) core.fn.nn_data_free(this.#subset.data);
      this.#subset = null;
      this.#subset = { count, data: this.#dataOver(this.dataset.test, count) };
    }
    const classes = core.fn.nn_output_size(net);
    const confusion = core.alloc(classes * classes * 4);
    try {
      const result = core.evaluate(net, this.#subset.data, this.batchSize, confusion, 0);
      result.confusion = core.i32(confusion, classes * classes).slice();
      return { ...result, count: core.fn.nn_data_count(this.#subset.data) };
    } finally {
      core.free(confusion);
    }
  }

  /** The first n samples of a split as the network reads them: a copy, floats [n][features]. */
  inputs(split, n) {
    const { core } = this;
    const features = this.dataset.features;
    const indices = core.alloc(n * 4);
    const out = core.alloc(n * features * 4);
    try {
      core.u32(indices, n).set(Array.from({ length: n }, (_, i) => i));
      core.fn.nn_data_gather(split === 'train' ? this.trainData : this.testData, indices, n, out, 0);
      return core.f32(out, n * features).slice();
    } finally {
      core.free(indices);
      core.free(out);
    }
  }

  /**
   * Copies of the first n samples of the data set's split as it stores them, before the
   * experiment's sample limits: {x: Uint8Array (MNIST's bytes) or Float32Array (2-D points),
   * labels: Uint8Array}.
   */
  storedSamples(split, n) {
    const { core } = this;
    const { features } = this.dataset;
    const set = this.dataset[split];
    const x = set.type === 'u8' ? core.u8(set.x, n * features) : core.f32(set.x, n * features);
    return { x: x.slice(), labels: core.u8(set.y, n).slice() };
  }

  /** Class probabilities (raw outputs for MSE) of n samples x (Float32Array, [n][features]). */
  predict(x, n = x.length / this.dataset.features) {
    const { core, net } = this;
    const features = this.dataset.features;
    const outputs = core.fn.nn_output_size(net);
    if (!Number.isInteger(n) || n < 1 || x.length < n * features) {
      throw new NnError(Status.ERR_INVALID, say('err.run.predict', { features, n: x.length, samples: n }), 'predict');
    }
    const probs = new Float32Array(n * outputs);
    const inPtr = core.alloc(this.batchSize * features * 4);
    const outPtr = core.alloc(this.batchSize * outputs * 4);
    try {
      for (let start = 0; start < n; start += this.batchSize) {
        const m = Math.min(this.batchSize, n - start);
        core.f32(inPtr, m * features).set(x.subarray(start * features, (start + m) * features));
        core.fn.nn_predict(net, inPtr, m, outPtr);
        probs.set(core.f32(outPtr, m * outputs), start * outputs);
      }
      return probs;
    } finally {
      core.free(inPtr);
      core.free(outPtr);
    }
  }

  // ---- parameters, gradients, statistics ----

  /** A fresh view of every parameter (valid until the next call into the core). */
  paramsView() {
    return this.core.f32(this.core.fn.nn_params(this.net), this.paramCount);
  }

  /** A fresh view of every gradient (valid until the next call into the core). */
  gradsView() {
    return this.core.f32(this.core.fn.nn_grads(this.net), this.paramCount);
  }

  #tensor(nameOrTensor) {
    const t = typeof nameOrTensor === 'string' ? this.tensors.find((x) => x.name === nameOrTensor) : nameOrTensor;
    if (!t) throw new NnError(Status.ERR_INVALID, say('err.run.noTensor', { name: nameOrTensor }), 'tensor');
    return t;
  }

  #tensorPtr(t, grads) {
    const fn = this.core.fn;
    if (t.buffer === 'buffers') return fn.nn_buffers(this.net) + 4 * t.offset;
    return (grads ? fn.nn_grads(this.net) : fn.nn_params(this.net)) + 4 * t.offset;
  }

  /** A copy of one tensor's values (or of its gradient). */
  tensorValues(name, { grads = false } = {}) {
    const t = this.#tensor(name);
    return this.core.f32(this.#tensorPtr(t, grads), t.count).slice();
  }

  /**
   * Statistics of one tensor (or its gradient): {min, max, mean, std, l2}, plus a histogram of
   * `bins` equal bins over [lo, hi] (default: the tensor's own range) when bins > 0.
   */
  tensorStats(name, { grads = false, bins = 0, lo, hi } = {}) {
    const { core } = this;
    const t = this.#tensor(name);
    const ptr = this.#tensorPtr(t, grads && t.buffer === 'params');
    const { min, max, mean, std } = core.histogram(ptr, t.count, 0);
    const l2 = core.fn.nn_l2_norm(ptr, t.count);
    const stats = { name: t.name, layer: t.layer, role: t.role, count: t.count, min, max, mean, std, l2 };
    if (bins > 0) {
      stats.lo = lo ?? min;
      stats.hi = hi ?? (max > stats.lo ? max : stats.lo + 1);
      stats.counts = core.histogram(ptr, t.count, bins, stats.lo, stats.hi, { stats: false }).counts;
    }
    return stats;
  }

  /** tensorStats of every weight and bias (and batch-norm buffer unless params only). */
  allStats(options = {}) {
    return this.tensors.filter((t) => !options.grads || t.buffer === 'params').map((t) => this.tensorStats(t, options));
  }

  // ---- weights as .safetensors ----

  /** The weights (and batch-norm running statistics) as .safetensors bytes, torch names. */
  saveWeights(metadata = {}) {
    const tensors = this.tensors.map((t) => ({ name: t.name, dtype: 'F32', shape: t.shape, data: this.tensorValues(t) }));
    return writeSafetensors(tensors, {
      format: 'pt',
      experiment: JSON.stringify(this.experiment),
      step: String(this.step),
      ...metadata,
    });
  }

  /** Loads weights saved by saveWeights (or torch's safetensors) after checking every tensor. */
  loadWeights(bytes) {
    let file;
    try {
      file = readSafetensors(bytes);
    } catch (err) {
      if (err instanceof SafetensorsError) throw new NnError(Status.ERR_DATA, say('err.weights', { message: msgOf(err) }), 'loadWeights');
      throw err;
    }
    const refuse = (id, params) => {
      throw new NnError(Status.ERR_DATA, say('err.weights', { message: say(id, params) }), 'loadWeights');
    };
    const values = new Map();
    for (const t of this.tensors) {
      const entry = file.tensors.get(t.name);
      if (!entry) refuse('err.weights.missing', { name: t.name, names: this.tensors.map((x) => x.name).join(', ') });
      if (entry.dtype !== 'F32') refuse('err.weights.dtype', { name: t.name, dtype: entry.dtype });
      if (entry.shape.length !== t.shape.length || entry.shape.some((d, k) => d !== t.shape[k])) {
        refuse('err.weights.shape', { name: t.name, got: entry.shape.join(', '), want: t.shape.join(', ') });
      }
      const data = toFloat32(entry.bytes);
      const bad = data.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) refuse('err.weights.value', { name: t.name, value: data[bad], index: bad });
      values.set(t, data);
    }
    for (const name of file.tensors.keys()) {
      // torch's BatchNorm also saves a step counter that this core does not keep.
      if (!this.tensors.some((t) => t.name === name) && !name.endsWith('.num_batches_tracked')) {
        refuse('err.weights.extra', { name });
      }
    }
    for (const [t, data] of values) this.core.f32(this.#tensorPtr(t, false), t.count).set(data);
    return file.metadata;
  }

  // ---- checkpoints: everything a run needs to continue bit for bit ----

  /**
   * A copy of the run's whole state: {format, experiment, step, params, buffers, optimState,
   * optimSteps, rng (BigUint64Array of the init, dropout and shuffle streams), order (the epoch's
   * sample order, empty before the first step), position, epoch}. Typed arrays are copies (they
   * may be transferred or stored in IndexedDB); restoreCheckpoint in a fresh Session of the same
   * experiment continues with the same numbers as this one would.
   */
  checkpoint() {
    const { core, net } = this;
    const fn = core.fn;
    const { order, position, epoch } = core.epochState(net);
    return {
      format: CHECKPOINT_FORMAT,
      experiment: this.experiment,
      step: this.step,
      params: core.f32(fn.nn_params(net), this.paramCount).slice(),
      buffers: core.f32(fn.nn_buffers(net), this.bufferCount).slice(),
      optimState: core.f32(fn.nn_optim_state(net), fn.nn_optim_state_count(net)).slice(),
      optimSteps: fn.nn_optim_step_count(net),
      rng: core.rngState(net),
      order,
      position,
      epoch,
    };
  }

  /**
   * Restores a checkpoint of this experiment (the number of epochs may differ: it only says when
   * to stop). Every part is checked before anything is written (a stored checkpoint is input like
   * any other): its format, its experiment, every array's type and length, finite values, the
   * order a permutation of the training samples. Throws NnError (ERR_DATA) naming the problem.
   */
  restoreCheckpoint(cp) {
    const { core, net } = this;
    const fn = core.fn;
    const refuseWith = (msg) => {
      throw new NnError(Status.ERR_DATA, say('err.checkpoint', { message: msg }), 'restoreCheckpoint');
    };
    const refuse = (id, params) => refuseWith(say(id, params));
    if (!cp || typeof cp !== 'object') refuse('err.checkpoint.not');
    if (cp.format !== CHECKPOINT_FORMAT) refuse('err.checkpoint.format', { got: JSON.stringify(cp.format), format: CHECKPOINT_FORMAT });
    if (!cp.experiment || canonicalRun(cp.experiment) !== canonicalRun(this.experiment)) refuse('err.checkpoint.other');
    const floats = (name, array, length) => {
      if (!(array instanceof Float32Array) || array.length !== length) refuse('err.checkpoint.floats', { name, n: length });
      const bad = array.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) refuse('err.checkpoint.value', { name, index: bad, value: array[bad] });
    };
    floats('params', cp.params, this.paramCount);
    floats('buffers', cp.buffers, this.bufferCount);
    floats('optimState', cp.optimState, fn.nn_optim_state_count(net));
    for (const key of ['step', 'optimSteps', 'position', 'epoch']) {
      if (!Number.isSafeInteger(cp[key]) || cp[key] < 0) refuse('err.checkpoint.count', { key });
    }
    if (!(cp.order instanceof Uint32Array) || (cp.order.length !== 0 && cp.order.length !== this.trainCount)) {
      refuse('err.checkpoint.order', { n: this.trainCount });
    }
    const before = { rng: core.rngState(net), epoch: core.epochState(net) };
    try {
      core.setRngState(net, cp.rng);
      core.setEpochState(net, cp);
    } catch (err) {
      core.setRngState(net, before.rng);
      core.setEpochState(net, before.epoch);
      if (err instanceof NnError) refuseWith(msgOf(err));
      throw err;
    }
    core.f32(fn.nn_params(net), this.paramCount).set(cp.params);
    core.f32(fn.nn_buffers(net), this.bufferCount).set(cp.buffers);
    core.f32(fn.nn_optim_state(net), cp.optimState.length).set(cp.optimState);
    fn.nn_set_optim_step_count(net, cp.optimSteps);
    this.step = cp.step;
  }

  /** Frees everything this session allocated in the core (and its data set, if it loaded it). */
  dispose() {
    const { fn } = this.core;
    if (this.trainData) fn.nn_data_free(this.trainData);
    if (this.testData) fn.nn_data_free(this.testData);
    if (this.#subset) fn.nn_data_free(this.#subset.data);
    this.#subset = null;
    if (this.net) fn.nn_net_free(this.net);
    this.trainData = this.testData = this.net = 0;
    if (this.ownsDataset) this.dataset.dispose();
    this.ownsDataset = false;
  }
}
