// A class graded as an instructor would: in parallel (the same lines, in the same order, as one
// job), killed and resumed (nothing lost, nothing replayed twice), stopped with Ctrl-C (a clean
// summary, exit 130), and split into shards run as separate processes, then merged (the same
// lines as one run).
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHash } from '../../../../web/src/experiment/url.js';
import { makeResult } from '../../../../web/src/experiment/homework.js';
import { parseShard, shardKeys } from '../../../../web/cli/grade/shard.js';
import { formatDuration, progressLine } from '../../../../web/cli/grade/progress.js';
import { BASE, ROOT, bits, homeworkLink, readJsonLines, start, submit, tempDir, train, xor } from './fixtures.js';

const t = tempDir('nn-grade-run-');
afterAll(t.cleanup);

let csv;
let homework;
beforeAll(async () => {
  // Real results of several seeds and lengths (the last past the budget of 40 steps), one edited
  // claim, one link handed in twice, one unreadable row: every kind of line the output can hold.
  homework = homeworkLink(xor());
  const rows = ['student,id,link'];
  const links = [];
  for (let seed = 1; seed <= 5; seed++) links.push((await submit(xor({ seed, lr: 0.03 + seed / 100 }), 10 * seed)).link);
  const edited = links[1].replace(/claim_acc=[0-9.]+/, 'claim_acc=0.99');
  [...links, edited, links[2], 'http://x/#v=1&lr=oops'].forEach((link, i) => rows.push(`Student ${i},${100 + i},"${link}"`));
  csv = t.file('class.csv', `${rows.join('\n')}\n`);
});

