// grading.js: `npm run bench -- --grading`. Generates a class of result links (200 MLP, 20 CNN,
// each its own seed, so no replay is shared), grades them with the runner as an instructor
// would (`--verify-file`, a process per run) at --jobs 1 and --jobs 2, and prints links/s, the
// speed-up, whether both runs gave the same bits, and a projection for a class of CNN homework.
// The claims are made up (with valid digests): every link is replayed in full and refused on its
// numbers, which costs exactly what verifying a true claim costs.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeResult } from '../src/experiment/homework.js';
import { encodeHash } from '../src/experiment/url.js';
import { parseExperiment } from '../src/experiment/validate.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TRAIN = path.join(ROOT, 'web/cli/train.js');

/** The sets: links, and the steps each claims (two lengths for the CNN, to separate the cost of a step from the rest). */
export const GRADING_SETS = {
  full: { mlp: { count: 200, steps: [50] }, cnn: { count: 20, steps: [5, 25] } },
  quick: { mlp: { count: 20, steps: [20] }, cnn: { count: 4, steps: [2, 6] } },
};

/** A CNN homework as the issue sizes it: one epoch of MNIST (938 steps of 64). */
export const HOMEWORK_STEPS = 938;

function linksFile(dir, name, file, { count, steps }) {
  const base = parseExperiment(JSON.parse(readFileSync(path.join(ROOT, 'web/experiments', file), 'utf8')));
  const rows = ['student,link'];
  for (let i = 0; i < count; i++) {
    const experiment = parseExperiment({ ...base, seed: 1000 + i });
    const result = makeResult(experiment, undefined, { steps: steps[i % steps.length], test_accuracy: 0.5, test_loss: 1 });
    rows.push(`s${i},#${encodeHash(experiment, { result })}`);
  }
  const p = path.join(dir, `${name}.csv`);
  writeFileSync(p, `${rows.join('\n')}\n`);
  return p;
}

const CPU_USAGE = new URL('./cpu-usage.js', import.meta.url).href;

/** One run of the runner: wall seconds, and the CPU seconds all its threads used. */
function grade(csv, jobs, out) {
  const started = performance.now();
  const usage = `${out}.cpu.json`;
  return new Promise((resolve, reject) => {
    const args = ['--import', CPU_USAGE, TRAIN, '--verify-file', csv, '--jobs', String(jobs), '--quiet', '--out', out];
    execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 1 << 26, env: { ...process.env, NN_CPU_USAGE_FILE: usage } }, (err, stdout, stderr) => {
      const seconds = (performance.now() - started) / 1000;
      if (err && err.code !== 1) return reject(new Error(`grading ${csv} with --jobs ${jobs} failed (${err.code}): ${stderr}`));
      resolve({ seconds, cpuSeconds: JSON.parse(readFileSync(usage, 'utf8')).cpuSeconds, summary: JSON.parse(stdout.trim().split('\n').at(-1)) });
    });
  });
}

const records = (file) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).sort((a, b) => a.line - b.line);
const bits = ({ seconds: _s, ...rest }) => JSON.stringify(rest);

/** Least squares of seconds against claimed steps: {perStep, fixed} (the replay's setup and its test pass). */
export function fitSteps(points) {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.steps, 0) / n;
  const my = points.reduce((a, p) => a + p.seconds, 0) / n;
  const sxx = points.reduce((a, p) => a + (p.steps - mx) ** 2, 0);
  const perStep = sxx ? points.reduce((a, p) => a + (p.steps - mx) * (p.seconds - my), 0) / sxx : 0;
  return { perStep, fixed: my - perStep * mx };
}

/**
 * Runs the grading bench: {sets: {mlp, cnn: {links, runs: {1, 2}, sameBits, speedup}}, projection,
 * load}. Runs alternate jobs 1 and 2 within each set, so both share the machine's noise.
 */
