// Gradebooks from graded results: Canvas's and Moodle's import CSVs read back with a real CSV
// parser (csv-parse) and checked against the results row by row; the Gradescope autograder zip
// read by another zip implementation (Python's zipfile), unpacked, run on submissions as
// Gradescope runs it, and its results.json checked against the fields Gradescope documents.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomeOf, parsePoints, pointsOf } from '../../../../web/cli/grade/gradebook.js';
import { homeworkLink, submit, tempDir, train, xor } from './fixtures.js';

const t = tempDir('nn-gradebook-');
afterAll(t.cleanup);

let csv;
let homework;
let good;
let edited;
beforeAll(async () => {
  homework = homeworkLink(xor());
  good = await submit(xor(), 40);
  const early = await submit(xor(), 3);
  edited = good.link.replace(/claim_acc=[0-9.]+/, 'claim_acc=0.99');
  // Canvas's export columns with a link column added, names with commas and quotes.
  csv = t.file('canvas-export.csv', [
    'Student,ID,SIS User ID,SIS Login ID,Section,link',
    `"Li, Wei",1001,S-1,liwei,Sec A,"${good.link}"`,
    `"Zhang ""San""",1002,S-2,zhangs,Sec A,"${early.link}"`,
    `Wang Wu,1003,S-3,wangw,Sec B,"${edited}"`,
    'Zhao Liu,1004,S-4,zhaol,Sec B,',
    `Copy Cat,1005,S-5,copyc,Sec B,"${good.link}"`,
  ].join('\r\n'));
});

