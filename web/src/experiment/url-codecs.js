// url-codecs.js: the value codecs of the URL hash (url.js): numbers, booleans, names from a
// closed list, free text, initialisers ("normal(std=0.01)") and the layer stack
// ("flatten,dense:128,relu"). Each codec is {parse(text) -> value or throws a HashError whose msg
// the page translates, format(value) -> text}; url.js's table says which setting uses which.

import { LAYER_TYPES, INIT_TYPES, LIMITS, show } from './schema.js';
import { english, say } from '../i18n/errors.js';

// ---- value codecs: parse(text) -> value or throws a message; format(value) -> text ----

const NUMBER_RE = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const INT_RE = /^[-+]?\d+$/;

export class HashError extends Error {
  constructor(msg) {
    super(english(msg));
    this.msg = msg;
  }
}
export const fail = (id, params) => {
  throw new HashError(say(id, params));
};
/** A failure of `err` (a HashError) said about `where`: "where: message". */
const failAt = (where, err) => fail('err.hash.where', { where, message: err.msg });

function parseNumber(text) {
  if (text.length > 32 || !NUMBER_RE.test(text)) fail('err.hash.number', { got: show(text) });
  const x = Number(text);
  if (!Number.isFinite(x)) fail('err.hash.finite', { got: show(text) });
  return x;
}

function parseInteger(text) {
  if (text.length > 20 || !INT_RE.test(text)) fail('err.hash.whole', { got: show(text) });
  const x = Number(text);
  if (!Number.isSafeInteger(x)) fail('err.hash.tooLarge', { got: show(text) });
  return x;
}

function parseBool(text) {
  if (text === '1' || text === 'true') return true;
  if (text === '0' || text === 'false') return false;
  return fail('err.hash.bool', { got: show(text) });
}

/** Shortest text that reads back as the same double. */
const formatNumber = (x) => (Object.is(x, -0) ? '0' : String(x));
const formatBool = (b) => (b ? '1' : '0');

export const codecs = {
  number: { parse: parseNumber, format: formatNumber },
  int: { parse: parseInteger, format: formatNumber },
  bool: { parse: parseBool, format: formatBool },
  /** A short list of numbers: "0.9,0.999". */
  numbers: {
    parse(text) {
      const parts = text.split(',');
      if (parts.length > LIMITS.classes) fail('err.hash.numbersMax', { max: LIMITS.classes });
      return parts.map(parseNumber);
    },
    format: (xs) => xs.map(formatNumber).join(','),
  },
};

/**
 * A set of names from a closed list, written "a,b,c"; read back in the list's order (so a
 * set has one spelling, which the result digest relies on). '' is the empty set.
 */
export function names(options) {
  return {
    parse(text) {
      if (text === '') return [];
      const parts = text.split(',');
      if (parts.length > options.length) fail('err.hash.namesCount', { n: parts.length, max: options.length });
      for (const [i, part] of parts.entries()) {
        if (!options.includes(part)) fail('err.hash.namesFrom', { options: options.join(', '), got: show(part) });
        if (parts.indexOf(part) !== i) fail('err.hash.namesTwice', { got: show(part) });
      }
      return options.filter((o) => parts.includes(o));
    },
    format: (list) => options.filter((o) => list.includes(o)).join(','),
  };
}

/** Characters refused in free text: controls (but tab and newline) and bidirectional overrides. */
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT_RE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/** Free text from an untrusted link: length-capped (in characters, not bytes) and never markup. */
export function freeText(max) {
  return {
    parse(text) {
      const length = [...text].length;
      if (length > max) fail('err.hash.long', { n: length, max });
      const bad = UNSAFE_TEXT_RE.exec(text);
      if (bad) fail('err.hash.control', { code: `U+${bad[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}` });
      return text;
    },
    format: (text) => text,
  };
}

/** A fixed number of lowercase hex digits (the result digest). */
export function hex(digits) {
  const re = new RegExp(`^[0-9a-f]{${digits}}$`);
  return {
    parse(text) {
      if (!re.test(text)) fail('err.hash.hex', { digits, got: show(text) });
      return text;
    },
    format: (text) => text,
  };
}

