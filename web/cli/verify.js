// verify.js: the runner's verifier of homework result links (npm run train -- --verify LINK,
// --verify-file FILE). Each link is decoded as the page would, its digest recomputed, and its run
// replayed from the seed in the same wasm core, so the test numbers come out bit for bit as the
// student's browser computed them; then the goal and budgets of its assignment are checked.

import { readFileSync } from 'node:fs';
import { NnError } from '../src/engine/core.js';
import { Status } from '../src/engine/enums.js';
import { Session } from '../src/engine/session.js';
import { loadDataset } from '../src/data/datasets.js';
import { decodeHash, encodeHash } from '../src/experiment/url.js';
import { parseExperiment } from '../src/experiment/validate.js';
import { digestMatches, fixedSettingChanges, goalStatus, metricValue, sameAssignment, stepBudget } from '../src/experiment/homework.js';

/** The page's default experiment, which a hand-made link's missing settings come from. */
let pageDefaults = null;
export function linkDefaults() {
  pageDefaults ??= parseExperiment(JSON.parse(readFileSync(new URL('../experiments/mlp.json', import.meta.url), 'utf8')));
  return pageDefaults;
}


/** The hash part of a link: "http://host/page/#v=1&..." -> "v=1&..."; a bare hash as it is. */
export function hashOf(link) {
  const text = String(link).trim().replace(/^<(.*)>$/, '$1');
  const at = text.indexOf('#');
  if (at >= 0) return text.slice(at + 1);
  return /^https?:\/\//i.test(text) ? '' : text;
}

/** Decodes a link as the page does; throws an Error naming the problem. */
export function decodeLink(link) {
  const hash = hashOf(link);
  if (!hash) throw new Error('the link has no settings after "#"');
  const decoded = decodeHash(hash, linkDefaults());
  if (!decoded.ok) throw new Error(decoded.message.split('\n').join('; '));
  return decoded;
}

// Lists of links (one a line, or a CSV with a "link" column) are read by grade/rows.js, which also
// tells a link from a file name.
export { looksLikeLink, parseLinkList } from './grade/rows.js';

/** What kind of unreadable link: empty, no settings after "#", or a setting the codec refused. */
export function unreadableKind(link, message) {
  if (String(link ?? '').trim() === '') return 'empty';
  return message === 'the link has no settings after "#"' ? 'no_settings' : 'bad_link';
}

// ---- replaying ----

/**
 * Replays results in one core, keeping data sets between links (a class's links mostly share
 * MNIST) and remembering replays of the same experiment to the same step.
 */
export class Verifier {
  #core;
  #mnistSource;
  #datasets = new Map();
  #replays = new Map();

  constructor(core, { mnistSource }) {
    this.#core = core;
    this.#mnistSource = mnistSource;
  }

  async #dataset(experiment) {
    const key = experiment.data.set === 'mnist' ? 'mnist' : JSON.stringify([experiment.data, experiment.seed]);
    if (!this.#datasets.has(key)) this.#datasets.set(key, await loadDataset(this.#core, experiment, { mnistSource: this.#mnistSource }));
    return this.#datasets.get(key);
  }

