// validate.js: turns untrusted input (a JSON text, a decoded URL, a form) into a validated
// experiment with every default filled in, or into a list of errors that each name a field.
// An error is {path, message, msg}: message in English, msg the same as a message of
// i18n/errors.js, for the page to show in the reader's language.

import * as v from 'valibot';
import { experimentSchema, LIMITS, shown } from './schema.js';
import { english, say } from '../i18n/errors.js';

/** The largest experiment text we read: a real one is a few hundred bytes. */
export const MAX_EXPERIMENT_BYTES = 256 * 1024;

/** Thrown for an experiment that cannot run; `errors` holds every {path, message, msg} found. */
export class ExperimentError extends Error {
  constructor(errors) {
    super(errors.map(formatError).join('; '));
    this.name = 'ExperimentError';
    this.errors = errors;
  }
}

/** ['layers', 2, 'kernel'] -> "layers[2].kernel" */
export function formatPath(path) {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${key}` : key;
  return out;
}

export function formatError({ path, message }) {
  return path.length ? `${formatPath(path)}: ${message}` : message;
}

/** formatError as a message (an error without msg has its English sentence translated). */
export function formatErrorMsg({ path, message, msg }) {
  const m = msg ?? { text: message };
  return path?.length ? say('err.field', { path: formatPath(path), message: m }) : m;
}

/** An error {path, message, msg} of a message. */
export const fieldError = (path, msg) => ({ path, message: english(msg), msg });

function issuesToErrors(issues) {
  const seen = new Set();
  const errors = [];
  for (const issue of issues) {
    const path = (issue.path ?? []).map((item) => item.key);
    // A strict object reports an unknown key with the key's own value as input; keep the path to the key.
    // Every message of the schema carries its msg (schema.js note()); one without is kept as text.
    const msg = issue.msg ?? { text: issue.message };
    const error = path.length ? { path, message: issue.message, msg } : fieldError(path, say('err.experiment', { message: msg }));
    const key = formatError(error);
    if (!seen.has(key)) {
      seen.add(key);
      errors.push(error);
    }
  }
  return errors;
}

/** Fills the defaults that depend on other fields (torch's pool stride defaults to its kernel). */
function complete(experiment) {
  const layers = experiment.layers.map((layer) =>
    (layer.type === 'maxpool' || layer.type === 'avgpool') && layer.stride === undefined
      ? { ...layer, stride: layer.kernel }
      : layer,
  );
  const data = experiment.data.set !== 'mnist' && experiment.data.test_count === undefined
    ? { ...experiment.data, test_count: experiment.data.count }
    : experiment.data;
  return { ...experiment, data, layers };
}

/** The classes of each data set (the 2-D sets have two), which the last layer must output. */
const CLASSES = { mnist: 10, xor: 2, circles: 2, spirals: 2, gaussians: 2 };

/** Checks that need several fields at once; returns errors like the schema's. */
function crossChecks(e) {
  const errors = [];
  e.layers.forEach((layer, i) => {
    if (layer.init?.bias && layer.bias === false) {
      errors.push(fieldError(['layers', i, 'init', 'bias'], say('err.biasInit')));
    }
    if (layer.type === 'maxpool' || layer.type === 'avgpool') {
      if (layer.padding * 2 > layer.kernel) {
        errors.push(fieldError(['layers', i, 'padding'], say('err.poolPadding', { half: Math.floor(layer.kernel / 2), got: layer.padding })));
      }
    }
  });
  const weights = e.loss.type === 'cross_entropy' ? e.loss.class_weights : null;
  const classes = CLASSES[e.data.set];
  if (weights && weights.length !== classes) {
    errors.push(fieldError(['loss', 'class_weights'], say('err.classWeightsCount', { set: e.data.set, classes, n: weights.length })));
  }
  return errors;
}

/**
 * Validates an experiment object. Returns {ok: true, experiment} with every default filled in,
 * or {ok: false, errors: [{path, message, msg}], message} where message joins them one a line.
 */
export function validateExperiment(input) {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    const errors = [fieldError([], say('err.jsonObject', { got: shown(input) }))];
    return { ok: false, errors, message: errors[0].message };
  }
  // A list far too long is refused before the schema walks every item of it (15 000 layers
  // would take the schema a tenth of a second to read, only to refuse them).
  if (Array.isArray(input.layers) && input.layers.length > LIMITS.layers) {
    const errors = [fieldError(['layers'], say('err.layersMax', { max: LIMITS.layers, n: input.layers.length }))];
    return { ok: false, errors, message: formatError(errors[0]) };
  }
  const result = v.safeParse(experimentSchema, input, { abortPipeEarly: true });
  let errors;
  if (result.success) {
    const experiment = complete(result.output);
    errors = crossChecks(experiment);
    if (!errors.length) return { ok: true, experiment };
  } else {
    errors = issuesToErrors(result.issues);
  }
  return { ok: false, errors, message: errors.map(formatError).join('\n') };
}

/** Like validateExperiment, but throws an ExperimentError. */
export function parseExperiment(input) {
  const result = validateExperiment(input);
  if (!result.ok) throw new ExperimentError(result.errors);
  return result.experiment;
}

/** Parses and validates an experiment given as JSON text; throws ExperimentError. */
export function parseExperimentJson(text) {
  if (typeof text !== 'string') throw new ExperimentError([fieldError([], say('err.jsonText', { got: shown(text) }))]);
  if (text.length > MAX_EXPERIMENT_BYTES) {
    throw new ExperimentError([fieldError([], say('err.jsonLong', { n: text.length, max: MAX_EXPERIMENT_BYTES }))]);
  }
  let input;
  try {
    input = JSON.parse(text);
  } catch (err) {
    throw new ExperimentError([fieldError([], say('err.jsonInvalid', { reason: err.message }))]);
  }
  return parseExperiment(input);
}
