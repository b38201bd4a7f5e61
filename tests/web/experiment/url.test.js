// The URL hash codec: one table writes and reads; every preset and many variations survive the
// round trip exactly; broken and hostile hashes give a message and the defaults, never a throw.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../../../web/src/experiment/validate.js';
import { decodeHash, encodeHash, MAX_HASH_LENGTH, PROPERTIES } from '../../../web/src/experiment/url.js';
import { initDefaults, layerDefaults, optimizerDefaults } from '../../../web/src/experiment/defaults.js';
import { INIT_TYPES, LAYER_TYPES, OPTIMIZER_TYPES } from '../../../web/src/experiment/schema.js';

const dir = new URL('../../../web/experiments/', import.meta.url);
const presets = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'lessons.json').map((f) => [f, parseExperiment(JSON.parse(readFileSync(new URL(f, dir), 'utf8')))]);
const defaults = presets.find(([f]) => f === 'mlp.json')[1];
const strip = ({ name, description, ...rest }) => rest;

function roundTrip(experiment, lang) {
  const hash = encodeHash(experiment, { lang });
  const decoded = decodeHash(`#${hash}`, defaults);
  expect(decoded.message).toBe('');
  expect(decoded.ok).toBe(true);
  expect(decoded.experiment).toEqual(strip(experiment));
  return { hash, decoded };
}

