// node-worker.js: a benchmark worker thread in Node (see trial.js): our core from the bytes bench.js
// read (workerData.wasmBytes), MNIST from web/public/data/, TF.js from the bundle of tfjs.js
// (workerData.tfjsBundle) with the wasm binaries of its npm package.

import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { createCore } from '../src/engine/core.js';
import { nodeMnistSource, startNodeThread } from '../src/node.js';
import { createTrialHandler } from './trial.js';

const require = createRequire(import.meta.url);
let tfWasm = null;

async function loadTf(backend) {
  const bundle = await import(pathToFileURL(workerData.tfjsBundle).href);
  const { tf } = bundle;
  // Production mode: the peer skips its debug checks, as a user after speed would set it.
  tf.enableProdMode();
  if (backend === 'wasm') {
    tfWasm = bundle.tfWasm;
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false); // one thread, like our core
    // The .wasm binaries ship inside the npm package: point the loader at that folder.
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    tfWasm.setWasmPaths(`${dist}${path.sep}`);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js could not start its ${backend} backend`);
  return tf;
}

let core = null;
const handle = createTrialHandler({
  core: () => (core ??= createCore(workerData.wasmBytes)),
  threadedCore: (threads) => createCore(workerData.wasmMtBytes, { threads, startThread: startNodeThread }),
  mnistSource: nodeMnistSource(),
  tf: loadTf,
  wasmThreads: () => tfWasm.getThreadsCount(),
});

parentPort.on('message', async ({ id, ...msg }) => {
  try {
    const result = await handle(msg);
    parentPort.postMessage({ id, result }, result?.times ? [result.times.buffer] : []);
  } catch (err) {
    parentPort.postMessage({ id, error: { message: err?.message ?? String(err), stack: err?.stack } });
  }
});
