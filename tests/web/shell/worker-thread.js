// worker-thread.js: the real training worker (web/src/engine/worker.js) in a Node worker thread,
// behind the part of the browser's Worker that TrainingClient uses (postMessage, onmessage,
// onerror, terminate), and the built page served over HTTP for the worker to load nn.wasm from.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { serve } from '../../e2e/server.js';

export class ThreadWorker {
  /**
   * isolated: the worker sees a cross-origin isolated page (it may load nn-mt.wasm); boot: the
   * file the thread runs (thread-boot.js for one of the core's extra threads).
   */
  constructor({ isolated = false, boot = './worker-boot.js' } = {}) {
    this.terminated = false;
    this.thread = new Worker(new URL(boot, import.meta.url), { workerData: { isolated } });
    this.thread.on('message', (data) => this.onmessage?.({ data }));
    this.thread.on('error', (err) => this.onerror?.({ message: err.message, preventDefault() {} }));
  }

  postMessage(msg, transfer) {
    this.thread.postMessage(msg, transfer);
  }

  terminate() {
    this.terminated = true;
    this.thread.terminate();
  }

  /** Makes the worker hang (an endless loop in its thread). */
  hang() {
    this.thread.postMessage({ hang: true });
  }
}

/** Serves web/dist (build.sh's page: nn.wasm and the data) and says where. */
export async function servePage() {
  const server = await serve(fileURLToPath(new URL('../../../web/dist', import.meta.url)));
  return { server, wasmUrl: new URL('nn.wasm', server.url).href, wasmMtUrl: new URL('nn-mt.wasm', server.url).href, dataUrl: new URL('data/', server.url).href };
}
