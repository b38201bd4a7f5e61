// url.js: the experiment <-> URL hash codec. ONE table of properties (PROPERTIES) drives both
// writing and reading, as in TensorFlow Playground's state.ts; the hash stays readable:
//   #v=1&data=mnist&layers=flatten,dense:128,relu,dense:10&loss=ce&opt=sgd&lr=0.1&momentum=0.9&batch=64&epochs=1&seed=1&lang=zh
// Reading is defensive: the text of a link is untrusted, so every value is checked for form and
// size here, then the whole experiment goes through the schema (validate.js); any failure gives
// {ok: false, errors} with messages a person can read, and the page falls back to its defaults.
// Nothing read here is ever interpreted as markup: the page shows messages with text bindings.
// Each error is {key, message, msg}: msg is the message (i18n/errors.js) the page translates.
// The codec of each value (numbers, initialisers, the layer stack) is in url-codecs.js.
//
// Beside the experiment, the same table holds the page's own settings (lang, mode=instructor,
// embed=charts,controls), a homework assignment (goal, target, budgets, locked and hidden
// controls, goal text in both languages) and a submitted result (claim_steps, claim_acc,
// claim_loss, digest). They are optional additions to version 1: a link without them reads as
// before, and a playground that predates them refuses them by name instead of ignoring a lock.

import { LIMITS, EXPERIMENT_VERSION, show, shown } from './schema.js';
import { HashError, choice, codecs, fail, freeText, hex, initCodec, layersCodec, names } from './url-codecs.js';
import { validateExperiment, formatError, formatErrorMsg } from './validate.js';
import { english, say } from '../i18n/errors.js';
import { LANGUAGES, languageOf } from '../i18n/languages.js';

/** A hash longer than this is refused unread (a real one is a few hundred characters). */
export const MAX_HASH_LENGTH = 4096;
/** Settings a hash may hold at most (the table has about 50). */
const MAX_KEYS = 64;
const MAX_VALUE_LENGTH = 2048;

/** An error of the hash's list. */
const hashError = (key, msg) => ({ key, message: english(msg), msg });

/**
 * lang=: a language of the page, read as a browser's language is (i18n/languages.js): "zh-CN",
 * "zh_TW.UTF-8" and "ZH" read as zh, "en-GB" as en; a tag of no language of the page is refused.
 */
const languageCodec = {
  parse(text) {
    const code = languageOf(text);
    if (!code) fail('err.oneOf', { options: LANGUAGES.join(', '), got: show(text) });
    return code;
  },
  format: (value) => value,
};

// ---- THE table ----

const OPTIMIZERS = ['sgd', 'adagrad', 'rmsprop', 'adam', 'adamw'];
const SYNTH = ['xor', 'circles', 'spirals', 'gaussians'];
const isSynth = (e) => SYNTH.includes(e.data.set);

/**
 * Every setting of an experiment in the hash. key: the hash name; path: where it lives in the
 * experiment; codec; always: written even when it equals the default (the settings a reader
 * looks for first). A setting absent from an experiment (momentum of Adam) is not written.
 * `section` marks the field whose change starts its section afresh on reading (opt=adam drops
 * the default SGD's momentum).
 */
