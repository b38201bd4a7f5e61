// validate.test.js: the experiment schema: the examples pass with torch's defaults filled in; each
// broken experiment is refused with a message naming the field and why, before any allocation;
// shape and memory problems are refused by the core and named by layer.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../../web/src/engine/session.js';
import { LIMITS } from '../../../web/src/experiment/schema.js';
import { ExperimentError, parseExperiment, parseExperimentJson, validateExperiment } from '../../../web/src/experiment/validate.js';
import { makeSynth } from '../../../web/src/data/datasets.js';
import { freshCore } from '../../../web/src/node.js';
import { fakeMnist } from '../fixtures.js';

const raw = (name) => JSON.parse(readFileSync(new URL(`../../../web/experiments/${name}.json`, import.meta.url), 'utf8'));
const mlp = () => raw('mlp');
const cnn = () => raw('cnn');
/** A copy of the MLP (or another example) changed by fn. */
const broken = (fn, base = mlp()) => {
  fn(base);
  return base;
};

describe('the example experiments', () => {
  for (const name of ['mlp', 'cnn', 'xor-linear', 'xor-tanh']) {
    it(`${name}.json is valid`, () => {
      const r = validateExperiment(raw(name));
      expect(r.ok, r.message).toBe(true);
    });
  }

  it('fills in torch.optim defaults per optimizer', () => {
    const opt = (optimizer) => parseExperiment({ ...mlp(), optimizer }).optimizer;
    expect(opt({ type: 'sgd' })).toEqual({ type: 'sgd', lr: 1e-3, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false });
    expect(opt({ type: 'adam' })).toEqual({ type: 'adam', lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false });
    expect(opt({ type: 'adamw' }).weight_decay).toBe(1e-2);
    expect(opt({ type: 'adagrad' })).toEqual({ type: 'adagrad', lr: 1e-2, lr_decay: 0, weight_decay: 0, initial_accumulator_value: 0, eps: 1e-10, maximize: false });
    expect(opt({ type: 'rmsprop' })).toEqual({ type: 'rmsprop', lr: 1e-2, alpha: 0.99, eps: 1e-8, weight_decay: 0, momentum: 0, centered: false, maximize: false });
  });

  it('fills in layer, init, loss and run defaults', () => {
    const e = parseExperiment({
      version: 1, data: { set: 'xor' }, loss: { type: 'cross_entropy' }, optimizer: { type: 'sgd' },
      layers: [{ type: 'dense', units: 4, init: { weight: { type: 'kaiming_normal' } } }, { type: 'leaky_relu' }, { type: 'dense', units: 2 }],
    });
    expect(e.layers[0]).toEqual({ type: 'dense', units: 4, bias: true, init: { weight: { type: 'kaiming_normal', a: 0, mode: 'fan_in', nonlinearity: 'leaky_relu' } } });
    expect(e.layers[1].negative_slope).toBe(0.01);
    expect(e.init).toEqual({ type: 'torch_default' });
    expect(e.loss).toEqual({ type: 'cross_entropy', label_smoothing: 0, reduction: 'mean', class_weights: null });
    expect(e.data).toEqual({ set: 'xor', count: 500, noise: 0.1, test_count: 500 });
    expect([e.batch_size, e.epochs, e.shuffle, e.seed]).toEqual([64, 1, true, 0]);
    expect(parseExperiment(cnn()).layers[2]).toEqual({ type: 'maxpool', kernel: 2, stride: 2, padding: 0 });
  });
});

