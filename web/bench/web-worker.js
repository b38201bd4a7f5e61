// web-worker.js: a benchmark Web Worker in the browser (see trial.js): our core and MNIST from the
// bench server (nn.wasm and data/ as the page gets them), TF.js bundled by Vite with its wasm
// binaries served from its npm package under /tfjs-wasm/.

import { browserTrialEnv } from './browser-env.js';
import { createTrialHandler } from './trial.js';

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