  /**
   * Trains `experiment` from its seed for `steps` steps and evaluates the whole test set. A claim
   * past `budget(stepsPerEpoch)` (the assignment's step budget) is not replayed at all; a replay
   * still training at `deadline` (a performance.now() time) stops there. Either is an error with
   * its `kind`, and the test set is not evaluated.
   */
  async replay(experiment, steps, { budget = () => Infinity, deadline = Infinity, maxSeconds } = {}) {
    const key = `${encodeHash(experiment)}|${steps}`;
    if (this.#replays.has(key)) return this.#replays.get(key);
    const session = new Session(this.#core, experiment, await this.#dataset(experiment));
    try {
      const stepsPerEpoch = Math.ceil(session.trainCount / session.batchSize);
      const totalSteps = stepsPerEpoch * experiment.epochs;
      const out = { stepsPerEpoch, totalSteps, params: session.paramCount, steps: 0, error: null };
      const limit = budget(stepsPerEpoch);
      if (steps > totalSteps) {
        out.error = `claims ${steps} steps, but the experiment stops after ${totalSteps} (${experiment.epochs} epochs of ${stepsPerEpoch})`;
        out.kind = 'past_end';
      } else if (steps > limit) {
        out.error = `claims ${steps} steps, beyond the assignment's budget of ${limit}: not replayed`;
        out.kind = 'over_budget';
      } else {
        try {
          while (session.step < steps) {
            // A step is milliseconds; reading the clock at each costs nothing next to it.
            if (performance.now() > deadline) {
              out.error = `the replay passed --max-seconds ${maxSeconds} at step ${session.step} of ${steps}: stopped`;
              out.kind = 'timeout';
              break;
            }
            session.trainStep();
          }
        } catch (err) {
          if (!(err instanceof NnError && err.status === Status.ERR_NUMERIC)) throw err;
          out.error = `the replay diverged: ${err.message}`;
          out.kind = 'diverged';
        }
      }
      out.steps = session.step;
      if (out.kind === 'over_budget' || out.kind === 'timeout') {
        // Nothing was measured: no test pass either (it would add time to a run already stopped).
        out.test_accuracy = null;
        out.test_loss = null;
        if (out.kind === 'over_budget') this.#replays.set(key, out);
        return out;
      }
      const test = session.evaluate('test');
      out.test_accuracy = test.accuracy;
      out.test_loss = test.loss;
      this.#replays.set(key, out);
      return out;
    } finally {
      session.dispose();
    }
  }

  /**
   * Verifies one result link. Returns a report: {verified, digest_ok, claim_matches, claim,
   * replayed, goal, ...} or {unreadable: true, error} for a link that cannot be read as a result.
   * `homework`: the decoded assignment link the result should follow (optional).
   */
  async verify(link, { homework, maxSeconds = Infinity } = {}) {
    let decoded;
    try {
      decoded = decodeLink(link);
    } catch (err) {
      return { unreadable: true, error: err.message, kind: unreadableKind(link, err.message) };
    }
    const { experiment, assignment, result } = decoded;
    if (!result) return { unreadable: true, error: 'not a result link: it holds an experiment but no claim (claim_steps, claim_acc, claim_loss, digest)', kind: 'not_a_result' };
    const digestOk = digestMatches(experiment, assignment, result);
    // The instructor's budgets bound the replay; without --assignment, the link's own do.
    const bounding = homework ? homework.assignment : assignment;
    const replayed = await this.replay(experiment, result.steps, {
      budget: (stepsPerEpoch) => stepBudget(bounding, stepsPerEpoch),
      deadline: performance.now() + maxSeconds * 1000,
      maxSeconds,
    });
    const claim = { steps: result.steps, test_accuracy: result.test_accuracy, test_loss: result.test_loss };
    const numbers = { steps: replayed.steps, test_accuracy: replayed.test_accuracy, test_loss: replayed.test_loss };
    const claimMatches = !replayed.error && numbers.steps === claim.steps
      && numbers.test_accuracy === claim.test_accuracy && numbers.test_loss === claim.test_loss;
    const report = {
      verified: digestOk && claimMatches,
      digest_ok: digestOk,
      claim_matches: claimMatches,
      claim,
      replayed: numbers,
    };
    const problems = [];
    const kinds = new Set();
    if (!digestOk) {
      problems.push('the digest does not match the experiment and claim: the link was edited after Submit');
      kinds.add('edited');
    }
    if (replayed.error) {
      problems.push(replayed.error);
      kinds.add(replayed.kind);
    } else if (!claimMatches) {
      for (const k of ['test_accuracy', 'test_loss']) {
        if (numbers[k] !== claim[k]) problems.push(`${k}: claimed ${claim[k]}, replayed ${numbers[k]}`);
      }
      kinds.add('numbers');
    }
    let follows = true;
    if (homework) {
      const changes = fixedSettingChanges(homework.experiment, homework.assignment, experiment);
      const same = sameAssignment(homework.assignment, assignment, experiment);
      follows = same && !changes.length;
      report.follows_assignment = follows;
      if (!same) {
        problems.push('the goal, budgets or fixed controls differ from the assignment\'s');
        kinds.add('other_assignment');
      }
      for (const c of changes) problems.push(`${c.path} is fixed by the assignment at ${JSON.stringify(c.expected)}, but the result has ${JSON.stringify(c.got)}`);
      if (changes.length) kinds.add('fixed_setting_changed');
    }
    const goal = goalStatus(assignment, {
      // A claim not replayed for its budget is judged by the steps it claims.
      value: metricValue(assignment, numbers),
      steps: replayed.kind === 'over_budget' ? claim.steps : numbers.steps,
      stepsPerEpoch: replayed.stepsPerEpoch,
      params: replayed.params,
    });
    if (goal) {
      const { withinBudget, ...rest } = goal;
      report.goal = { ...rest, within_budget: withinBudget, met: goal.met && report.verified && follows };
      report.goal_met = report.goal.met;
    }
    if (problems.length) report.problems = problems;
    if (kinds.size) report.kinds = [...kinds];
    return report;
  }

  dispose() {
    for (const dataset of this.#datasets.values()) dataset.dispose();
    this.#datasets.clear();
  }
}

/**
 * The summary line of a batch of reports, and the exit code: 1 if a claim fails, else 2 if a link
 * was unreadable, else 0. Refusals are counted by kind (a report may have several), unreadable
 * links by kind, and results handed in twice.
 */
export function summarise(reports) {
  const count = (f) => reports.filter(f).length;
  const tally = (list) => {
    const out = {};
    for (const k of list) out[k] = (out[k] ?? 0) + 1;
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
  };
  const refused = reports.filter((r) => !r.unreadable && !r.verified);
  const summary = {
    summary: true,
    links: reports.length,
    verified: count((r) => r.verified),
    refused: refused.length,
    unreadable: count((r) => r.unreadable),
    goal_met: count((r) => r.goal_met),
    refused_by: tally(refused.flatMap((r) => r.kinds ?? ['other'])),
    unreadable_by: tally(reports.filter((r) => r.unreadable).map((r) => r.kind ?? 'other')),
    duplicates: count((r) => r.duplicate_of !== undefined),
  };
  const code = summary.refused ? 1 : summary.unreadable ? 2 : 0;
  return { summary, code };
}