const EXPERIMENT_PROPERTIES = [
  { key: 'data', path: ['data', 'set'], codec: choice(['mnist', ...SYNTH]), always: true, section: 'data' },
  { key: 'train', path: ['data', 'train_samples'], codec: codecs.int },
  { key: 'test', path: ['data', 'test_samples'], codec: codecs.int },
  { key: 'count', path: ['data', 'count'], codec: codecs.int, always: true },
  { key: 'test_count', path: ['data', 'test_count'], codec: codecs.int, defaultFrom: ['data', 'count'] },
  { key: 'noise', path: ['data', 'noise'], codec: codecs.number, always: true },
  { key: 'layers', path: ['layers'], codec: layersCodec, always: true },
  { key: 'loss', path: ['loss', 'type'], codec: choice(['cross_entropy', 'mse'], { ce: 'cross_entropy' }), always: true, section: 'loss' },
  { key: 'smoothing', path: ['loss', 'label_smoothing'], codec: codecs.number },
  { key: 'reduction', path: ['loss', 'reduction'], codec: choice(['mean', 'sum']) },
  { key: 'class_weights', path: ['loss', 'class_weights'], codec: codecs.numbers },
  { key: 'opt', path: ['optimizer', 'type'], codec: choice(OPTIMIZERS), always: true, section: 'optimizer' },
  { key: 'lr', path: ['optimizer', 'lr'], codec: codecs.number, always: true },
  { key: 'momentum', path: ['optimizer', 'momentum'], codec: codecs.number },
  { key: 'dampening', path: ['optimizer', 'dampening'], codec: codecs.number },
  { key: 'nesterov', path: ['optimizer', 'nesterov'], codec: codecs.bool },
  { key: 'alpha', path: ['optimizer', 'alpha'], codec: codecs.number },
  { key: 'centered', path: ['optimizer', 'centered'], codec: codecs.bool },
  { key: 'betas', path: ['optimizer', 'betas'], codec: codecs.numbers },
  { key: 'eps', path: ['optimizer', 'eps'], codec: codecs.number },
  { key: 'amsgrad', path: ['optimizer', 'amsgrad'], codec: codecs.bool },
  { key: 'lr_decay', path: ['optimizer', 'lr_decay'], codec: codecs.number },
  { key: 'acc0', path: ['optimizer', 'initial_accumulator_value'], codec: codecs.number },
  { key: 'wd', path: ['optimizer', 'weight_decay'], codec: codecs.number },
  { key: 'maximize', path: ['optimizer', 'maximize'], codec: codecs.bool },
  { key: 'init', path: ['init'], codec: initCodec, always: true },
  { key: 'batch', path: ['batch_size'], codec: codecs.int, always: true },
  { key: 'epochs', path: ['epochs'], codec: codecs.int, always: true },
  { key: 'shuffle', path: ['shuffle'], codec: codecs.bool },
  { key: 'seed', path: ['seed'], codec: codecs.int, always: true },
];

/**
 * The controls an assignment can lock or hide, named by their hash key: one per setting, except
 * that the data set and the loss are each one control with their fields (a student who may not
 * change the data set may not change its size either).
 */
const controlOf = (p) => (p.path[0] === 'data' || p.path[0] === 'loss' ? p.path[0] : p.key);
export const CONTROLS = Object.freeze([...new Set(EXPERIMENT_PROPERTIES.map(controlOf))]);

/** The experiment paths a control governs (what a lock fixes, what the verifier compares). */
export function controlPaths(control) {
  if (control === 'data' || control === 'loss') return [[control]];
  return EXPERIMENT_PROPERTIES.filter((p) => p.key === control).map((p) => p.path);
}

/** The control of an experiment path (['optimizer', 'lr'] -> 'lr'), or null. */
export function controlOfPath(path) {
  const p = EXPERIMENT_PROPERTIES.find((q) => q.path.length <= path.length && q.path.every((k, i) => path[i] === k));
  if (p) return controlOf(p);
  return path[0] === 'data' || path[0] === 'loss' ? path[0] : null;
}

export const GOAL_METRICS = Object.freeze(['test_accuracy', 'test_loss']);
/** The parts of the page an embedding can show (embed=charts,controls). */
export const EMBED_PARTS = Object.freeze(['lesson', 'goal', 'controls', 'charts', 'model', 'settings', 'views', 'runs']);
export const MODES = Object.freeze(['instructor']);
/** A lesson of lessons.json by its id (the page checks that it names one): lesson=optimizer-race. */
const LESSON_ID = {
  parse(text) {
    if (!/^[a-z0-9][a-z0-9-]{0,47}$/.test(text)) fail('err.hash.lesson', { got: show(text) });
    return text;
  },
  format: (text) => text,
};
/** Goal text is free text from a link: at most this many characters in each language. */
export const GOAL_TEXT_MAX = 240;
/** The largest budget of steps or parameters a link may set. */
export const MAX_BUDGET = 1e9;

/**
 * THE table: the experiment's settings (above), then the homework assignment's, the submitted
 * result's and the page's own (scope). Every hash key the playground reads is a row here.
 */
