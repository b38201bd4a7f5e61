// results.js: the --out file of a grading run, JSON lines appended as each result is known (in
// the order replays finish, not the input order), so that a stopped run keeps every finished
// result and a second run with the same --out skips them. A record is the line printed for a
// row of the input: {line, ...the CSV's fields, ...the report, key, seconds}.

import { closeSync, existsSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';

/**
 * The records of a results file: {records, problems}. A run killed while writing leaves at most
 * one torn last line; it, and any line that is not a record, is named in `problems` and skipped.
 */
export function readRecords(file) {
  const text = readFileSync(file, 'utf8');
  const records = [];
  const problems = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    let record;
    try {
      record = JSON.parse(raw);
    } catch {
      problems.push(`${file}:${i + 1}: not a JSON line${i === lines.length - 1 ? ' (a write cut short: the run was stopped while writing it)' : ''}`);
      return;
    }
    if (!record || typeof record !== 'object' || typeof record.key !== 'string' || !Number.isSafeInteger(record.line ?? record.arg)) {
      problems.push(`${file}:${i + 1}: not a result record (no key and line)`);
      return;
    }
    records.push(record);
  });
  return { records, problems };
}

/** An append-only results file; a torn last line left by a killed run is cut off first. */
export class ResultsFile {
  #fd;

  constructor(file) {
    if (existsSync(file)) {
      const bytes = readFileSync(file);
      const end = bytes.lastIndexOf(0x0a) + 1;
      if (end < bytes.length) truncateSync(file, end);
    }
    this.#fd = openSync(file, 'a');
  }

  /** One record, one write: a kill between two writes loses nothing already written. */
  append(record) {
    writeSync(this.#fd, `${JSON.stringify(record)}\n`);
  }

  close() {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
