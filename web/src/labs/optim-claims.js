// optim-claims.js: the lesson's sentences about how each optimizer moves, each as a race the lab
// can run (its preset) and a measurement of that race. The page shows the numbers beside the
// claim; tests/web/labs/optim-claims.test.js runs the same measurements in Node.

import { runRace, runRacer } from './optim-race.js';
import { optimPresetOf } from './optim-presets.js';

const LR_SWEEP = Object.freeze([1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1]);
/** The loss a sweep's racer must reach to count as arrived (claim 7). */
export const ARRIVED = 1e-4;

/** Steps until |y| first exceeds 1 (left the saddle), or null if it never does. */
function escapeStep(path) {
  const i = path.y.findIndex((v) => Math.abs(v) > 1);
  return i < 0 ? null : i;
}

/** Sign changes of a coordinate over the path (each is one crossing of the valley floor). */
export function signChanges(values) {
  let count = 0;
  let side = 0; // the sign of the last value off the floor (a point on it crosses nothing)
  for (const v of values) {
    if (v === 0) continue;
    if (side && Math.sign(v) !== side) count++;
    side = Math.sign(v);
  }
  return count;
}

const sum = (a) => a.reduce((s, v) => s + v, 0);
const spread = (a) => Math.max(...a) - Math.min(...a);

/** The first step whose loss is below `level`, or null. */
export function arrival(path, level = ARRIVED) {
  const i = path.loss.findIndex((l) => l < level);
  return i < 0 ? null : i;
}

/**
 * Every claim: id (the link's claim=), the race it runs (settings of optim-race.js), an optional
 * prepare(core, settings) that returns the settings to race (claim 7 sweeps its learning rates
 * first), and measure(paths, settings, core) -> {holds, values}: whether the numbers support the
 * slide, and the numbers the sentence optim.claim.<id>.measured shows.
 */
export const OPTIM_CLAIMS = Object.freeze([
  {
    ...optimPresetOf('saddle'),
    measure([sgd, momentum]) {
      const sgdOut = escapeStep(sgd);
      const momentumOut = escapeStep(momentum);
      const before = sgd.step.slice(0, sgdOut ?? sgd.steps);
      const slowest = Math.min(...before) / sgd.step[0];
      return {
        holds: sgdOut !== null && momentumOut !== null && momentumOut * 2 <= sgdOut && slowest < 0.1,
        values: { sgd: sgdOut ?? '—', momentum: momentumOut ?? '—', slowest: (100 * slowest).toFixed(1) },
      };
    },
  },
  {
    ...optimPresetOf('overshoot'),
    measure([momentum, nesterov]) {
      const m = signChanges(momentum.y);
      const n = signChanges(nesterov.y);
      const lengthM = sum(momentum.step);
      const lengthN = sum(nesterov.step);
      return {
        holds: m > 2 && n < m && lengthN < lengthM,
        values: { momentum: m, nesterov: n, lengthMomentum: lengthM.toFixed(1), lengthNesterov: lengthN.toFixed(1) },
      };
    },
  },
  {
    ...optimPresetOf('adagrad-stops'),
    measure([adagrad, rmsprop]) {
      const last = adagrad.steps - 1;
      const distance = (p) => Math.hypot(p.x.at(-1) - 1, p.y.at(-1) - 1);
      let shrinks = true;
      for (let i = 1; i < adagrad.steps; i++) shrinks &&= adagrad.effective[2 * i] <= adagrad.effective[2 * (i - 1)];
      const e = (p, i) => p.effective[2 * i].toExponential(1);
      return {
        holds: shrinks && distance(adagrad) > 5 * distance(rmsprop) && rmsprop.effective[2 * last] > 10 * adagrad.effective[2 * last],
        values: {
          first: e(adagrad, 0), last: e(adagrad, last), rmsprop: e(rmsprop, last),
          adagrad: distance(adagrad).toFixed(2), rmspropDistance: distance(rmsprop).toFixed(3), steps: adagrad.steps,
        },
      };
    },
  },
  {
    ...optimPresetOf('adagrad-sparse'),
    measure([sgd, adagrad]) {
      const moved = (p) => Math.abs(p.y.at(-1) - p.y[0]);
      const last = adagrad.steps - 1;
      const ratio = adagrad.effective[2 * last + 1] / adagrad.effective[2 * last];
      return {
        holds: moved(adagrad) > 1.2 * moved(sgd) && ratio > 2,
        values: { sgd: moved(sgd).toFixed(2), adagrad: moved(adagrad).toFixed(2), ratio: ratio.toFixed(1), steps: adagrad.steps },
      };
    },
  },
  {
    ...optimPresetOf('oscillate'),
    measure(paths) {
      // Over the last 200 steps: the spread of the loss and the mean step length.
      const tail = (p) => ({ spread: spread(p.loss.slice(-200)), step: sum(p.step.slice(-200)) / 200 });
      const [sgd, rmsprop, adam] = paths.map(tail);
      const x = (v) => v.toExponential(1);
      return {
        holds: rmsprop.spread > 100 * sgd.spread && adam.spread > 100 * sgd.spread && rmsprop.step > 100 * sgd.step && adam.step > 100 * sgd.step,
        values: { sgd: x(sgd.spread), rmsprop: x(rmsprop.spread), adam: x(adam.spread),
          sgdStep: x(sgd.step), rmspropStep: x(rmsprop.step), adamStep: x(adam.step) },
      };
    },
  },
  {
    ...optimPresetOf('rescale'),
    // The same two optimizers on the ravine as it is and with its x term 100 times steeper.
    measure(paths, settings, core) {
      const unscaled = runRace(core, { ...settings, scale: 1 });
      const deviation = (a, b) => {
        let d = 0;
        for (let i = 0; i <= 20 && i < a.x.length && i < b.x.length; i++) d = Math.max(d, Math.hypot(a.x[i] - b.x[i], a.y[i] - b.y[i]));
        return d;
      };
      const sgd = deviation(paths[0], unscaled[0]);
      const adam = deviation(paths[1], unscaled[1]);
      return { holds: sgd > 1 && adam < 1e-3, values: { sgd: sgd.toFixed(2), adam: adam.toExponential(1) } };
    },
  },
  {
    ...optimPresetOf('tuned-sgd'),
    /** Each racer at the learning rate of the sweep that arrives first. */
    prepare(core, settings) {
      const racers = settings.racers.map((racer) => {
        let best = null;
        for (const lr of LR_SWEEP) {
          const at = arrival(runRacer(core, settings, { ...racer, lr }));
          if (at !== null && (best === null || at < best.at)) best = { lr, at };
        }
        return best ? { ...racer, lr: best.lr } : racer;
      });
      return { ...settings, racers };
    },
    measure([sgd, adam], settings) {
      const s = arrival(sgd);
      const a = arrival(adam);
      return {
        holds: s !== null && (a === null || s < a),
        values: { sgd: s ?? '—', adam: a ?? '—', sgdLr: settings.racers[0].lr, adamLr: settings.racers[1].lr, sweep: LR_SWEEP.length },
      };
    },
  },
].map(Object.freeze));

export const claimOf = (id) => OPTIM_CLAIMS.find((c) => c.id === id) ?? null;

/** Runs a claim's race and measures it: {settings (as raced), paths, holds, values}. */
export function runClaim(core, id) {
  const claim = claimOf(id);
  if (!claim) throw new RangeError(`unknown claim ${id}`);
  const settings = claim.prepare ? claim.prepare(core, claim.settings) : claim.settings;
  const paths = runRace(core, settings);
  return { settings, paths, ...claim.measure(paths, settings, core) };
}