export const PROPERTIES = Object.freeze([
  ...EXPERIMENT_PROPERTIES,
  { key: 'goal', scope: 'assignment', path: ['metric'], codec: choice(GOAL_METRICS, { acc: 'test_accuracy', loss: 'test_loss' }) },
  { key: 'target', scope: 'assignment', path: ['target'], codec: codecs.number },
  { key: 'max_epochs', scope: 'assignment', path: ['max_epochs'], codec: codecs.int },
  { key: 'max_steps', scope: 'assignment', path: ['max_steps'], codec: codecs.int },
  { key: 'max_params', scope: 'assignment', path: ['max_params'], codec: codecs.int },
  { key: 'lock', scope: 'assignment', path: ['lock'], codec: names(CONTROLS) },
  { key: 'hide', scope: 'assignment', path: ['hide'], codec: names(CONTROLS) },
  // The goal's text in each language of the page: goal_en, goal_zh.
  ...LANGUAGES.map((code) => ({ key: `goal_${code}`, scope: 'assignment', path: ['text', code], codec: freeText(GOAL_TEXT_MAX) })),
  { key: 'claim_steps', scope: 'result', path: ['steps'], codec: codecs.int },
  { key: 'claim_acc', scope: 'result', path: ['test_accuracy'], codec: codecs.number },
  { key: 'claim_loss', scope: 'result', path: ['test_loss'], codec: codecs.number },
  { key: 'digest', scope: 'result', path: ['digest'], codec: hex(16) },
  { key: 'lang', scope: 'page', path: ['lang'], codec: languageCodec },
  { key: 'mode', scope: 'page', path: ['mode'], codec: choice(MODES) },
  { key: 'embed', scope: 'page', path: ['embed'], codec: names(EMBED_PARTS) },
  { key: 'lesson', scope: 'page', path: ['lesson'], codec: LESSON_ID },
].map((p) => Object.freeze({ scope: 'experiment', ...p })));
const BY_KEY = new Map(PROPERTIES.map((p) => [p.key, p]));
const inScope = (scope) => PROPERTIES.filter((p) => p.scope === scope);
const EXPERIMENT_ROWS = inScope('experiment');
const ASSIGNMENT_ROWS = inScope('assignment');
const RESULT_ROWS = inScope('result');
const PAGE_ROWS = inScope('page');
/** The version key; every other key is a row of the table. */
const VERSION_KEY = 'v';

const get = (obj, path) => path.reduce((o, k) => (o == null ? undefined : o[k]), obj);
function set(obj, path, value) {
  let o = obj;
  for (const k of path.slice(0, -1)) o = o[k] ??= {};
  o[path[path.length - 1]] = value;
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** The schema's defaults for one section of `experiment` (the optimizer of its type, ...). */
function sectionDefaults(experiment) {
  const minimal = {
    version: EXPERIMENT_VERSION,
    data: { set: experiment.data.set, ...(isSynth(experiment) ? { count: experiment.data.count } : {}) },
    layers: experiment.layers,
    loss: { type: experiment.loss.type },
    optimizer: { type: experiment.optimizer.type },
  };
  const r = validateExperiment(minimal);
  return r.ok ? r.experiment : null;
}

// Only characters that could break the hash's own structure (or a chat client's link detection)
// are escaped, so `:`, `,`, `(`, `)`, `;` and `=` inside values stay readable.
// Free text may hold a lone surrogate (a broken paste): it is written as U+FFFD, not thrown on.
const wellFormed = (text) => text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
const escapeValue = (text) => wellFormed(text).replace(/[^A-Za-z0-9_.\-:,()=;+~!*]/gu, (c) => encodeURIComponent(c));

/** The rows of one scope whose values `obj` holds, as "key=value" (empty lists and texts left out). */
function encodeScope(rows, obj) {
  const parts = [];
  if (!obj) return parts;
  for (const p of rows) {
    const value = get(obj, p.path);
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) continue;
    parts.push(`${p.key}=${escapeValue(p.codec.format(value))}`);
  }
  return parts;
}

