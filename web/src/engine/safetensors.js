// safetensors.js: a strict reader and a writer for the .safetensors format (8-byte little-endian
// header length, a JSON header, then the raw little-endian tensor bytes). No maintained npm
// library reads and writes it without pulling in a hub client, so this is the small version,
// checking what the reference implementation checks: offsets inside the file, sizes that match
// the shapes, no overlaps or gaps. A file that cannot be read is refused with a message of
// i18n/errors.js (the page shows it in Chinese too).

import { errorOf, say } from '../i18n/errors.js';

export const DTYPE_BYTES = Object.freeze({
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
});
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export class SafetensorsError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

const isCount = (x) => Number.isSafeInteger(x) && x >= 0;

/**
 * The first name the header's top-level object gives twice, or null. JSON.parse keeps the last
 * of two equal keys silently, while another reader may keep the first: a file that says two
 * things about one tensor is refused instead. `text` is already known to be valid JSON.
 */
function repeatedName(text) {
  const seen = new Set();
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // a string: find its end, skipping escapes
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c ? 2 : 1;
      if (depth === 1) {
        let k = j + 1;
        while (k < text.length && ' \t\n\r'.includes(text[k])) k++;
        if (text[k] === ':') {
          const name = JSON.parse(text.slice(i, j + 1));
          if (seen.has(name)) return name;
          seen.add(name);
        }
      }
      i = j;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return null;
}

/** Refuses a file being read: a SafetensorsError with the message {id, params} as `msg`. */
const fail = (id, params) => {
  throw errorOf(say(id, params), SafetensorsError);
};

/**
 * Reads a .safetensors file. Returns {tensors: Map(name -> {dtype, shape, bytes}), metadata}
 * where bytes is a Uint8Array into `file`. Throws SafetensorsError naming what is wrong.
 */
export function readSafetensors(file) {
  if (!(file instanceof Uint8Array)) fail('err.st.bytes');
  if (file.length < 8) fail('err.st.short', { n: file.length });
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(MAX_HEADER_BYTES, file.length - 8))) {
    fail('err.st.headerClaims', { n: headerLength, have: file.length - 8 });
  }
  const n = Number(headerLength);
  if (n < 2) fail('err.st.headerEmpty');
  let header;
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + n));
    header = JSON.parse(text);
  } catch (err) {
    fail('err.st.headerJson', { reason: err.message });
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('err.st.headerObject');
  const repeated = repeatedName(text);
  if (repeated !== null) fail('err.st.headerTwice', { name: JSON.stringify(repeated) });
  const dataStart = 8 + n;
  const dataLength = file.length - dataStart;

  let metadata = {};
  const tensors = new Map();
  const spans = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info)) fail('err.st.metadata');
      for (const [k, val] of Object.entries(info)) if (typeof val !== 'string') fail('err.st.metadataValue', { key: k });
      metadata = info;
      continue;
    }
    if (info === null || typeof info !== 'object' || Array.isArray(info)) fail('err.st.entry', { name });
    const { dtype, shape, data_offsets: offsets } = info;
    const extra = Object.keys(info).filter((k) => !['dtype', 'shape', 'data_offsets'].includes(k));
    if (extra.length) fail('err.st.field', { name, field: extra[0] });
    if (!Object.hasOwn(DTYPE_BYTES, dtype)) fail('err.st.dtype', { name, dtype: JSON.stringify(dtype) });
    if (!Array.isArray(shape) || !shape.every(isCount)) fail('err.st.shape', { name });
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
      fail('err.st.offsets', { name });
    }
    const [begin, end] = offsets;
    if (begin > end || end > dataLength) {
      fail('err.st.outside', { name, begin, end, n: dataLength });
    }
    const elements = shape.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(elements * DTYPE_BYTES[dtype]) || elements * DTYPE_BYTES[dtype] !== end - begin) {
      fail('err.st.size', { name, shape: shape.join(', '), dtype, need: elements * DTYPE_BYTES[dtype], span: end - begin });
    }
    tensors.set(name, { dtype, shape: [...shape], bytes: file.subarray(dataStart + begin, dataStart + end) });
    spans.push([begin, end, name]);
  }
  // The data must be exactly the tensors, back to back (as the reference implementation demands).
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let at = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== at) fail(begin < at ? 'err.st.overlap' : 'err.st.gap', { name, n: begin - at });
    at = end;
  }
  if (at !== dataLength) fail('err.st.trailing', { n: dataLength - at });
  return { tensors, metadata };
}

/** F32 tensor bytes as a fresh Float32Array (the data may not be 4-byte aligned in the file). */
export function toFloat32(bytes) {
  const copy = new Uint8Array(bytes);
  return new Float32Array(copy.buffer, 0, copy.length / 4);
}

/**
 * Writes tensors [{name, dtype: 'F32', shape, data: Float32Array}] with string metadata.
 * The header is padded with spaces so the data starts 8-byte aligned.
 */
export function writeSafetensors(tensors, metadata = {}) {
  // No prototype: a tensor named "__proto__" must become an entry, not the object's prototype.
  const header = Object.create(null);
  if (Object.keys(metadata).length) header.__metadata__ = Object.fromEntries(Object.entries(metadata).map(([k, x]) => [k, String(x)]));
  let offset = 0;
  for (const t of tensors) {
    if (t.name === '__metadata__' || Object.hasOwn(header, t.name)) throw new SafetensorsError(`tensor name ${t.name} used twice or reserved`);
    const size = t.data.byteLength;
    const elements = t.shape.reduce((a, b) => a * b, 1);
    if (elements * DTYPE_BYTES[t.dtype] !== size) throw new SafetensorsError(`tensor ${t.name}: shape [${t.shape}] does not match its ${size} bytes`);
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let at = 8 + padded;
  for (const t of tensors) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  json = null;
  return out;
}
