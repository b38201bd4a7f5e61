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
import { digestMatches, fixedSettingChanges, goalStatus, metricValue, sameAssignment } from '../src/experiment/homework.js';

/** The page's default experiment, which a hand-made link's missing settings come from. */
let pageDefaults = null;
export function linkDefaults() {
  pageDefaults ??= parseExperiment(JSON.parse(readFileSync(new URL('../experiments/mlp.json', import.meta.url), 'utf8')));
  return pageDefaults;
}

/** Whether a command-line argument is a playground link rather than a file name. */
export function looksLikeLink(text) {
  return /^https?:\/\//i.test(text) || text.startsWith('#') || /^v=\d/.test(text);
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

// ---- lists of links: one a line, or a CSV with a "link" column ----

/** Fields of one CSV line (RFC 4180 quotes; "" inside quotes is one "). */
function csvFields(line) {
  const fields = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

/**
 * The links of a file: [{line, link, fields}]. A file whose first line has a "link" column is a
 * CSV (the other columns, e.g. a student's name, come back in `fields`); otherwise each non-empty
 * line is a link. A link in an unquoted CSV field keeps its commas: a row with more fields than
 * the header gives the extra ones to the link column.
 */
export function parseLinkList(text) {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) return [];
  const header = csvFields(lines[first]).map((h) => h.toLowerCase());
  const column = header.indexOf('link');
  if (column < 0 || looksLikeLink(lines[first].trim())) {
    return lines.map((l, i) => ({ line: i + 1, link: l.trim(), fields: {} })).filter((r) => r.link !== '');
  }
  const rows = [];
  for (let i = first + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    let cells = csvFields(lines[i]);
    const extra = cells.length - header.length;
    if (extra > 0) cells = [...cells.slice(0, column), cells.slice(column, column + extra + 1).join(','), ...cells.slice(column + extra + 1)];
    const fields = {};
    header.forEach((h, k) => {
      // defineProperty: a column named "__proto__" is a column, not the object's prototype.
      if (k !== column && h) Object.defineProperty(fields, h, { value: cells[k] ?? '', enumerable: true, writable: true, configurable: true });
    });
    rows.push({ line: i + 1, link: cells[column] ?? '', fields });
  }
  return rows;
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

  /** Trains `experiment` from its seed for `steps` steps and evaluates the whole test set. */
  async replay(experiment, steps) {
    const key = `${encodeHash(experiment)}|${steps}`;
    if (this.#replays.has(key)) return this.#replays.get(key);
    const session = new Session(this.#core, experiment, await this.#dataset(experiment));
    try {
      const stepsPerEpoch = Math.ceil(session.trainCount / session.batchSize);
      const totalSteps = stepsPerEpoch * experiment.epochs;
      const out = { stepsPerEpoch, totalSteps, params: session.paramCount, steps: 0, error: null };
      if (steps > totalSteps) {
        out.error = `claims ${steps} steps, but the experiment stops after ${totalSteps} (${experiment.epochs} epochs of ${stepsPerEpoch})`;
      } else {
        try {
          while (session.step < steps) session.trainStep();
        } catch (err) {
          if (!(err instanceof NnError && err.status === Status.ERR_NUMERIC)) throw err;
          out.error = `the replay diverged: ${err.message}`;
        }
      }
      out.steps = session.step;
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
  async verify(link, { homework } = {}) {
    let decoded;
    try {
      decoded = decodeLink(link);
    } catch (err) {
      return { unreadable: true, error: err.message };
    }
    const { experiment, assignment, result } = decoded;
    if (!result) return { unreadable: true, error: 'not a result link: it holds an experiment but no claim (claim_steps, claim_acc, claim_loss, digest)' };
    const digestOk = digestMatches(experiment, assignment, result);
    const replayed = await this.replay(experiment, result.steps);
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
    if (!digestOk) problems.push('the digest does not match the experiment and claim: the link was edited after Submit');
    if (replayed.error) problems.push(replayed.error);
    else if (!claimMatches) {
      for (const k of ['test_accuracy', 'test_loss']) {
        if (numbers[k] !== claim[k]) problems.push(`${k}: claimed ${claim[k]}, replayed ${numbers[k]}`);
      }
    }
    let follows = true;
    if (homework) {
      const changes = fixedSettingChanges(homework.experiment, homework.assignment, experiment);
      const same = sameAssignment(homework.assignment, assignment, experiment);
      follows = same && !changes.length;
      report.follows_assignment = follows;
      if (!same) problems.push('the goal, budgets or fixed controls differ from the assignment\'s');
      for (const c of changes) problems.push(`${c.path} is fixed by the assignment at ${JSON.stringify(c.expected)}, but the result has ${JSON.stringify(c.got)}`);
    }
    const goal = goalStatus(assignment, {
      value: metricValue(assignment, numbers), steps: numbers.steps, stepsPerEpoch: replayed.stepsPerEpoch, params: replayed.params,
    });
    if (goal) {
      const { withinBudget, ...rest } = goal;
      report.goal = { ...rest, within_budget: withinBudget, met: goal.met && report.verified && follows };
      report.goal_met = report.goal.met;
    }
    if (problems.length) report.problems = problems;
    return report;
  }

  dispose() {
    for (const dataset of this.#datasets.values()) dataset.dispose();
    this.#datasets.clear();
  }
}

/** The summary line of a batch of reports, and the exit code: 1 if a claim fails, else 2 if a link was unreadable, else 0. */
export function summarise(reports) {
  const count = (f) => reports.filter(f).length;
  const summary = {
    summary: true,
    links: reports.length,
    verified: count((r) => r.verified),
    refused: count((r) => !r.unreadable && !r.verified),
    unreadable: count((r) => r.unreadable),
    goal_met: count((r) => r.goal_met),
  };
  const code = summary.refused ? 1 : summary.unreadable ? 2 : 0;
  return { summary, code };
}
