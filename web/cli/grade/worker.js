// worker.js: one replay thread of the grading pool (pool.js). It owns its own core instance (the
// compiled module comes from the main thread, instantiated here) and its own Verifier, so MNIST
// is loaded once per thread; it answers each {id, link} with {id, report, seconds} or {id, error}.

import { parentPort, workerData } from 'node:worker_threads';
import { createCore } from '../../src/engine/core.js';
import { nodeMnistSource } from '../../src/node.js';
import { decodeLink, Verifier } from '../verify.js';

const core = await createCore(workerData.module);
const verifier = new Verifier(core, { mnistSource: nodeMnistSource() });
const homework = workerData.assignment ? decodeLink(workerData.assignment) : null;

parentPort.on('message', async ({ id, link }) => {
  try {
    const started = performance.now();
    const report = await verifier.verify(link, { homework, maxSeconds: workerData.maxSeconds });
    parentPort.postMessage({ id, report, seconds: Math.round(performance.now() - started) / 1000 });
  } catch (err) {
    parentPort.postMessage({ id, error: err?.message ?? String(err) });
  }
});
parentPort.postMessage({ ready: true });
