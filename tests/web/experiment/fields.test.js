// fields.test.js: one truth for every field. Each field of the schema (fields.js reads them from
// schema.js) is set at and beyond its bounds, first every edge value in turn, then random values
// with fast-check, inside an experiment that is valid otherwise. Whatever the validator accepts,
// the core builds, refusing only for the memory budget (with that message); whatever the validator
// refuses, it refuses with the field named. Then the core's own checks of the activation parameters
// against the schema's, sentence for sentence.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLayer, Session } from '../../../web/src/engine/session.js';
import { makeSynth } from '../../../web/src/data/datasets.js';
import { initDefaults, layerDefaults } from '../../../web/src/experiment/defaults.js';
import { schemaFields } from '../../../web/src/experiment/fields.js';
import { LIMITS } from '../../../web/src/experiment/schema.js';
import { formatPath, validateExperiment } from '../../../web/src/experiment/validate.js';
import { freshCore } from '../../../web/src/node.js';
import { fakeMnist } from '../fixtures.js';

const BUDGET = 64 * 1024 * 1024; // small, so a field that asks for much memory meets the budget
const FIELDS = schemaFields();

let core;
let mnist;
beforeAll(async () => {
  core = await freshCore();
  mnist = fakeMnist(core, 16);
});
afterAll(() => mnist?.dispose());

// ---- an experiment in which a field exists ----

/** Layers around the layer under test (index 1), so that any of its settings gives valid shapes. */
function hostLayers(layer) {
  if (['conv2d', 'maxpool', 'avgpool'].includes(layer.type)) {
    // a 1x1 convolution padded to 64x64 first: a kernel of 64 still fits
    return [{ type: 'conv2d', filters: 1, kernel: 1, padding: 18 }, layer, { type: 'flatten' }, { type: 'dense', units: 10 }];
  }
  if (layer.type === 'softmax') return [{ type: 'flatten' }, layer, { type: 'dense', units: 10 }];
  return [{ type: 'flatten' }, layer, { type: 'dense', units: 10 }];
}
const LAYER_INDEX = 1;

/** A valid experiment in which field f exists, and the concrete path of f in it. */
function hostFor(f) {
  const e = { version: 1, data: { set: 'mnist' }, layers: hostLayers({ type: 'relu' }), loss: { type: 'cross_entropy' }, optimizer: { type: 'sgd' } };
  const path = f.path.map((k) => (k === '#' ? LAYER_INDEX : k));
  for (const w of f.when) {
    if (w.at[0] === 'data') {
      e.data = { set: w.value };
      if (w.value !== 'mnist') e.layers = [{ type: 'dense', units: 2 }];
    } else if (w.at[0] === 'layers' && w.at.length === 2) {
      e.layers = hostLayers(layerDefaults(w.value));
    } else if (w.at[0] === 'layers') { // a layer's own initialiser: ['layers', '#', 'init', role]
      const role = w.at[3];
      e.layers[LAYER_INDEX] = { ...e.layers[LAYER_INDEX], init: { [role]: initDefaults(w.value) } };
    } else if (w.at[0] === 'init') {
      e.init = initDefaults(w.value);
    } else if (w.at[0] === 'loss') {
      e.loss = { type: w.value };
    } else if (w.at[0] === 'optimizer') {
      e.optimizer = { type: w.value };
    }
  }
  if (path[0] === 'layers' && path.length > 2 && f.when.length === 0) e.layers = hostLayers(layerDefaults('dense'));
  return { experiment: e, path };
}

const MISSING = Symbol('missing');
function withValue(experiment, path, value) {
  const e = structuredClone(experiment);
  let o = e;
  for (const k of path.slice(0, -1)) o = o[k] ??= {};
  if (value === MISSING) delete o[path.at(-1)];
  else o[path.at(-1)] = value;
  return e;
}

// ---- the values to try: at each bound, just inside, just beyond, and of the wrong kind ----

const up = (x) => (x === 0 ? Number.MIN_VALUE : x + Math.abs(x) * Number.EPSILON);
const down = (x) => (x === 0 ? -Number.MIN_VALUE : x - Math.abs(x) * Number.EPSILON);

function edgeValues(f, path) {
  const wrongKind = ['1', null, [], {}];
  const out = [MISSING];
  switch (f.kind) {
    case 'integer':
      out.push(f.lo, f.hi, f.lo + 1, f.hi - 1, f.lo - 1, f.hi + 1, f.lo + 0.5, NaN, Infinity, -Infinity, ...wrongKind, true);
      break;
    case 'number':
      out.push(f.lo, f.hi, up(f.lo), down(f.hi), (f.lo + f.hi) / 2, down(f.lo), up(f.hi), f.lo - 1, f.hi + 1,
        NaN, Infinity, -Infinity, ...wrongKind, true);
      break;
    case 'boolean': out.push(true, false, 0, 1, 'true', null); break;
    case 'choice': out.push(...(path.at(-1) === 'type' || path.at(-1) === 'set' ? [] : f.options), 'nope', '', 0, null); break;
    case 'text': out.push('', 'x'.repeat(f.max), 'x'.repeat(f.max + 1), 5, null); break;
    case 'literal': out.push(f.value, f.value + 1, String(f.value), null); break;
    case 'pair': {
      const [a] = f.items;
      out.push([a.lo, a.lo], [down(a.hi), down(a.hi)], [a.hi, 0.5], [0.5, -0.1], [0.5], [0.5, 0.5, 0.5], [NaN, 0.5], 0.5, null);
      break;
    }
    case 'list':
      if (f.item) { // class weights: one per class (10 for MNIST), each in range
        const n = 10;
        out.push(null, Array(n).fill(f.item.lo), Array(n).fill(f.item.hi), Array(n).fill(up(f.item.hi)), Array(n).fill(-1),
          [], Array(f.max).fill(1), Array(f.max + 1).fill(1), [1, 2], 'x');
      } else { // the layers
        out.push([], Array(f.max + 1).fill({ type: 'relu' }), 'x', null);
      }
      break;
    default: // an object (an initialiser, the data set, the loss, the optimizer): wrong kinds only
      out.push(5, 'x', [], null);
  }
  return out;
}

