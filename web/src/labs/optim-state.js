// optim-state.js: the optimizer lab's part of the link, both ways:
//   #lab=optim&surface=ravine&cond=50&start=-9,1.5&steps=300&r1=sgd,lr:0.02,momentum:0.9&r2=adam,lr:0.1&claim=overshoot
// One table (KEYS) drives reading and writing; link.js reads defensively (the core checks the
// optimizers' values again).

import { MAX_RACERS, MAX_STEPS, OPTIMIZER_TYPES, SURFACE_IDS, surfaceOf } from './surfaces.js';
import { OPTIM_PRESETS } from './optim-presets.js';
import { fail, integer, joinLink, number, oneOf, quote, readLink, real } from './link.js';

/** What the lab shows when the link says nothing: the four classic rules racing on Rosenbrock. */
export const DEFAULT_RACERS = Object.freeze([
  { type: 'sgd', lr: 0.001 },
  { type: 'sgd', lr: 0.001, momentum: 0.9 },
  { type: 'rmsprop', lr: 0.01 },
  { type: 'adam', lr: 0.1 },
].map(Object.freeze));

export const DEFAULT_STATE = Object.freeze({
  surface: 'rosenbrock', condition: 50, scale: 1, noise: 0, sparsity: 0.1, seed: 1, start: null, steps: 2000,
  racers: DEFAULT_RACERS, claim: '', speed: 10,
});

/** The fields each optimizer type takes in a link, with their kind (number or boolean). */
export const RACER_FIELDS = Object.freeze({
  sgd: ['lr', 'momentum', 'dampening', 'nesterov', 'weight_decay', 'maximize'],
  adagrad: ['lr', 'lr_decay', 'weight_decay', 'initial_accumulator_value', 'eps', 'maximize'],
  rmsprop: ['lr', 'alpha', 'eps', 'weight_decay', 'momentum', 'centered', 'maximize'],
  adam: ['lr', 'betas', 'eps', 'weight_decay', 'amsgrad', 'maximize'],
  adamw: ['lr', 'betas', 'eps', 'weight_decay', 'amsgrad', 'maximize'],
});
export const BOOLEAN_FIELDS = Object.freeze(['nesterov', 'maximize', 'centered', 'amsgrad']);

const SPEEDS = Object.freeze([1, 2, 5, 10, 20, 50, 100]);
export { SPEEDS };

/** A racer: type,field:value,... (betas as b1/b2, booleans as 0/1). */
export const racerCodec = {
  parse(text) {
    const [type, ...fields] = text.split(',');
    if (!OPTIMIZER_TYPES.includes(type)) fail('lab.link.optimizer', { got: quote(type), known: OPTIMIZER_TYPES.join(', ') });
    const racer = { type };
    for (const field of fields) {
      const [name, value = ''] = field.split(':');
      if (!RACER_FIELDS[type].includes(name)) fail('lab.link.field', { got: quote(name), type });
      if (name in racer) fail('lab.link.twice', { got: name });
      if (BOOLEAN_FIELDS.includes(name)) {
        if (value !== '0' && value !== '1') fail('lab.link.bool', { got: quote(value) });
        racer[name] = value === '1';
      } else if (name === 'betas') {
        const parts = value.split('/');
        if (parts.length !== 2) fail('lab.link.betas', { got: quote(value) });
        racer.betas = parts.map((p) => number(p, 0, 1));
      } else {
        racer[name] = number(value, 0, 1e6);
      }
    }
    if (racer.lr === undefined) fail('lab.link.noLr', { type });
    return racer;
  },
  format(racer) {
    const parts = [racer.type];
    for (const name of RACER_FIELDS[racer.type] ?? []) {
      const v = racer[name];
      if (v === undefined) continue;
      if (BOOLEAN_FIELDS.includes(name)) {
        if (v) parts.push(`${name}:1`);
      } else parts.push(`${name}:${name === 'betas' ? v.join('/') : v}`);
    }
    return parts.join(',');
  },
};

const startCodec = {
  parse(text) {
    const parts = text.split(',');
    if (parts.length !== 2) fail('lab.link.point', { got: quote(text) });
    return parts.map((p) => number(p, -1e3, 1e3));
  },
  format: (p) => p.map((v) => +v.toFixed(4)).join(','),
};

/** THE table: link key, state field, codec. r1..r6 are the racers. */
const KEYS = Object.freeze([
  { key: 'surface', field: 'surface', codec: oneOf(SURFACE_IDS) },
  { key: 'cond', field: 'condition', codec: real(1, 1e6) },
  { key: 'scale', field: 'scale', codec: real(1e-6, 1e6) },
  { key: 'noise', field: 'noise', codec: real(0, 1e3) },
  { key: 'sparsity', field: 'sparsity', codec: real(1e-6, 1) },
  { key: 'seed', field: 'seed', codec: integer(0, 2 ** 32 - 1) },
  { key: 'start', field: 'start', codec: startCodec },
  { key: 'steps', field: 'steps', codec: integer(1, MAX_STEPS) },
  { key: 'speed', field: 'speed', codec: { parse: (t) => Number(oneOf(SPEEDS.map(String)).parse(t)), format: String } },
  { key: 'claim', field: 'claim', codec: oneOf(OPTIM_PRESETS.map((c) => c.id)) },
]);
const RACER_KEYS = Array.from({ length: MAX_RACERS }, (_, i) => `r${i + 1}`);

/**
 * {state, errors: [{key, msg}]} from a hash. The state is whole: every field the link does not
 * set (or sets badly) has its default; a link without racers keeps the default four.
 */
export function decodeOptimState(hash) {
  const state = { ...DEFAULT_STATE };
  const { values, errors, read } = readLink(hash, [...KEYS.map((k) => k.key), ...RACER_KEYS]);
  for (const { key, field, codec } of KEYS) if (values.has(key)) read(key, codec, (v) => (state[field] = v));
  const racers = [];
  for (const key of RACER_KEYS) if (values.has(key)) read(key, racerCodec, (r) => racers.push(r));
  if (racers.length) state.racers = racers;
  else if (RACER_KEYS.some((k) => values.has(k))) state.racers = DEFAULT_RACERS;
  return { state, errors };
}

/** The hash of a state (without #): lab=optim, then what differs from the defaults, the racers, the page's keys. */
export function encodeOptimState(state, { lang, embed } = {}) {
  const parts = ['lab=optim'];
  for (const { key, field, codec } of KEYS) {
    const v = state[field];
    if (v === null || v === undefined || v === '' || v === DEFAULT_STATE[field]) continue;
    if (field === 'start' && surfaceOf(state.surface).start.every((s, i) => s === v[i])) continue;
    parts.push(`${key}=${codec.format(v)}`);
  }
  state.racers.slice(0, MAX_RACERS).forEach((r, i) => parts.push(`${RACER_KEYS[i]}=${racerCodec.format(r)}`));
  return joinLink(parts, { lang, embed });
}

/** The race a state describes (the settings of optim-race.js). */
export function raceSettings(state) {
  const { surface, condition, scale, noise, sparsity, seed, steps, racers } = state;
  return { surface, condition, scale, noise, sparsity, seed, steps, racers, start: state.start ?? surfaceOf(surface).start };
}
