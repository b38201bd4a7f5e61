// threads-bare-worker.js: our core through Session in a module worker with nothing else around it
// (threads-page.js's "bare Session"): nn.wasm on one thread, nn-mt.wasm on more, its extra threads
// started from here, each a thread-worker.js as the page starts them.

import { createCore } from '../src/engine/core.js';
import { Session } from '../src/engine/session.js';
import { fetchSource } from '../src/data/datasets.js';

function startThread(info) {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('../src/engine/thread-worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = () => resolve(worker); // it says it is up, then serves jobs
    worker.postMessage(info);
  });
}

let session = null;

async function handle(msg) {
  if (msg.type === 'init') {
    const bytes = await (await fetch(new URL(msg.threads > 1 ? '/nn-mt.wasm' : '/nn.wasm', location.origin))).arrayBuffer();
    const core = await createCore(bytes, { threads: msg.threads, startThread });
    session = await Session.open(core, msg.experiment, { mnistSource: fetchSource(new URL('/data/', location.origin)) });
    for (let i = 0; i < 20; i++) session.trainStep(); // warm-up, as the bench's
    return {};
  }
  const t0 = performance.now();
  let steps = 0;
  while (performance.now() - t0 < msg.seconds * 1000) {
    session.trainStep();
    steps++;
  }
  return { samplesPerSec: (steps * session.batchSize) / ((performance.now() - t0) / 1000) };
}

onmessage = async ({ data }) => {
  try {
    postMessage(await handle(data));
  } catch (err) {
    postMessage({ error: err?.stack ?? String(err) });
  }
};
