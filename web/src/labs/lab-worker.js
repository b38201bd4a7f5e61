// lab-worker.js: the labs' worker: its own instance of the core, so a race of up to 10,000 steps
// per optimizer, a learning-rate sweep or the MNIST trainings of the claims never run on the page's thread.
// Each request {id, type, ...} is answered {id, result} or {id, error}, as the training worker
// does (engine/client.js speaks to both); typed arrays leave as transferred buffers.

import { createCore } from '../engine/core.js';
import { loadMnist } from '../data/datasets.js';
import { cachedSource } from '../data/cache.js';
import { runRace, surfaceGrid } from './optim-race.js';
import { runClaim } from './optim-claims.js';
import { lossCurves } from './loss-curves.js';
import { lossClaimOf, runLossClaim } from './loss-claims.js';
import { activationCurve } from './activation-curves.js';
import { activationClaimOf, runActivationClaim } from './activation-claims.js';

let corePromise = null;
let dataUrl = '';
let mnistPromise = null;

/** MNIST, once per worker, from the page's cache of it (the playground keeps it there). */
function mnist(core) {
  mnistPromise ??= (async () => {
    const source = cachedSource(dataUrl);
    try {
      const set = await loadMnist(core, source.readFile);
      await source.keep();
      return set;
    } catch (err) {
      source.discard();
      mnistPromise = null;
      throw err;
    }
  })();
  return mnistPromise;
}

const ACTIONS = {
  init: async (_, { wasmUrl, dataUrl: data }) => {
    dataUrl = data ?? '';
    corePromise ??= createCore(wasmUrl);
    await corePromise;
    return {};
  },
  race: (core, { settings }) => ({ paths: runRace(core, settings) }),
  claim: (core, { claim }) => runClaim(core, claim),
  grid: (core, { settings, width, height }) => ({ grid: surfaceGrid(core, settings, width, height) }),
  'loss-curves': (core, { options, p }) => ({ curves: lossCurves(core, options), at: lossCurves(core, options, Float64Array.of(p)) }),
  'loss-claim': async (core, { claim }) => runLossClaim(core, claim, lossClaimOf(claim)?.mnist ? await mnist(core) : null),
  'act-curve': (core, { act, param }) => activationCurve(core, act, param),
  'act-claim': async (core, { claim }) => runActivationClaim(core, claim, activationClaimOf(claim)?.mnist ? await mnist(core) : null),
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
    const core = type === 'init' ? null : await (corePromise ?? Promise.reject(new Error('the core is not loaded')));
    const result = await action(core, data);
    self.postMessage({ id, result }, buffers(result));
  } catch (err) {
    self.postMessage({ id, error: { name: err.name, message: err.message, status: err.status, msg: err.msg } });
  }
};
