// mnist.test.js: the IDX/MNIST loader: real MNIST loads as bytes with the right counts; truncated,
// corrupted or mismatched files are refused with a message naming the file and the problem, and a
// copy whose content is not MNIST's (by SHA-256) is refused even when it is a valid IDX file.
import { gunzipSync, gzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { NnError } from '../../../web/src/engine/core.js';
import { Status } from '../../../web/src/engine/enums.js';
import { gunzip, inflate, loadIdx, wasmSink } from '../../../web/src/data/idx.js';
import { loadMnist, MNIST_FILES, MNIST_SHA256, sha256Hex } from '../../../web/src/data/datasets.js';
import { freshCore, nodeMnistSource, nodeSha256 } from '../../../web/src/node.js';
import { idx } from '../fixtures.js';

let core;
beforeAll(async () => {
  core = await freshCore();
});

/** A readFile for loadMnist over in-memory files (gzip'ed here), some replaced. */
function memorySource(n, replace = {}) {
  const files = {
    [MNIST_FILES.trainImages]: gzipSync(idx([n, 28, 28])),
    [MNIST_FILES.trainLabels]: gzipSync(idx([n], (i) => i % 10)),
    [MNIST_FILES.testImages]: gzipSync(idx([n, 28, 28])),
    [MNIST_FILES.testLabels]: gzipSync(idx([n], (i) => (i * 3) % 10)),
    ...replace,
  };
  return async (name) => files[name];
}

async function refusal(promiseOrFn) {
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (err) {
    return err;
  }
  throw new Error('expected a refusal');
}

describe('IDX files', () => {
  it('parses a valid file without copying its values', () => {
    const file = loadIdx(core, idx([3, 28, 28]), 'x');
    try {
      expect(file.dims).toEqual([3, 28, 28]);
      expect(file.dataPtr).toBe(file.ptr + 16);
      expect(core.u8(file.dataPtr + 5, 1)[0]).toBe(5);
    } finally {
      file.free();
    }
  });

  const good = idx([2, 28, 28]);
  const cases = [
    ['a truncated file', good.subarray(0, good.length - 1), /a.idx: IDX file: truncated: header promises 1568 bytes of data, file has 1567/],
    ['a truncated header', good.subarray(0, 10), /a.idx: IDX file: truncated in its header/],
    ['extra bytes', new Uint8Array([...good, 0]), /unexpected bytes after the data/],
    ['a bad magic number', Object.assign(new Uint8Array(good), { 0: 0x12, 1: 0x34 }), /bad magic number 1234/],
    ['a still gzip\'ed file', gzipSync(good).subarray(0, 100), /bad magic number 1f8b/],
    ['floats instead of bytes', Object.assign(new Uint8Array(good), { 2: 0x0d }), /element type 0x0d is not unsigned bytes/],
    ['a zero dimension', idx([0, 28, 28]), /dimension 0 is zero/],
    ['nothing at all', new Uint8Array(0), /too short/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`refuses ${what}`, async () => {
      const err = await refusal(() => loadIdx(core, bytes, 'a.idx'));
      expect(err).toBeInstanceOf(NnError);
      expect(err.status).toBe(Status.ERR_DATA);
      expect(err.message).toMatch(message);
    });
  }

  it('refuses corrupted gzip data', async () => {
    const gz = gzipSync(idx([50, 28, 28], (i) => (i * 7919) & 255));
    const err = await refusal(() => gunzip(gz.subarray(0, gz.length / 2), 'x.gz'));
    expect(err.message).toMatch(/^x.gz: not a valid gzip file/);
    const garbled = new Uint8Array(gz);
    garbled.fill(0xff, 20, 40);
    expect((await refusal(() => gunzip(garbled, 'x.gz'))).message).toMatch(/^x.gz: not a valid gzip file/);
  });
});

/** A ReadableStream of `bytes` in chunks of the given sizes (the last one takes the rest), optionally failing after them. */
function streamOf(bytes, sizes = [], { failWith } = {}) {
  let at = 0;
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) {
        if (failWith) controller.error(failWith);
        else controller.close();
        return;
      }
      const n = sizes[i++] ?? bytes.length - at;
      controller.enqueue(bytes.slice(at, at + n));
      at += n;
    },
  });
}

/** Whether inflate's {chunks, length} (or a Uint8Array) hold exactly `expected` (a fast compare: toEqual goes byte by byte). */
const holds = (got, expected) => {
  const bytes = got instanceof Uint8Array ? got : Buffer.concat(got.chunks);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).equals(Buffer.from(expected));
};

