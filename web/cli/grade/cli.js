// cli.js: the runner's grading commands (npm run train -- --verify-file …): their options, and
// the wiring of rows (rows.js), the replay pool (pool.js), the run (run.js), the progress bar,
// shards and merging (shard.js), gradebooks (gradebook.js) and Gradescope (gradescope.js).
// Exit codes: 0 every claim verified; 1 a claim refused; 2 bad input or an unreadable link;
// 130 stopped by Ctrl-C, 143 by SIGTERM (a scheduler's stop): what finished is in --out.

import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sha256Hex } from '../../src/experiment/digest.js';
import { encodeHash } from '../../src/experiment/url.js';
import { WASM_PATH } from '../../src/node.js';
import { decodeLink, parseLinkList, summarise } from '../verify.js';
import { canvasCsv, moodleCsv, parsePoints } from './gradebook.js';
import { packageZip } from './gradescope.js';
import { ReplayPool } from './pool.js';
import { progressBar } from './progress.js';
import { readRecords } from './results.js';
import { gradeRows, prepareRow } from './run.js';
import { mergeRecords, parseShard } from './shard.js';

export const USAGE = `usage: npm run train -- --verify LINK [--verify LINK…] [options]
       npm run train -- --verify-file class.csv [options]
       npm run train -- --merge results/shard-*.jsonl [--verify-file class.csv] [options]
       npm run train -- --gradescope-zip autograder.zip --assignment HOMEWORK_LINK [--points RULE]
  --verify-file FILE  the links of a class: one a line, or a CSV with a "link" column
  --assignment LINK   the homework link the results answer: its goal, budgets and fixed controls
                      must be the ones in each result; its budgets bound each replay
  --jobs N            replay N links at once, each in its own thread and core (default: the
                      machine's cores); the output is the same, in the same order, for every N
  --out FILE          append each result to FILE (JSON lines) as it is known; run again with the
                      same FILE to skip the results already in it
  --shard K/N         grade only the K-th of N slices of the file (K from 1); --merge joins them
  --merge FILE…       join shards' --out files (a glob, or --merge repeated); with --verify-file,
                      the rows no shard has are named
  --max-seconds S     stop a replay after S seconds (default 600)
  --quiet             no line per link and no progress bar: only the summary
  --points RULE       points for the gradebooks: N (N when verified and the goal met, else 0), or
                      goal=N,verified=N,refused=N,unreadable=N,missing=N,duplicate=N
  --canvas FILE       write Canvas's gradebook import CSV
  --moodle FILE       write Moodle's grade import CSV (id column, grade, feedback)
  --grade-column NAME the assignment's column in the gradebook (default "Homework"; for an
                      existing Canvas assignment, "Name (id)" as Canvas's export writes it)
  --id-column NAME    the input column that identifies students (default: Canvas's ID, SIS User ID
                      or SIS Login ID; Moodle's ID number, email address or username)
  --gradescope-zip FILE  write the autograder zip Gradescope takes (setup.sh, run_autograder, the
                      runner, MNIST) for --assignment, --points and --max-seconds`;

class GradingInputError extends Error {}

const COMMANDS = ['--verify', '--verify-file', '--merge', '--gradescope-zip', '--help-grading'];

/** Whether the runner's arguments ask for grading rather than training. */
export function isGradingCommand(argv) {
  return argv.some((a) => COMMANDS.some((c) => a === c || a.startsWith(`${c}=`)));
}

