// i18n-errors.test.js: every error a reader can meet has Chinese. The C core's sentences: each
// nn_fail() format of c/*.c has a Chinese template with the same conversions in the same order,
// and sentences the real core prints come out Chinese. The JavaScript side's: every message id
// the code uses has both languages, every error of the validator and the link reader carries
// its message (whose English is the error's message, unchanged), and each of them (hostile links
// and experiments included) reads as Chinese. What no table knows stays English, never empty.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ERRORS, english, msgOf, say } from '../../web/src/i18n/errors.js';
import zh from '../../web/src/i18n/zh/index.js';
import { coreSentence, layerTails, printfSpecs } from '../../web/src/i18n/core-sentences.js';
import { localize, localizeLinkErrors, setLanguage } from '../../web/src/i18n/index.js';
import { NnError } from '../../web/src/engine/core.js';
import { LayerKind } from '../../web/src/engine/enums.js';
import { planExperiment, Session } from '../../web/src/engine/session.js';
import { readSafetensors } from '../../web/src/engine/safetensors.js';
import { decodeHash } from '../../web/src/experiment/url.js';
import { parseExperiment, parseExperimentJson, validateExperiment } from '../../web/src/experiment/validate.js';
import { freshCore } from '../../web/src/node.js';
import { makeSynth } from '../../web/src/data/datasets.js';
import { example, fakeMnist } from './fixtures.js';

// @lit/localize announces a language switch on `window` (its lit-localize-status event); Node has none.
vi.stubGlobal('window', new EventTarget());

