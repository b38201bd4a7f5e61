// loss-claims.js: the lesson's sentences about the two losses, each with a measurement the page
// shows beside it (tests/web/labs/loss-claims.test.js measures the same in Node).

import { CLASSES, lossAt, smoothedTarget, trainTo90 } from './loss-curves.js';
import { lossPresetOf } from './loss-presets.js';

const e1 = (v) => Math.abs(v).toExponential(1);
const f3 = (v) => v.toFixed(3);

/**
 * Every claim: id (the link's claim=), whether it trains on MNIST (`mnist`: the page loads the
 * data first and it takes seconds), its state (what the curves show), and measure(core, mnist)
 * -> {holds, values} for the sentence loss.claim.<id>.measured.
 */
export const LOSS_CLAIMS = Object.freeze([
  {
    ...lossPresetOf('confident-wrong'),
    measure(core) {
      const wrong = lossAt(core, 0.01);
      const unsure = lossAt(core, 0.5);
      return {
        holds: Math.abs(wrong.dce) > 10 * Math.abs(wrong.dmse) && Math.abs(wrong.dmse) < Math.abs(unsure.dmse),
        values: { ce: e1(wrong.dce), mse: e1(wrong.dmse), ratio: Math.round(wrong.dce / wrong.dmse), mseHalf: e1(unsure.dmse) },
      };
    },
  },
  {
    ...lossPresetOf('mnist-faster'),
    measure(core, mnist) {
      const ce = trainTo90(core, mnist, 'cross_entropy');
      const mse = trainTo90(core, mnist, 'mse');
      return {
        holds: ce.steps !== null && (mse.steps === null || ce.steps < mse.steps),
        values: { ce: ce.steps ?? '—', mse: mse.steps ?? '—' },
        curves: { ce: ce.curve, mse: mse.curve },
      };
    },
  },
  {
    ...lossPresetOf('smoothing-weights'),
    measure(core) {
      const target = smoothedTarget(0.1);
      const sure = lossAt(core, 0.999);
      const smoothed = lossAt(core, 0.999, { smoothing: 0.1 });
      const plain = lossAt(core, 0.3);
      const weighted = lossAt(core, 0.3, { weight: 2 });
      return {
        holds: smoothed.ce > 10 * sure.ce && smoothed.dce > 0 && Math.abs(weighted.ce / plain.ce - 2) < 1e-5,
        values: {
          target: f3(target.true), other: f3(target.other), classes: CLASSES, sure: f3(sure.ce), smoothed: f3(smoothed.ce),
          push: f3(smoothed.dce), plain: f3(plain.ce), weighted: f3(weighted.ce),
        },
      };
    },
  },
].map(Object.freeze));

export const lossClaimOf = (id) => LOSS_CLAIMS.find((c) => c.id === id) ?? null;

/** Measures a claim: {holds, values, curves?}. mnist: the loaded data set, for the claims that train. */
export function runLossClaim(core, id, mnist = null) {
  const claim = lossClaimOf(id);
  if (!claim) throw new RangeError(`unknown claim ${id}`);
  return claim.measure(core, mnist);
}