/** The experiment's part of a hash: "v=1&data=...&...&seed=1" (what a result digest covers). */
function encodeExperiment(experiment) {
  const defaults = sectionDefaults(experiment);
  const parts = [`${VERSION_KEY}=${EXPERIMENT_VERSION}`];
  for (const p of EXPERIMENT_ROWS) {
    const value = get(experiment, p.path);
    if (value === undefined || value === null) continue;
    if (p.path[0] === 'data' && p.key !== 'data') {
      const mine = isSynth(experiment) ? ['count', 'test_count', 'noise'] : ['train', 'test'];
      if (!mine.includes(p.key)) continue;
    }
    if (!p.always) {
      const fallback = p.defaultFrom ? get(experiment, p.defaultFrom) : get(defaults, p.path);
      if (same(value, fallback)) continue;
    }
    parts.push(`${p.key}=${escapeValue(p.codec.format(value))}`);
  }
  return parts;
}

/**
 * Every setting of a validated experiment as the link writes it, defaults included, in the
 * table's order: [{key, text}] ("lr", "0.1"). What the run comparison lines up.
 */
export function experimentSettings(experiment) {
  const out = [];
  for (const p of EXPERIMENT_ROWS) {
    const value = get(experiment, p.path);
    if (value === undefined || value === null) continue;
    out.push({ key: p.key, text: p.codec.format(value) });
  }
  return out;
}

/**
 * Writes a validated experiment as a hash, without the leading '#', followed by an assignment
 * (normalised, see checkAssignment), a result, and the page's settings when given:
 *   encodeHash(experiment, {lang, mode, embed, lesson, assignment, result})
 * Settings equal to torch's default are left out unless the table says `always`.
 */
export function encodeHash(experiment, { lang, mode, embed, lesson, assignment, result } = {}) {
  return [
    ...encodeExperiment(experiment),
    ...encodeScope(ASSIGNMENT_ROWS, assignment),
    ...encodeScope(RESULT_ROWS, result),
    ...encodeScope(PAGE_ROWS, { lang, mode, embed, lesson }),
  ].join('&');
}

/**
 * The text a result digest is taken over: the experiment, the assignment and the claim (not the
 * page's language, mode or embedding, which do not change what was claimed), one a line.
 */
export function digestText(experiment, assignment, claim) {
  const { digest: _, ...rest } = claim;
  return [
    'nn-playground result 1',
    encodeExperiment(experiment).join('&'),
    encodeScope(ASSIGNMENT_ROWS, assignment).join('&'),
    encodeScope(RESULT_ROWS, rest).join('&'),
  ].join('\n');
}

/**
 * An assignment read from a link, checked as a whole: a goal names both its metric and its
 * target; accuracy is a fraction; budgets are positive; a control is locked or hidden, not both.
 * Returns {assignment, errors: [{key, message}]}: the assignment with lock, hide and text always
 * present (empty when not given) and empty texts dropped.
 */
export function checkAssignment(input) {
  const errors = [];
  const a = { lock: [], hide: [], ...input, text: { ...input.text } };
  for (const lang of LANGUAGES) if (!a.text[lang]) delete a.text[lang];
  const refuse = (key, id, params) => errors.push(hashError(key, say(id, params)));
  if (a.metric !== undefined && a.target === undefined) refuse('target', 'err.hash.goalTarget', { metric: a.metric });
  if (a.target !== undefined && a.metric === undefined) refuse('goal', 'err.hash.targetGoal');
  if (a.metric === 'test_accuracy' && a.target !== undefined && !(a.target >= 0 && a.target <= 1)) {
    refuse('target', 'err.hash.accuracyTarget', { got: shown(a.target) });
  }
  if (a.metric === 'test_loss' && a.target !== undefined && !(a.target >= 0 && a.target <= 1e6)) {
    refuse('target', 'err.hash.lossTarget', { got: shown(a.target) });
  }
  const budgets = { max_epochs: LIMITS.epochs, max_steps: MAX_BUDGET, max_params: MAX_BUDGET };
  for (const [key, hi] of Object.entries(budgets)) {
    if (a[key] !== undefined && !(a[key] >= 1 && a[key] <= hi)) refuse(key, 'err.hash.range', { max: hi, got: shown(a[key]) });
  }
  const both = a.lock.filter((c) => a.hide.includes(c));
  if (both.length) refuse('hide', 'err.hash.lockHide', { controls: both.join(', ') });
  return { assignment: a, errors };
}

