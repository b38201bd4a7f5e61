// node.js: where the Node side (the runner, the tests) finds the build's files. Not for the page.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createCore, initCore } from './engine/core.js';

/** web/public: nn.wasm and data/ as build.sh leaves them (Vite serves the same folder). */
export const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));
export const WASM_PATH = fileURLToPath(new URL('../public/nn.wasm', import.meta.url));
export const DATA_DIR = fileURLToPath(new URL('../public/data/', import.meta.url));

async function wasmBytes() {
  try {
    return await readFile(WASM_PATH);
  } catch (err) {
    if (err.code === 'ENOENT') throw new Error(`${WASM_PATH} is missing: run ./build.sh first`);
    throw err;
  }
}

/** The shared core of this process. */
let shared = null;
export function nodeCore() {
  shared ??= wasmBytes().then(initCore);
  shared.catch(() => { shared = null; });
  return shared;
}

/** The threaded build (build.sh): the same core on a shared memory, for createCore's threads. */
export const WASM_MT_PATH = fileURLToPath(new URL('../public/nn-mt.wasm', import.meta.url));

// One extra thread of the threaded core: its own instance on the shared memory, its own stack.
const THREAD_SOURCE = `
const { workerData: { module, memory, id, stackTop } } = require('node:worker_threads');
const { exports } = new WebAssembly.Instance(module, { env: { memory, emscripten_notify_memory_growth() {} } });
exports.stackRestore(stackTop);
exports.nn_thread_main(id);
`;

/** createCore's startThread in Node: a worker thread that does not keep the process alive. */
export function startNodeThread(info) {
  const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: info });
  worker.unref();
  return worker;
}

/** A fresh core on `threads` threads (the threaded build; 1 thread uses it too). */
export async function threadedCore(threads) {
  let bytes;
  try {
    bytes = await readFile(WASM_MT_PATH);
  } catch (err) {
    if (err.code === 'ENOENT') throw new Error(`${WASM_MT_PATH} is missing: run ./build.sh first`);
    throw err;
  }
  return createCore(bytes, { threads, startThread: startNodeThread });
}

/** A fresh, independent core (tests comparing two runs). */
export async function freshCore() {
  return createCore(await wasmBytes());
}

/** SHA-256 as hex with node:crypto (loadMnist checks the files' content with it). */
export const nodeSha256 = async (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * A readFile for loadMnist reading build.sh's copies of the gzip'ed IDX files, hashed with
 * node:crypto and gunzip'ed with node:zlib (in Node: 0.25 s for the training images, fflate 0.4 s,
 * Node's DecompressionStream 0.6 s).
 */
export function nodeMnistSource(dir = DATA_DIR) {
  const source = async (name) => {
    try {
      return new Uint8Array(await readFile(path.join(dir, name)));
    } catch (err) {
      if (err.code === 'ENOENT') throw new Error(`${path.join(dir, name)} is missing: run ./build.sh first`);
      throw err;
    }
  };
  source.sha256 = nodeSha256;
  source.gunzip = (bytes) => gunzipSync(bytes);
  return source;
}