function parseOptions(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      // Files after --merge's first (a shell glob: --merge results/shard-*.jsonl) are more shards.
      allowPositionals: true,
      options: {
        ...Object.fromEntries([
          'verify-file', 'assignment', 'jobs', 'out', 'shard', 'max-seconds', 'points', 'canvas', 'moodle', 'grade-column',
          'id-column', 'gradescope-zip',
        ].map((name) => [name, { type: 'string' }])),
        verify: { type: 'string', multiple: true },
        merge: { type: 'string', multiple: true },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        'help-grading': { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new GradingInputError(`${err.message.split('\n')[0]}\n${USAGE}`);
  }
  const v = parsed.values;
  if (parsed.positionals.length && !v.merge) throw new GradingInputError(`unexpected ${parsed.positionals.join(' ')}: grading takes no experiment file\n${USAGE}`);
  const number = (name, lo, hi, fallback) => {
    if (v[name] === undefined) return fallback;
    const n = Number(v[name]);
    if (!/^\d+(\.\d+)?$/.test(v[name]) || n < lo || n > hi) throw new GradingInputError(`--${name}: must be a number from ${lo} to ${hi}, got ${JSON.stringify(v[name])}`);
    return n;
  };
  const opts = {
    help: Boolean(v.help || v['help-grading']),
    verify: v.verify ?? [],
    verifyFile: v['verify-file'],
    assignment: v.assignment,
    jobs: number('jobs', 1, 256, os.availableParallelism()),
    out: v.out,
    merge: v.merge ? [...v.merge, ...parsed.positionals] : [],
    maxSeconds: number('max-seconds', 1, 7 * 24 * 3600, 600),
    quiet: Boolean(v.quiet),
    canvas: v.canvas,
    moodle: v.moodle,
    gradeColumn: v['grade-column'] ?? 'Homework',
    idColumn: v['id-column'],
    gradescopeZip: v['gradescope-zip'],
  };
  if (!Number.isInteger(opts.jobs)) throw new GradingInputError(`--jobs: must be a whole number, got ${v.jobs}`);
  try {
    opts.shard = v.shard === undefined ? null : parseShard(v.shard);
    opts.points = parsePoints(v.points ?? '1');
    opts.pointsText = v.points ?? '1';
  } catch (err) {
    throw new GradingInputError(err.message);
  }
  if (opts.shard && opts.merge.length) throw new GradingInputError('--shard and --merge go in separate runs: each shard grades, then one --merge joins them');
  if (opts.shard && (opts.canvas || opts.moodle)) throw new GradingInputError('a gradebook needs every row: write it with --merge once the shards are done');
  return opts;
}

async function readRows(opts) {
  const rows = opts.verify.map((link, i) => ({ arg: i + 1, link, fields: {} }));
  if (opts.verifyFile) {
    let bytes;
    try {
      bytes = await readFile(opts.verifyFile);
    } catch (err) {
      throw new GradingInputError(`cannot read the file of links ${opts.verifyFile}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    }
    let text;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new GradingInputError(`${opts.verifyFile}: not UTF-8 text (save the CSV as UTF-8)`);
    }
    for (const row of parseLinkList(text)) rows.push({ file: opts.verifyFile, ...row });
  }
  return rows;
}

function homeworkOf(opts) {
  if (!opts.assignment) return null;
  let homework;
  try {
    homework = decodeLink(opts.assignment);
  } catch (err) {
    throw new GradingInputError(`--assignment: ${err.message}`);
  }
  if (!homework.assignment) throw new GradingInputError('--assignment: the link holds no assignment (no goal, budget, lock or hide)');
  return homework;
}

async function writeGradebooks(opts, records, warn) {
  const made = {};
  for (const [name, file, make] of [['canvas', opts.canvas, canvasCsv], ['moodle', opts.moodle, moodleCsv]]) {
    if (!file) continue;
    let out;
    try {
      out = make(records, { rule: opts.points, column: opts.gradeColumn, idColumn: opts.idColumn });
    } catch (err) {
      throw new GradingInputError(`--${name}: ${err.message}`);
    }
    for (const p of out.problems) warn(`--${name}: ${p}`);
    await writeFile(file, out.csv);
    made[name] = file;
  }
  return made;
}

/** Merging shards: their records joined, checked against the input when it is given. */
async function merged(opts, rows, warn) {
  const sources = [];
  for (const file of opts.merge) {
    let got;
    try {
      got = readRecords(file);
    } catch (err) {
      throw new GradingInputError(`--merge: cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    }
    for (const p of got.problems) warn(`${p}: skipped`);
    sources.push({ file, records: got.records });
  }
  const against = new Set(sources.flatMap((s) => s.records.map((r) => r.against ?? null)));
  if (against.size > 1) throw new GradingInputError('--merge: the files were checked against different --assignment links');
  const shards = new Set(sources.flatMap((s) => s.records.map((r) => r.shard)).filter(Boolean));
  const count = shards.size ? Number([...shards][0].split('/')[1]) : undefined;
  const { records, problems } = mergeRecords(sources, { rows: rows.length ? rows.map((r) => ({ line: r.line ?? r.arg, key: prepareRow(r).key })) : undefined, count });
  for (const p of problems) warn(p);
  if (opts.out) await writeFile(opts.out, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return { records, complete: problems.length === 0 };
}

async function grading(argv) {
  const opts = parseOptions(argv);
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const print = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
  const warn = (text) => process.stderr.write(`train: ${text}\n`);
  const homework = homeworkOf(opts);
  if (opts.gradescopeZip) {
    if (!homework) throw new GradingInputError('--gradescope-zip needs --assignment (the homework link students answer)');
    const bytes = packageZip({ assignment: opts.assignment, points: opts.pointsText, maxSeconds: opts.maxSeconds });
    await writeFile(opts.gradescopeZip, bytes);
    print({ gradescope_zip: opts.gradescopeZip, bytes: bytes.length });
    return 0;
  }
  const rows = await readRows(opts);
  if (opts.merge.length) {
    const { records, complete } = await merged(opts, rows, warn);
    if (!opts.quiet) records.forEach(print);
    const { summary, code } = summarise(records);
    const gradebooks = await writeGradebooks(opts, records, warn);
    print({ ...summary, merged: opts.merge.length, ...(complete ? {} : { incomplete: true }), ...(Object.keys(gradebooks).length ? { gradebooks } : {}) });
    return complete ? code : Math.max(code, 2);
  }

  const module = await WebAssembly.compile(await readFile(WASM_PATH).catch(() => {
    throw new GradingInputError(`${WASM_PATH} is missing: run ./build.sh first`);
  }));
  const pool = new ReplayPool({ jobs: opts.jobs, module, assignment: opts.assignment ?? null, maxSeconds: opts.maxSeconds });
  // Ctrl-C, or a scheduler stopping the task (Kubernetes and Slurm send SIGTERM first).
  const SIGNALS = { SIGINT: 130, SIGTERM: 143 };
  let stoppedBy = null;
  const onSignal = (name) => {
    if (stoppedBy) return;
    stoppedBy = name;
    warn(`${name}: stopping; the replays in flight are dropped, the finished ones are kept`);
    resolveStop();
  };
  let resolveStop;
  const stop = new Promise((resolve) => { resolveStop = resolve; });
  for (const name of Object.keys(SIGNALS)) process.on(name, onSignal);
  let run;
  try {
    run = await gradeRows(rows, {
      pool,
      shard: opts.shard,
      out: opts.out,
      tag: opts.shard ? { shard: `${opts.shard.index}/${opts.shard.count}` } : {},
      against: homework ? sha256Hex(encodeHash(homework.experiment, { assignment: homework.assignment })).slice(0, 16) : null,
      emit: opts.quiet ? () => {} : print,
      progress: (total) => progressBar(process.stderr, { quiet: opts.quiet, total }),
      warn,
      stop,
    });
  } finally {
    for (const name of Object.keys(SIGNALS)) process.off(name, onSignal);
    await pool.close();
  }
  const { summary, code } = summarise(run.records);
  const extra = {};
  if (opts.shard) extra.shard = `${opts.shard.index}/${opts.shard.count}`;
  if (run.interrupted) Object.assign(extra, { interrupted: true, not_done: run.notDone });
  else Object.assign(extra, await writeGradebooks(opts, run.records, warn).then((g) => (Object.keys(g).length ? { gradebooks: g } : {})));
  print({ ...summary, ...extra });
  return run.interrupted ? SIGNALS[stoppedBy] : code;
}

/** Runs a grading command; returns the exit code (input problems: one line on stderr, 2). */
export async function runGrading(argv) {
  try {
    return await grading(argv);
  } catch (err) {
    if (!(err instanceof GradingInputError || err?.input)) throw err;
    process.stderr.write(`train: ${err.message}\n`);
    return 2;
  }
}
