// thread-boot.js: runs in a Node worker thread as one of the threaded core's extra threads: gives
// web/src/engine/thread-worker.js the postMessage and onmessage of a browser's worker, then loads it.
import { parentPort } from 'node:worker_threads';

globalThis.postMessage = (msg) => parentPort.postMessage(msg);
globalThis.onmessage = null; // a worker's global property, which thread-worker.js sets
await import('../../../web/src/engine/thread-worker.js');
parentPort.on('message', (data) => globalThis.onmessage({ data }));
