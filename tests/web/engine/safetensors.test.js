// safetensors.test.js: the .safetensors reader refuses every malformed file; write -> read round-trips.
import { describe, expect, it } from 'vitest';
import { readSafetensors, toFloat32, writeSafetensors } from '../../../web/src/engine/safetensors.js';

const enc = new TextEncoder();

/** A file from a header object and a data length (bytes of zeros). */
function file(header, dataBytes, { headerText } = {}) {
  const json = enc.encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

describe('safetensors', () => {
  it('round-trips tensors and metadata, data 8-byte aligned', () => {
    const w = new Float32Array([1.5, -2, 3.25, Number.MIN_VALUE, -0, 1e30]);
    const b = new Float32Array([0.1, 0.2]);
    const bytes = writeSafetensors(
      [{ name: 'layers.1.weight', dtype: 'F32', shape: [2, 3], data: w }, { name: 'layers.1.bias', dtype: 'F32', shape: [2], data: b }],
      { format: 'pt', step: 7 },
    );
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const { tensors, metadata } = readSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt', step: '7' });
    expect(tensors.get('layers.1.weight').shape).toEqual([2, 3]);
    expect(Object.is(toFloat32(tensors.get('layers.1.weight').bytes)[4], -0)).toBe(true);
    expect(Array.from(toFloat32(tensors.get('layers.1.weight').bytes))).toEqual(Array.from(w));
    expect(Array.from(toFloat32(tensors.get('layers.1.bias').bytes))).toEqual(Array.from(b));
  });

  const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const cases = [
    ['too short', new Uint8Array(4), /too short/],
    ['header longer than the file', (() => { const f = file(ok, 8); new DataView(f.buffer).setBigUint64(0, 10n ** 12n, true); return f; })(), /claims/],
    ['header not JSON', file(null, 8, { headerText: '{"a": [' }), /not valid UTF-8 JSON/],
    ['header not an object', file(null, 0, { headerText: '[1, 2]' }), /not a JSON object/],
    ['unknown dtype', file({ a: { dtype: 'F33', shape: [2], data_offsets: [0, 8] } }, 8), /unknown dtype "F33"/],
    ['negative shape', file({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, 8), /shape must be a list of sizes/],
    ['offsets outside the data', file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 4), /outside the 4 bytes/],
    ['offsets reversed', file({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, 8), /outside/],
    ['size does not match shape', file({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8), /needs 12 bytes but its offsets span 8/],
    ['overlapping tensors', file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /overlaps/],
    ['a gap', file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /gap of 4 bytes/],
    ['trailing bytes', file(ok, 12), /4 bytes after the last tensor/],
    ['metadata not strings', file({ __metadata__: { step: 3 }, ...ok }, 8), /__metadata__.step is not a string/],
    ['extra field', file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8], evil: 1 } }, 8), /unknown field evil/],
  ];
  for (const [name, bytes, message] of cases) {
    it(`refuses a file with ${name}`, () => {
      expect(() => readSafetensors(bytes)).toThrow(message);
    });
  }
});
