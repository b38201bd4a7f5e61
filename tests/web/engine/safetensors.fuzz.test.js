// safetensors.fuzz.test.js: property-based fuzzing (fast-check) of the .safetensors reader, which
// reads files a student downloads or is sent (a weights file is untrusted input). Random bytes,
// byte-level mutations of valid files, and structured hostile headers (offsets outside the file,
// overlapping or gapped tensors, huge or fractional shapes, wrong dtypes, repeated names, non-JSON,
// absurd header lengths): every file is read, with every tensor inside the file and exactly the
// bytes its shape needs, or refused with a SafetensorsError; nothing else is ever thrown, and no
// file takes long. Then the same files through Session.loadWeights: loaded and finite, or an
// NnError with status ERR_DATA. The reader is JavaScript (not C): see the README.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NnError } from '../../../web/src/engine/core.js';
import { Status } from '../../../web/src/engine/enums.js';
import { DTYPE_BYTES, readSafetensors, SafetensorsError, writeSafetensors } from '../../../web/src/engine/safetensors.js';
import { Session } from '../../../web/src/engine/session.js';
import { makeSynth } from '../../../web/src/data/datasets.js';
import { freshCore } from '../../../web/src/node.js';
import { example } from '../fixtures.js';

const DTYPES = Object.keys(DTYPE_BYTES);
const SLOW_MS = 200;
const enc = new TextEncoder();
const tally = { runs: 0, read: 0, refused: 0, slowest: 0 };

/** Reads a file and checks what a successful read promises; returns 'read' or 'refused'. */
function readChecked(file) {
  tally.runs++;
  const t0 = performance.now();
  let result;
  try {
    result = readSafetensors(file);
  } catch (err) {
    if (!(err instanceof SafetensorsError)) throw err; // a TypeError or RangeError is a bug
    expect(err.message.length).toBeGreaterThan(5);
    tally.refused++;
    return 'refused';
  } finally {
    tally.slowest = Math.max(tally.slowest, performance.now() - t0);
  }
  const headerLength = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  const dataStart = file.byteOffset + 8 + headerLength;
  const spans = [];
  for (const { dtype, shape, bytes } of result.tensors.values()) {
    expect(DTYPES).toContain(dtype);
    expect(bytes.buffer).toBe(file.buffer);
    expect(bytes.byteOffset).toBeGreaterThanOrEqual(dataStart);
    expect(bytes.byteOffset + bytes.length).toBeLessThanOrEqual(file.byteOffset + file.length);
    expect(bytes.length).toBe(shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype]);
    spans.push([bytes.byteOffset, bytes.byteOffset + bytes.length]);
  }
  // Back to back, no overlap, covering the data exactly.
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let at = dataStart;
  for (const [begin, end] of spans) {
    expect(begin).toBe(at);
    at = end;
  }
  expect(at).toBe(file.byteOffset + file.length);
  for (const value of Object.values(result.metadata)) expect(typeof value).toBe('string');
  tally.read++;
  return 'read';
}

/** A file from a header given as text (any text) and `dataBytes` bytes of data. */
function fileFromText(text, dataBytes, data) {
  const json = enc.encode(text);
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  if (data) out.set(data.subarray(0, dataBytes), 8 + json.length);
  return out;
}

const tensorArb = fc.record({
  dtype: fc.constantFrom(...DTYPES),
  shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
  seed: fc.nat(),
});
const namesArb = fc.uniqueArray(fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom('layers.0.weight', '__proto__', 'constructor', 'a"b', '\u4e2d')), {
  minLength: 1, maxLength: 5,
}).map((names) => names.filter((n) => n !== '__metadata__'));

/** A valid file of random tensors (any dtype) and metadata, as the writer makes it. */
const validFileArb = fc.tuple(namesArb, fc.array(tensorArb, { minLength: 5, maxLength: 5 }), fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }))
  .map(([names, specs, metadata]) => writeSafetensors(names.map((name, i) => {
    const { dtype, shape, seed } = specs[i];
    const data = new Uint8Array(shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype]);
    for (let k = 0; k < data.length; k++) data[k] = (seed + k * 31) & 255;
    return { name, dtype, shape, data };
  }), metadata));