/** A name from a closed list, with short aliases a person may type (ce = cross_entropy). */
export function choice(options, aliases = {}) {
  const back = Object.fromEntries(Object.entries(aliases).map(([short, full]) => [full, short]));
  return {
    parse(text) {
      const value = aliases[text] ?? text;
      if (!options.includes(value)) fail('err.oneOf', { options: [...Object.keys(aliases), ...options].join(', '), got: show(text) });
      return value;
    },
    format: (value) => back[value] ?? value,
  };
}

// ---- initialisers: "name" or "name(key=value;key=value)", only non-default arguments ----

const INIT_ARGS = {
  constant: { value: 'number' },
  uniform: { a: 'number', b: 'number' },
  normal: { mean: 'number', std: 'number' },
  xavier_uniform: { gain: 'number' },
  xavier_normal: { gain: 'number' },
  kaiming_uniform: { a: 'number', mode: ['fan_in', 'fan_out'], nonlinearity: ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu'] },
  kaiming_normal: { a: 'number', mode: ['fan_in', 'fan_out'], nonlinearity: ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu'] },
};
/** torch.nn.init's defaults (the schema fills the same). */
const INIT_DEFAULTS = {
  uniform: { a: 0, b: 1 },
  normal: { mean: 0, std: 1 },
  xavier_uniform: { gain: 1 },
  xavier_normal: { gain: 1 },
  kaiming_uniform: { a: 0, mode: 'fan_in', nonlinearity: 'leaky_relu' },
  kaiming_normal: { a: 0, mode: 'fan_in', nonlinearity: 'leaky_relu' },
};
const INIT_RE = /^([a-z_]+)(?:\(([^()]*)\))?$/;

/** `where`: what the value belongs to, a text ("uniform(a)") or a message (layer 2 (...)). */
function parseArgValue(kind, text, where) {
  try {
    if (Array.isArray(kind)) {
      if (!kind.includes(text)) fail('err.oneOf', { options: kind.join(', '), got: show(text) });
      return text;
    }
    return codecs[kind].parse(text);
  } catch (err) {
    if (err instanceof HashError) failAt(where, err);
    throw err;
  }
}

export const initCodec = {
  parse(text) {
    const m = INIT_RE.exec(text);
    if (!m) fail('err.hash.init', { got: show(text) });
    const [, type, argText] = m;
    if (!INIT_TYPES.includes(type)) fail('err.hash.unknownInit', { got: show(type), known: INIT_TYPES.join(', ') });
    const spec = { type };
    if (argText === undefined || argText === '') return spec;
    const allowed = INIT_ARGS[type] ?? {};
    for (const pair of argText.split(';')) {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      if (!Object.hasOwn(allowed, key)) {
        const args = Object.keys(allowed).join(', ');
        fail(args ? 'err.hash.initNoArg' : 'err.hash.initNoArgs', { type, got: show(key), args });
      }
      if (eq < 0) fail('err.hash.initNeedsValue', { type, key });
      if (Object.hasOwn(spec, key)) fail('err.hash.initTwice', { type, key });
      spec[key] = parseArgValue(allowed[key], pair.slice(eq + 1), `${type}(${key})`);
    }
    return spec;
  },
  format(spec) {
    const defaults = INIT_DEFAULTS[spec.type] ?? {};
    const args = Object.keys(INIT_ARGS[spec.type] ?? {})
      .filter((key) => spec[key] !== undefined && spec[key] !== defaults[key])
      .map((key) => `${key}=${typeof spec[key] === 'number' ? formatNumber(spec[key]) : spec[key]}`);
    return args.length ? `${spec.type}(${args.join(';')})` : spec.type;
  },
};

// ---- layers: "type[:main][:key=value]...", joined by commas ----

/**
 * One entry per layer type: `main` is the field written bare after the type (dense:128), `args`
 * the fields written as key=value when they differ from `defaults`. Fields must match schema.js.
 */
const LAYER_CODEC = {
  dense: { main: ['units', 'int'], args: { bias: 'bool', init: 'init', bias_init: 'init' }, defaults: { bias: true } },
  conv2d: {
    main: ['filters', 'int'],
    args: { kernel: 'int', stride: 'int', padding: 'int', bias: 'bool', init: 'init', bias_init: 'init' },
    defaults: { stride: 1, padding: 0, bias: true },
    always: ['kernel'],
  },
  maxpool: { main: ['kernel', 'int'], args: { stride: 'int', padding: 'int' }, defaults: { padding: 0 } },
  avgpool: { main: ['kernel', 'int'], args: { stride: 'int', padding: 'int' }, defaults: { padding: 0 } },
  flatten: {},
  dropout: { main: ['p', 'number'] },
  batchnorm: { args: { eps: 'number', momentum: 'number' }, defaults: { eps: 1e-5, momentum: 0.1 } },
  tanh: {},
  sigmoid: {},
  relu: {},
  leaky_relu: { main: ['negative_slope', 'number'] },
  elu: { main: ['alpha', 'number'] },
  swish: {},
  softmax: {},
  identity: {},
};

function parseLayer(token, index) {
  const where = say('err.hash.layer', { n: index + 1, token: show(token) });
  const failHere = (id, params) => fail('err.hash.where', { where, message: say(id, params) });
  const parts = token.split(':');
  const type = parts[0];
  if (!LAYER_TYPES.includes(type)) failHere('err.hash.unknownLayer', { got: show(type), known: LAYER_TYPES.join(', ') });
  const codec = LAYER_CODEC[type];
  const layer = { type };
  let rest = parts.slice(1);
  if (codec.main && rest.length && !rest[0].includes('=')) {
    layer[codec.main[0]] = parseArgValue(codec.main[1], rest[0], where);
    rest = rest.slice(1);
  }
  for (const item of rest) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    const kind = codec.args?.[key] ?? (codec.main?.[0] === key ? codec.main[1] : undefined);
    if (!kind) {
      const known = [codec.main?.[0], ...Object.keys(codec.args ?? {})].filter(Boolean).join(', ');
      failHere(known ? 'err.hash.layerNoSetting' : 'err.hash.layerNoSettings', { type, got: show(key), args: known });
    }
    if (eq < 0) failHere('err.hash.needsValue', { key });
    const text = item.slice(eq + 1);
    if (key === 'init' || key === 'bias_init') {
      const role = key === 'init' ? 'weight' : 'bias';
      if (layer.init?.[role]) failHere('err.hash.keyTwice', { key });
      let spec;
      try {
        spec = initCodec.parse(text);
      } catch (err) {
        if (err instanceof HashError) failAt(say('err.hash.whereKey', { where, key }), err);
        throw err;
      }
      layer.init = { ...layer.init, [role]: spec };
    } else {
      if (Object.hasOwn(layer, key)) failHere('err.hash.keyTwice', { key });
      layer[key] = parseArgValue(kind, text, say('err.hash.whereKey', { where, key }));
    }
  }
  return layer;
}

function formatLayer(layer) {
  const codec = LAYER_CODEC[layer.type] ?? {};
  const parts = [layer.type];
  if (codec.main && layer[codec.main[0]] !== undefined) parts.push(formatNumber(layer[codec.main[0]]));
  for (const [key, kind] of Object.entries(codec.args ?? {})) {
    if (kind === 'init') {
      const spec = layer.init?.[key === 'init' ? 'weight' : 'bias'];
      if (spec) parts.push(`${key}=${initCodec.format(spec)}`);
      continue;
    }
    const value = layer[key];
    if (value === undefined) continue;
    // A pool's stride defaults to its kernel (torch), so it is written only when it differs.
    const fallback = key === 'stride' && (layer.type === 'maxpool' || layer.type === 'avgpool') ? layer.kernel : codec.defaults?.[key];
    if (value === fallback && !codec.always?.includes(key)) continue;
    parts.push(`${key}=${codecs[kind].format(value)}`);
  }
  return parts.join(':');
}

export const layersCodec = {
  parse(text) {
    if (text === '') fail('err.hash.noLayers');
    // Count before splitting anything further: a link with thousands of layers is refused at once.
    let count = 1;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 44) count++;
    if (count > LIMITS.layers) fail('err.hash.layersMax', { n: count, max: LIMITS.layers });
    return text.split(',').map(parseLayer);
  },
  format: (layers) => layers.map(formatLayer).join(','),
};
