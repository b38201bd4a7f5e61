// homework.js: what a homework assignment means, shared by the page (progress towards the goal,
// the Submit button) and the runner's verifier: the goal test, the budgets, the result digest,
// and whether a submitted experiment kept the controls the assignment fixed.
//
// The digest is evidence, not security: anyone can recompute it (there is no secret). It makes a
// hand-edited claim or experiment stand out at a glance; the verifier replays the run anyway.

import { canonicalJson } from './canonical.js';
import { sha256Hex } from './digest.js';
import { controlPaths, digestText, encodeHash, GOAL_METRICS } from './url.js';

/** Hex digits of SHA-256 a result link keeps (64 bits: plenty to make an edit evident). */
export const DIGEST_DIGITS = 16;

/** The digest of (experiment, assignment, claim) that a result link carries. */
export function resultDigest(experiment, assignment, claim) {
  return sha256Hex(digestText(experiment, assignment, claim)).slice(0, DIGEST_DIGITS);
}

/** A result to put in a link: the claim {steps, test_accuracy, test_loss} with its digest. */
export function makeResult(experiment, assignment, { steps, test_accuracy, test_loss }) {
  const claim = { steps, test_accuracy, test_loss };
  return { ...claim, digest: resultDigest(experiment, assignment, claim) };
}

export function digestMatches(experiment, assignment, result) {
  return resultDigest(experiment, assignment, result) === result.digest;
}

/** Whether `value` of the assignment's metric reaches its target (accuracy: at least; loss: at most). */
export function reaches(assignment, value) {
  if (!assignment?.metric || !Number.isFinite(value)) return false;
  return assignment.metric === 'test_loss' ? value <= assignment.target : value >= assignment.target;
}

/** The metric's value in a set of test numbers {test_accuracy, test_loss}. */
export const metricValue = (assignment, numbers) => (assignment?.metric ? numbers?.[assignment.metric] : undefined);

/** The last step a run may train under the assignment's budgets (Infinity without one). */
export function stepBudget(assignment, stepsPerEpoch) {
  let limit = Infinity;
  if (assignment?.max_steps !== undefined) limit = Math.min(limit, assignment.max_steps);
  if (assignment?.max_epochs !== undefined && stepsPerEpoch > 0) limit = Math.min(limit, assignment.max_epochs * stepsPerEpoch);
  return limit;
}

/**
 * Each budget of the assignment against a run: [{budget, limit, used, ok}], where `used` is the
 * steps trained, the epochs trained (steps / stepsPerEpoch, a fraction inside an epoch) or the
 * parameters of the network.
 */
export function budgetChecks(assignment, { steps, stepsPerEpoch, params }) {
  const checks = [];
  if (!assignment) return checks;
  if (assignment.max_epochs !== undefined) {
    const used = stepsPerEpoch > 0 ? steps / stepsPerEpoch : NaN;
    checks.push({ budget: 'max_epochs', limit: assignment.max_epochs, used, ok: steps <= assignment.max_epochs * stepsPerEpoch });
  }
  if (assignment.max_steps !== undefined) checks.push({ budget: 'max_steps', limit: assignment.max_steps, used: steps, ok: steps <= assignment.max_steps });
  if (assignment.max_params !== undefined) checks.push({ budget: 'max_params', limit: assignment.max_params, used: params, ok: params <= assignment.max_params });
  return checks;
}

/**
 * The budgets the settings break before a step is trained: [{budget, limit, planned}], where
 * `planned` is the epochs or steps the settings train (the run stops at the budget) or the
 * network's parameters. Empty when the settings fit.
 */
export function settingsOverBudget(assignment, { epochs, stepsPerEpoch, params }) {
  const over = [];
  if (!assignment) return over;
  if (assignment.max_epochs !== undefined && epochs > assignment.max_epochs) over.push({ budget: 'max_epochs', limit: assignment.max_epochs, planned: epochs });
  const steps = stepsPerEpoch > 0 ? epochs * stepsPerEpoch : NaN;
  if (assignment.max_steps !== undefined && steps > assignment.max_steps) over.push({ budget: 'max_steps', limit: assignment.max_steps, planned: steps });
  if (assignment.max_params !== undefined && params > assignment.max_params) over.push({ budget: 'max_params', limit: assignment.max_params, planned: params });
  return over;
}

/**
 * The goal against a run: {metric, target, value, reached, budgets, withinBudget, met}; met when
 * the metric reaches the target and every budget holds. Null when the assignment has no goal.
 */
export function goalStatus(assignment, { value, steps, stepsPerEpoch, params }) {
  if (!assignment?.metric || !GOAL_METRICS.includes(assignment.metric)) return null;
  const budgets = budgetChecks(assignment, { steps, stepsPerEpoch, params });
  const reached = reaches(assignment, value);
  const withinBudget = budgets.every((b) => b.ok);
  return { metric: assignment.metric, target: assignment.target, value, reached, budgets, withinBudget, met: reached && withinBudget };
}

const get = (obj, path) => path.reduce((o, k) => (o == null ? undefined : o[k]), obj);

/**
 * The settings a submitted experiment changed although the assignment locked or hid them:
 * [{control, path, expected, got}] (empty when it kept every one).
 */
export function fixedSettingChanges(homework, assignment, experiment) {
  const changes = [];
  for (const control of [...(assignment?.lock ?? []), ...(assignment?.hide ?? [])]) {
    for (const path of controlPaths(control)) {
      const expected = get(homework, path);
      const got = get(experiment, path);
      if (canonicalJson(expected) !== canonicalJson(got)) changes.push({ control, path: path.join('.'), expected, got });
    }
  }
  return changes;
}

/** Whether two assignments say the same (goal, budgets, locks, hidden controls, texts). */
export function sameAssignment(a, b, experiment) {
  const text = (x) => (x ? encodeHash(experiment, { assignment: x }) : '');
  return text(a) === text(b);
}

/** The goal text in `lang`, else in the other language, else ''. Plain text: never markup. */
export function goalText(assignment, lang) {
  const texts = assignment?.text ?? {};
  return texts[lang] ?? Object.values(texts).find(Boolean) ?? '';
}
