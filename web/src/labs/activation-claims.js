// activation-claims.js: the lesson's sentences about where activations saturate, each with a
// measurement the page shows beside it (tests/web/labs/activation-claims.test.js measures the
// same in Node).

import { histogram, naiveSoftmax, sameSignShare, saturationOf, softmax } from './activation-curves.js';
import { actPresetOf } from './act-presets.js';

export { HISTOGRAM } from './act-presets.js';
export { histogram } from './activation-curves.js';

const pct = (v) => (100 * v).toFixed(1);
const e2 = (v) => v.toExponential(2);
const vec = (a) => Array.from(a, (v) => (Number.isNaN(v) ? 'NaN' : v.toFixed(2))).join(', ');


/**
 * Every claim: id (the link's claim=), whether it trains on MNIST, the state it shows (the
 * activation drawn), and measure(core, mnist) -> {holds, values, histograms?}.
 */
export const ACTIVATION_CLAIMS = Object.freeze([
  {
    ...actPresetOf('saturation'),
    measure(core, mnist) {
      const normal = { type: 'normal', mean: 0, std: 1 };
      const sig = saturationOf(core, mnist, 'sigmoid', normal);
      const sigDefault = saturationOf(core, mnist, 'sigmoid', { type: 'torch_default' });
      const tanh = saturationOf(core, mnist, 'tanh', normal);
      return {
        // The slide: most pre-activations saturated, and weight gradients orders of magnitude smaller.
        holds: sig.share > 0.5 && tanh.share > 0.5 && sig.gradient * 100 < sigDefault.gradient,
        values: {
          sigmoid: pct(sig.share), tanh: pct(tanh.share), sigmoidDefault: pct(sigDefault.share),
          gradient: e2(sig.gradient), gradientDefault: e2(sigDefault.gradient),
          rows: sig.rows.saturated === null ? '—' : e2(sig.rows.saturated), others: e2(sig.rows.others), units: sig.rows.units,
        },
        histograms: { normal: histogram(sig.values), default: histogram(sigDefault.values) },
      };
    },
  },
  {
    ...actPresetOf('same-sign'),
    measure(core, mnist) {
      const sigmoid = sameSignShare(core, mnist, 'sigmoid', { batch: 1 });
      const tanh = sameSignShare(core, mnist, 'tanh', { batch: 1 });
      const sigmoid64 = sameSignShare(core, mnist, 'sigmoid', { batch: 64 });
      const tanh64 = sameSignShare(core, mnist, 'tanh', { batch: 64 });
      return {
        holds: sigmoid === 1 && tanh < 0.1 && sigmoid64 > tanh64,
        values: { sigmoid: pct(sigmoid), tanh: pct(tanh), sigmoid64: pct(sigmoid64), tanh64: pct(tanh64) },
      };
    },
  },
  {
    ...actPresetOf('softmax'),
    measure(core) {
      const stable = softmax(core, [2.0, 1.0, 0.1]);
      const shifted = softmax(core, [102, 101, 100.1]);
      const naive = naiveSoftmax([102, 101, 100.1]);
      const naiveSmall = naiveSoftmax([2.0, 1.0, 0.1]);
      return {
        holds: vec(stable) === '0.66, 0.24, 0.10' && vec(shifted) === vec(stable) && naive.every(Number.isNaN),
        values: { stable: vec(stable), shifted: vec(shifted), naive: vec(naive), naiveSmall: vec(naiveSmall) },
      };
    },
  },
].map(Object.freeze));

export const activationClaimOf = (id) => ACTIVATION_CLAIMS.find((c) => c.id === id) ?? null;

/** Measures a claim: {holds, values, histograms?}; mnist for the claims that train. */
export function runActivationClaim(core, id, mnist = null) {
  const claim = activationClaimOf(id);
  if (!claim) throw new RangeError(`unknown claim ${id}`);
  return claim.measure(core, mnist);
}
