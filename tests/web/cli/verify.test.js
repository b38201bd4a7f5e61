// The runner's verifier as an instructor meets it: a real result link verifies (its run replayed
// bit for bit), a doctored one is refused with the numbers side by side, unreadable links exit 2,
// a class's CSV gives one line per student and a summary; and the runner takes a playground link
// as its experiment.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../../web/src/engine/session.js';
import { freshCore } from '../../../web/src/node.js';
import { parseExperiment } from '../../../web/src/experiment/validate.js';
import { encodeHash } from '../../../web/src/experiment/url.js';
import { makeResult } from '../../../web/src/experiment/homework.js';
import { hashOf, parseLinkList } from '../../../web/cli/verify.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TRAIN = path.join(ROOT, 'web/cli/train.js');
const dir = mkdtempSync(path.join(tmpdir(), 'nn-verify-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function train(...args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [TRAIN, ...args], { cwd: ROOT, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, stderr: stderr.trim(), lines: stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) });
    });
  });
}

const file = (name, content) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};

const BASE = 'http://course.example/playground/';
// XOR, 200 points, batch 20: 10 steps an epoch, a replay takes milliseconds.
const experiment = parseExperiment({
  ...JSON.parse(readFileSync(path.join(ROOT, 'web/experiments/xor-tanh.json'), 'utf8')),
  data: { set: 'xor', count: 200, noise: 0.1 }, batch_size: 20, epochs: 5,
});
const assignment = {
  metric: 'test_accuracy', target: 0.6, max_epochs: 4, lock: ['layers', 'opt'], hide: ['seed'], lr: undefined,
  text: { en: 'Reach 60 % in 4 epochs.', zh: '4 轮内达到 60 %。' },
};
delete assignment.lr;
const homeworkLink = `${BASE}#${encodeHash(experiment, { assignment })}`;

/** What the page's Submit does: train `steps` steps from the seed, measure the whole test set. */
async function submit(e, steps, a = assignment) {
  const core = await freshCore();
  const session = await Session.open(core, e);
  try {
    while (session.step < steps) session.trainStep();
    const test = session.evaluate('test');
    const result = makeResult(e, a, { steps, test_accuracy: test.accuracy, test_loss: test.loss });
    return { result, link: `${BASE}#${encodeHash(e, { assignment: a, result, lang: 'zh' })}` };
  } finally {
    session.dispose();
  }
}

let real;
let early;
beforeAll(async () => {
  real = await submit(experiment, 40);
  early = await submit(experiment, 3);
});

