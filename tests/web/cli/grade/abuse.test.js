// What a class's file can throw at the grader: 100,000 lines, links of every malformed kind, the
// same result handed in by many students, replays that would take hours, odd CSV quoting and a
// byte-order mark. Nothing crashes, no row is lost, each problem is named.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHash } from '../../../../web/src/experiment/url.js';
import { makeResult } from '../../../../web/src/experiment/homework.js';
import { parseExperiment } from '../../../../web/src/experiment/validate.js';
import { ReplayPool } from '../../../../web/cli/grade/pool.js';
import { WASM_PATH } from '../../../../web/src/node.js';
import { ASSIGNMENT, BASE, homeworkLink, submit, tempDir, train, xor } from './fixtures.js';

const t = tempDir('nn-grade-abuse-');
afterAll(t.cleanup);

let real;
let other;
beforeAll(async () => {
  real = await submit(xor(), 40);
  other = await submit(xor({ seed: 2 }), 20);
});

/** Links of every malformed kind, with the kind each must be named as. */
function malformed() {
  const experimentOnly = `${BASE}#${encodeHash(xor())}`;
  return [
    ['', 'empty'],
    ['http://course.example/playground/', 'no_settings'],
    ['http://x/#v=1&lr=oops', 'bad_link'],
    ['http://x/#v=99&lr=0.1', 'bad_link'],
    [real.link.slice(0, Math.floor(real.link.length * 0.6)), 'bad_link'], // cut off when pasted
    [real.link.replace(/digest=[0-9a-f]+/, 'digest=zz'), 'bad_link'],
    [experimentOnly, 'not_a_result'],
    ['javascript:alert(1)', 'bad_link'],
    ['#v=1&layers=' + 'dense:8,'.repeat(20000), 'bad_link'], // 160 kB of layers
    ['http://x/#v=1&\u202e\ud83d=\u00ff', 'bad_link'],
  ];
}

describe('malformed links', () => {
  it('each is unreadable with its kind and its reason; the good one still verifies', async () => {
    const cases = malformed();
    const csv = t.file('malformed.csv', ['student,link', ...cases.map(([link], i) => `S${i},"${link}"`), `good,"${real.link}"`].join('\n'));
    const r = await train(['--verify-file', csv, '--jobs', '2']);
    expect(r.code).toBe(2);
    const reports = r.lines.slice(0, -1);
    expect(reports).toHaveLength(cases.length + 1);
    cases.forEach(([, kind], i) => {
      expect(reports[i]).toMatchObject({ line: i + 2, unreadable: true, kind });
      expect(reports[i].error.length).toBeGreaterThan(5);
    });
    expect(reports.at(-1)).toMatchObject({ verified: true });
    expect(r.lines.at(-1).unreadable_by).toEqual({ bad_link: 7, empty: 1, no_settings: 1, not_a_result: 1 });
  });
});

describe('a file of 100,000 lines with a byte-order mark, odd quoting and duplicates', () => {
  it('keeps every row, replays each distinct result once, flags the copies, names each problem', async () => {
    const cases = malformed().filter(([link]) => link.length < 1000);
    const lines = ['\uFEFFstudent,"note, with comma",link'];
    const expected = { kinds: {}, duplicates: 0 };
    for (let i = 0; lines.length <= 100000; i++) {
      const who = i % 3 === 0 ? `"Doe, ""J${i}"""` : `S${i}`;
      if (i === 5) {
        lines.push(`Broken${i},"never closed,${real.link}`); // a quote never closed: this line only is lost
        expected.kinds.csv_row = 1;
      } else if (i % 4 === 0) {
        lines.push(`${who},"note",${i % 8 === 0 ? real.link : `"${other.link}"`}`);
        expected.duplicates++;
      } else {
        const [link, kind] = cases[i % cases.length];
        lines.push(`${who},a "quoted" word,"${link.replaceAll('"', '""')}"`);
        expected.kinds[kind] = (expected.kinds[kind] ?? 0) + 1;
      }
    }
    expected.duplicates -= 2; // the first of each of the two results is the original
    const file = t.file('huge.csv', lines.join('\r\n'));
    const out = t.file('huge.jsonl');
    const r = await train(['--verify-file', file, '--quiet', '--out', out, '--jobs', '2']);
    const summary = r.lines.at(-1);
    expect(summary).toMatchObject({ links: 100000, verified: 100000 - Object.values(expected.kinds).reduce((a, b) => a + b, 0), refused: 0, duplicates: expected.duplicates });
    expect(summary.unreadable_by).toEqual(Object.fromEntries(Object.entries(expected.kinds).sort(([a], [b]) => (a < b ? -1 : 1))));
    const records = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records).toHaveLength(100000);
    expect(new Set(records.map((x) => x.line)).size).toBe(100000);
    const broken = records.find((x) => x.line === 7);
    expect(broken).toMatchObject({ unreadable: true, kind: 'csv_row' });
    expect(broken.error).toMatch(/^the CSV line cannot be read: Quote Not Closed/);
    expect(records.find((x) => x.line === 5)).toMatchObject({ student: 'Doe, "J3"', 'note, with comma': 'a "quoted" word' });
    // Every copy points at the first row that handed the same result in.
    const copies = records.filter((x) => x.duplicate_of);
    expect(new Set(copies.map((x) => x.duplicate_of.line))).toEqual(new Set([2, 6]));
  }, 120_000);

  it('refuses a file that is not UTF-8, naming it', async () => {
    const latin1 = t.file('latin1.csv', Buffer.from('student,link\nJos\xe9,#v=1\n', 'latin1'));
    const r = await train(['--verify-file', latin1]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`train: ${latin1}: not UTF-8 text (save the CSV as UTF-8)`);
  });
});