// ---- the property ----

const tally = { accepted: 0, built: 0, budget: 0, refused: 0 };

/** Sets field f to value in its host experiment and checks the one truth; a failure is returned as a sentence. */
function check(f, value) {
  const { experiment, path } = hostFor(f);
  const input = withValue(experiment, path, value);
  const where = `${formatPath(path)} = ${value === MISSING ? '(left out)' : JSON.stringify(value)?.slice(0, 60)}`;
  const result = validateExperiment(input);
  if (!result.ok) {
    tally.refused++;
    // The field is named: an error at it (or inside it: a list's item, a pair's half), or, for a
    // rule between fields, at the object that holds them with the field's name in the sentence.
    const named = result.errors.some((err) => formatPath(err.path).startsWith(formatPath(path))
      || (formatPath(path).startsWith(formatPath(err.path)) && err.message.includes(String(path.at(-1)))));
    return named ? null : `${where}: refused as ${result.message}`;
  }
  tally.accepted++;
  const e = result.experiment;
  const data = e.data.set === 'mnist' ? mnist : makeSynth(core, e.data, e.seed);
  let session = null;
  try {
    session = new Session(core, e, data, { memoryBudget: BUDGET });
    tally.built++;
    return null;
  } catch (err) {
    if (!/over the memory budget of \d+ MB/.test(err.message)) return `${where}: the validator accepted it, the core refused: ${err.message}`;
    tally.budget++;
    return null;
  } finally {
    session?.dispose();
    if (data !== mnist) data.dispose();
  }
}

describe('every field of the schema, at and beyond its bounds', () => {
  afterAll(() => console.log(`fields: ${FIELDS.length} fields, ${JSON.stringify(tally)}`));

  it('every edge value of every field: accepted and built, or refused naming the field', () => {
    const failures = new Set();
    for (const f of FIELDS) {
      const { path } = hostFor(f);
      for (const value of edgeValues(f, path)) {
        const failure = check(f, value);
        if (failure) failures.add(failure);
      }
    }
    expect([...failures]).toEqual([]);
    expect(tally.built).toBeGreaterThan(400);
    expect(tally.refused).toBeGreaterThan(1000);
  }, 120_000);

  it('random values inside and around every range (fast-check)', () => {
    const numeric = FIELDS.filter((f) => f.kind === 'integer' || f.kind === 'number');
    const valueOf = (f) => {
      const span = f.hi - f.lo;
      const around = fc.double({ min: f.lo - span / 4 - 1, max: f.hi + span / 4 + 1, noNaN: true });
      return f.kind === 'integer'
        ? fc.oneof(fc.integer({ min: Math.max(f.lo - 3, -(2 ** 53) + 1), max: Math.min(f.hi + 3, 2 ** 53 - 1) }), around)
        : fc.oneof(fc.double({ min: f.lo, max: f.hi, noNaN: true }), around);
    };
    fc.assert(fc.property(fc.constantFrom(...numeric).chain((f) => fc.tuple(fc.constant(f), valueOf(f))), ([f, value]) => {
      const failure = check(f, value);
      if (failure) throw new Error(failure);
    }), { numRuns: 3000, seed: 1612 });
  }, 120_000);
});

describe('the core refuses what the schema refuses, in the same sentence', () => {
  const cases = [
    ['leaky_relu', 'negative_slope', [-LIMITS.activation_param, -0.2, 1.5, LIMITS.activation_param], [-1000.5, 1000.5, 2000]],
    ['elu', 'alpha', [0, 20, LIMITS.activation_param], [-0.5, 1000.5, 5000]],
  ];
  for (const [type, field, inside, beyond] of cases) {
    it(`${type}.${field}`, () => {
      const build = (value) => {
        const net = core.fn.nn_net_create(4, 1, 1);
        try {
          addLayer(core, net, { type, [field]: value });
          return null;
        } catch (err) {
          return err.message;
        } finally {
          core.fn.nn_net_free(net);
        }
      };
      const schemaSays = (value) => {
        const r = validateExperiment({ version: 1, data: { set: 'xor' }, layers: [{ type, [field]: value }, { type: 'dense', units: 2 }], loss: { type: 'mse' }, optimizer: { type: 'sgd' } });
        return r.ok ? null : r.errors.find((err) => err.path.at(-1) === field)?.message;
      };
      for (const value of inside) {
        expect(schemaSays(value), `${field} ${value}`).toBe(null);
        expect(build(value), `${field} ${value}`).toBe(null);
      }
      for (const value of beyond) {
        const sentence = schemaSays(value);
        expect(sentence, `${field} ${value}`).toMatch(/^must be a number from/);
        expect(build(value)).toBe(`layer 0 (${type}): ${field} ${sentence}`);
      }
    });
  }
});
