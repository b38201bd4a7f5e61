// idx.js: gunzips and validates IDX files (the MNIST format) into wasm memory, using the core's
// nn_idx_parse for the checks (magic, dimensions, size), so the page and the runner refuse a
// truncated or corrupted file with the same message.
//
// Decompression: the platform's DecompressionStream('gzip') where there is one (every current
// browser: zlib in native code, which decodes a download while it arrives and yields between
// chunks; in a Chromium worker on this project's 2-core build machine it inflated MNIST's
// training images in 0.48 s where fflate's gunzipSync took 0.97 s on its first call, the one a
// page load makes, and 0.56 s warmed up), a synchronous decoder the caller brings (the Node side
// brings node:zlib's, faster there than either), else fflate.

import { gunzipSync } from 'fflate';
import { NnError } from '../engine/core.js';
import { Status } from '../engine/enums.js';
import { msgOf, say } from '../i18n/errors.js';

const isGzip = (bytes) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

function gzipError(name, err) {
  return new NnError(Status.ERR_DATA, say('err.data.gzip', { name, reason: err?.message ?? String(err) }), 'gunzip');
}

/**
 * Decompresses a gzip file with `decode` (fflate's gunzipSync unless given); raw bytes (a server
 * or browser that already inflated it) pass through.
 */
export function gunzip(bytes, name = 'file', decode = gunzipSync) {
  if (!isGzip(bytes)) return bytes;
  try {
    return decode(bytes);
  } catch (err) {
    throw gzipError(name, err);
  }
}

/** The platform's gzip decoder, where there is one. */
const NATIVE = typeof DecompressionStream === 'function';

function concat(chunks, length) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Keeps the chunks it is given, in order: {chunks, length} at the end. */
export function chunkSink() {
  const chunks = [];
  let length = 0;
  return {
    write(chunk) {
      chunks.push(chunk);
      length += chunk.length;
    },
    finish: () => ({ chunks, length }),
    dispose() {},
  };
}

/**
 * The header of an IDX file of unsigned bytes (1 to 4 dimensions) at the start of `bytes`:
 * {dims, offset (where the data starts), size (bytes of data)}; null when `bytes` does not start
 * with a whole one. Only what sizing a buffer needs: the core's nn_idx_parse makes the checks.
 */
export function idxHeader(bytes) {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) return null;
  const n = bytes[3];
  if (n < 1 || n > 4 || bytes.length < 4 + 4 * n) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4 + 4 * n);
  const dims = Array.from({ length: n }, (_, i) => view.getUint32(4 + 4 * i));
  return { dims, offset: 4 + 4 * n, size: dims.reduce((a, b) => a * b, 1) };
}

/** A header may promise anything: beyond this, the buffer grows with the bytes that do come. */
const MAX_SIZE_FROM_HEADER = 256 * 1024 * 1024;

/**
 * Copies the chunks it is given into one block of wasm memory as they come, so a file is never
 * held whole in JavaScript memory as well: the block is sized from the IDX header in the first
 * chunk (a file that turns out longer than its header says, or has none, is moved to a block
 * twice as large). finish() hands over {ptr, length} (the caller frees ptr); dispose() frees
 * the block when the file is given up.
 */
export function wasmSink(core) {
  let ptr = 0;
  let capacity = 0;
  let length = 0;
  return {
    write(chunk) {
      const need = length + chunk.length;
      if (need > capacity) {
        const header = length === 0 ? idxHeader(chunk) : null;
        const promised = header ? header.offset + header.size : 0;
        const size = promised >= need && promised <= MAX_SIZE_FROM_HEADER ? promised : Math.max(need, 2 * capacity, 1 << 16);
        const next = core.alloc(size);
        if (length) core.u8(next, length).set(core.u8(ptr, length));
        core.free(ptr);
        ptr = next;
        capacity = size;
      }
      core.u8(ptr + length, chunk.length).set(chunk);
      length = need;
    },
    finish() {
      if (!ptr) ptr = core.alloc(0);
      const out = { ptr, length };
      ptr = 0;
      capacity = length = 0;
      return out;
    },
    dispose() {
      core.free(ptr);
      ptr = 0;
      capacity = length = 0;
    },
  };
}