describe('replays that would take hours', () => {
  // 100,000 XOR points a batch of 1, 1000 epochs: 80 million steps, claimed in full.
  const endless = parseExperiment({ ...xor({ count: 100000, batch: 1, epochs: 1000 }) });
  const claim = (assignment) => makeResult(endless, assignment, { steps: 80_000_000, test_accuracy: 0.9, test_loss: 0.2 });

  it('without budgets, --max-seconds stops the replay; with the assignment\'s budget it is not replayed', async () => {
    const unbounded = `${BASE}#${encodeHash(endless, { result: claim(undefined) })}`;
    const started = performance.now();
    const r = await train(['--verify', unbounded, '--max-seconds', '1']);
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(r.code).toBe(1);
    expect(r.lines[0]).toMatchObject({ verified: false, kinds: ['timeout'], replayed: { test_accuracy: null } });
    expect(r.lines[0].problems[0]).toMatch(/^the replay passed --max-seconds 1 at step \d+ of 80000000: stopped$/);

    const budget = { ...ASSIGNMENT, max_epochs: undefined, max_steps: 100 };
    delete budget.max_epochs;
    const bounded = `${BASE}#${encodeHash(endless, { assignment: budget, result: claim(budget) })}`;
    const b = await train(['--verify', bounded, '--assignment', homeworkLink(endless, budget)]);
    expect(b.lines[0]).toMatchObject({ verified: false, kinds: ['over_budget'] });
    expect(b.lines[0].problems).toEqual(['claims 80000000 steps, beyond the assignment\'s budget of 100: not replayed']);
    // A link that drops the budget from its assignment is still bounded by --assignment's.
    const stripped = await train(['--verify', unbounded, '--assignment', homeworkLink(endless, budget)]);
    expect(stripped.lines[0].kinds).toEqual(['over_budget', 'other_assignment']);
  });

  it('a thread stuck inside one long step is stopped and replaced; the next link is served', async () => {
    // Two 1024-unit layers on a batch of 8192: one step takes about 10 s. The cap between steps
    // is far off; the thread is stopped after 1.5 s, inside the first step (or still building).
    const heavy = parseExperiment({ ...xor({ count: 16384, batch: 8192, epochs: 1 }), layers: [{ type: 'dense', units: 1024 }, { type: 'tanh' }, { type: 'dense', units: 1024 }, { type: 'tanh' }, { type: 'dense', units: 2 }] });
    const link = `${BASE}#${encodeHash(heavy, { result: makeResult(heavy, undefined, { steps: 2, test_accuracy: 0.5, test_loss: 0.7 }) })}`;
    const module = await WebAssembly.compile(readFileSync(WASM_PATH));
    const pool = new ReplayPool({ jobs: 1, module, maxSeconds: 600, stallSeconds: 1.5 });
    try {
      const started = performance.now();
      const stuck = await pool.verify(link);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(stuck.report).toMatchObject({ verified: false, kinds: ['timeout'] });
      expect(stuck.report.problems[0]).toMatch(/its thread was stopped$/);
      const next = await pool.verify(real.link);
      expect(next.report).toMatchObject({ verified: true });
    } finally {
      await pool.close();
    }
  });
});