describe('inflate (a download decompressed while it arrives)', () => {
  const raw = idx([300, 28, 28], (i) => (i * 7919) & 255);
  const gz = gzipSync(raw);

  it('gives the same bytes from a gzip stream in any chunking, from bytes, and from an already inflated stream', async () => {
    for (const sizes of [[], [1], [1, 1, 5], [2, 1000, 3], Array(200).fill(997)]) {
      expect(holds(await inflate(streamOf(gz, sizes), 'x.gz'), raw)).toBe(true);
      expect(holds(await inflate(streamOf(raw, sizes), 'x'), raw)).toBe(true);
    }
    expect(holds(await inflate(gz, 'x.gz'), raw)).toBe(true);
    expect(holds(await inflate(raw, 'x'), raw)).toBe(true);
    // A synchronous decoder the source brings (Node's zlib) gets the whole file.
    expect(holds(await inflate(streamOf(gz, [3, 4000]), 'x.gz', { decode: gunzipSync }), raw)).toBe(true);
  });

  it('writes straight into wasm memory, sized from the IDX header, and grows for a file longer than its header says', async () => {
    for (const [bytes, sizes] of [[gz, [10, 20000]], [raw, [4]], [new Uint8Array([...raw, 1, 2, 3]), [100000]]]) {
      const { ptr, length } = await inflate(streamOf(bytes, sizes), 'x.gz', { sink: wasmSink(core) });
      const expected = bytes === gz ? raw : bytes;
      expect(length).toBe(expected.length);
      expect(holds(core.u8(ptr, length), expected)).toBe(true);
      core.free(ptr);
    }
  });

  it('refuses a truncated or garbled gzip stream, naming the file, and frees what it had written', async () => {
    const size = core.memory.buffer.byteLength;
    for (const bad of [gz.subarray(0, gz.length / 2), Object.assign(new Uint8Array(gz), { 30: 0xff, 31: 0xff, 32: 0xff, 33: 0xff })]) {
      const err = await refusal(inflate(streamOf(bad, [1000]), 'x.gz', { sink: wasmSink(core) }));
      expect(err).toBeInstanceOf(NnError);
      expect(err.message).toMatch(/^x.gz: not a valid gzip file/);
    }
    expect(core.memory.buffer.byteLength).toBe(size);
  });

  it('passes a failed download\'s own error through (not as a gzip error)', async () => {
    const failWith = new Error('t10k-images-idx3-ubyte.gz: could not download it (connection reset)');
    const err = await refusal(inflate(streamOf(gz.subarray(0, 5000), [1000], { failWith }), 'x.gz'));
    expect(err).toBe(failWith);
  });
});

/** The made-up files above are not MNIST: skip the content check (tested below on the real files). */
const MADE_UP = { checksums: null };

