// fuzz.test.js: 10 000 random mutations of valid experiments thrown at the validator and, when
// they pass it, at the core (build, two training steps, an evaluation). Every outcome must be a
// validated experiment or an error that names the problem: no other exception, no wasm trap, no
// leaked memory in the core, no step that hangs. Then the URL codec, with fast-check (below).
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NnError } from '../../../web/src/engine/core.js';
import { Session } from '../../../web/src/engine/session.js';
import { makeSynth } from '../../../web/src/data/datasets.js';
import { ExperimentError, parseExperimentJson, validateExperiment } from '../../../web/src/experiment/validate.js';
import { decodeHash, encodeHash, MAX_HASH_LENGTH, PROPERTIES } from '../../../web/src/experiment/url.js';
import { freshCore } from '../../../web/src/node.js';
import { example, fakeMnist } from '../fixtures.js';

const RUNS = 10_000;
const BUDGET = 48 * 1024 * 1024; // keeps each build, and so each step, small

let core;
let mnist;
beforeAll(async () => {
  core = await freshCore();
  mnist = fakeMnist(core, 24);
});
afterAll(() => mnist?.dispose());

const BASES = ['mlp', 'cnn', 'xor-tanh'].map((name) => JSON.parse(JSON.stringify(example(name))));

/** Every path to a value inside a JSON tree. */
function paths(value, prefix = []) {
  const out = [prefix];
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) out.push(...paths(value[key], [...prefix, Array.isArray(value) ? Number(key) : key]));
  }
  return out;
}

const hostile = fc.oneof(
  fc.constantFrom(
    NaN, Infinity, -Infinity, -1, 0, 1, 2 ** 31, 2 ** 53, -(2 ** 31), 1e308, 1e-308, 0.5, 3.7, null, true, false, '',
    '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '__proto__', 'constructor', 'relu', 'dense',
    'conv2d', 'mse', 'adam', 'xavier_normal', 'mnist', 'xor', [], {}, [1, 2, 3],
  ),
  fc.integer({ min: -5, max: 100 }),
  fc.double(),
  fc.string({ maxLength: 12 }),
  fc.anything({ maxDepth: 2 }),
);

const LAYER_SNIPPETS = [
  { type: 'dense', units: 7 }, { type: 'conv2d', filters: 3, kernel: 3, padding: 1 }, { type: 'maxpool', kernel: 2 },
  { type: 'avgpool', kernel: 3, stride: 1, padding: 1 }, { type: 'flatten' }, { type: 'dropout', p: 0.3 },
  { type: 'batchnorm' }, { type: 'relu' }, { type: 'softmax' }, { type: 'leaky_relu', negative_slope: 0.2 },
  { type: 'elu', alpha: 0.5 }, { type: 'swish' }, { type: 'tanh' }, { type: 'sigmoid' }, { type: 'identity' },
];

/** One mutation: replace a value, delete a key, or insert/remove/duplicate a layer. */
const mutation = fc.record({
  op: fc.constantFrom('replace', 'replace', 'replace', 'delete', 'insert-layer', 'drop-layer', 'duplicate-layer'),
  pick: fc.nat(),
  value: hostile,
  snippet: fc.constantFrom(...LAYER_SNIPPETS),
});

function mutate(base, mutations) {
  const e = JSON.parse(JSON.stringify(base));
  for (const m of mutations) {
    const all = paths(e).filter((p) => p.length > 0);
    const layers = Array.isArray(e.layers) ? e.layers : null;
    if (m.op === 'insert-layer' && layers) layers.splice(m.pick % (layers.length + 1), 0, { ...m.snippet });
    else if (m.op === 'drop-layer' && layers?.length) layers.splice(m.pick % layers.length, 1);
    else if (m.op === 'duplicate-layer' && layers?.length) layers.splice(m.pick % layers.length, 0, layers[m.pick % layers.length]);
    else if (all.length) {
      const path = all[m.pick % all.length];
      let parent = e;
      for (const key of path.slice(0, -1)) parent = parent[key];
      const last = path[path.length - 1];
      if (parent === null || typeof parent !== 'object') continue;
      if (m.op === 'delete') delete parent[last];
      else parent[last] = m.value;
    }
  }
  return e;
}