/** Byte-level mutations: flip, set, insert, delete, truncate, extend, rewrite the length prefix. */
const byteMutationArb = fc.record({
  op: fc.constantFrom('flip', 'set', 'insert', 'delete', 'truncate', 'extend', 'length'),
  at: fc.nat(),
  value: fc.integer({ min: 0, max: 255 }),
  length: fc.oneof(fc.constantFrom(0n, 1n, 2n, 7n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n), fc.bigInt({ min: 0n, max: 4096n })),
});

function mutateBytes(file, m) {
  const at = file.length ? m.at % file.length : 0;
  switch (m.op) {
    case 'flip': { const f = file.slice(); if (f.length) f[at] ^= 1 << (m.value & 7); return f; }
    case 'set': { const f = file.slice(); if (f.length) f[at] = m.value; return f; }
    case 'insert': return Uint8Array.from([...file.subarray(0, at), m.value, ...file.subarray(at)]);
    case 'delete': return Uint8Array.from([...file.subarray(0, at), ...file.subarray(at + 1)]);
    case 'truncate': return file.slice(0, at);
    case 'extend': return Uint8Array.from([...file, ...new Array(1 + (m.value & 15)).fill(m.value)]);
    default: { // 'length'
      const f = file.length >= 8 ? file.slice() : new Uint8Array(8);
      new DataView(f.buffer).setBigUint64(0, m.length & (2n ** 64n - 1n), true);
      return f;
    }
  }
}

/** A hostile value for one field of a header entry. */
const hostileValue = fc.oneof(
  fc.constantFrom(-1, 0, 1, 2 ** 53, 2 ** 53 + 2, 1e308, -0, 0.5, NaN, null, true, '', '8', [], {}, [[1]], [2 ** 60, 2 ** 60], [-1, 4], [4, 0], [0, 2 ** 53], [1.5, 2], 'F32', 'f32', 'F8', '__proto__'),
  fc.integer({ min: -10, max: 10_000 }),
  fc.array(fc.integer({ min: -3, max: 2 ** 31 }), { maxLength: 4 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Structured header mutations: change, delete or add fields and entries, repeat names textually. */
const headerMutationArb = fc.record({
  op: fc.constantFrom('field', 'field', 'delete-field', 'delete-entry', 'add-entry', 'repeat-name', 'metadata', 'text', 'data-length'),
  pick: fc.nat(),
  field: fc.constantFrom('dtype', 'shape', 'data_offsets', 'extra'),
  value: hostileValue,
  text: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('{', '}', '[]', 'null', '{"a":', '\u0000', '{"a":1}{', '\ud800')),
  delta: fc.integer({ min: -16, max: 16 }),
});

function mutateHeader(file, mutations) {
  const headerLength = Number(new DataView(file.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength)));
  const data = file.subarray(8 + headerLength);
  let dataLength = data.length;
  let text = null;
  for (const m of mutations) {
    const names = Object.keys(header).filter((k) => k !== '__metadata__');
    const name = names.length ? names[m.pick % names.length] : null;
    switch (m.op) {
      case 'field': if (name) header[name] = { ...header[name], [m.field]: m.value }; break;
      case 'delete-field': if (name) { const e = { ...header[name] }; delete e[m.field]; header[name] = e; } break;
      case 'delete-entry': if (name) delete header[name]; break;
      case 'add-entry': header[`extra${m.pick % 7}`] = { dtype: 'F32', shape: [1], data_offsets: [m.pick % 64, (m.pick % 64) + 4] }; break;
      case 'metadata': header.__metadata__ = m.value; break;
      case 'data-length': dataLength = Math.max(0, dataLength + m.delta); break;
      case 'text': text = (text ?? JSON.stringify(header)) + m.text; break;
      default: { // 'repeat-name': the same name twice, second entry different
        if (!name) break;
        const json = JSON.stringify(header);
        text = `${json.slice(0, -1)}${json.length > 2 ? ',' : ''}${JSON.stringify(name)}:${JSON.stringify({ ...header[name], dtype: 'U8' })}}`;
      }
    }
  }
  return fileFromText(text ?? JSON.stringify(header), dataLength, data);
}

describe('fuzzing the .safetensors reader', () => {
  afterAll(() => {
    console.log(`safetensors fuzz: ${tally.runs} files (${tally.read} read, ${tally.refused} refused), slowest ${tally.slowest.toFixed(1)} ms`);
  });

  it('random bytes: refused with a SafetensorsError, never another error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      expect(readChecked(bytes)).toBe('refused');
    }), { numRuns: 3000, seed: 1 });
  });

  it('a length prefix and any JSON (or text) as the header', () => {
    fc.assert(fc.property(fc.oneof(fc.json({ maxDepth: 3 }), fc.string({ maxLength: 40 })), fc.nat({ max: 64 }), (text, dataLength) => {
      readChecked(fileFromText(text, dataLength));
    }), { numRuns: 3000, seed: 2 });
  });

  it('valid files read back exactly what was written', () => {
    fc.assert(fc.property(validFileArb, (file) => {
      expect(readChecked(file)).toBe('read');
    }), { numRuns: 500, seed: 3 });
  });

  it('byte-level mutations of valid files: read consistently or refused', () => {
    fc.assert(fc.property(validFileArb, fc.array(byteMutationArb, { minLength: 1, maxLength: 3 }), (file, mutations) => {
      readChecked(mutations.reduce(mutateBytes, file));
    }), { numRuns: 4000, seed: 4 });
  });

  it('hostile headers: offsets outside, overlaps, huge shapes, wrong dtypes, repeated names, broken JSON', () => {
    const outcomes = { read: 0, refused: 0 };
    fc.assert(fc.property(validFileArb, fc.array(headerMutationArb, { minLength: 1, maxLength: 3 }), (file, mutations) => {
      outcomes[readChecked(mutateHeader(file, mutations))]++;
    }), { numRuns: 4000, seed: 5 });
    expect(outcomes.refused).toBeGreaterThan(1000);
    expect(tally.slowest).toBeLessThan(SLOW_MS);
  });

  it('refuses a name given twice, and a header length beyond the file, whatever the rest says', () => {
    const entry = { dtype: 'F32', shape: [1], data_offsets: [0, 4] };
    const twice = fileFromText(`{"w":${JSON.stringify(entry)}, "w" : ${JSON.stringify({ ...entry, dtype: 'I32' })}}`, 4);
    expect(() => readSafetensors(twice)).toThrow(/names "w" twice/);
    const huge = fileFromText(JSON.stringify({ w: entry }), 4);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
    expect(() => readSafetensors(huge)).toThrow(/claims/);
  });
});