// [what is broken, the experiment (or JSON text), the message expected]
const SCHEMA_CASES = [
  ['not an object', null, /^experiment: must be a JSON object, got null$/],
  ['a list instead of an object', [], /^experiment: must be a JSON object, got a list$/],
  ['invalid JSON text', '{"version": 1,', /^experiment: not valid JSON/],
  ['JSON text far too long', `{"name": "${'x'.repeat(300000)}"}`, /at most 262144/],
  ['version missing', broken((e) => delete e.version), /^version: is required in an experiment$/],
  ['version 2', broken((e) => { e.version = 2; }), /^version: must be 1 \(this playground reads version 1 experiments\), got 2$/],
  ['data missing', broken((e) => delete e.data), /^data: is required/],
  ['unknown data set', broken((e) => { e.data = { set: 'cifar10' }; }), /^data.set: unknown data set "cifar10" \(known: "mnist", "xor"/],
  ['mnist with a synthetic field', broken((e) => { e.data.noise = 0.1; }), /^data.noise: unknown field in the mnist data set/],
  ['too many mnist samples', broken((e) => { e.data.train_samples = 70000; }), /^data.train_samples: must be an integer from 1 to 60000, got 70000$/],
  ['synthetic count absurd', broken((e) => { e.data = { set: 'xor', count: 1e7 }; }), /^data.count: must be an integer from 1 to 100000, got 10000000$/],
  ['synthetic noise too large', broken((e) => { e.data = { set: 'circles', noise: 5 }; }), /^data.noise: must be a number from 0 to 1, got 5$/],
  ['layers missing', broken((e) => delete e.layers), /^layers: is required in an experiment$/],
  ['layers empty', broken((e) => { e.layers = []; }), /^layers: must hold at least one layer$/],
  ['layers not a list', broken((e) => { e.layers = { type: 'dense' }; }), /^layers: must be a list of layers, got an object$/],
  ['too many layers', broken((e) => { e.layers = Array(65).fill({ type: 'relu' }); }), /^layers: must hold at most 64 layers, got 65$/],
  ['unknown layer type', broken((e) => { e.layers[1] = { type: 'lstm', units: 3 }; }), /^layers\[1\].type: unknown layer type "lstm" \(known: "dense", "conv2d"/],
  ['layer without a type', broken((e) => { e.layers[1] = { units: 3 }; }), /^layers\[1\].type: is required: every layer needs a "type"/],
  ['layer that is a number', broken((e) => { e.layers[2] = 7; }), /^layers\[2\]: must be a layer \(a JSON object with a "type"\), got 7$/],
  ['negative kernel', broken((e) => { e.layers[2].kernel = -3; }, cnn()), /^layers\[2\].kernel: must be an integer from 1 to 64, got -3$/],
  ['negative units', broken((e) => { e.layers[1].units = -128; }), /^layers\[1\].units: must be an integer from 1 to 16384, got -128$/],
  ['units missing', broken((e) => delete e.layers[1].units), /^layers\[1\].units: is required in a dense layer$/],
  ['units as a string', broken((e) => { e.layers[1].units = '128'; }), /^layers\[1\].units: must be an integer from 1 to 16384, got "128"$/],
  ['units not whole', broken((e) => { e.layers[1].units = 12.5; }), /^layers\[1\].units: must be an integer from 1 to 16384, got 12.5$/],
  ['units absurd', broken((e) => { e.layers[1].units = 1e9; }), /^layers\[1\].units: must be an integer from 1 to 16384, got 1000000000$/],
  ['a misspelt field', broken((e) => { e.layers[0].kernal = 5; }, cnn()), /^layers\[0\].kernal: unknown field in a conv2d layer \(allowed: type, filters, kernel, stride, padding, bias, init\)$/],
  ['filters absurd', broken((e) => { e.layers[0].filters = 100000; }, cnn()), /^layers\[0\].filters: must be an integer from 1 to 1024, got 100000$/],
  ['stride zero', broken((e) => { e.layers[0].stride = 0; }, cnn()), /^layers\[0\].stride: must be an integer from 1 to 64, got 0$/],
  ['pool padding over half its kernel', broken((e) => { e.layers[2].padding = 2; }, cnn()), /^layers\[2\].padding: must be at most half the kernel \(1\), got 2$/],
  ['bias not a boolean', broken((e) => { e.layers[1].bias = 'yes'; }), /^layers\[1\].bias: must be true or false, got "yes"$/],
  ['dropout p above 1', broken((e) => { e.layers.splice(2, 0, { type: 'dropout', p: 1.5 }); }), /^layers\[2\].p: must be a number at least 0 and less than 1, got 1.5$/],
  ['batchnorm eps 0', broken((e) => { e.layers.splice(2, 0, { type: 'batchnorm', eps: 0 }); }), /^layers\[2\].eps: must be a number from 1e-30 to 1, got 0$/],
  ['batchnorm eps 0 in float32', broken((e) => { e.layers.splice(2, 0, { type: 'batchnorm', eps: 1e-46 }); }), /^layers\[2\].eps: must be a number from 1e-30 to 1, got 1e-46$/],
  ['a bias init that needs a weight matrix', broken((e) => { e.layers[1].init = { bias: { type: 'xavier_uniform' } }; }),
    /^layers\[1\].init.bias.type: a bias has no fan-in and fan-out, so its initialiser must be one of "torch_default", "zeros", "constant", "uniform", "normal" \(as in torch.nn.init\), got "xavier_uniform"$/],
  ['class weights for 3 of the 2 classes of xor', broken((e) => { e.data = { set: 'xor' }; e.layers = [{ type: 'dense', units: 2 }]; e.loss.class_weights = [1, 2, 3]; }),
    /^loss.class_weights: must have one weight for each of xor's 2 classes, got 3$/],
  ['leaky slope a string', broken((e) => { e.layers[2] = { type: 'leaky_relu', negative_slope: 'x' }; }), /^layers\[2\].negative_slope: must be a number from -1000 to 1000, got "x"$/],
  ['field on a layer that takes none', broken((e) => { e.layers[2] = { type: 'relu', inplace: true }; }), /^layers\[2\].inplace: unknown field in a relu layer \(allowed: type\)$/],
  ['bias init without a bias', broken((e) => { e.layers[1].bias = false; e.layers[1].init = { bias: { type: 'zeros' } }; }), /^layers\[1\].init.bias: the layer has no bias/],
  ['loss missing', broken((e) => delete e.loss), /^loss: is required in an experiment$/],
  ['unknown loss', broken((e) => { e.loss = { type: 'hinge' }; }), /^loss.type: unknown loss type "hinge" \(known: "cross_entropy", "mse"\)$/],
  ['label smoothing 2', broken((e) => { e.loss.label_smoothing = 2; }), /^loss.label_smoothing: must be a number from 0 to 1, got 2$/],
  ['unknown reduction', broken((e) => { e.loss.reduction = 'avg'; }), /^loss.reduction: must be one of "mean", "sum", got "avg"$/],
  ['class weights for 3 of 10 classes', broken((e) => { e.loss.class_weights = [1, 2, 3]; }), /^loss.class_weights: must have one weight for each of mnist's 10 classes, got 3$/],
  ['negative class weight', broken((e) => { e.loss.class_weights = [1, 1, 1, 1, -1, 1, 1, 1, 1, 1]; }), /^loss.class_weights\[4\]: must be a number from 0 to 1000000, got -1$/],
  ['label smoothing on mse', broken((e) => { e.loss = { type: 'mse', label_smoothing: 0.1 }; }), /^loss.label_smoothing: unknown field in an mse loss \(allowed: type, reduction\)$/],
  ['optimizer missing', broken((e) => delete e.optimizer), /^optimizer: is required in an experiment$/],
  ['unknown optimizer', broken((e) => { e.optimizer = { type: 'lbfgs' }; }), /^optimizer.type: unknown optimizer type "lbfgs" \(known: "sgd", "adagrad", "rmsprop", "adam", "adamw"\)$/],
  ['NaN learning rate', broken((e) => { e.optimizer.lr = NaN; }), /^optimizer.lr: must be a number from 0 to 100, got NaN$/],
  ['infinite learning rate (1e999 in JSON)', JSON.stringify(mlp()).replace('"lr":0.1', '"lr":1e999'), /^optimizer.lr: must be a number from 0 to 100, got Infinity$/],
  ['negative learning rate', broken((e) => { e.optimizer.lr = -0.1; }), /^optimizer.lr: must be a number from 0 to 100, got -0.1$/],
  ['learning rate as text', broken((e) => { e.optimizer.lr = '0.1'; }), /^optimizer.lr: must be a number from 0 to 100, got "0.1"$/],
  ['one beta', broken((e) => { e.optimizer = { type: 'adam', betas: [0.9] }; }), /^optimizer.betas\[1\]: must be a number at least 0 and less than 1, got nothing$/],
  ['three betas', broken((e) => { e.optimizer = { type: 'adam', betas: [0.9, 0.99, 0.999] }; }), /^optimizer.betas\[2\]: is one item too many/],
  ['betas as a number', broken((e) => { e.optimizer = { type: 'adam', betas: 0.9 }; }), /^optimizer.betas: must be a list of two numbers \[beta1, beta2\], got 0.9$/],
  ['beta of 1', broken((e) => { e.optimizer = { type: 'adam', betas: [0.9, 1] }; }), /^optimizer.betas\[1\]: must be a number at least 0 and less than 1, got 1$/],
  ['Adam field on SGD', broken((e) => { e.optimizer.betas = [0.9, 0.99]; }), /^optimizer.betas: unknown field in an sgd optimizer/],
  ['Nesterov without momentum', broken((e) => { e.optimizer = { type: 'sgd', lr: 0.1, nesterov: true }; }), /^optimizer: nesterov needs a momentum above 0 and a dampening of 0/],
  ['unknown init', broken((e) => { e.init = { type: 'he' }; }), /^init.type: unknown initialiser type "he" \(known: "torch_default", "zeros"/],
  ['uniform with a > b', broken((e) => { e.init = { type: 'uniform', a: 1, b: -1 }; }), /^init: a uniform initialiser needs a <= b, got a = 1, b = -1$/],
  ['negative normal std', broken((e) => { e.init = { type: 'normal', std: -1 }; }), /^init.std: must be a number from 0 to 1000000, got -1$/],
  ['unknown kaiming mode', broken((e) => { e.init = { type: 'kaiming_uniform', mode: 'fan_avg' }; }), /^init.mode: must be one of "fan_in", "fan_out", got "fan_avg"$/],
  ['constant without its value', broken((e) => { e.layers[1].init = { weight: { type: 'constant' } }; }), /^layers\[1\].init.weight.value: is required in a constant initialiser$/],
  ['batch size 0', broken((e) => { e.batch_size = 0; }), /^batch_size: must be an integer from 1 to 8192, got 0$/],
  ['batch size absurd', broken((e) => { e.batch_size = 1e6; }), /^batch_size: must be an integer from 1 to 8192, got 1000000$/],
  ['epochs 0', broken((e) => { e.epochs = 0; }), /^epochs: must be an integer from 1 to 1000, got 0$/],
  ['negative seed', broken((e) => { e.seed = -1; }), /^seed: must be an integer from 0 to 9007199254740991, got -1$/],
  ['seed beyond 2^53', broken((e) => { e.seed = 2 ** 60; }), /^seed: must be an integer from 0/],
  ['shuffle as text', broken((e) => { e.shuffle = 'yes'; }), /^shuffle: must be true or false, got "yes"$/],
  ['unknown top-level field', broken((e) => { e.learning_rate = 0.1; }), /^learning_rate: unknown field in an experiment \(allowed: version, name, description, data, layers/],
  ['a __proto__ key', '{"__proto__": {"polluted": true}, "version": 1}', /__proto__: unknown field in an experiment/],
];

describe('broken experiments are refused by the schema', () => {
  it('has a good many cases', () => expect(SCHEMA_CASES.length).toBeGreaterThanOrEqual(30));
  for (const [what, input, message] of SCHEMA_CASES) {
    it(`refuses ${what}`, () => {
      let err;
      try {
        if (typeof input === 'string') parseExperimentJson(input);
        else parseExperiment(input);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ExperimentError);
      expect(err.errors.map((x) => x.path.length ? `${x.path.join('.')}` : '')).toBeTruthy();
      expect(err.message.split('; ').some((line) => message.test(line)), err.message).toBe(true);
      expect(({}).polluted).toBeUndefined();
    });
  }

  it('reports every problem at once', () => {
    const r = validateExperiment(broken((e) => { e.batch_size = -1; e.epochs = 'one'; e.layers[1].units = 0; }));
    expect(r.ok).toBe(false);
    expect(r.errors.map((x) => x.path.join('.'))).toEqual(['layers.1.units', 'batch_size', 'epochs']);
  });
});

describe('experiments the core refuses, named by layer', () => {
  let core;
  let mnist;
  beforeAll(async () => {
    core = await freshCore();
    mnist = fakeMnist(core, 16);
  });
  afterAll(() => mnist.dispose());

  const refuse = (experiment, dataset = mnist) => {
    const e = parseExperiment(experiment);
    let err;
    try {
      new Session(core, e, dataset).dispose();
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(ExperimentError);
    return err.message;
  };

  const CORE_CASES = [
    ['a kernel larger than its input', () => broken((e) => { e.layers[3].kernel = 25; }, cnn()), /^layers\[3\]: .*kernel/],
    ['a dense layer on images without flatten', () => broken((e) => e.layers.splice(0, 1)), /^layers\[0\]: needs flat features, got 1x28x28 \(put a flatten layer before it\)$/],
    ['pooling down to nothing', () => broken((e) => { e.layers.splice(6, 0, { type: 'maxpool', kernel: 2 }, { type: 'maxpool', kernel: 2 }, { type: 'maxpool', kernel: 2 }); }, cnn()), /^layers\[8\]: /],
    ['a last layer of the wrong size', () => broken((e) => { e.layers[3].units = 5; }), /^layers\[3\]: the network ends with 5 outputs per sample, but the mnist data set has 10 classes/],
    ['layers that would exhaust memory', () => broken((e) => {
      e.layers = [{ type: 'flatten' }, { type: 'dense', units: 16384 }, { type: 'dense', units: 16384 }, { type: 'dense', units: 10 }];
    }), /needs [\d.]+ MB at batch 64, over the memory budget/],
    ['activations that would exhaust memory', () => broken((e) => {
      e.batch_size = 8192;
      e.layers[0].filters = 1024;
    }, cnn()), /over the memory budget/],
  ];
  for (const [what, make, message] of CORE_CASES) {
    it(`refuses ${what}`, () => {
      expect(refuse(make())).toMatch(message);
    });
  }

  it('refuses class weights that do not match the network\'s outputs (a data set read in place of the experiment\'s)', () => {
    // The validator already refuses weights that do not match the data set's classes; the core
    // checks them against the network's outputs all the same.
    const e = parseExperiment({ ...raw('xor-tanh'), loss: { type: 'cross_entropy', class_weights: [1, 1] } });
    const wide = parseExperiment({ ...raw('mlp'), loss: { type: 'cross_entropy', class_weights: Array(10).fill(1) } });
    const xor = makeSynth(core, e.data, e.seed);
    try {
      expect(() => new Session(core, { ...e, layers: [...e.layers.slice(0, -1), { type: 'dense', units: 2 }] }, xor)).not.toThrow();
      expect(() => new Session(core, { ...e, loss: wide.loss }, xor)).toThrow(/^loss.class_weights: must have one weight for each of the 2 classes, got 10$/);
    } finally {
      xor.dispose();
    }
  });

  it('leaves the core usable after refusing', () => {
    const s = new Session(core, parseExperiment(mlp()), mnist);
    expect(s.trainStep().batch).toBe(16);
    s.dispose();
  });
});
