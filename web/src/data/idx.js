// idx.js: gunzips and validates IDX files (the MNIST format) into wasm memory, using the core's
// nn_idx_parse for the checks (magic, dimensions, size), so the page and the runner refuse a
// truncated or corrupted file with the same message.

import { gunzipSync } from 'fflate';
import { NnError } from '../engine/core.js';
import { Status } from '../engine/enums.js';
import { msgOf, say } from '../i18n/errors.js';

/** Decompresses a gzip file; raw bytes (a server or browser that already inflated it) pass through. */
export function gunzip(bytes, name = 'file') {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw new NnError(Status.ERR_DATA, say('err.data.gzip', { name, reason: err.message }), 'gunzip');
  }
}

/**
 * Copies an IDX file into wasm memory and validates it there. Returns
 * {ptr, dims, dataPtr, free()}: ptr owns the copy, dataPtr points at its first value.
 */
export function loadIdx(core, bytes, name = 'IDX file') {
  const ptr = core.copyIn(bytes);
  try {
    const { dims, dataPtr } = core.idxParse(ptr, bytes.length);
    return { ptr, dims, dataPtr, free: () => core.free(ptr) };
  } catch (err) {
    core.free(ptr);
    if (err instanceof NnError) throw new NnError(err.status, say('err.data.file', { name, message: msgOf(err) }), err.func);
    throw err;
  }
}
