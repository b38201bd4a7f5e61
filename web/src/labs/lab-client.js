// lab-client.js: the one worker every lab of the page shares (lab-worker.js), started on first
// use and stopped when the lab view closes.

import { TrainingClient } from '../engine/client.js';

let shared = null;

/** {client, ready}: requests go through client.request(type, fields); ready resolves once the core is in. */
export function labWorker() {
  if (!shared) {
    const client = new TrainingClient(new Worker(new URL('./lab-worker.js', import.meta.url), { type: 'module' }));
    const ready = client.request('init', {
      wasmUrl: String(new URL('nn.wasm', document.baseURI)), dataUrl: String(new URL('data/', document.baseURI)),
    });
    ready.catch(() => {}); // each caller awaits it and shows its own error
    shared = { client, ready };
  }
  return shared;
}

/** Stops the worker (a later labWorker() starts a new one). */
export function closeLabWorker() {
  shared?.client.terminate();
  shared = null;
}
