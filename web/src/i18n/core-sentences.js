// core-sentences.js: the C core's sentences in another language. The core writes its errors with
// printf formats (nn_fail in c/*.c); a language's core table (zh/core.js) maps each format to a
// template with the same conversions in order. Each format becomes a pattern that recognises the
// sentences it prints and gives back the values it printed, which go unchanged into the template's
// conversions, in order. A value printed with %s that is itself one of the core's sentences (the
// advice in a memory-budget refusal) or one of its English words is translated too. session.js
// shows a layer's sentence without its "layer 3 (conv2d): " (the row says which layer), so each
// such format is also known by its tail. A sentence no format matches gets null: the caller keeps
// the English.

/** printf conversions: %d, %zu, %lld, %.1f, %02x, %s, ... (%% is a literal percent sign). */
const SPEC_RE = /%(?:%|[-+ #0]*\d*(?:\.\d+)?(?:hh|h|ll|l|z|j|t)?[diouxXeEfgGcs])/g;

/** The conversions of a format, in order, without %%: "layer %d (%s)" -> ['%d', '%s']. */
export function printfSpecs(format) {
  return [...format.matchAll(SPEC_RE)].map((m) => m[0]).filter((s) => s !== '%%');
}

/** A regular expression for what one conversion prints. */
function valuePattern(spec) {
  switch (spec[spec.length - 1]) {
    case 'd': case 'i': return '(-?\\d+)';
    case 'u': return '(\\d+)';
    case 'x': case 'X': case 'o': return '([0-9a-fA-F]+)';
    case 's': return '([\\s\\S]*?)';
    case 'c': return '([\\s\\S])';
    default: return '(-?(?:inf|nan|\\d+(?:\\.\\d*)?(?:e[-+]?\\d+)?))'; // f, e, g
  }
}

const escapeRe = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The whole-sentence pattern of a format. */
function patternOf(format) {
  let source = '';
  let at = 0;
  for (const m of format.matchAll(SPEC_RE)) {
    source += escapeRe(format.slice(at, m.index)) + (m[0] === '%%' ? '%' : valuePattern(m[0]));
    at = m.index + m[0].length;
  }
  return new RegExp(`^${source}${escapeRe(format.slice(at))}$`);
}

/** `template` with its conversions replaced, in order, by `values` (%% becomes %). */
function fillSpecs(template, values) {
  let i = 0;
  return template.replace(SPEC_RE, (spec) => (spec === '%%' ? '%' : values[i++] ?? ''));
}

// "layer 3 (conv2d): <tail>"; each language's table says how its templates begin (layerPrefix).
const LAYER_PREFIX = /^layer %d \((?:[a-z0-9_]+|%s)\): /;

/** [format, template] pairs, most specific first: the longer the fixed text, the earlier. */
function compile(table) {
  const fixed = (format) => format.replace(SPEC_RE, '').length;
  return Object.entries(table)
    .sort(([a], [b]) => fixed(b) - fixed(a))
    .map(([format, template]) => ({ re: patternOf(format), specs: printfSpecs(format), template }));
}

/** The compiled rules of a core table, made once: {whole, tails}. */
const compiled = new WeakMap();

function rulesOf(core) {
  let rules = compiled.get(core);
  if (!rules) {
    rules = { whole: compile(core.sentences), tails: compile(Object.fromEntries(layerTails(core))) };
    compiled.set(core, rules);
  }
  return rules;
}

/** The formats that begin with a layer, by their tails: [[tail format, tail template]]. */
export function layerTails(core) {
  const out = [];
  for (const [format, template] of Object.entries(core.sentences)) {
    const head = LAYER_PREFIX.exec(format);
    const headThere = core.layerPrefix?.exec(template);
    if (head && headThere) out.push([format.slice(head[0].length), template.slice(headThere[0].length)]);
  }
  return out;
}

function translateIn(rules, text, core) {
  for (const { re, specs, template } of rules) {
    const m = re.exec(text);
    if (!m) continue;
    const values = m.slice(1).map((value, i) => (specs[i].endsWith('s') ? (translateIn(rulesOf(core).whole, value, core) ?? core.words?.[value] ?? value) : value));
    return fillSpecs(template, values);
  }
  return null;
}

/**
 * A sentence of the core (or its tail after "layer N (kind): ") in the language of `core` (a
 * language folder's core.js), or null when none matches.
 */
export function coreSentence(text, core) {
  if (typeof text !== 'string' || !text || !core) return null;
  const { whole, tails } = rulesOf(core);
  return translateIn(whole, text, core) ?? translateIn(tails, text, core);
}