describe('loadMnist', () => {
  it('loads in-memory files and frees them on dispose', async () => {
    const size = core.memory.buffer.byteLength;
    const data = await loadMnist(core, memorySource(20), MADE_UP);
    expect([data.train.count, data.test.count, data.features, data.classes]).toEqual([20, 20, 784, 10]);
    expect(Array.from(core.u8(data.test.y, 4))).toEqual([0, 3, 6, 9]);
    data.dispose();
    for (let i = 0; i < 5; i++) (await loadMnist(core, memorySource(20), MADE_UP)).dispose();
    expect(core.memory.buffer.byteLength).toBe(size);
  });

  const broken = [
    ['a truncated gzip file', { [MNIST_FILES.trainImages]: gzipSync(idx([20, 28, 28])).subarray(0, 200) }, /^train-images-idx3-ubyte.gz: not a valid gzip file/],
    ['a truncated image file', { [MNIST_FILES.testImages]: gzipSync(idx([20, 28, 28]).subarray(0, 5000)) }, /^t10k-images-idx3-ubyte.gz: IDX file: truncated/],
    ['images that are not 28x28', { [MNIST_FILES.trainImages]: gzipSync(idx([20, 32, 32])) }, /expected images of 28x28 pixels, got dimensions 20x32x32/],
    ['fewer labels than images', { [MNIST_FILES.trainLabels]: gzipSync(idx([19])) }, /train-labels-idx1-ubyte.gz holds 19 labels but train-images-idx3-ubyte.gz holds 20 images/],
    ['a label that is not a digit', { [MNIST_FILES.testLabels]: gzipSync(idx([20], (i) => (i === 7 ? 12 : 1))) }, /label 12 at index 7 is not a digit 0-9/],
    ['labels swapped with images', { [MNIST_FILES.trainLabels]: gzipSync(idx([20, 28, 28])) }, /expected a list of labels/],
  ];
  for (const [what, replace, message] of broken) {
    it(`refuses ${what}, leaking nothing`, async () => {
      await loadMnist(core, memorySource(20), MADE_UP).then((d) => d.dispose());
      const size = core.memory.buffer.byteLength;
      const err = await refusal(loadMnist(core, memorySource(20, replace), MADE_UP));
      expect(err).toBeInstanceOf(NnError);
      expect(err.message).toMatch(message);
      expect(core.memory.buffer.byteLength).toBe(size);
    });
  }

  it('reads streams as well as bytes; when one file fails, the other downloads are cancelled and nothing stays allocated', async () => {
    const files = {
      [MNIST_FILES.trainImages]: gzipSync(idx([20, 28, 28])),
      [MNIST_FILES.trainLabels]: gzipSync(idx([20], (i) => i % 10)),
      [MNIST_FILES.testImages]: idx([20, 28, 28]),
      [MNIST_FILES.testLabels]: gzipSync(idx([20], (i) => (i * 3) % 10)),
    };
    const streams = async (name) => streamOf(files[name], [7, 100]);
    const data = await loadMnist(core, streams, MADE_UP);
    expect(Array.from(core.u8(data.test.y, 4))).toEqual([0, 3, 6, 9]);
    data.dispose();

    const size = core.memory.buffer.byteLength;
    let cancelled = 0;
    const hanging = async (name) => {
      if (name === MNIST_FILES.testLabels) return streamOf(gzipSync(idx([20])).subarray(0, 30), [10]);
      // The other files never end: only a cancel stops them.
      return new ReadableStream({
        start(controller) {
          controller.enqueue(files[name].slice(0, 20));
        },
        pull: () => new Promise(() => {}),
        cancel: () => { cancelled++; },
      });
    };
    const err = await refusal(loadMnist(core, hanging, MADE_UP));
    expect(err.message).toMatch(/^t10k-labels-idx1-ubyte.gz: not a valid gzip file/);
    expect(cancelled).toBe(3);
    expect(core.memory.buffer.byteLength).toBe(size);
  });

  it('checks each file\'s SHA-256: a corrupted copy that passes every structural check is refused', async () => {
    const real = nodeMnistSource();
    // One label changed from 5 to 3: still a valid IDX file of digits.
    const corrupted = async (name) => {
      const bytes = await real(name);
      if (name !== MNIST_FILES.trainLabels) return bytes;
      const raw = gunzipSync(bytes);
      raw[8] = raw[8] === 3 ? 4 : 3;
      return raw; // served already inflated, as some servers do
    };
    corrupted.sha256 = real.sha256;
    await loadMnist(core, real).then((d) => d.dispose());
    const size = core.memory.buffer.byteLength;
    const err = await refusal(loadMnist(core, corrupted));
    expect(err).toBeInstanceOf(NnError);
    expect(err.status).toBe(Status.ERR_DATA);
    expect(err.message).toMatch(/^train-labels-idx1-ubyte.gz: the file is corrupted or not MNIST \(its SHA-256 is [0-9a-f]{16}\.\.\., the real file's is 65a50cbbf4e906d7\.\.\.\)/);
    expect(core.memory.buffer.byteLength).toBe(size); // nothing kept
    // Web Crypto (the browser's path) and node:crypto agree on the real files.
    const bytes = gunzipSync(await real(MNIST_FILES.testLabels));
    expect(await sha256Hex(bytes)).toBe(MNIST_SHA256.testLabels);
    expect(await nodeSha256(bytes)).toBe(MNIST_SHA256.testLabels);
    // Without Web Crypto (plain http from another host) the JavaScript digest gives the same.
    expect(await sha256Hex(bytes, null)).toBe(MNIST_SHA256.testLabels);
    const images = gunzipSync(await real(MNIST_FILES.testImages));
    expect(await sha256Hex(images, null)).toBe(MNIST_SHA256.testImages);
  });

  it('loads the real MNIST from the build, as bytes, reporting progress', async () => {
    const progress = [];
    const data = await loadMnist(core, nodeMnistSource(), { onProgress: (p) => progress.push(p) });
    try {
      expect([data.train.count, data.test.count]).toEqual([60000, 10000]);
      expect(data.train.type).toBe('u8');
      // The well-known first labels: 5 0 4 1 9 (train) and 7 2 1 0 4 (test).
      expect(Array.from(core.u8(data.train.y, 5))).toEqual([5, 0, 4, 1, 9]);
      expect(Array.from(core.u8(data.test.y, 5))).toEqual([7, 2, 1, 0, 4]);
      const counts = new Array(10).fill(0);
      for (const label of core.u8(data.train.y, 60000)) counts[label]++;
      expect(counts).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
      const last = progress.at(-1);
      expect(last.loaded).toBe(last.total);
      expect(progress.every((p) => p.loaded <= p.total)).toBe(true);
    } finally {
      data.dispose();
    }
  });
});
