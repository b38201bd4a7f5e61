// web-worker.js: a benchmark Web Worker in the browser (see trial.js): our core and MNIST from the
// bench server (nn.wasm and data/ as the page gets them), TF.js bundled by Vite with its wasm
// binaries served from its npm package under /tfjs-wasm/.

import { initCore } from '../src/engine/core.js';
import { fetchSource } from '../src/data/datasets.js';
import { createTrialHandler } from './trial.js';

/** The environment of createTrialHandler, against this worker's origin. */
function browserTrialEnv() {
  const origin = self.location.origin;
  let tfWasm = null;

  async function loadTf(backend, threads = 1) {
    const bundle = await import('./tfjs.js');
    const { tf } = bundle;
    tf.enableProdMode(); // the peer skips its debug checks, as a user after speed would set it
    if (backend === 'wasm') {
      tfWasm = bundle.tfWasm;
      if (threads > 1) {
        // Its threaded SIMD build (tfjs-backend-wasm-threaded-simd.wasm): the bench page is
        // cross-origin isolated, so TF.js finds shared memory and starts its own pthread workers.
        if (!self.crossOriginIsolated) throw new Error('TF.js threads need a cross-origin isolated page');
        // TF.js caps its thread pool at half of navigator.hardwareConcurrency (its backend.cc counts
        // two logical cores as one core), so on a 2-core machine it would run one thread whatever
        // it is asked: it is told of twice the threads asked for, before its module starts.
        Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
        tfWasm.setThreadsCount(threads);
      } else {
        // One thread, like our core's single-thread build.
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      }
      tfWasm.setWasmPaths(`${origin}/tfjs-wasm/`);
    }
    if (!(await tf.setBackend(backend))) throw new Error(`TF.js could not start its ${backend} backend`);
    return tf;
  }

  return {
    core: () => initCore(new URL('/nn.wasm', origin)),
    mnistSource: fetchSource(new URL('/data/', origin)),
    tf: loadTf,
    wasmThreads: () => tfWasm.getThreadsCount(),
  };
}

const handle = createTrialHandler(browserTrialEnv());

self.onmessage = async (event) => {
  const { id, ...msg } = event.data;
  try {
    const result = await handle(msg);
    self.postMessage({ id, result }, result?.times ? [result.times.buffer] : []);
  } catch (err) {
    self.postMessage({ id, error: { message: err?.message ?? String(err), stack: err?.stack } });
  }
};