describe('--verify', () => {
  it('verifies a real result link: same numbers, digest, goal within budget; exit 0', async () => {
    const r = await train('--verify', real.link);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [report, summary] = r.lines;
    expect(report).toMatchObject({ arg: 1, verified: true, digest_ok: true, claim_matches: true });
    expect(report.replayed).toEqual(report.claim);
    expect(report.claim).toEqual({ steps: 40, test_accuracy: real.result.test_accuracy, test_loss: real.result.test_loss });
    expect(report.goal).toMatchObject({ metric: 'test_accuracy', target: 0.6, value: real.result.test_accuracy, within_budget: true });
    expect(report.goal.budgets).toEqual([{ budget: 'max_epochs', limit: 4, used: 4, ok: true }]);
    expect(report.goal_met).toBe(real.result.test_accuracy >= 0.6);
    expect(report.problems).toBeUndefined();
    expect(summary).toEqual({
      summary: true, links: 1, verified: 1, refused: 0, unreadable: 0, goal_met: report.goal_met ? 1 : 0, refused_by: {}, unreadable_by: {}, duplicates: 0,
    });
  });

  it('refuses a raised claim: digest broken, claimed and replayed numbers shown; exit 1', async () => {
    const raised = real.link.replace(`claim_acc=${real.result.test_accuracy}`, 'claim_acc=0.995');
    expect(raised).not.toBe(real.link);
    const r = await train('--verify', raised);
    expect(r.code).toBe(1);
    const [report, summary] = r.lines;
    expect(report).toMatchObject({ verified: false, digest_ok: false, claim_matches: false });
    expect(report.claim.test_accuracy).toBe(0.995);
    expect(report.replayed.test_accuracy).toBe(real.result.test_accuracy);
    expect(report.problems).toEqual([
      'the digest does not match the experiment and claim: the link was edited after Submit',
      `test_accuracy: claimed 0.995, replayed ${real.result.test_accuracy}`,
    ]);
    expect(report.goal_met).toBe(false);
    expect(summary).toMatchObject({ verified: 0, refused: 1 });
  });

  it('refuses a raised claim even with its digest recomputed: the replay decides', async () => {
    const forged = makeResult(experiment, assignment, { ...real.result, test_accuracy: 0.995 });
    const r = await train('--verify', `${BASE}#${encodeHash(experiment, { assignment, result: forged })}`);
    expect(r.code).toBe(1);
    expect(r.lines[0]).toMatchObject({ verified: false, digest_ok: true, claim_matches: false });
  });

  it('refuses a changed experiment (lr edited in the link) and a claim past the run\'s end', async () => {
    const edited = real.link.replace('lr=0.03', 'lr=0.05');
    expect(edited).not.toBe(real.link);
    const r = await train('--verify', edited, '--verify', real.link);
    expect(r.code).toBe(1);
    expect(r.lines[0]).toMatchObject({ arg: 1, verified: false, digest_ok: false });
    expect(r.lines[0].replayed.test_loss).not.toBe(r.lines[0].claim.test_loss);
    expect(r.lines[1]).toMatchObject({ arg: 2, verified: true });
    expect(r.lines[2]).toMatchObject({ links: 2, verified: 1, refused: 1 });

    const past = makeResult(experiment, assignment, { ...real.result, steps: 51 });
    const r2 = await train('--verify', `${BASE}#${encodeHash(experiment, { assignment, result: past })}`);
    expect(r2.code).toBe(1);
    expect(r2.lines[0].problems).toEqual(['claims 51 steps, but the experiment stops after 50 (5 epochs of 10)']);
  });

  it('exits 2 for links it cannot read, naming the problem', async () => {
    const r = await train('--verify', `${BASE}#v=1&lr=abc`, '--verify', homeworkLink, '--verify', 'http://x/no-hash');
    expect(r.code).toBe(2);
    expect(r.lines[0]).toMatchObject({ unreadable: true, error: 'lr: must be a number, got "abc"' });
    expect(r.lines[1]).toMatchObject({ unreadable: true });
    expect(r.lines[1].error).toMatch(/not a result link/);
    expect(r.lines[2]).toMatchObject({ unreadable: true, error: 'the link has no settings after "#"' });
    expect(r.lines[3]).toMatchObject({ links: 3, unreadable: 3 });
    // A refused claim outranks an unreadable link.
    const both = await train('--verify', 'http://x/#lr=abc', '--verify', real.link.replace('claim_steps=40', 'claim_steps=39'));
    expect(both.code).toBe(1);
  });

  it('checks a result against its homework: a fixed setting changed means the goal is not met', async () => {
    const changed = await submit({ ...experiment, optimizer: { ...experiment.optimizer, type: 'adamw', weight_decay: 0.01 } }, 40);
    const r = await train('--verify', changed.link, '--verify', real.link, '--assignment', homeworkLink);
    expect(r.code).toBe(0); // both claims hold...
    expect(r.lines[0]).toMatchObject({ verified: true, follows_assignment: false, goal_met: false });
    expect(r.lines[0].problems).toEqual(['optimizer.type is fixed by the assignment at "adam", but the result has "adamw"']);
    expect(r.lines[1]).toMatchObject({ verified: true, follows_assignment: true });
    const other = await train('--verify', real.link, '--assignment', `${BASE}#${encodeHash(experiment, { assignment: { ...assignment, target: 0.9 } })}`);
    expect(other.lines[0]).toMatchObject({ follows_assignment: false, goal_met: false });
    const bad = await train('--verify', real.link, '--assignment', `${BASE}#v=1&lr=0.1`);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('train: --assignment: the link holds no assignment (no goal, budget, lock or hide)');
  });
});