const CJK = /[\u4e00-\u9fff]/;
const { errors: ERRORS_ZH, core: { sentences: CORE_ZH, words: CORE_WORDS_ZH } } = zh;
const coreToChinese = (text) => coreSentence(text, zh.core);
const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** The format strings of every nn_fail(NN_..., "...") in c/*.c, and of the sentences given as %s (snprintf into a buffer). */
function coreFormats() {
  const dir = new URL('../../c/', import.meta.url);
  const literal = '((?:"(?:[^"\\\\]|\\\\.)*"\\s*)+)';
  const calls = new RegExp(`\\bnn_fail\\(\\s*NN_[A-Z_]+\\s*,\\s*${literal}`, 'g');
  const buffers = new RegExp(`\\bsnprintf\\(\\s*\\w+\\s*,\\s*sizeof\\s*\\w+\\s*,\\s*${literal}`, 'g');
  const join = (run) => [...run.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join('').replace(/\\(.)/g, '$1');
  const formats = [];
  let sites = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.c'))) {
    const src = readFileSync(new URL(file, dir), 'utf8');
    sites += [...src.matchAll(/\bnn_fail\(\s*NN_/g)].length;
    for (const m of src.matchAll(calls)) formats.push(join(m[1]));
    for (const m of src.matchAll(buffers)) formats.push(join(m[1]));
  }
  return { formats, sites };
}

describe('the C core in Chinese', () => {
  const { formats, sites } = coreFormats();

  it('has a Chinese template for every nn_fail format, with the same conversions in order', () => {
    expect(sites).toBeGreaterThan(100);
    // Every call site has a literal format (none is built at run time, which no table could know).
    expect(formats.length).toBeGreaterThanOrEqual(sites);
    const unique = [...new Set(formats)].sort();
    expect(Object.keys(CORE_ZH).sort()).toEqual(unique);
    for (const format of unique) {
      const zh = CORE_ZH[format];
      expect(printfSpecs(zh), format).toEqual(printfSpecs(format));
      expect(zh, format).toMatch(CJK);
    }
  });

  it('knows every sentence about a layer by its tail too, one Chinese tail per English one', () => {
    const withLayer = Object.keys(CORE_ZH).filter((f) => /^layer %d \(([a-z0-9_]+|%s)\): /.test(f));
    const tails = layerTails(zh.core);
    expect(tails.length).toBe(withLayer.length);
    const byTail = new Map();
    for (const [tail, zh] of tails) {
      expect(printfSpecs(zh), tail).toEqual(printfSpecs(tail));
      if (byTail.has(tail)) expect(zh, tail).toBe(byTail.get(tail));
      byTail.set(tail, zh);
    }
  });

  it('puts the printed values back unchanged, and translates a sentence or a word given as %s', () => {
    expect(coreToChinese('layer 0 (dense): needs flat features, got 1x28x28 (put a flatten layer before it)'))
      .toBe('层 0（dense）：需要展平的特征，当前为 1x28x28（请在它前面加一个 flatten 层）');
    expect(coreToChinese('layer 2 (dropout): p must be between 0 and 1, got -nan')).toBe('层 2（dropout）：p 必须在 0 和 1 之间，当前为 -nan');
    expect(coreToChinese('IDX file: bad magic number 1f8b0800 (not an IDX file, or still gzip\'ed)'))
      .toBe('IDX 文件：魔数 1f8b0800 不对（不是 IDX 文件，或者仍是 gzip 压缩的）');
    expect(coreToChinese('layer 1 bias: uniform needs a <= b, got a=1 b=0')).toBe(`层 1 的${CORE_WORDS_ZH.bias}：uniform 要求 a <= b，当前 a=1 b=0`);
    // The tail alone, as the layer editor shows it.
    expect(coreToChinese('kernel 25 is larger than its padded input 18x18 (input 8x14x14, padding 2)'))
      .toBe('kernel 25 大于填充后的输入 18x18（输入 8x14x14，padding 2）');
  });

  describe('sentences of the real core', () => {
    let core;
    let mnist;
    beforeAll(async () => {
      core = await freshCore();
      mnist = fakeMnist(core, 20);
    });
    afterAll(() => mnist.dispose());
    const mnistShape = { shape: [1, 28, 28], classes: 10 };

    /** The NnError fn() throws. */
    const caught = (fn) => {
      try {
        fn();
      } catch (err) {
        return err;
      }
      throw new Error('no error');
    };

    it('come out Chinese, with the numbers the core printed', async () => {
      await setLanguage('zh');
      try {
        const net = core.fn.nn_net_create(1, 28, 28);
        try {
          const dense = caught(() => core.fn.nn_add_dense(net, 10, 1));
          expect(dense).toBeInstanceOf(NnError);
          expect(dense.message).toBe('layer 0 (dense): needs flat features, got 1x28x28 (put a flatten layer before it)');
          expect(localize(dense)).toBe('层 0（dense）：需要展平的特征，当前为 1x28x28（请在它前面加一个 flatten 层）');
          const pool = caught(() => core.fn.nn_add_pool(net, LayerKind.MAXPOOL, 3, 1, 2));
          expect(localize(pool)).toBe(coreToChinese(pool.message));
          expect(localize(pool)).toMatch(/^层 0（maxpool）：padding 2 超过了 kernel 3 的一半/);
        } finally {
          core.fn.nn_net_free(net);
        }

        // An impossible stack, as the layer editor gets it: the row's reason without "layer 3 (conv2d): ".
        const cnn = example('cnn');
        const bad = planExperiment(core, parseExperiment({ ...cnn, layers: cnn.layers.map((l, i) => (i === 3 ? { ...l, kernel: 25 } : l)) }), mnistShape);
        expect(bad.errors[0].message).toMatch(/^kernel 25 is larger than its padded input 18x18/);
        expect(localize(bad.errors[0])).toMatch(/^kernel 25 大于填充后的输入 18x18（输入 8x14x14，padding \d+）$/);

        // The memory budget's refusal holds a second sentence of the core (its advice) as %s.
        const huge = planExperiment(core, example('mlp'), mnistShape, { memoryBudget: 1024 * 1024 });
        expect(huge.errors[0].message).toMatch(/over the memory budget of 1 MB .*: even a batch of 1 needs [\d.]+ MB: use fewer or smaller layers$/);
        expect(localize(huge.errors[0])).toMatch(/^这个网络需要 [\d.]+ MB（批大小 64），超出了 1 MB 的内存预算（0\.1 M 个参数，[\d.]+ M 个激活值）：即使批大小为 1 也需要 [\d.]+ MB：请减少层数或缩小各层$/);
        const big = planExperiment(core, example('mlp'), mnistShape, { memoryBudget: 4 * 1024 * 1024 });
        expect(big.errors[0].message).toMatch(/over the memory budget of 4 MB .*: the largest batch that fits is \d+; or use fewer or smaller layers$/);
        expect(localize(big.errors[0])).toMatch(/^这个网络需要 [\d.]+ MB（批大小 64），超出了 4 MB 的内存预算.*：能放下的最大批大小是 \d+；也可以减少层数或缩小各层$/);

        // A batch norm layer trained on a batch of one sample.
        const bn = parseExperiment({
          ...example('mlp'), batch_size: 1,
          layers: [{ type: 'flatten' }, { type: 'dense', units: 10 }, { type: 'batchnorm' }],
        });
        const s = new Session(core, bn, mnist);
        try {
          const one = caught(() => s.trainStep());
          expect(one.message).toMatch(/^layer 2 \(batchnorm\): needs more than 1 value per channel when training/);
          expect(localize(one)).toMatch(/^层 2（batchnorm）：训练时每个通道需要不止 1 个值/);
        } finally {
          s.dispose();
        }

        // A class weight list of the wrong length is the JavaScript side's; a weights file the core's reader refuses.
        const weights = caught(() => readSafetensors(new Uint8Array(4)));
        expect(weights.message).toBe('the file is 4 bytes long, too short to hold a header');
        expect(localize(weights)).toBe('文件只有 4 字节，放不下文件头');
      } finally {
        await setLanguage('en');
      }
    });

    it('a diverging step: the core\'s sentence with the advice, in Chinese', async () => {
      const e = parseExperiment({
        version: 1, data: { set: 'xor', count: 200 }, seed: 1, batch_size: 16,
        layers: [{ type: 'dense', units: 4 }, { type: 'identity' }, { type: 'dense', units: 2 }],
        loss: { type: 'mse' }, optimizer: { type: 'sgd', lr: 100 },
      });
      const data = makeSynth(core, e.data, e.seed);
      const s = new Session(core, e, data);
      let err;
      try {
        for (let i = 0; i < 100 && !err; i++) {
          try {
            s.trainStep();
          } catch (x) {
            err = x;
          }
        }
      } finally {
        s.dispose();
        data.dispose();
      }
      expect(err).toBeInstanceOf(NnError);
      expect(err.message).toMatch(/became NaN\/Inf at step \d+.*: lower the learning rate, or check the initialisation/);
      expect(english(err.msg)).toBe(err.message);
      await setLanguage('zh');
      try {
        expect(localize(err)).toMatch(/^第 \d+ 步的(损失|梯度|权重)变成了 NaN\/Inf.*：请降低学习率，或检查初始化（尺度过大会使激活值爆炸）$/);
      } finally {
        await setLanguage('en');
      }
    });
  });

  it('falls back to the English sentence when no format matches, never to nothing', async () => {
    await setLanguage('zh');
    try {
      expect(coreToChinese('Failed to fetch')).toBe(null);
      expect(localize('Failed to fetch')).toBe('Failed to fetch');
      expect(localize(new Error('something new went wrong'))).toBe('something new went wrong');
      expect(localize({ text: 'layer 3 (dense): a sentence the table does not know' })).toBe('layer 3 (dense): a sentence the table does not know');
      // Inside a Chinese sentence of ours, an unknown reason stays as it came.
      expect(localize(say('err.data.file', { name: 'x.gz', message: { text: 'disk on fire' } }))).toBe('x.gz：disk on fire');
      expect(localize('')).toBe('');
      expect(localize(null)).toBe('');
    } finally {
      await setLanguage('en');
    }
  });
});

/** Every message id a message holds, params included. */
function ids(msg, out = new Set()) {
  if (msg && typeof msg === 'object') {
    if (typeof msg.id === 'string') out.add(msg.id);
    for (const v of Object.values(msg.params ?? {})) ids(v, out);
  }
  return out;
}

/** What an error reads as in each language, after checking it carries its message. */
async function both(error) {
  expect(error.msg, error.message).toBeTruthy();
  expect(english(error.msg)).toBe(error.message);
  await setLanguage('zh');
  const zh = localize(error);
  await setLanguage('en');
  const en = localize(error);
  return { en, zh };
}

describe('the JavaScript side in Chinese', () => {
  it('has every message in both languages with the same placeholders', () => {
    expect(Object.keys(ERRORS_ZH).sort()).toEqual(Object.keys(ERRORS).sort());
    for (const [id, text] of Object.entries(ERRORS)) {
      expect(placeholders(ERRORS_ZH[id]), id).toEqual(placeholders(text));
      // Each Chinese sentence is Chinese, unless it is all code and values ("{path}: {message}").
      if (/[a-z]{3}/.test(text.replace(/\{\w+\}/g, ''))) expect(ERRORS_ZH[id], id).toMatch(CJK);
    }
  });

  it('knows every message id the code uses', () => {
    const root = new URL('../../web/src/', import.meta.url);
    const used = new Set();
    for (const entry of readdirSync(root, { recursive: true })) {
      if (!entry.endsWith('.js') || entry.startsWith('i18n')) continue;
      for (const m of readFileSync(new URL(entry, root), 'utf8').matchAll(/'(err\.[A-Za-z0-9_.]+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(120);
    for (const id of used) expect(ERRORS, id).toHaveProperty([id]);
  });

  // One of each: the ids these reach are counted below.
  const experiments = [
    null, undefined, [], 'text', {},
    { ...example('mlp'), version: 2 },
    { ...example('mlp'), version: undefined, colour: 1 },
    { ...example('mlp'), layers: 'dense' },
    { ...example('mlp'), layers: [] },
    { ...example('mlp'), layers: Array.from({ length: 65 }, () => ({ type: 'relu' })) },
    { ...example('mlp'), layers: [{ type: 'conv3d' }, 4, {}, { type: 'dense' }, { type: 'dense', units: 1.5, colour: 'red' }] },
    { ...example('mlp'), layers: [{ type: 'dense', units: 10, bias: 'yes', init: { bias: { type: 'zeros' }, weight: { type: 'uniform', a: 1, b: 0 } } }] },
    { ...example('mlp'), layers: [{ type: 'dense', units: 10, bias: false, init: { bias: { type: 'zeros' }, weight: 3 } }] },
    { ...example('mlp'), layers: [{ type: 'dense', units: 10, init: { weight: {}, bias: { type: 'kaiming' } } }] },
    { ...example('mlp'), layers: [{ type: 'dense', units: 10, bias: false, init: { bias: { type: 'zeros' } } }] },
    { ...example('mlp'), layers: [{ type: 'dense', units: {}, init: 5 }, { type: 'avgpool', kernel: 2, foo: 1 }] },
    { ...example('mlp'), layers: [{ type: 'dense', units: 10, init: { weight: { type: 'zeros' }, foo: 1 } }] },
    { ...example('mlp'), layers: [{ type: 'maxpool', kernel: 2, padding: 2 }] },
    { ...example('mlp'), layers: [{ type: 'avgpool', kernel: 2, stride: 0 }] },
    { ...example('mlp'), init: { type: 'zeros', a: 1 } },
    { ...example('mlp'), init: { type: 'normal', foo: 1 } },
    { ...example('mlp'), loss: { type: 'cross_entropy', foo: 1 } },
    { ...example('mlp'), loss: { type: 'mse', foo: 1 } },
    { ...example('mlp'), optimizer: 3 },
    { ...example('mlp'), optimizer: {} },
    { ...example('mlp'), optimizer: { type: 'lbfgs' } },
    { ...example('mlp'), layers: [{ type: 'dropout', p: 1 }, { type: 'batchnorm', eps: 0 }, { type: 'elu', alpha: -1 }] },
    { ...example('mlp'), data: 'mnist' },
    { ...example('mlp'), data: {} },
    { ...example('mlp'), data: { set: 'moons' } },
    { ...example('mlp'), data: { set: 'xor', count: 0, noise: 2, extra: 1 } },
    { ...example('mlp'), loss: { type: 'cross_entropy', class_weights: [] } },
    { ...example('mlp'), loss: { type: 'cross_entropy', class_weights: [1, 2] } },
    { ...example('mlp'), loss: { type: 'cross_entropy', class_weights: 'equal', reduction: 'max' } },
    { ...example('mlp'), loss: { type: 'cross_entropy', class_weights: Array(1001).fill(1) } },
    { ...example('mlp'), loss: 3 },
    { ...example('mlp'), loss: { type: 'hinge' } },
    { ...example('mlp'), loss: { label_smoothing: 0.1 } },
    { ...example('mlp'), optimizer: { type: 'adam', betas: [0.9, 0.99, 0.9] } },
    { ...example('mlp'), optimizer: { type: 'adam', betas: 0.9, eps: 1 } },
    { ...example('mlp'), optimizer: { type: 'sgd', lr: 0.1, nesterov: true } },
    { ...example('mlp'), optimizer: { type: 'sgd', lr: 0.1, maximize: 'no' } },
    { ...example('mlp'), name: 'x'.repeat(3000), shuffle: 1, epochs: 0 },
    { ...example('mlp'), init: { type: 'kaiming_normal', mode: 'fan_both' } },
  ];
  const hashes = [
    '#lr=1e999', '#lr=abc', '#batch=99999999999999999999', '#batch=0', '#seed=1.5', '#shuffle=yes',
    `#layers=${'relu,'.repeat(100)}dense:10`, `#seed=${'1'.repeat(5000)}`, `#${'seed=1&'.repeat(70)}`,
    '#lr=%E0%A4%A', '#lr=0.1&lr=0.2', '#lr', '#v=2', '#colour=red', '#opt=adam&momentum=0.9',
    '#layers=', '#layers=conv3d:3', '#layers=dense:10:kernel=3', '#layers=flatten:units=3', '#layers=dense:10:bias', '#layers=dense:10:bias=1:bias=0',
    '#layers=dense:10:init=zeros:init=zeros', '#layers=dense:abc', '#layers=dense:10:init=normal(std=x)',
    '#init=xavier_normal(gain=abc)', '#init=he', '#init=lecun(x)', '#init=zeros(a=1)', '#init=uniform(c=1)', '#init=uniform(a)', '#init=uniform(a=1;a=2)',
    '#init=kaiming_normal(mode=both)', '#init=(', '#class_weights=' + '1,'.repeat(1001) + '1',
    '#lang=fr', '#data=xor', '#opt=sgd&nesterov=1&momentum=0',
    '#goal=acc', '#target=0.9', '#goal=acc&target=2', '#goal=loss&target=-1', '#max_steps=0', '#lock=lr&hide=lr',
    '#lock=lr,lr', '#lock=colour', `#lock=${'lr,'.repeat(40)}lr`, `#goal_en=${'x'.repeat(300)}`, '#goal_en=a%07b',
    '#claim_steps=10', '#claim_steps=0&claim_acc=2&claim_loss=-1&digest=0123456789abcdef', '#claim_steps=1&claim_acc=1&claim_loss=1&digest=xyz',
    '#lesson=Not_An_Id', `#lr=${'1'.repeat(2100)}`,
  ];

  const errors = [];
  for (const input of experiments) {
    const r = validateExperiment(input);
    expect(r.ok, JSON.stringify(input)?.slice(0, 80)).toBe(false);
    errors.push(...r.errors);
  }
  for (const text of [42, '{', 'x'.repeat(300 * 1024)]) {
    try {
      parseExperimentJson(text);
    } catch (err) {
      errors.push(...err.errors);
    }
  }
  const linkErrors = [];
  for (const hash of hashes) {
    const d = decodeHash(hash, example('mlp'));
    expect(d.ok, hash).toBe(false);
    linkErrors.push(d);
    errors.push(...d.errors);
  }

  it('every error of the validator and the link reader carries its message and reads as Chinese', async () => {
    expect(errors.length).toBeGreaterThan(100);
    for (const error of errors) {
      const { en, zh } = await both(error);
      expect(en).toBe(error.message);
      expect(zh, error.message).toMatch(CJK);
      expect(zh).not.toBe(en);
    }
  });

  it('the link reader\'s whole text reads in the reader\'s language, English unchanged', async () => {
    for (const d of linkErrors) {
      await setLanguage('en');
      expect(localizeLinkErrors(d.errors)).toBe(d.message);
      await setLanguage('zh');
      const zh = localizeLinkErrors(d.errors);
      expect(zh.split('\n').length).toBe(d.errors.length);
      for (const line of zh.split('\n')) expect(line).toMatch(CJK);
    }
    await setLanguage('en');
  });

  it('reaches every message of the schema and the link reader', () => {
    const reached = new Set();
    for (const e of errors) ids(e.msg, reached);
    const mine = Object.keys(ERRORS).filter((id) => !/^err\.(run|weights|checkpoint|rngWords|orderType|st|data|core|worker)\b/.test(id));
    // No field is open at both ends or at its low end alone (batch norm's eps starts at 1e-30:
    // a float32 holds nothing closer to 0 that the core could use), and valibot gives every
    // issue of an object a path.
    const unreachable = ['err.experiment', 'err.numLowOpen', 'err.numOpen'];
    expect(mine.filter((id) => !reached.has(id)).sort()).toEqual(unreachable);
  });

  it('errors thrown across the worker keep their message', async () => {
    const err = new NnError(7, say('err.weights', { message: say('err.weights.missing', { name: 'layers.1.weight', names: 'a, b' }) }), 'loadWeights');
    expect(err.message).toBe('weights file: tensor layers.1.weight is missing (the model has a, b)');
    const copy = structuredClone({ message: err.message, msg: err.msg });
    await setLanguage('zh');
    try {
      expect(localize(copy)).toBe('权重文件：缺少张量 layers.1.weight（模型的张量是 a, b）');
      expect(localize(msgOf(new Error('loss became NaN/Inf at step 3')))).toBe('第 3 步的损失变成了 NaN/Inf');
    } finally {
      await setLanguage('en');
    }
  });

  it('names a layer as its row does, counted from 1, in the page\'s language: no layers[1]', async () => {
    const refused = validateExperiment({ ...example('mlp'), layers: [{ type: 'flatten' }, { type: 'dense', units: 0 }, { type: 'dense', units: 10 }] });
    expect(refused.ok).toBe(false);
    const link = decodeHash('v=1&layers=flatten,dense:0,relu,dense:10', example('mlp'));
    expect(link.ok).toBe(false);
    try {
      expect(localize({ errors: refused.errors })).toMatch(/^Layer 2 units: must be an integer/);
      expect(localizeLinkErrors(link.errors)).toMatch(/^Layer 2 units: /);
      await setLanguage('zh');
      for (const text of [localize({ errors: refused.errors }), localizeLinkErrors(link.errors)]) {
        expect(text).toMatch(/^第 2 层 units：/);
        expect(text).not.toMatch(/layers\[/);
      }
    } finally {
      await setLanguage('en');
    }
  });
});