describe('--jobs', () => {
  it('gives the same lines, in input order, with 1 job and with 3', async () => {
    const one = await train(['--verify-file', csv, '--assignment', homework, '--jobs', '1']);
    const three = await train(['--verify-file', csv, '--assignment', homework, '--jobs', '3']);
    expect(one.code).toBe(1); // the edited claim
    expect(three.code).toBe(1);
    expect(one.stderr).toBe(''); // not a terminal: no progress bar
    expect(three.lines.map(bits)).toEqual(one.lines.map(bits));
    expect(one.lines.slice(0, -1).map((l) => l.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const summary = one.lines.at(-1);
    expect(summary).toMatchObject({ links: 8, verified: 5, refused: 2, unreadable: 1, duplicates: 1, unreadable_by: { bad_link: 1 } });
    // The seed is hidden by the assignment: every other seed changed a fixed setting.
    expect(summary.refused_by).toEqual({ edited: 1, numbers: 1, over_budget: 1, fixed_setting_changed: 2 });
    expect(one.lines[4]).toMatchObject({ verified: false, replayed: { steps: 0, test_accuracy: null } });
    expect(one.lines[4].problems[0]).toBe('claims 50 steps, beyond the assignment\'s budget of 40: not replayed');
    expect(one.lines[4].goal.budgets).toEqual([{ budget: 'max_epochs', limit: 4, used: 5, ok: false }]);
    expect(one.lines[6]).toMatchObject({ student: 'Student 6', verified: true, duplicate_of: { line: 4, student: 'Student 2', id: '102' } });
  });
});

describe('--out and resuming', () => {
  let slow;
  beforeAll(() => {
    // Ten links whose replays take a while (5,000 steps each); their claims are made up, so each
    // is replayed in full and refused on its numbers, which is all these tests need.
    const rows = ['student,link'];
    for (let seed = 1; seed <= 10; seed++) {
      const e = xor({ count: 20000, batch: 4, epochs: 1, seed });
      const result = makeResult(e, undefined, { steps: 5000, test_accuracy: 0.5, test_loss: 0.7 });
      rows.push(`S${seed},${BASE}#${encodeHash(e, { result })}`);
    }
    slow = t.file('slow.csv', `${rows.join('\n')}\n`);
  });

  const waitForLines = async (file, n) => {
    for (;;) {
      let count = 0;
      try {
        count = readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
      } catch {
        // not written yet
      }
      if (count >= n) return count;
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('a killed run loses only the replays in flight; the second run replays only the rest', async () => {
    const full = await train(['--verify-file', slow, '--jobs', '2', '--out', t.file('full.jsonl')]);
    expect(full.lines).toHaveLength(11);
    const out = t.file('killed.jsonl');
    const first = start(['--verify-file', slow, '--jobs', '2', '--out', out]);
    await waitForLines(out, 3);
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    const kept = readJsonLines(out);
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.length).toBeLessThan(10);
    // Simulate the worst moment of a kill: a record cut halfway through its write.
    writeFileSync(out, `${readFileSync(out, 'utf8')}{"line":99,"verif`);

    const second = await train(['--verify-file', slow, '--jobs', '2', '--out', out]);
    expect(second.stderr).toMatch(/killed\.jsonl:\d+: not a JSON line \(a write cut short/);
    expect(second.lines.map(bits)).toEqual(full.lines.map(bits));
    const records = readJsonLines(out);
    expect(records).toHaveLength(10);
    // Kept records came from the file, with their original timings: not replayed again.
    for (const k of kept) expect(second.lines.find((l) => l.line === k.line).seconds).toBe(k.seconds);
    const sorted = [...records].sort((a, b) => a.line - b.line);
    expect(sorted.map(bits)).toEqual(readJsonLines(t.file('full.jsonl')).sort((a, b) => a.line - b.line).map(bits));
    // A third run has nothing left to replay.
    const third = await train(['--verify-file', slow, '--out', out, '--quiet']);
    expect(third.lines).toEqual([full.lines.at(-1)]);
    expect(readJsonLines(out)).toHaveLength(10);
  });

  it('Ctrl-C stops cleanly: a summary of what finished, exit 130, every written line whole', async () => {
    const out = t.file('interrupted.jsonl');
    const run = start(['--verify-file', slow, '--jobs', '1', '--out', out]);
    await waitForLines(out, 2);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toBe('train: SIGINT: stopping; the replays in flight are dropped, the finished ones are kept');
    const summary = r.lines.at(-1);
    expect(summary).toMatchObject({ summary: true, interrupted: true });
    expect(summary.links + summary.not_done).toBe(10);
    expect(readJsonLines(out).length).toBeGreaterThanOrEqual(summary.links);
    // A scheduler's stop (SIGTERM) is the same clean stop, exit 143; the run resumes after it.
    const again = start(['--verify-file', slow, '--jobs', '1', '--out', out]);
    await waitForLines(out, summary.links + 1);
    again.child.kill('SIGTERM');
    const term = await again.done;
    expect(term.code).toBe(143);
    expect(term.lines.at(-1)).toMatchObject({ interrupted: true });
  });
});

describe('--shard and --merge', () => {
  it('N processes, one shard each, merged, give one run\'s lines', async () => {
    const one = await train(['--verify-file', csv, '--assignment', homework, '--jobs', '1']);
    const shards = await Promise.all([1, 2, 3].map((k) => train(['--verify-file', csv, '--assignment', homework, '--jobs', '1', '--shard', `${k}/3`, '--out', t.file(`shard${k}.jsonl`)])));
    const lines = shards.flatMap((s) => s.lines.slice(0, -1));
    expect(lines).toHaveLength(8);
    for (const [k, s] of shards.entries()) expect(s.lines.at(-1).shard).toBe(`${k + 1}/3`);
    // The result handed in twice is replayed and flagged inside one shard.
    const dup = lines.find((l) => l.duplicate_of);
    expect(lines.find((l) => l.line === dup.duplicate_of.line).shard).toBe(dup.shard);

    const merge = ['--merge', t.file('shard1.jsonl'), '--merge', t.file('shard2.jsonl'), '--merge', t.file('shard3.jsonl')];
    // As a shell glob gives them: --merge and the files after it.
    const merged = await train(['--merge', ...[1, 2, 3].map((k) => t.file(`shard${k}.jsonl`)), '--verify-file', csv, '--out', t.file('merged.jsonl')]);
    expect(merged.stderr).toBe('');
    expect(merged.lines.slice(0, -1).map(bits)).toEqual(one.lines.slice(0, -1).map(bits));
    expect(merged.lines.at(-1)).toEqual({ ...one.lines.at(-1), merged: 3 });
    expect(merged.code).toBe(one.code);
    expect(readJsonLines(t.file('merged.jsonl')).map(bits)).toEqual(one.lines.slice(0, -1).map(bits));

    // An --out file checked against the homework is not resumed by a run without it.
    const other = await train(['--verify-file', csv, '--out', t.file('shard1.jsonl'), '--quiet']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/shard1\.jsonl: \d+ of its results were checked against another --assignment \(or none\): give this run another --out file$/);

    // A shard left out is named, row by row, with the shard to run again.
    const missing = await train([...merge.slice(0, 4), '--verify-file', csv, '--quiet']);
    expect(missing.code).toBe(2);
    expect(missing.lines.at(-1)).toMatchObject({ incomplete: true });
    const lost = shards[2].lines.slice(0, -1).map((l) => `line ${l.line}: no result in any shard (shard 3/3)`);
    expect(missing.stderr.split('\n').map((l) => l.replace(/^train: /, ''))).toEqual(lost);
  });

  it('slices deterministically, round-robin over distinct results', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '1', '']) expect(() => parseShard(bad)).toThrow(/K\/N/);
    const keys = ['a', 'b', 'a', 'c', 'd', 'e', 'b'];
    expect([...shardKeys(keys, { index: 1, count: 2 })]).toEqual(['a', 'c', 'e']);
    expect([...shardKeys(keys, { index: 2, count: 2 })]).toEqual(['b', 'd']);
  });
});

describe('progress', () => {
  it('is drawn on stderr when it is a terminal (a pseudo-terminal made by script(1)), not with --quiet', async () => {
    const out = t.file('tty.jsonl');
    const inTerminal = (extra) => new Promise((resolve) => {
      const command = `${JSON.stringify(process.execPath)} web/cli/train.js --verify-file ${JSON.stringify(csv)} --assignment '${homework}' --jobs 2 ${extra} > ${JSON.stringify(out)}`;
      execFile('script', ['-qec', command, '/dev/null'], { cwd: ROOT }, (_err, stdout) => resolve(stdout));
    });
    const terminal = await inTerminal('');
    expect(terminal).toMatch(/\r\[#{24}\] 8\/8 \d+\.\d\d links\/s, \S+ left\x1b\[K\r?\n/);
    expect(readJsonLines(out)).toHaveLength(9); // stdout still has every line
    expect(await inTerminal('--quiet')).toBe('');
  });

  it('draws done/total, the rate and the time left', () => {
    expect(progressLine({ done: 50, total: 500, replayed: 40, elapsed: 20, remaining: 450 }))
      .toBe('[##......................] 50/500 2.00 links/s, 3m45s left');
    expect(progressLine({ done: 0, total: 10, replayed: 0, elapsed: 0, remaining: 10 })).toMatch(/0\/10 0\.00 links\/s, \? left$/);
    expect(formatDuration(3 * 3600 + 30 * 60)).toBe('3h30m');
  });
});

