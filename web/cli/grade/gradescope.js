// gradescope.js: Gradescope's side of grading. resultsJson() turns one verified (or refused)
// submission into the results.json its autograder harness reads (score, execution_time, output,
// tests[] each with name, status, output and, for the goal, score and max_score); packageZip()
// writes the autograder zip Gradescope takes: setup.sh and run_autograder at its root, the
// grading settings, and the runner (web/cli, web/src, the core, MNIST) with its runtime packages.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { feedbackOf, outcomeOf, pointsOf } from './gradebook.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** One line of numbers: "steps 40, test accuracy 0.62, test loss 0.71". */
const numbers = (n) => (n ? `steps ${n.steps}, test accuracy ${n.test_accuracy}, test loss ${n.test_loss}` : 'none');

/** The tests a record passes or fails, each with an output a student can read. */
function testsOf(record, rule) {
  const test = (name, passed, output, extra = {}) => ({ name, status: passed ? 'passed' : 'failed', output, ...extra });
  if (record.unreadable) {
    return [test('The result link can be read', false, record.error, { score: pointsOf(record, rule), max_score: rule.max })];
  }
  const tests = [
    test('The result link can be read', true, 'a result link: an experiment and a claim'),
    test('The link is as Submit made it (digest)', record.digest_ok === true,
      record.digest_ok ? 'the digest matches the experiment and the claim' : 'the digest does not match: the link was changed after Submit'),
    test('The replay gives the claimed numbers', record.claim_matches === true,
      `claimed: ${numbers(record.claim)}\nreplayed: ${numbers(record.replayed)}${record.problems?.length ? `\n${record.problems.join('\n')}` : ''}`),
  ];
  if (record.follows_assignment !== undefined) {
    tests.push(test('The assignment\'s goal, budgets and fixed settings are kept', record.follows_assignment,
      record.follows_assignment ? 'kept' : (record.problems ?? []).filter((p) => /fixed|assignment/.test(p)).join('\n')));
  }
  const goal = record.goal;
  const goalOutput = goal
    ? `${goal.metric} ${goal.value} against the target ${goal.target}${goal.budgets.map((b) => `\n${b.budget}: ${b.used} of ${b.limit}${b.ok ? '' : ' (over)'}`).join('')}`
    : 'the assignment sets no goal: a verified result meets it';
  tests.push(test('The goal is met within the budgets', outcomeOf(record) === 'goal', goalOutput, { score: pointsOf(record, rule), max_score: rule.max }));
  return tests;
}

/** Gradescope's results.json for one submission's record. */
export function resultsJson(record, rule, { executionTime } = {}) {
  return {
    score: pointsOf(record, rule),
    ...(executionTime !== undefined ? { execution_time: Math.round(executionTime) } : {}),
    output: feedbackOf(record),
    stdout_visibility: 'hidden',
    tests: testsOf(record, rule),
  };
}

/** The runtime packages the runner imports (everything else in node_modules is for the page or the tests). */
export const RUNTIME_PACKAGES = ['csv-parse', 'csv-stringify', 'fflate', 'valibot'];

const SETUP_SH = `#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image (Ubuntu): Node 20 or newer, from
# the distribution when it is new enough, else from NodeSource's Node 20 packages.
set -euo pipefail
if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  apt-get install -y ca-certificates curl gnupg
  curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
  apt-get install -y nodejs
fi
node --version
`;

const RUN_AUTOGRADER = `#!/usr/bin/env bash
# Gradescope runs this for each submission: the student hands in a text file holding the result
# link from the playground's Submit; the runner replays it and writes results/results.json.
# AUTOGRADER_ROOT: the same tree elsewhere (to try the zip outside Gradescope).
cd "\${AUTOGRADER_ROOT:-/autograder}/source/runner"
exec node web/cli/grade/autograder.js
`;

/** Every file under `dir` (relative to ROOT), optionally filtered. */
function filesUnder(dir, keep = () => true) {
  const out = [];
  const walk = (rel) => {
    for (const name of readdirSync(path.join(ROOT, rel))) {
      const child = path.join(rel, name);
      if (statSync(path.join(ROOT, child)).isDirectory()) walk(child);
      else if (keep(child)) out.push(child);
    }
  };
  walk(dir);
  return out;
}

/** Unix mode bits in a zip entry's external attributes (fflate writes them with os = 3, Unix). */
const mode = (bits) => ({ os: 3, attrs: ((0o100000 | bits) << 16) >>> 0 });

/**
 * The autograder zip as bytes. settings: {assignment (the homework link), points (the --points
 * text), maxSeconds}. The runner goes under runner/ with package.json (ES modules) and only the
 * runtime packages, so the zip stays small (MNIST is most of it).
 */
export function packageZip(settings) {
  const files = {
    'setup.sh': [new TextEncoder().encode(SETUP_SH), mode(0o755)],
    run_autograder: [new TextEncoder().encode(RUN_AUTOGRADER), mode(0o755)],
    'grading.json': new TextEncoder().encode(`${JSON.stringify(settings, null, 2)}\n`),
  };
  const add = (rel) => {
    const bytes = new Uint8Array(readFileSync(path.join(ROOT, rel)));
    // MNIST is gzip'ed already: stored as it is; the rest deflated.
    files[`runner/${rel.split(path.sep).join('/')}`] = rel.endsWith('.gz') ? [bytes, { level: 0 }] : bytes;
  };
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  files['runner/package.json'] = new TextEncoder().encode(`${JSON.stringify({ name: `${pkg.name}-autograder`, private: true, type: 'module' }, null, 2)}\n`);
  for (const rel of filesUnder('web/cli', (f) => f.endsWith('.js'))) add(rel);
  for (const rel of filesUnder('web/src', (f) => /\.(js|json)$/.test(f))) add(rel);
  add(path.join('web', 'experiments', 'mlp.json'));
  add(path.join('web', 'public', 'nn.wasm'));
  for (const rel of filesUnder(path.join('web', 'public', 'data'), (f) => f.endsWith('.gz'))) add(rel);
  for (const name of RUNTIME_PACKAGES) {
    for (const rel of filesUnder(path.join('node_modules', name), (f) => !/\.(map|d\.ts|d\.cts|d\.mts|md)$/.test(f))) add(rel);
  }
  return zipSync(files, { level: 6, mtime: new Date('2026-01-01T00:00:00Z') });
}
