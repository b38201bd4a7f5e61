// lab-actions.js: what the labs compute, run by the training worker (its Request.LAB, so the labs
// share its core and its MNIST): a race of up to 10,000 steps per optimizer, a learning-rate
// sweep or the MNIST trainings of the claims never run on the page's thread. Each action gets
// the request's fields; typed arrays in its result leave as transferred buffers.

import { runRace, surfaceGrid } from './optim-race.js';
import { runClaim } from './optim-claims.js';
import { lossCurves } from './loss-curves.js';
import { lossClaimOf, runLossClaim } from './loss-claims.js';
import { activationCurve, livePreActivations } from './activation-curves.js';
import { activationClaimOf, runActivationClaim } from './activation-claims.js';

const ACTIONS = {
  race: (core, { settings }) => ({ paths: runRace(core, settings) }),
  claim: (core, { claim }) => runClaim(core, claim),
  grid: (core, { settings, width, height }) => ({ grid: surfaceGrid(core, settings, width, height) }),
  'loss-curves': (core, { options, p }) => ({ curves: lossCurves(core, options), at: lossCurves(core, options, Float64Array.of(p)) }),
  'loss-claim': async (core, { claim }, mnist) => runLossClaim(core, claim, lossClaimOf(claim)?.mnist ? await mnist() : null),
  'act-curve': (core, { act, param }) => activationCurve(core, act, param),
  'act-claim': async (core, { claim }, mnist) => runActivationClaim(core, claim, activationClaimOf(claim)?.mnist ? await mnist() : null),
  // The playground's own run, as it trains: null before one is configured.
  'act-live': (core, { layer }, mnist, session) => (session() ? livePreActivations(core, session(), layer) : null),
};

/**
 * Runs msg.action with msg's fields; tools: {core, mnist: () => the MNIST data set's promise,
 * session: () => the playground's run (a Session) or null}.
 */
export function runLabAction({ core, mnist, session }, msg) {
  const action = ACTIONS[msg.action];
  if (!action) throw new TypeError(`unknown lab action ${JSON.stringify(msg.action)}`);
  return action(core, msg, mnist, session);
}
