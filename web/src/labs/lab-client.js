// lab-client.js: how the labs reach the training worker (the page's TrainingClient,
// engine/client.js): the labs view hands it over, and every lab sends its computations to the
// worker as Request.LAB {action, ...}, so they share its core and its MNIST.

import { Request } from '../engine/protocol.js';
import { WASM_FILE } from '../engine/wasm-file.js';

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
        const urls = { wasmUrl: String(new URL(WASM_FILE, document.baseURI)), dataUrl: String(new URL('data/', document.baseURI)) };
        return shared.request(Request.LAB, { action, ...urls, ...fields }, { transfer: false });
      },
    },
    ready,
  };
}