describe('fuzzing Session.loadWeights', () => {
  let core;
  let data;
  let session;
  beforeAll(async () => {
    core = await freshCore();
    const e = example('xor-tanh');
    data = makeSynth(core, e.data, e.seed);
    session = new Session(core, e, data);
  });
  afterAll(() => {
    session?.dispose();
    data?.dispose();
  });

  it('mutated weight files: loaded with finite weights, or refused with ERR_DATA; the model stays usable', () => {
    const saved = session.saveWeights();
    const original = session.paramsView().slice();
    const outcomes = { loaded: 0, refused: 0 };
    fc.assert(fc.property(fc.oneof(
      fc.array(byteMutationArb, { minLength: 1, maxLength: 3 }).map((ms) => ms.reduce(mutateBytes, saved)),
      fc.array(headerMutationArb, { minLength: 1, maxLength: 2 }).map((ms) => mutateHeader(saved, ms)),
    ), (file) => {
      tally.runs++;
      session.paramsView().set(original);
      try {
        session.loadWeights(file);
      } catch (err) {
        if (!(err instanceof NnError) || err.status !== Status.ERR_DATA) throw err;
        outcomes.refused++;
        expect(Array.from(session.paramsView())).toEqual(Array.from(original)); // nothing half-loaded
        return;
      }
      outcomes.loaded++;
      expect(session.paramsView().every(Number.isFinite)).toBe(true);
    }), { numRuns: 3000, seed: 6 });
    console.log(`loadWeights fuzz: ${JSON.stringify(outcomes)}`);
    expect(outcomes.refused).toBeGreaterThan(500);
    // The model still trains after all of that.
    session.paramsView().set(original);
    expect(Number.isFinite(session.trainStep().loss)).toBe(true);
  });
});
