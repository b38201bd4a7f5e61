// worker-boot.js: runs in a Node worker thread (worker-thread.js starts it): gives the training
// worker the `self` a browser's worker has and Vite's ?raw imports (raw-loader.js), then loads
// it. Requests that come while it loads wait for it, as a browser holds a module worker's
// messages until the module has run.
import { register } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

register('./raw-loader.js', import.meta.url);

globalThis.self = globalThis;
if (workerData?.isolated) globalThis.crossOriginIsolated = true;
globalThis.postMessage = (msg, transfer) => parentPort.postMessage(msg, transfer);
const early = [];
const deliver = (data) => {
  // A worker stuck in a loop: it answers nothing and sends nothing, as a hung worker does.
  if (data?.hang) for (;;);
  globalThis.onmessage({ data });
};
parentPort.on('message', (data) => (globalThis.onmessage ? deliver(data) : early.push(data)));
await import('../../../web/src/engine/worker.js');
for (const data of early.splice(0)) deliver(data);