/** Writes what is left of `reader` to `sink`. */
async function drain(reader, sink, signal) {
  for (;;) {
    if (signal?.aborted) throw signal.reason;
    const { done, value } = await reader.read();
    if (done) return;
    sink.write(value);
  }
}

/**
 * Writes a file's content to `sink` (chunkSink() unless given; wasmSink() puts it straight into
 * wasm memory) and returns sink.finish(): `input` is the file's bytes or a ReadableStream of
 * them, gzip'ed (decompressed here) or not (passed through as it is). A stream is decoded while
 * it arrives (DecompressionStream) unless `decode`, a synchronous gunzip, is given or the
 * platform has none (then fflate): those get the whole file first. An error of the input stream
 * (a failed download, already worded by the source) is thrown as it is; data that is not valid
 * gzip is an NnError (ERR_DATA) naming the file. `signal` aborts a read in progress. On any
 * failure the sink is disposed of.
 */
export async function inflate(input, name = 'file', { decode, signal, sink = chunkSink() } = {}) {
  try {
    await inflateTo(input, name, decode, signal, sink);
    return sink.finish();
  } catch (err) {
    sink.dispose();
    throw err;
  }
}

async function inflateTo(input, name, decode, signal, sink) {
  if (input instanceof Uint8Array) {
    if (!isGzip(input) || decode || !NATIVE) {
      sink.write(gunzip(input, name, decode));
      return;
    }
    input = new Blob([input]).stream();
  }
  const reader = input.getReader();
  const abort = () => reader.cancel(signal.reason).catch(() => {});
  if (signal?.aborted) {
    await abort();
    throw signal.reason;
  }
  signal?.addEventListener('abort', abort);
  try {
    // The first two bytes tell a gzip file from one a server or the browser already inflated.
    const head = chunkSink();
    while (head.finish().length < 2) {
      const { done, value } = await reader.read();
      if (done) break;
      head.write(value);
    }
    const { chunks, length } = head.finish();
    const byteAt = (i) => {
      for (const c of chunks) {
        if (i < c.length) return c[i];
        i -= c.length;
      }
      return -1;
    };
    if (byteAt(0) !== 0x1f || byteAt(1) !== 0x8b) {
      for (const c of chunks) sink.write(c);
      await drain(reader, sink, signal);
      return;
    }
    if (decode || !NATIVE) {
      const all = chunkSink();
      for (const c of chunks) all.write(c);
      await drain(reader, all, signal);
      const got = all.finish();
      sink.write(gunzip(concat(got.chunks, got.length), name, decode));
      return;
    }
    let sourceError = null;
    const source = new ReadableStream({
      start(controller) {
        for (const c of chunks) controller.enqueue(c);
      },
      async pull(controller) {
        let got;
        try {
          got = await reader.read();
        } catch (err) {
          sourceError = err;
          throw err;
        }
        if (got.done) controller.close();
        else controller.enqueue(got.value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    const out = source.pipeThrough(new DecompressionStream('gzip')).getReader();
    try {
      await drain(out, sink, signal);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw sourceError ?? gzipError(name, err);
    }
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

/**
 * Validates an IDX file of `length` bytes at `ptr` in wasm memory with the core's checks. Returns
 * {ptr, length, dims, dataPtr, free()}: ptr owns the file, dataPtr points at its first value. On
 * failure ptr is freed and the error names the file.
 */
export function parseIdx(core, ptr, length, name = 'IDX file') {
  try {
    const { dims, dataPtr } = core.idxParse(ptr, length);
    return { ptr, length, dims, dataPtr, free: () => core.free(ptr) };
  } catch (err) {
    core.free(ptr);
    if (err instanceof NnError) throw new NnError(err.status, say('err.data.file', { name, message: msgOf(err) }), err.func);
    throw err;
  }
}

/** Copies an IDX file's bytes into wasm memory and validates it there (parseIdx). */
export function loadIdx(core, bytes, name = 'IDX file') {
  return parseIdx(core, core.copyIn(bytes), bytes.length, name);
}