/** A result read from a link: all four claim keys or none. Returns {result, errors}. */
export function checkResult(input) {
  const errors = [];
  const missing = RESULT_ROWS.filter((p) => get(input, p.path) === undefined).map((p) => p.key);
  if (missing.length) {
    errors.push(hashError(missing[0], say('err.hash.resultMissing', { keys: RESULT_ROWS.map((p) => p.key).join(', '), missing: missing.join(', ') })));
    return { result: input, errors };
  }
  const refuse = (key, id, params) => errors.push(hashError(key, say(id, params)));
  if (!(input.steps >= 1 && input.steps <= MAX_BUDGET)) refuse('claim_steps', 'err.hash.range', { max: MAX_BUDGET, got: shown(input.steps) });
  if (!(input.test_accuracy >= 0 && input.test_accuracy <= 1)) refuse('claim_acc', 'err.hash.fraction', { got: shown(input.test_accuracy) });
  if (!(input.test_loss >= 0)) refuse('claim_loss', 'err.hash.nonNegative', { got: shown(input.test_loss) });
  return { result: input, errors };
}

/**
 * Reads a hash ('#...' or without '#'). Settings absent from the hash come from `defaults` (a
 * validated experiment), except inside a section whose type the hash names (data=, loss=, opt=,
 * as every written link does): that section starts from torch's defaults for the type, which is
 * what encodeHash leaves out. So a written link reads back exactly, and a hand-made one like
 * "#lr=0.5" changes only the learning rate of the defaults. Returns
 *   {ok: true, experiment, assignment, result, lang, mode, embed, lesson, empty}   when the hash reads,
 *   {ok: false, errors: [{key, message}], message, experiment: defaults, assignment: null,
 *    result: null, lang, mode, embed, empty}                                 otherwise.
 * `assignment` and `result` are null when the link holds none; `empty` is true when the hash
 * held no experiment, assignment or result settings at all; `lang`, `mode` and `embed` are the
 * page's settings when the hash names valid ones (kept even when the rest is broken).
 */
