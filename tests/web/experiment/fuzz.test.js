// fuzz.test.js: 10 000 random mutations of valid experiments thrown at the validator and, when
// they pass it, at the core (build, two training steps, an evaluation). Every outcome must be a
// validated experiment or an error that names the problem: no other exception, no wasm trap, no
// leaked memory in the core, no step that hangs.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NnError } from '../../../web/src/engine/core.js';
import { Session } from '../../../web/src/engine/session.js';
import { makeSynth } from '../../../web/src/data/datasets.js';
import { ExperimentError, validateExperiment } from '../../../web/src/experiment/validate.js';
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