export async function runGradingBench({ quick = false, log = () => {} } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nn-grading-bench-'));
  const load = [os.loadavg()[0]];
  const result = { cores: os.availableParallelism(), sets: {}, load };
  try {
    const settings = quick ? GRADING_SETS.quick : GRADING_SETS.full;
    for (const [name, file] of [['mlp', 'mlp.json'], ['cnn', 'cnn.json']]) {
      const csv = linksFile(dir, name, file, settings[name]);
      const set = { links: settings[name].count, steps: settings[name].steps, runs: {} };
      for (const jobs of [1, 2]) {
        log(`grading: ${set.links} ${name.toUpperCase()} links, --jobs ${jobs} (load average ${os.loadavg()[0].toFixed(2)})`);
        const out = path.join(dir, `${name}-${jobs}.jsonl`);
        const run = await grade(csv, jobs, out);
        set.runs[jobs] = { seconds: run.seconds, cpuSeconds: run.cpuSeconds, linksPerSecond: set.links / run.seconds, records: records(out) };
        load.push(os.loadavg()[0]);
      }
      set.sameBits = set.runs[1].records.map(bits).join('\n') === set.runs[2].records.map(bits).join('\n');
      set.speedup = set.runs[2].linksPerSecond / set.runs[1].linksPerSecond;
      // What the second job costs in work (MNIST loaded twice, two threads): the speed-up 2 jobs
      // can reach when both cores are free is at most 2 / cpuRatio.
      set.cpuRatio = set.runs[2].cpuSeconds / set.runs[1].cpuSeconds;
      result.sets[name] = set;
    }
    // A CNN homework replay: what one link costs at --jobs 1 (the fitted line at a full epoch);
    // 500 of them on 8 cores, if 8 jobs scale as 2 did (efficiency = speed-up / 2).
    const cnn = result.sets.cnn;
    const fit = fitSteps(cnn.runs[1].records.map((r) => ({ steps: r.claim.steps, seconds: r.seconds })));
    const perLink = fit.fixed + fit.perStep * HOMEWORK_STEPS;
    const efficiency = Math.min(1, cnn.speedup / 2);
    // On a machine too busy, the per-link times scatter so much that the line has no meaning.
    if (fit.perStep > 0 && fit.fixed > 0) result.projection = { perLink, perStep: fit.perStep, fixed: fit.fixed, efficiency, seconds500on8: (500 * perLink) / (8 * efficiency), serial500: 500 * perLink };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const set of Object.values(result.sets)) for (const run of Object.values(set.runs)) delete run.records;
  return result;
}

const hours = (s) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : `${(s / 60).toFixed(1)} min`);

/** The bench's report as text. */
export function formatGrading(r) {
  const lines = [`grading (npm run train -- --verify-file, a process per run; ${r.cores} cores; load average ${r.load.map((x) => x.toFixed(2)).join(' -> ')})`];
  lines.push('set  | links | steps claimed | --jobs 1: links/s (wall, CPU s, CPU share) | --jobs 2: links/s (wall, CPU s, CPU share) | speed-up | CPU ratio | same bits');
  for (const [name, s] of Object.entries(r.sets)) {
    const cell = (j) => {
      const run = s.runs[j];
      return `${run.linksPerSecond.toFixed(2)} (${run.seconds.toFixed(1)} s, ${run.cpuSeconds.toFixed(1)} s, ${Math.round((100 * run.cpuSeconds) / run.seconds)} %)`;
    };
    lines.push(`${name.toUpperCase()} | ${s.links} | ${s.steps.join(', ')} | ${cell(1)} | ${cell(2)} | ${s.speedup.toFixed(2)}x | ${s.cpuRatio.toFixed(3)} | ${s.sameBits ? 'yes' : 'NO'}`);
  }
  lines.push('CPU share: CPU seconds / wall seconds (200 % is both cores); CPU ratio: CPU seconds at --jobs 2 / at --jobs 1,'
    + ' so 2 / ratio bounds the speed-up on 2 free cores');
  const p = r.projection;
  if (!p) lines.push('', 'projection: none (the CNN replays\' times do not fit a line with a positive cost a step: the machine was too busy)');
  else {
    lines.push('', `projection, 500 CNN homework links (${HOMEWORK_STEPS} steps each): one replay ${p.perLink.toFixed(1)} s at --jobs 1`
      + ` (fitted: ${(p.perStep * 1000).toFixed(1)} ms a step + ${p.fixed.toFixed(2)} s setup and test pass);`
      + ` one core ${hours(p.serial500)}; 8 cores at the measured 2-job efficiency ${(p.efficiency * 100).toFixed(0)} %: ${hours(p.seconds500on8)}`);
  }
  const target = r.sets.mlp?.speedup >= 1.8 && r.sets.cnn?.speedup >= 1.8;
  lines.push(`target: at least 1.8x with 2 jobs on 2 cores: ${target ? 'met' : 'missed'}`);
  return lines.join('\n');
}
