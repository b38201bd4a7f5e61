// lab-client.js: how the labs reach the training worker (the page's TrainingClient,
// engine/client.js): the labs view hands it over, and every lab sends its computations to the
// worker as Request.LAB {action, ...}, so they share its core and its MNIST.

import { Request } from '../engine/protocol.js';
import { WASM_FILE, WASM_MT_FILE } from '../engine/wasm-file.js';

let shared = null;
let resolveReady;
let ready = new Promise((resolve) => (resolveReady = resolve));

/** Given by the labs view (<nn-labs>): the page's client (a new one after the worker restarts), or null. */
export function setLabClient(client) {
  if (client && !shared) resolveReady();
  if (!client && shared) ready = new Promise((resolve) => (resolveReady = resolve));
  shared = client;
}

/** {client: {request(action, fields)}, ready}: ready resolves once the page's client is set. */
export function labWorker() {
  return {
    client: {
      request: async (action, fields = {}) => {
        await ready;
        // The page's urls, as its INIT sends them: a lab's request may reach the worker first.
        const url = (file) => String(new URL(file, document.baseURI));
        const urls = { wasmUrl: url(WASM_FILE), wasmMtUrl: url(WASM_MT_FILE), dataUrl: url('data/') };
        return shared.request(Request.LAB, { action, ...urls, ...fields }, { transfer: false });
      },
    },
    ready,
  };
}