function expectNamedError(err) {
  const known = err instanceof ExperimentError || err instanceof NnError;
  if (!known) throw err; // a TypeError, a RangeError or a wasm RuntimeError is a bug
  expect(err.message.length).toBeGreaterThan(5);
}

describe('fuzzing the validator and the core', () => {
  it(`${RUNS} mutated experiments: validated or refused with a message, never a crash, a leak or a hang`, () => {
    const outcome = { refused: 0, built: 0, trained: 0, coreRefused: 0 };
    let slowest = 0;
    let heapAfterWarmup = -1;
    let run = 0;
    fc.assert(
      fc.property(fc.nat({ max: BASES.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (baseIndex, mutations) => {
        const started = performance.now();
        const input = mutate(BASES[baseIndex], mutations);
        const result = validateExperiment(input);
        if (!result.ok) {
          outcome.refused++;
          expect(result.errors.length).toBeGreaterThan(0);
          for (const { message } of result.errors) expect(typeof message === 'string' && message.length > 0).toBe(true);
        } else {
          const e = result.experiment;
          let data = mnist;
          let owned = null;
          let session = null;
          try {
            if (e.data.set !== 'mnist') owned = data = makeSynth(core, { ...e.data, count: Math.min(e.data.count, 64), test_count: 32 }, e.seed);
            session = new Session(core, e, data, { memoryBudget: BUDGET });
            outcome.built++;
            session.trainStep();
            session.trainStep();
            session.evaluate('test');
            outcome.trained++;
          } catch (err) {
            outcome.coreRefused++;
            expectNamedError(err);
          } finally {
            session?.dispose();
            owned?.dispose();
          }
        }
        slowest = Math.max(slowest, performance.now() - started);
        if (++run === 500) heapAfterWarmup = core.fn.nn_heap_in_use();
      }),
      { numRuns: RUNS, seed: 20261129 },
    );
    const heapAtEnd = core.fn.nn_heap_in_use();
    console.log(`fuzz: ${JSON.stringify(outcome)}, slowest case ${slowest.toFixed(0)} ms, core heap ${heapAfterWarmup} -> ${heapAtEnd} bytes`);
    expect(outcome.refused + outcome.built + outcome.coreRefused - (outcome.built - outcome.trained)).toBe(RUNS);
    expect(outcome.trained).toBeGreaterThan(RUNS / 20); // the mutations must also reach the core
    expect(outcome.refused).toBeGreaterThan(RUNS / 4);
    expect(heapAfterWarmup).toBeGreaterThan(0);
    expect(heapAtEnd).toBe(heapAfterWarmup); // everything built and freed again: nothing leaked
    expect(slowest).toBeLessThan(5_000);
  }, 600_000);
});

// ---- the URL codec: a link is untrusted text from a stranger ----
// url.test.js checks the codec case by case (round trips of every setting, 20 named hostile
// links); here fast-check throws arbitrary text, grammar-shaped links and mutations of valid
// links at decodeHash. decodeHash never throws (its documented failure is {ok: false, errors,
// message} with the defaults), never takes long, and whatever it reads as valid, encodeHash writes
// back so that it reads the same again (and writing that once more changes nothing).
describe('fuzzing the URL codec', () => {
  const DEFAULTS = example('mlp');
  const strip = ({ name, description, ...rest }) => rest;
  const HANG_MS = 1000; // a decode slower than this is a hang (a real one takes ~0.1 ms; GC on a busy machine ~100)
  const tally = { runs: 0, ok: 0, refused: 0, roundTrips: 0, slowest: 0 };

  const pageOf = (d) => ({ lang: d.lang, mode: d.mode, embed: d.embed, lesson: d.lesson, assignment: d.assignment ?? undefined, result: d.result ?? undefined });

  /** Decodes, checks the documented contract, and round-trips what reads as valid. */
  function decodeChecked(hash) {
    tally.runs++;
    const t0 = performance.now();
    const d = decodeHash(hash, DEFAULTS); // a throw here fails the property
    tally.slowest = Math.max(tally.slowest, performance.now() - t0);
    expect(typeof d.ok).toBe('boolean');
    if (!d.ok) {
      tally.refused++;
      expect(d.errors.length).toBeGreaterThan(0);
      expect(d.message.length).toBeGreaterThan(0);
      expect(d.experiment).toBe(DEFAULTS);
      return d;
    }
    tally.ok++;
    const again = encodeHash(d.experiment, pageOf(d));
    const back = decodeHash(again, DEFAULTS);
    expect(back.message).toBe('');
    expect(strip(back.experiment)).toEqual(strip(d.experiment));
    expect(back.assignment).toEqual(d.assignment);
    expect(back.result).toEqual(d.result);
    expect(pageOf(back)).toEqual(pageOf(d));
    expect(encodeHash(back.experiment, pageOf(back))).toBe(again); // a fixed point
    tally.roundTrips++;
    return d;
  }

  afterAll(() => {
    console.log(`url fuzz: ${tally.runs} links (${tally.ok} valid and round-tripped, ${tally.refused} refused), slowest decode ${tally.slowest.toFixed(1)} ms`);
    expect(tally.slowest).toBeLessThan(HANG_MS);
  });

  it('arbitrary text (any Unicode, lone surrogates, % escapes): never a throw', () => {
    const alphabet = fc.constantFrom(...'abz019=&,:;()%#<>"\'-.eE+_ '.split(''), '\u4e2d', '\ud800', '%E0', '%25', '%3D', '%26', 'v=1', 'layers=', 'dense:', 'lr=');
    fc.assert(fc.property(fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({ unit: alphabet, maxLength: 60 }),
    ), (text) => {
      decodeChecked(text);
      decodeChecked(`#${text}`);
    }), { numRuns: 5000, seed: 31 });
  });

  // Grammar-shaped links: keys of the table with values from a pool of valid and hostile ones.
  const KEYS = [...PROPERTIES.map((p) => p.key), 'v'];
  const VALUES = [
    '1', '0', '2', '0.1', '0.5', '64', '10', '1e-3', '-1', '1e999', 'NaN', '', ' ', 'abc', 'true', 'mnist', 'xor', 'spirals',
    'flatten,dense:10', 'flatten,dense:128,relu,dense:10', 'conv2d:4:kernel=3,relu,flatten,dense:10', 'dense:2', 'dense:4,tanh,dense:2',
    'ce', 'mse', 'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'xavier_normal', 'normal(std=0.01)', 'kaiming_uniform(mode=fan_out)',
    'en', 'zh', 'instructor', 'charts,controls', 'acc', 'loss', 'lr,opt', 'batch', '0.97', '0123456789abcdef',
    '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '%3Cscript%3E', 'a\u202Eb', 'optimizer-race', '\u4e2d\u6587',
  ];
  const pairArb = fc.tuple(fc.constantFrom(...KEYS), fc.oneof(fc.constantFrom(...VALUES), fc.string({ maxLength: 8 })));
  const linkArb = fc.array(pairArb, { maxLength: 10 }).map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'));

  it('grammar-shaped links: refused with messages, or valid and round-tripping', () => {
    fc.assert(fc.property(linkArb, (link) => {
      decodeChecked(link);
    }), { numRuns: 5000, seed: 32 });
  });

  // Valid links to mutate: every experiment file's link, plus some with an assignment and a page.
  const valid = readdirSync(new URL('../../../web/experiments/', import.meta.url))
    .filter((f) => f.endsWith('.json') && f !== 'lessons.json')
    .map((f) => encodeHash(example(f.replace(/\.json$/, '')), { lang: 'zh' }));
  valid.push(`${encodeHash(DEFAULTS)}&goal=acc&target=0.97&max_epochs=2&lock=opt,lr&goal_en=${encodeURIComponent('Reach 97 % with plain SGD')}&lang=en`);
  const mutationArb = fc.record({
    op: fc.constantFrom('insert', 'delete', 'replace', 'duplicate-pair', 'drop-pair', 'swap-pairs', 'truncate', 'decode', 'encode'),
    at: fc.nat(),
    other: fc.nat(),
    text: fc.oneof(fc.constantFrom('&', '=', ',', ':', '%', '%2', '#', '(', ')', ';', '-', '0', '9', 'e', '\u0000', '\ud800', '&lr=5', '&layers=relu'), fc.string({ maxLength: 4 })),
  });
  function mutateLink(link, m) {
    const at = m.at % (link.length + 1);
    const pairs = link.split('&');
    const i = m.at % pairs.length;
    const j = m.other % pairs.length;
    switch (m.op) {
      case 'insert': return link.slice(0, at) + m.text + link.slice(at);
      case 'delete': return link.slice(0, at) + link.slice(at + 1 + (m.other % 4));
      case 'replace': return link.slice(0, at) + m.text + link.slice(at + m.text.length);
      case 'duplicate-pair': return [...pairs, pairs[i]].join('&');
      case 'drop-pair': return pairs.filter((_, k) => k !== i).join('&');
      case 'swap-pairs': { const p = [...pairs]; [p[i], p[j]] = [p[j], p[i]]; return p.join('&'); }
      case 'truncate': return link.slice(0, at);
      case 'decode': try { return decodeURIComponent(link); } catch { return link; }
      default: try { return encodeURIComponent(link); } catch { return link; } // a lone surrogate cannot be %-encoded
    }
  }

  it('mutations of valid links: refused with messages, or valid and round-tripping', () => {
    for (const link of valid) expect(decodeChecked(link).ok, link).toBe(true);
    let changedButValid = 0;
    fc.assert(fc.property(fc.constantFrom(...valid), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (link, mutations) => {
      const d = decodeChecked(mutations.reduce(mutateLink, link));
      if (d.ok) changedButValid++;
    }), { numRuns: 8000, seed: 33 });
    expect(changedButValid).toBeGreaterThan(500); // the mutations also make valid links (lr=0.1 -> lr=0.19)
  });

  it('refuses a link too long or with thousands of layers in well under 50 ms', () => {
    const hostile = {
      'a megabyte of text': `#v=1&layers=${'relu,'.repeat(200_000)}`,
      'just under the length cap, 800 layers': `#v=1&layers=${'relu,'.repeat(800).slice(0, MAX_HASH_LENGTH - 20)}`,
      '64 settings of 2 kB each': `#${Array.from({ length: 64 }, (_, i) => `k${i}=${'9'.repeat(60)}`).join('&')}`,
      'thousands of pairs': `#${'lr=1&'.repeat(5000)}`,
      'deep parentheses in an init': `#v=1&init=${'('.repeat(3000)}`,
      '4000 escapes': `#v=1&goal_en=${'%E4%B8%AD'.repeat(450)}`,
    };
    const times = {};
    for (const [name, hash] of Object.entries(hostile)) {
      let best = Infinity;
      for (let k = 0; k < 5; k++) {
        const t0 = performance.now();
        const d = decodeHash(hash, DEFAULTS);
        best = Math.min(best, performance.now() - t0);
        expect(d.ok, name).toBe(false);
        expect(d.message.length, name).toBeGreaterThan(10);
      }
      times[name] = Number(best.toFixed(2));
    }
    // The same for an experiment file (the runner's input, an import): 15 000 layers in 240 kB.
    const file = JSON.stringify({ ...strip(DEFAULTS), layers: Array.from({ length: 15_000 }, () => ({ type: 'relu' })) });
    let best = Infinity;
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      expect(() => parseExperimentJson(file)).toThrow(/at most 64 layers, got 15000/);
      best = Math.min(best, performance.now() - t0);
    }
    times['an experiment file of 15000 layers'] = Number(best.toFixed(2));
    console.log(`url fuzz: time to refuse hostile links (ms, best of 5): ${JSON.stringify(times)}`);
    for (const [name, ms] of Object.entries(times)) expect(ms, name).toBeLessThan(50);
  });
});