describe('encodeHash / decodeHash', () => {
  it.each(presets)('round-trips the preset %s', (_, experiment) => {
    roundTrip(experiment, 'zh');
  });

  it('writes the readable form of the brief', () => {
    expect(encodeHash(defaults, { lang: 'zh' })).toBe(
      'v=1&data=mnist&layers=flatten,dense:128,relu,dense:10&loss=ce&opt=sgd&lr=0.1&momentum=0.9&init=torch_default&batch=64&epochs=1&seed=1&lang=zh',
    );
  });

  it('round-trips every optimizer with every hyper-parameter changed from its default', () => {
    for (const type of OPTIMIZER_TYPES) {
      const optimizer = optimizerDefaults(type);
      for (const [k, v] of Object.entries(optimizer)) {
        if (k === 'type') continue;
        if (typeof v === 'boolean') optimizer[k] = !v;
        else if (Array.isArray(v)) optimizer[k] = [0.85, 0.995];
        else optimizer[k] = v * 0.5 + 0.0123;
      }
      if (type === 'sgd') Object.assign(optimizer, { nesterov: true, dampening: 0 });
      roundTrip(parseExperiment({ ...strip(defaults), optimizer }));
    }
  });

  it('round-trips every layer kind, with per-layer inits and every initialiser', () => {
    const conv = { ...layerDefaults('conv2d'), stride: 2, padding: 0, bias: false, init: { weight: { type: 'kaiming_normal', a: 0.1, mode: 'fan_out', nonlinearity: 'relu' } } };
    const layers = [
      conv, layerDefaults('batchnorm'), { type: 'leaky_relu', negative_slope: 0.2 },
      { type: 'maxpool', kernel: 3, stride: 1, padding: 1 }, { type: 'avgpool', kernel: 2, stride: 2, padding: 0 },
      { type: 'dropout', p: 0.25 }, { type: 'flatten' },
      { ...layerDefaults('dense'), units: 30, init: { weight: { type: 'uniform', a: -0.1, b: 0.1 }, bias: { type: 'constant', value: 0.5 } } },
      { type: 'elu', alpha: 0.5 }, { type: 'swish' }, { type: 'sigmoid' }, { type: 'tanh' }, { type: 'identity' },
      { type: 'dense', units: 10, bias: true }, { type: 'softmax' },
    ];
    expect(new Set(layers.map((l) => l.type))).toEqual(new Set(LAYER_TYPES.filter((t) => t !== 'relu')));
    roundTrip(parseExperiment({ ...strip(defaults), layers }));
    for (const type of INIT_TYPES) roundTrip(parseExperiment({ ...strip(defaults), init: initDefaults(type) }));
  });

  it('round-trips the data sets, losses and training settings', () => {
    roundTrip(parseExperiment({ ...strip(defaults), data: { set: 'mnist', train_samples: 5000, test_samples: 1000 } }));
    roundTrip(parseExperiment({ ...strip(defaults), layers: [{ type: 'dense', units: 2 }], data: { set: 'spirals', count: 800, test_count: 300, noise: 0.05 } }));
    roundTrip(parseExperiment({ ...strip(defaults), loss: { type: 'cross_entropy', label_smoothing: 0.1, reduction: 'sum', class_weights: [1, 2, 1, 1, 1, 1, 1, 1, 1, 3] } }));
    roundTrip(parseExperiment({ ...strip(defaults), loss: { type: 'mse', reduction: 'sum' } }));
    roundTrip(parseExperiment({ ...strip(defaults), batch_size: 1, epochs: 7, shuffle: false, seed: Number.MAX_SAFE_INTEGER }));
    roundTrip(parseExperiment({ ...strip(defaults), optimizer: { type: 'sgd', lr: 1e-7 } }));
  });

  it('has one table row per hash key, each reading what it writes', () => {
    const keys = PROPERTIES.map((p) => p.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('fills settings a link leaves out from the defaults, and a new optimizer from torch\'s', () => {
    const d = decodeHash('#lr=0.5', defaults);
    expect(d.ok).toBe(true);
    expect(d.experiment.optimizer).toEqual({ ...defaults.optimizer, lr: 0.5 });
    const adam = decodeHash('#opt=adam', defaults);
    expect(adam.experiment.optimizer).toEqual(optimizerDefaults('adam'));
    // Naming the optimizer's type (as written links do) starts it from torch's defaults.
    expect(decodeHash('#opt=sgd&lr=0.5', defaults).experiment.optimizer).toEqual({ ...optimizerDefaults('sgd'), lr: 0.5 });
  });

  it('keeps the language apart from the experiment', () => {
    expect(decodeHash('#lang=zh', defaults)).toMatchObject({ ok: true, empty: true, lang: 'zh' });
    expect(decodeHash('', defaults)).toMatchObject({ ok: true, empty: true, lang: undefined });
    // A broken link keeps a good language.
    expect(decodeHash('#lang=zh&lr=abc', defaults)).toMatchObject({ ok: false, lang: 'zh' });
  });
});

describe('decodeHash refuses broken and hostile links with a message', () => {
  const cases = {
    'an unknown key': ['#colour=red', /unknown setting "colour"/],
    'a script tag': ['#layers=<script>alert(1)</script>', /unknown layer type "<script>alert\(1\)<\/script>"/],
    'markup as a key': ['#<img src=x onerror=alert(1)>', /unknown setting/],
    'a huge number': ['#lr=1e999', /lr: must be a finite number/],
    'an integer too large': ['#batch=99999999999999999999', /batch: is too large/],
    'a number out of range': ['#batch=0', /batch_size: must be an integer from 1 to 8192, got 0/],
    'a fractional integer': ['#seed=1.5', /seed: must be a whole number/],
    'thousands of layers': [`#layers=${'relu,'.repeat(3000)}dense:10`, /characters long|layers/],
    'too many layers in a short hash': [`#layers=${'relu,'.repeat(100)}dense:10`, /lists 101 layers; a network here has at most 64/],
    'a hash too long': [`#seed=${'1'.repeat(MAX_HASH_LENGTH)}`, /at most 4096 are read/],
    'a broken escape': ['#lr=%E0%A4%A', /broken %-escape/],
    'a key given twice': ['#lr=0.1&lr=0.2', /lr: is given twice/],
    'a key without a value': ['#lr', /lr: needs a value/],
    'another version': ['#v=2', /settings version "2"/],
    'a setting of another optimizer': ['#opt=adam&momentum=0.9', /optimizer.momentum: unknown field in an adam optimizer/],
    'a layer setting that does not exist': ['#layers=dense:10:kernel=3', /a dense layer has no setting "kernel"/],
    'a bad initialiser': ['#init=xavier_normal(gain=abc)', /xavier_normal\(gain\): must be a number/],
    'an unknown language': ['#lang=fr', /lang: must be one of en, zh/],
    'a data set without layers': ['#data=xor', /gives no layers/],
    'an impossible nesterov': ['#opt=sgd&nesterov=1&momentum=0', /nesterov needs a momentum above 0/],
  };
  it.each(Object.entries(cases))('%s', (_, [hash, pattern]) => {
    const d = decodeHash(hash, defaults);
    expect(d.ok).toBe(false);
    expect(d.message).toMatch(pattern);
    expect(d.experiment).toBe(defaults);
  });

  it('never throws, whatever the text', () => {
    const alphabet = 'abz019=&,:;()%#<>"\'-.eE+_ \u4e2d\ud800';
    let seed = 1;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 3000; i++) {
      let s = '';
      const n = Math.floor(random() * 60);
      for (let k = 0; k < n; k++) s += alphabet[Math.floor(random() * alphabet.length)];
      const d = decodeHash(s, defaults);
      expect(typeof d.ok).toBe('boolean');
      if (!d.ok) expect(d.message.length).toBeGreaterThan(0);
    }
  });
});