export function decodeHash(hash, defaults) {
  const text = typeof hash === 'string' ? hash.replace(/^#/, '') : '';
  const errors = [];
  const page = { lang: undefined, mode: undefined, embed: undefined, lesson: undefined };
  const result = (extra) => ({
    assignment: null, result: null, ...page, ...extra, errors,
    message: errors.map((e) => (e.key ? `${e.key}: ${e.message}` : e.message)).join('\n'),
  });
  const refuse = (id, params) => {
    errors.push(hashError('', say(id, params)));
    return result({ ok: false, experiment: defaults, empty: false });
  };
  const add = (key, id, params) => errors.push(hashError(key, say(id, params)));
  if (text === '') return result({ ok: true, experiment: defaults, empty: true });
  if (text.length > MAX_HASH_LENGTH) return refuse('err.hash.linkLong', { n: text.length, max: MAX_HASH_LENGTH });

  const pairs = text.split('&').filter((p) => p !== '');
  if (pairs.length > MAX_KEYS) return refuse('err.hash.linkMany', { n: pairs.length, max: MAX_KEYS });
  const values = new Map();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    let key;
    let value;
    try {
      key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
      value = eq < 0 ? undefined : decodeURIComponent(pair.slice(eq + 1));
    } catch {
      add('', 'err.hash.escape', { got: show(pair) });
      continue;
    }
    if (!BY_KEY.has(key) && key !== VERSION_KEY) {
      add('', 'err.hash.unknown', { got: show(key) });
      continue;
    }
    if (value === undefined) {
      add(key, 'err.hash.noValue');
      continue;
    }
    if (value.length > MAX_VALUE_LENGTH) {
      add(key, 'err.hash.long', { n: value.length, max: MAX_VALUE_LENGTH });
      continue;
    }
    if (values.has(key)) {
      add(key, 'err.hash.twice');
      continue;
    }
    values.set(key, value);
  }

  /** Reads the rows of one scope that the hash holds into `into`; false when it holds none. */
  const readScope = (rows, into) => {
    let any = false;
    for (const p of rows) {
      if (!values.has(p.key)) continue;
      any = true;
      try {
        set(into, p.path, p.codec.parse(values.get(p.key)));
      } catch (err) {
        if (!(err instanceof HashError)) throw err;
        errors.push(hashError(p.key, err.msg));
      }
    }
    return any;
  };

  // The page's own settings first: a broken link still shows in the reader's language and frame.
  // (readScope sets only what parses, so a broken embed= keeps a good lang=.)
  readScope(PAGE_ROWS, page);
  if (page.embed?.length === 0) page.embed = undefined; // "embed=" says nothing the writer would write
  const version = values.get(VERSION_KEY);
  if (version !== undefined && version !== String(EXPERIMENT_VERSION)) {
    add(VERSION_KEY, 'err.hash.version', { got: show(version), version: EXPERIMENT_VERSION });
  }

  let assignment = null;
  const assignmentInput = {};
  if (readScope(ASSIGNMENT_ROWS, assignmentInput)) {
    const checked = checkAssignment(assignmentInput);
    errors.push(...checked.errors);
    // Only empty parts ("lock=&goal_en="): no assignment, as the writer (which drops them) agrees.
    assignment = checked.errors.length || encodeScope(ASSIGNMENT_ROWS, checked.assignment).length ? checked.assignment : null;
  }
  let claim = null;
  const resultInput = {};
  if (readScope(RESULT_ROWS, resultInput)) {
    const checked = checkResult(resultInput);
    errors.push(...checked.errors);
    claim = checked.result;
  }

  const hasExperiment = EXPERIMENT_ROWS.some((p) => values.has(p.key));
  const empty = !hasExperiment && !assignment && !claim;
  if (errors.length) return result({ ok: false, experiment: defaults, empty });
  if (!hasExperiment) return result({ ok: true, experiment: defaults, assignment, result: claim, empty });

  // Start from the defaults; a section whose type the link changes starts from that type alone.
  const draft = structuredClone(defaults);
  delete draft.name;
  delete draft.description;
  for (const p of EXPERIMENT_ROWS) {
    if (!p.section || !values.has(p.key)) continue;
    let type;
    try {
      type = p.codec.parse(values.get(p.key));
    } catch (err) {
      if (!(err instanceof HashError)) throw err;
      errors.push(hashError(p.key, err.msg));
      continue;
    }
    // A link that names a section's type says everything about it that differs from torch's
    // defaults (that is how encodeHash writes it), so the section starts from that type alone.
    draft[p.section] = { [p.path[1]]: type };
  }
  // Likewise the settings written only when they differ from the schema's default.
  for (const p of EXPERIMENT_ROWS) {
    if (!p.always && !p.section && p.path.length === 1 && !values.has(p.key)) delete draft[p.path[0]];
  }
  for (const p of EXPERIMENT_ROWS) {
    if (p.section || !values.has(p.key)) continue;
    try {
      set(draft, p.path, p.codec.parse(values.get(p.key)));
    } catch (err) {
      if (!(err instanceof HashError)) throw err;
      errors.push(hashError(p.key, err.msg));
    }
  }
  // The layer list of the defaults belongs to their data set: a link to another set must say its own.
  if (!values.has('layers') && draft.data.set !== defaults.data.set) {
    add('layers', 'err.hash.noLayersFor', { set: draft.data.set });
  }
  if (errors.length) return result({ ok: false, experiment: defaults, empty: false });

  const checked = validateExperiment(draft);
  if (!checked.ok) {
    for (const e of checked.errors) errors.push({ key: '', message: formatError(e), path: e.path, msg: formatErrorMsg(e) });
    return result({ ok: false, experiment: defaults, empty: false });
  }
  return result({ ok: true, experiment: checked.experiment, assignment, result: claim, empty: false });
}
