// fixtures.js: what the grading tests share: the runner run as a process, and result links made
// as the page's Submit makes them (trained from the seed in a core of this process).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session } from '../../../../web/src/engine/session.js';
import { freshCore } from '../../../../web/src/node.js';
import { parseExperiment } from '../../../../web/src/experiment/validate.js';
import { encodeHash } from '../../../../web/src/experiment/url.js';
import { makeResult } from '../../../../web/src/experiment/homework.js';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const TRAIN = path.join(ROOT, 'web/cli/train.js');
export const BASE = 'http://course.example/playground/';

/** A temporary folder, and a cleanup for afterAll. */
export function tempDir(prefix) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const file = (name, content) => {
    const p = path.join(dir, name);
    if (content !== undefined) writeFileSync(p, content);
    return p;
  };
  return { dir, file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const jsonLines = (text) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l));

/** The runner as a process: {code, stdout lines as JSON, stderr}. */
export function train(args, { env } = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, [TRAIN, ...args], { cwd: ROOT, maxBuffer: 1 << 28, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, stderr: stderr.trim(), lines: jsonLines(stdout) });
    });
  });
}

/** The runner started in the background (to stop it): the child and a promise of its result. */
export function start(args) {
  const child = spawn(process.execPath, [TRAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const done = new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stderr: stderr.trim(), lines: jsonLines(stdout) }));
  });
  return { child, done };
}

export const readJsonLines = (file) => jsonLines(readFileSync(file, 'utf8'));

/** XOR: `count` points, batch `batch`: a replay takes milliseconds (a few for the defaults). */
export function xor({ count = 200, batch = 20, epochs = 5, seed = 1, lr = 0.03 } = {}) {
  const base = JSON.parse(readFileSync(path.join(ROOT, 'web/experiments/xor-tanh.json'), 'utf8'));
  return parseExperiment({ ...base, data: { set: 'xor', count, noise: 0.1 }, batch_size: batch, epochs, seed, optimizer: { ...base.optimizer, lr } });
}

export const ASSIGNMENT = { metric: 'test_accuracy', target: 0.6, max_epochs: 4, lock: ['layers'], hide: ['seed'], text: { en: 'Reach 60 %.' } };

/** The homework link of `experiment` under `assignment`. */
export const homeworkLink = (experiment, assignment = ASSIGNMENT) => `${BASE}#${encodeHash(experiment, { assignment })}`;

/** What the page's Submit does: train `steps` from the seed, measure the test set, make the link. */
export async function submit(experiment, steps, { assignment = ASSIGNMENT, claim = {}, lang = 'en' } = {}) {
  const core = await freshCore();
  const session = await Session.open(core, experiment);
  try {
    while (session.step < steps) session.trainStep();
    const test = session.evaluate('test');
    const result = makeResult(experiment, assignment, { steps, test_accuracy: test.accuracy, test_loss: test.loss, ...claim });
    return { result, link: `${BASE}#${encodeHash(experiment, { assignment, result, lang })}` };
  } finally {
    session.dispose();
  }
}

/** A record without what depends on the clock or the run (timings, the shard that made it). */
export const bits = ({ seconds: _s, shard: _h, ...rest }) => rest;