describe('--canvas and --moodle', () => {
  it('write import CSVs whose points follow --points, read back with csv-parse', async () => {
    const points = 'goal=10,verified=4,refused=0,unreadable=0,missing=0,duplicate=1';
    const r = await train(['--verify-file', csv, '--assignment', homework, '--points', points, '--quiet',
      '--canvas', t.file('canvas.csv'), '--moodle', t.file('moodle.csv'), '--grade-column', 'Homework 3 (4711)', '--out', t.file('results.jsonl')]);
    expect(r.stderr).toBe('');
    expect(r.lines.at(-1).gradebooks).toEqual({ canvas: t.file('canvas.csv'), moodle: t.file('moodle.csv') });
    const records = readFileSync(t.file('results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).sort((a, b) => a.line - b.line);
    const rule = parsePoints(points);
    expect(records.map(outcomeOf)).toEqual([records[0].goal_met ? 'goal' : 'verified', 'verified', 'refused', 'missing', records[0].goal_met ? 'goal' : 'verified']);
    const expected = records.map((rec) => String(pointsOf(rec, rule)));
    expect(expected[4]).toBe('1'); // the copy of line 2

    const canvas = parse(readFileSync(t.file('canvas.csv')), { columns: true });
    expect(Object.keys(canvas[0])).toEqual(['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', 'Homework 3 (4711)']);
    expect(canvas.map((c) => c.Student)).toEqual(['Li, Wei', 'Zhang "San"', 'Wang Wu', 'Zhao Liu', 'Copy Cat']);
    expect(canvas.map((c) => c['SIS Login ID'])).toEqual(['liwei', 'zhangs', 'wangw', 'zhaol', 'copyc']);
    expect(canvas.map((c) => c['Homework 3 (4711)'])).toEqual(expected);

    const moodle = parse(readFileSync(t.file('moodle.csv')), { columns: true });
    expect(Object.keys(moodle[0])).toEqual(['id', 'Homework 3 (4711)', 'Feedback']);
    expect(moodle.map((m) => m.id)).toEqual(['1001', '1002', '1003', '1004', '1005']);
    expect(moodle.map((m) => m['Homework 3 (4711)'])).toEqual(expected);
    expect(moodle[2].Feedback).toMatch(/^refused: the digest does not match/);
    expect(moodle[3].Feedback).toBe('unreadable link: the link has no settings after "#"');
    expect(moodle[4].Feedback).toMatch(/the same result as line 2$/);
  });

  it('names what it cannot grade: no id column, a student twice (the best kept), a bad rule', async () => {
    const twice = t.file('twice.csv', `email address,link\na@x.org,"${edited}"\na@x.org,"${good.link}"\n,"${good.link}"\n`);
    const r = await train(['--verify-file', twice, '--quiet', '--points', '5', '--moodle', t.file('m2.csv'), '--canvas', t.file('c2.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^train: --canvas: the input CSV has no student id column \(one of "id", "sis user id", "sis login id"\); name one with --id-column$/m);
    const ok = await train(['--verify-file', twice, '--quiet', '--points', '5', '--moodle', t.file('m2.csv')]);
    expect(ok.stderr.split('\n')).toEqual([
      'train: --moodle: line 3: email address a@x.org also on line 2: the higher points are kept',
      'train: --moodle: line 4: no email address: left out of the gradebook',
    ]);
    const moodle = parse(readFileSync(t.file('m2.csv')), { columns: true });
    expect(moodle).toEqual([{ 'email address': 'a@x.org', Homework: '5', Feedback: expect.stringMatching(/^verified/) }]);
    for (const bad of ['x', 'goal=1,bonus=2', 'goal=-1']) {
      const b = await train(['--verify-file', twice, '--points', bad]);
      expect(b.code).toBe(2);
      expect(b.stderr).toMatch(/^train: --points: /);
    }
  });
});

// The fields Gradescope's autograder specification documents for results.json; strict: any
// other key is an error.
const Test = v.strictObject({
  score: v.optional(v.number()), max_score: v.optional(v.number()), status: v.optional(v.picklist(['passed', 'failed'])),
  name: v.optional(v.string()), name_format: v.optional(v.string()), number: v.optional(v.string()), output: v.optional(v.string()),
  output_format: v.optional(v.string()), tags: v.optional(v.array(v.string())),
  visibility: v.optional(v.picklist(['hidden', 'after_due_date', 'after_published', 'visible'])), extra_data: v.optional(v.record(v.string(), v.unknown())),
});
const Results = v.strictObject({
  score: v.number(), execution_time: v.optional(v.number()), output: v.optional(v.string()), output_format: v.optional(v.string()),
  test_output_format: v.optional(v.string()), test_name_format: v.optional(v.string()),
  visibility: v.optional(v.picklist(['hidden', 'after_due_date', 'after_published', 'visible'])),
  stdout_visibility: v.optional(v.picklist(['hidden', 'after_due_date', 'after_published', 'visible'])),
  extra_data: v.optional(v.record(v.string(), v.unknown())), tests: v.optional(v.array(Test)), leaderboard: v.optional(v.array(v.unknown())),
});

const run = (cmd, args, opts) => new Promise((resolve) => {
  execFile(cmd, args, opts, (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }));
});

describe('--gradescope-zip', () => {
  it('packages an autograder Gradescope takes; run on submissions, it writes a valid results.json', async () => {
    const zip = t.file('autograder.zip');
    const made = await train(['--gradescope-zip', zip, '--assignment', homework, '--points', 'goal=10,verified=6', '--max-seconds', '60']);
    expect(made.code).toBe(0);
    expect(made.lines[0]).toMatchObject({ gradescope_zip: zip });
    // Another zip implementation reads it: setup.sh and run_autograder at the root, executable.
    const root = path.join(t.dir, 'autograder');
    const py = await run('python3', ['-c', `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in z.infolist()}
z.extractall(sys.argv[2] + '/source')
print(json.dumps({'setup': modes['setup.sh'], 'run': modes['run_autograder'], 'count': len(modes)}))
`, zip, root]);
    expect(py.stderr).toBe('');
    const info = JSON.parse(py.stdout);
    expect(info).toMatchObject({ setup: 0o755, run: 0o755 });
    expect(JSON.parse(readFileSync(path.join(root, 'source', 'grading.json'), 'utf8'))).toEqual({ assignment: homework, points: 'goal=10,verified=6', maxSeconds: 60 });

    const grade = async (files) => {
      const submission = path.join(root, 'submission');
      mkdirSync(submission, { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(path.join(submission, name), text);
      const r = await run('bash', [path.join(root, 'source', 'run_autograder')], { env: { ...process.env, AUTOGRADER_ROOT: root } });
      expect(r.stderr).toBe('');
      const results = JSON.parse(readFileSync(path.join(root, 'results', 'results.json'), 'utf8'));
      expect(() => v.parse(Results, results)).not.toThrow();
      return results;
    };
    const passed = await grade({ 'result.txt': `My result:\n<${good.link}>\n` });
    const met = good.result.test_accuracy >= 0.6;
    expect(passed.score).toBe(met ? 10 : 6);
    expect(passed.tests.map((x) => [x.name, x.status])).toEqual([
      ['The result link can be read', 'passed'],
      ['The link is as Submit made it (digest)', 'passed'],
      ['The replay gives the claimed numbers', 'passed'],
      ['The assignment\'s goal, budgets and fixed settings are kept', 'passed'],
      ['The goal is met within the budgets', met ? 'passed' : 'failed'],
    ]);
    expect(passed.tests[2].output).toBe(`claimed: steps 40, test accuracy ${good.result.test_accuracy}, test loss ${good.result.test_loss}\nreplayed: steps 40, test accuracy ${good.result.test_accuracy}, test loss ${good.result.test_loss}`);
    expect(passed.tests[4]).toMatchObject({ score: met ? 10 : 6, max_score: 10 });

    const refused = await grade({ 'result.txt': edited });
    expect(refused.score).toBe(0);
    expect(refused.tests[1]).toMatchObject({ status: 'failed', output: 'the digest does not match: the link was changed after Submit' });
    const nothing = await grade({ 'result.txt': 'I forgot the link' });
    expect(nothing).toMatchObject({ score: 0, tests: [{ status: 'failed', max_score: 10 }] });
    expect(nothing.output).toMatch(/no playground result link found/);
  });
});
