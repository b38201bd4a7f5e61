// run.js: one grading run over a class's rows. Each row is decoded and keyed here (cheap), the
// rows of this shard are picked, results already in --out are taken from it, and the distinct
// results left are replayed by the pool; each finished result is appended to --out at once
// (resume), and the rows are printed in input order as soon as every row before them is known.

import { sha256Hex } from '../../src/experiment/digest.js';
import { encodeHash } from '../../src/experiment/url.js';
import { decodeLink, unreadableKind } from '../verify.js';
import { readRecords, ResultsFile } from './results.js';
import { shardKeys } from './shard.js';

/** The fields of a record that are the verifier's report (the rest: where the row was, its CSV fields, key, seconds). */
export const REPORT_KEYS = [
  'verified', 'digest_ok', 'claim_matches', 'claim', 'replayed', 'follows_assignment', 'goal', 'goal_met',
  'problems', 'kinds', 'unreadable', 'error', 'kind',
];

const pick = (record) => Object.fromEntries(REPORT_KEYS.filter((k) => k in record).map((k) => [k, record[k]]));

/** Hex digits of the key that names a result across runs, shards and resumes. */
const KEY_DIGITS = 32;

/**
 * A row decoded: {row, key, report?}. A result link's key is the digest of its canonical form
 * (experiment, assignment, claim: the page, language or view of the link do not count), so the
 * same result handed in twice is one key; a link that cannot be a result has its report already.
 */
export function prepareRow(row) {
  if (row.error) return { row, key: sha256Hex(`csv\n${row.line}`).slice(0, KEY_DIGITS), report: { unreadable: true, error: row.error, kind: 'csv_row' } };
  let decoded;
  try {
    decoded = decodeLink(row.link);
  } catch (err) {
    const report = { unreadable: true, error: err.message, kind: unreadableKind(row.link, err.message) };
    return { row, key: sha256Hex(`unreadable\n${String(row.link).trim()}`).slice(0, KEY_DIGITS), report };
  }
  const { experiment, assignment, result } = decoded;
  if (!result) {
    const report = { unreadable: true, error: 'not a result link: it holds an experiment but no claim (claim_steps, claim_acc, claim_loss, digest)', kind: 'not_a_result' };
    return { row, key: sha256Hex(`unreadable\n${String(row.link).trim()}`).slice(0, KEY_DIGITS), report };
  }
  return { row, key: sha256Hex(encodeHash(experiment, { assignment, result })).slice(0, KEY_DIGITS) };
}

const placeOf = (row) => (row.arg !== undefined ? `a${row.arg}` : `l${row.line}`);

/** The line printed and kept for a row. */
function recordOf(p, outcome, duplicateOf, tag) {
  const { link: _link, fields, error: _error, ...where } = p.row;
  return {
    ...where,
    ...fields,
    ...outcome.report,
    ...(duplicateOf ? { duplicate_of: duplicateOf } : {}),
    key: p.key,
    seconds: outcome.seconds,
    ...tag,
  };
}

/**
 * Grades `rows` ([{line|arg, link, fields, error?}]) with `pool` (a ReplayPool, or null when
 * nothing needs replaying). Options: shard ({index, count} or null), out (a results file to
 * resume from and append to), tag (fields added to every record), against (a digest of the
 * homework link the results are checked against, kept in each record: an --out file of another
 * homework's is refused, not mixed in), emit(record) for each row in
 * input order, progress(total) (a bar from progress.js),
 * warn(text), stop (a promise that settles on Ctrl-C). Returns {records, interrupted, notDone}.
 */
export async function gradeRows(rows, { pool, shard = null, tag = {}, against = null, out = null, emit = () => {}, progress: makeProgress = null, warn = () => {}, stop = null }) {
  // The same link text handed in many times is decoded once.
  const decoded = new Map();
  if (against) tag = { ...tag, against };
  const prepared = rows.map((row) => {
    if (row.error) return prepareRow(row);
    let p = decoded.get(row.link);
    if (!p) decoded.set(row.link, (p = prepareRow(row)));
    return { ...p, row };
  });
  const mine = shardKeys(prepared.map((p) => p.key), shard);
  const todo = prepared.filter((p) => mine.has(p.key));

  // The same result handed in by several rows: the first in input order is the original.
  const firstOf = new Map();
  const duplicateOf = new Map();
  for (const p of todo) {
    if (p.report) continue;
    const first = firstOf.get(p.key);
    if (!first) firstOf.set(p.key, p);
    else {
      const { link: _l, fields, error: _e, ...where } = first.row;
      duplicateOf.set(p, { ...where, ...fields });
    }
  }

  const outcomes = new Map();
  for (const p of todo) if (p.report) outcomes.set(p.key, { report: p.report, seconds: 0 });
  const written = new Set();
  let file = null;
  if (out) {
    try {
      const { records, problems } = readRecords(out);
      for (const text of problems) warn(`${text}: skipped`);
      const other = records.filter((r) => (r.against ?? null) !== against).length;
      if (other) {
        throw Object.assign(new Error(`--out ${out}: ${other} of its results were checked against another --assignment (or none): give this run another --out file`), { input: true });
      }
      for (const record of records) {
        outcomes.set(record.key, { report: pick(record), seconds: record.seconds ?? null });
        written.add(`${record.key}|${placeOf(record)}`);
      }
    } catch (err) {
      if (err.code !== 'ENOENT') throw err;
    }
    file = new ResultsFile(out);
  }

  const byKey = new Map();
  for (const p of todo) {
    if (!byKey.has(p.key)) byKey.set(p.key, []);
    byKey.get(p.key).push(p);
  }
  const records = new Array(todo.length);
  const index = new Map(todo.map((p, i) => [p, i]));
  let settled = 0;
  let replayed = 0;
  let next = 0;
  const settle = (key) => {
    const outcome = outcomes.get(key);
    for (const p of byKey.get(key)) {
      const i = index.get(p);
      if (records[i]) continue;
      records[i] = recordOf(p, outcome, duplicateOf.get(p), tag);
      settled++;
      const place = `${key}|${placeOf(p.row)}`;
      if (file && !written.has(place)) {
        file.append(records[i]);
        written.add(place);
      }
    }
    while (next < todo.length && records[next]) emit(records[next++]);
  };
  const pending = [];
  for (const key of byKey.keys()) {
    if (outcomes.has(key)) settle(key);
    else pending.push(key);
  }
  const state = () => ({ done: settled, replayed, remaining: todo.length - settled });
  const progress = makeProgress?.(todo.length);
  progress?.update(state(), true);

  let interrupted = false;
  try {
    const replays = pending.map((key) => pool.verify(byKey.get(key)[0].row.link).then((outcome) => {
      outcomes.set(key, outcome);
      replayed++;
      settle(key);
      progress?.update(state());
    }));
    const all = Promise.all(replays);
    if (stop) {
      const why = await Promise.race([all.then(() => 'done'), stop.then(() => 'stop')]);
      if (why === 'stop') {
        interrupted = true;
        all.catch(() => {});
        await pool.close();
      }
    } else {
      await all;
    }
  } finally {
    file?.close();
    progress?.done(state());
  }
  return { records: records.slice(0, next), interrupted, notDone: todo.length - next };
}
