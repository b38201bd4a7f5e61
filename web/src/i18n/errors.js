// errors.js: how the JavaScript side builds its error messages, by id, and puts them in English.
// The runner, the worker and the page share it: code that refuses something builds a message {id, params} with
// say(), keeps english(message) as the error's `message` (what the runner prints and the tests
// compare) and carries the message itself beside it (`msg`), so the page can show it in the
// reader's language (i18n/index.js localize()). The sentences are in each language's folder
// (en/errors.js, zh/errors.js), with the same ids and {placeholders} (tests/web/i18n.test.js).
//
// A parameter is shown as it is (a number, a field name, a value from the input), unless it is
// itself a message {id, params} or a sentence {text} to translate (a C core message inside ours).

import ERRORS from './en/errors.js';

/** The English templates (en/errors.js); {name} is filled from the message's params. */
export { ERRORS };

/** A message: {id, params}. */
export function say(id, params) {
  return params ? { id, params } : { id };
}

/** The message an error carries: its own `msg`, else its English sentence to translate ({text}). */
export function msgOf(err) {
  if (err?.msg) return err.msg;
  return { text: err?.message ?? String(err) };
}

/** {name} placeholders of `template` filled with show(params[name]); an unknown name stays. */
export function fill(template, params, show = String) {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name) => (Object.hasOwn(params, name) ? show(params[name]) : m));
}

/** A message in English: what the error's `message` says. */
export function english(m) {
  if (m === null || m === undefined) return '';
  if (typeof m !== 'object') return String(m);
  if (typeof m.id === 'string') return fill(ERRORS[m.id] ?? m.id, m.params, english);
  if (typeof m.text === 'string') return m.text;
  return String(m.message ?? m);
}

/** An Error of `Kind` whose message is the English of `msg`, carrying `msg`. */
export function errorOf(msg, Kind = Error) {
  const err = new Kind(english(msg));
  err.msg = msg;
  return err;
}