describe('--verify-file', () => {
  it('reads a class\'s CSV (a link column, quoted or not) and prints a line per student and a summary', async () => {
    const raised = real.link.replace(`claim_loss=${real.result.test_loss}`, 'claim_loss=0.01');
    const csv = file('class.csv', [
      'student,link,note',
      `Li Wei,"${real.link}",first`,
      `Zhang San,${early.link},unquoted link with commas`,
      `Wang Wu,${raised},edited`,
      '',
      'Zhao Liu,not a link at all,',
    ].join('\r\n'));
    const r = await train('--verify-file', csv);
    expect(r.code).toBe(1);
    const [a, b, c, d, summary] = r.lines;
    expect(a).toMatchObject({ file: csv, line: 2, student: 'Li Wei', note: 'first', verified: true });
    expect(b).toMatchObject({ line: 3, student: 'Zhang San', verified: true, goal_met: false });
    expect(b.claim.steps).toBe(3);
    expect(c).toMatchObject({ line: 4, student: 'Wang Wu', verified: false, digest_ok: false });
    expect(d).toMatchObject({ line: 6, student: 'Zhao Liu', unreadable: true });
    expect(summary).toEqual({
      summary: true, links: 4, verified: 2, refused: 1, unreadable: 1, goal_met: a.goal_met ? 1 : 0,
      refused_by: { edited: 1, numbers: 1 }, unreadable_by: { bad_link: 1 }, duplicates: 0,
    });
  });

  it('reads one link a line, and refuses a missing file with exit 2', async () => {
    const list = file('links.txt', `${real.link}\n\n${early.link}\n`);
    const r = await train('--verify-file', list, '--quiet');
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([{
      summary: true, links: 2, verified: 2, refused: 0, unreadable: 0, goal_met: r.lines[0].goal_met, refused_by: {}, unreadable_by: {}, duplicates: 0,
    }]);
    const missing = await train('--verify-file', path.join(dir, 'nope.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the file of links .*nope.csv: no such file/);
  });

  it('parses lists and CSVs', () => {
    expect(parseLinkList('#v=1&a\r\n  \nhttp://x/#v=1&b\n')).toEqual([
      { line: 1, link: '#v=1&a', fields: {} }, { line: 3, link: 'http://x/#v=1&b', fields: {} },
    ]);
    expect(parseLinkList('\uFEFFName,Link\n"Doe, J.","http://x/#v=1&layers=a,b"\n')).toEqual([
      { line: 2, link: 'http://x/#v=1&layers=a,b', fields: { name: 'Doe, J.' } },
    ]);
    expect(parseLinkList('')).toEqual([]);
    expect(hashOf(' <http://x/p/#v=1&lr=1> ')).toBe('v=1&lr=1');
    expect(hashOf('v=1&lr=1')).toBe('v=1&lr=1');
  });
});

describe('a playground link as the experiment', () => {
  it('trains what the link says, as the JSON file would', async () => {
    const json = file('xor.json', JSON.stringify(experiment));
    const fromFile = await train(json, '--steps', '25', '--quiet');
    const fromLink = await train(`${BASE}#${encodeHash(experiment, { lang: 'en' })}`, '--steps', '25', '--quiet');
    const fromHash = await train(`#${encodeHash(experiment)}`, '--steps', '25', '--quiet');
    const numbers = ({ seconds, samples_per_s: _, ...rest }) => rest;
    expect(fromLink.code).toBe(0);
    expect(numbers(fromLink.lines[0])).toEqual(numbers(fromFile.lines[0]));
    expect(numbers(fromHash.lines[0])).toEqual(numbers(fromFile.lines[0]));
    const bad = await train('http://x/#v=1&batch=0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('train: the link: batch_size: must be an integer from 1 to 8192, got 0');
  });
});
