// optim-worker.js: the optimizer lab's worker: its own instance of the core, so a race of up to
// 10,000 steps per optimizer or a learning-rate sweep never runs on the page's thread. Each
// request {id, type, ...} is answered {id, result} or {id, error}, as the training worker does
// (engine/client.js speaks to both); the paths leave as transferred buffers.

import { createCore } from '../engine/core.js';
import { runRace, surfaceGrid } from './optim-race.js';
import { runClaim } from './optim-claims.js';

let corePromise = null;

const ACTIONS = {
  init: async ({ wasmUrl }) => {
    corePromise ??= createCore(wasmUrl);
    await corePromise;
    return {};
  },
  race: (core, { settings }) => ({ paths: runRace(core, settings) }),
  claim: (core, { claim }) => runClaim(core, claim),
  grid: (core, { settings, width, height }) => ({ grid: surfaceGrid(core, settings, width, height) }),
};

/** The buffers of every typed array in a result (paths hold several each). */
function buffers(value, out = []) {
  if (ArrayBuffer.isView(value)) out.push(value.buffer);
  else if (Array.isArray(value)) for (const v of value) buffers(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) buffers(v, out);
  return out;
}

self.onmessage = async ({ data }) => {
  const { id, type } = data ?? {};
  try {
    const action = ACTIONS[type];
    if (!action) throw new TypeError(`unknown request ${type}`);
    const result = type === 'init' ? await action(data) : action(await (corePromise ?? Promise.reject(new Error('the core is not loaded'))), data);
    self.postMessage({ id, result }, buffers(result));
  } catch (err) {
    self.postMessage({ id, error: { name: err.name, message: err.message, status: err.status, msg: err.msg } });
  }
};
