// link.js: what every lab's part of the link shares: value codecs and a defensive reader. A link
// is untrusted text: every value is checked for form and range, a bad one keeps its default and
// adds a message {key, msg} (a lab.link.* message) the lab shows; reading never throws.

export class LinkError extends Error {
  constructor(id, params) {
    super(id);
    this.msg = params ? { id, params } : { id };
  }
}
export const fail = (id, params) => {
  throw new LinkError(id, params);
};
export const quote = (text) => (text.length > 24 ? `${text.slice(0, 24)}…` : text);

const NUMBER_RE = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

export function number(text, lo, hi) {
  if (text.length > 32 || !NUMBER_RE.test(text)) fail('lab.link.number', { got: quote(text) });
  const x = Number(text);
  if (!(x >= lo && x <= hi)) fail('lab.link.range', { got: quote(text), lo, hi });
  return x;
}
export const integer = (lo, hi) => ({
  parse: (text) => {
    const x = number(text, lo, hi);
    if (!Number.isInteger(x)) fail('lab.link.whole', { got: quote(text) });
    return x;
  },
  format: String,
});
export const real = (lo, hi) => ({ parse: (text) => number(text, lo, hi), format: String });
export const oneOf = (values) => ({
  parse: (text) => (values.includes(text) ? text : fail('lab.link.choice', { got: quote(text), known: values.join(', ') })),
  format: String,
});

/** Keys of the page that a lab link carries and the lab does not read. */
const PAGE_KEYS = Object.freeze(['lab', 'lang', 'embed']);

/**
 * The pairs of a hash a lab knows: {values: Map key -> text, errors, read(key, codec, set)};
 * read parses one value and gives it to set, or adds the codec's message to errors.
 */
export function readLink(hash, known) {
  const errors = [];
  const values = new Map();
  const text = typeof hash === 'string' ? hash.replace(/^#/, '') : '';
  const read = (key, codec, set) => {
    try {
      set(codec.parse(values.get(key)));
    } catch (err) {
      if (!(err instanceof LinkError)) throw err;
      errors.push({ key, msg: err.msg });
    }
  };
  if (text.length > 4096) {
    errors.push({ key: '', msg: { id: 'lab.link.long' } });
    return { values, errors, read };
  }
  for (const pair of text.split('&').filter(Boolean).slice(0, 64)) {
    const eq = pair.indexOf('=');
    let key;
    let value;
    try {
      key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
      value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1));
    } catch {
      errors.push({ key: '', msg: { id: 'lab.link.escape', params: { got: quote(pair) } } });
      continue;
    }
    if (PAGE_KEYS.includes(key)) continue;
    if (!known.includes(key)) errors.push({ key, msg: { id: 'lab.link.unknown', params: { got: quote(key) } } });
    else if (values.has(key)) errors.push({ key, msg: { id: 'lab.link.twice', params: { got: quote(key) } } });
    else values.set(key, value);
  }
  return { values, errors, read };
}

/** The hash (without #) of a lab's pairs "key=value" and the page's lang= and embed=lab. */
export function joinLink(parts, { lang, embed } = {}) {
  const all = [...parts];
  if (lang) all.push(`lang=${lang}`);
  if (embed) all.push('embed=lab');
  // Only what a link's own characters cannot carry is escaped (, : / stay readable).
  return all.map((p) => p.replace(/[^A-Za-z0-9=._~,:/+-]/g, encodeURIComponent)).join('&');
}

/**
 * {decode, encode} of a lab whose state is a flat table of fields: keys [{key, field, codec}],
 * defaults the whole state. decode(hash) -> {state, errors}; encode(state, {lang, embed}) -> the
 * hash without #: lab=<lab>, then what differs from the defaults, then the page's keys.
 */
export function flatStateCodec(lab, keys, defaults) {
  return {
    decode(hash) {
      const state = { ...defaults };
      const { values, errors, read } = readLink(hash, keys.map((k) => k.key));
      for (const { key, field, codec } of keys) if (values.has(key)) read(key, codec, (v) => (state[field] = v));
      return { state, errors };
    },
    encode(state, { lang, embed } = {}) {
      const parts = [`lab=${lab}`];
      for (const { key, field, codec } of keys) {
        const v = state[field];
        if (v !== undefined && v !== null && v !== '' && v !== defaults[field]) parts.push(`${key}=${codec.format(v)}`);
      }
      return joinLink(parts, { lang, embed });
    },
  };
}
