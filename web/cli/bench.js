#!/usr/bin/env node
// bench.js: `npm run bench`. Trains MNIST with our core (through Session, as the page does) and
// with TensorFlow.js 4.22's wasm backend (SIMD, one thread) on the same two networks, batch 64,
// first in Node worker threads and then in Web Workers of headless Chromium, and prints
// samples/s per workload with the ratio and the step-time drift over an epoch. It also measures,
// in the same run: the core's GEMM at the networks' shapes against a register-blocked ceiling
// (tests/bench/gemm_bench.c built to wasm, in Node and in a Chromium worker; web/bench/gemm.js),
// the built page's gzip'ed sizes (web/bench/sizes.js), and in the built page in Chromium the
// time from MNIST in memory to the first training step and what the live charts cost
// (web/bench/page.js), and the optimizer lab's playback of four racers at 60 frames a second
// (web/bench/lab.js); then prints the issue's summary table and each target, met or missed.
// A benchmark, not a test: it fails only when something cannot run, never because a number is
// low. The protocol is in web/bench/plan.js.
//
//   npm run bench -- [--quick] [--only w1|w2|w3] [--json] [--no-node] [--no-chromium] [--no-cpu]
//                    [--no-gemm] [--no-sizes] [--no-page] [--no-lab] [--chromium-ours page|session] [--wasm FILE]
//                    [--threads N]
//   npm run bench -- --lab       only the optimizer lab's playback in the built page
//   npm run bench -- --first-step  only the built page's first step (and MNIST's load before it)
//   npm run bench -- --soak      20 epochs of the MLP in the built page; memory after each epoch (web/bench/soak.js)
//   npm run bench -- --grading   a class of result links graded at --jobs 1 and 2 (web/bench/grading.js)

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parseExperiment } from '../src/experiment/validate.js';
import { builtPage, gemmBenchWasm, tfjsForNode } from '../bench/build.js';
import { parseGemmReport, runGemmBench } from '../bench/gemm.js';
import { runPlan, SETTINGS } from '../bench/plan.js';
import {
  formatCharts, formatFirstStep, formatLab, formatGemm, formatMachine, formatSizes, formatSummary, formatTable, formatTargets, targets,
} from '../bench/report.js';
import { pageFiles, summarizeSizes } from '../bench/sizes.js';
import { checkWorkloadExperiment, WORKLOADS } from '../bench/workloads.js';

const USAGE = `usage: npm run bench -- [options]
  --quick               short timings (a smoke run for CI), no TF.js cpu backend
  --only w1|w2|w3       one workload (W1: MLP 784-128-10, W2: the CNN, W3: the doubling CNN with batch norm)
  --json                print the results as JSON on stdout (tables and progress go to stderr)
  --no-node             skip the Node part
  --no-chromium         skip everything in headless Chromium (the bench page and the built page)
  --no-cpu              skip the short run of TF.js's cpu backend
  --threads N           also our threaded core on N threads in the same rounds (default 2; 1 skips
                        it), with its ratio to our single thread: in Node, and in Chromium through
                        the page's worker in a cross-origin isolated bench page, next to TF.js's
                        threaded SIMD build on the page's cores (its best of 1 and that many);
                        and N copies of our single thread training side by side, what the
                        machine gives N independent jobs at that moment (the threads' ceiling)
  --no-gemm             skip GEMM against its ceiling (tests/bench/gemm_bench.c, built with emcc)
  --no-sizes            skip the built page's gzip'ed sizes
  --no-page             skip the built page in Chromium (first-step latency, live charts cost)
  --no-lab              skip the optimizer lab's playback in the built page
  --page-threads N      the built page's thread count while the live charts' cost is measured
                        (default: the page's own, min(cores, 8); the page is cross-origin isolated)
  --lab                 only the optimizer lab's playback: four optimizers racing 10,000 steps,
                        frames per second and the longest main-thread task (about 30 s)
  --first-step          only the built page's first visit and second visit: MNIST's load and
                        the first training step (about 30 s)
  --chromium-ours page|session
                        in Chromium, drive our core through the page's worker
                        (web/src/engine/worker.js, the default) or through Session in a bare worker
  --wasm FILE           measure this build of the core instead of web/public/nn.wasm
                        (read once at the start, so a rebuild during the run changes nothing)
  --soak                instead: train the MLP 20 epochs in the built page (web/dist) in headless
                        Chromium, print wasm and JS heap sizes after each epoch and whether
                        anything grew after the first
  --grading             instead: grade 200 generated MLP result links and 20 CNN ones with the
                        runner at --jobs 1 and --jobs 2; links/s, speed-up, same bits, and the
                        projected time of 500 CNN homework links on 8 cores (--quick: fewer)`;

function options(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' }, only: { type: 'string' }, json: { type: 'boolean' },
      'no-node': { type: 'boolean' }, 'no-chromium': { type: 'boolean' }, 'no-cpu': { type: 'boolean' },
      'no-gemm': { type: 'boolean' }, 'no-sizes': { type: 'boolean' }, 'no-page': { type: 'boolean' },
      'chromium-ours': { type: 'string' }, wasm: { type: 'string' }, threads: { type: 'string' }, 'page-threads': { type: 'string' }, soak: { type: 'boolean' }, 'first-step': { type: 'boolean' },
      grading: { type: 'boolean' },
      'no-lab': { type: 'boolean' }, lab: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (values.only && !WORKLOADS[values.only]) throw new Error(`--only must be w1, w2 or w3, got ${values.only}`);
  const oursPath = values['chromium-ours'] ?? 'page';
  const threads = Number(values.threads ?? 2);
  if (!Number.isInteger(threads) || threads < 1 || threads > 8) throw new Error(`--threads must be 1 to 8, got ${values.threads}`);
  const pageThreads = Number(values['page-threads'] ?? 0);
  if (!Number.isInteger(pageThreads) || pageThreads < 0 || pageThreads > 8) throw new Error(`--page-threads must be 1 to 8, got ${values['page-threads']}`);
  if (!['page', 'session'].includes(oursPath)) throw new Error(`--chromium-ours must be page or session, got ${oursPath}`);
  if (values.grading) return { grading: true, quick: Boolean(values.quick), json: Boolean(values.json) };
  if (values.lab) {
    return {
      quick: Boolean(values.quick), json: Boolean(values.json), workloads: [], node: false, chromium: false, cpu: false, oursPath, wasm: values.wasm,
      gemm: false, sizes: false, page: false, lab: true, soak: false,
    };
  }
  if (values['first-step']) {
    return {
      quick: Boolean(values.quick), json: Boolean(values.json), workloads: [], node: false, chromium: false, cpu: false, oursPath, wasm: values.wasm,
      gemm: false, sizes: false, page: true, pageParts: { firstStep: true, charts: false }, soak: false,
    };
  }
  return {
    quick: Boolean(values.quick), json: Boolean(values.json), workloads: values.only ? [values.only] : Object.keys(WORKLOADS),
    node: !values['no-node'], chromium: !values['no-chromium'], cpu: !values['no-cpu'], oursPath, wasm: values.wasm, threads,
    gemm: !values['no-gemm'], sizes: !values['no-sizes'], page: !values['no-page'] && !values['no-chromium'],
    lab: !values['no-lab'] && !values['no-chromium'], soak: Boolean(values.soak), pageThreads,
  };
}

function cpuModel() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1].trim();
  } catch {
    // not Linux: fall back on what Node says
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/** A worker thread running web/bench/node-worker.js, spoken to with {id, type, ...} requests. */
function spawnNodeWorker(tfjsBundle, wasmBytes, wasmMtBytes) {
  const worker = new Worker(new URL('../bench/node-worker.js', import.meta.url), { workerData: { tfjsBundle, wasmBytes, wasmMtBytes } });
  const pending = new Map();
  let nextId = 1;
  const failAll = (err) => {
    for (const { reject } of pending.values()) reject(err);
    pending.clear();
  };
  worker.on('message', ({ id, result, error }) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (error) p.reject(Object.assign(new Error(error.message), { stack: error.stack }));
    else p.resolve(result);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`a benchmark worker exited (code ${code})`)));
  return {
    call: (type, fields = {}) => new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, type, ...fields });
    }),
    terminate: () => worker.terminate(),
  };
}

/** How the peer ran, from what its workers reported. */
function peerLine(results) {
  const info = Object.values(results)[0]['tfjs-wasm'].info;
  return `TF.js ${info.tfjs} ${info.backend} backend: SIMD ${info.simd ? 'on' : 'OFF'}, ${info.threads} thread(s), prod mode ${info.prod ? 'on' : 'off'}`;
}

/** Which core is measured: the bytes' hash, and whether the tree it came from had changes. */
function describeCore(file, bytes) {
  const core = { file: path.relative(process.cwd(), file) || file, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex').slice(0, 16) };
  try {
    const git = (...args) => execFileSync('git', args, { cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    core.commit = git('rev-parse', '--short', 'HEAD').trim();
    core.uncommitted = git('status', '--porcelain', '--', 'c', 'web/src').split('\n').filter(Boolean).map((l) => l.slice(3));
  } catch {
    // not a git checkout: the hash alone names the build
  }
  return core;
}

async function loadExperiments() {
  const out = {};
  for (const [id, w] of Object.entries(WORKLOADS)) {
    const text = await readFile(new URL(`../experiments/${w.file}`, import.meta.url), 'utf8');
    out[id] = parseExperiment(JSON.parse(text));
    checkWorkloadExperiment(id, out[id]);
  }
  return out;
}

async function main() {
  const opts = options(process.argv.slice(2));
  if (opts.soak) {
    const { runSoak } = await import('../bench/soak.js');
    await runSoak();
    return;
  }
  if (opts.grading) {
    const { formatGrading, runGradingBench } = await import('../bench/grading.js');
    const result = await runGradingBench({ quick: opts.quick, log: (t) => process.stderr.write(`bench: ${t}\n`) });
    (opts.json ? process.stderr : process.stdout).write(`${formatGrading(result)}\n`);
    if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const out = opts.json ? process.stderr : process.stdout;
  const log = (text) => process.stderr.write(`bench: ${text}\n`);
  const settings = opts.quick ? SETTINGS.quick : SETTINGS.full;
  const experiments = await loadExperiments();
  const wasmFile = path.resolve(opts.wasm ?? fileURLToPath(new URL('../public/nn.wasm', import.meta.url)));
  let wasmBytes;
  try {
    wasmBytes = readFileSync(wasmFile);
  } catch (err) {
    throw new Error(`cannot read the core ${wasmFile} (${err.code}): run ./build.sh first`);
  }
  const core = describeCore(wasmFile, wasmBytes);
  if (core.uncommitted?.length && !opts.wasm) log(`note: c/ or web/src/ have uncommitted changes (${core.uncommitted.join(', ')}): the core measured may not be the committed one`);
  const machine = { cpu: cpuModel(), cores: os.cpus().length, node: process.versions.node, loadStart: os.loadavg()[0] };
  const result = { machine, core, settings: { quick: opts.quick, batchSize: 64, ...settings }, node: null, chromium: null, gemm: null, sizes: null, page: null };
  if (machine.loadStart > machine.cores * 0.5) {
    log(`the machine is busy (load average ${machine.loadStart.toFixed(2)} on ${machine.cores} cores): numbers will be noisy; rounds alternate so both sides share the noise`);
  }
  // Parts that cannot run are reported (and make the exit status 1); the rest still runs.
  const failed = [];
  const attempt = async (what, fn) => {
    try {
      return await fn();
    } catch (err) {
      failed.push(what);
      log(`${what}: could not run: ${err?.message ?? err}`);
      return { error: err?.message ?? String(err) };
    }
  };

  let dist = null;
  if (opts.sizes || opts.page || opts.lab) dist = await attempt('the built page', () => builtPage(log));
  if (opts.sizes) {
    result.sizes = typeof dist === 'string' ? summarizeSizes(pageFiles(dist)) : dist;
    if (result.sizes.wasm) log(`page sizes: wasm ${result.sizes.wasm.gzip} bytes gzip'ed, JS ${result.sizes.js.gzip}`);
  }

  // gemm_bench knows the products of W1 and W2 (W3's convolutions are direct kernels too)
  const gemmNets = opts.workloads.map((w) => w.toUpperCase()).filter((n) => n !== 'W3');
  const gemmArgs = opts.quick ? ['0.02', '1'] : ['0.1', '3'];
  let gemmBytes = null;
  if (opts.gemm && (opts.node || opts.chromium)) {
    result.gemm = {};
    result.gemmNets = gemmNets;
    gemmBytes = await attempt('GEMM (building gemm_bench.wasm)', async () => readFileSync(await gemmBenchWasm(log)));
    if (gemmBytes.error) {
      result.gemm.Node = gemmBytes;
      gemmBytes = null;
    } else if (opts.node) {
      log(`Node: GEMM, gemm_bench.wasm ${gemmArgs.join(' ')} (about ${opts.quick ? 3 : 10} s)`);
      result.gemm.Node = await attempt('GEMM in Node', async () => parseGemmReport(await runGemmBench(gemmBytes, [...gemmArgs, '--json'])));
    }
  }

  if (opts.node) {
    const tfjsBundle = await tfjsForNode(log);
    log('Node: our core vs TF.js wasm, each in its own worker thread');
    // The threaded build beside the core measured (build.sh makes both).
    const wasmMtBytes = opts.threads > 1 ? readFileSync(path.join(path.dirname(wasmFile), 'nn-mt.wasm')) : null;
    result.node = await runPlan({ spawn: () => spawnNodeWorker(tfjsBundle, wasmBytes, wasmMtBytes), experiments, workloads: opts.workloads, settings, cpu: opts.cpu && !opts.quick, threads: opts.threads, log: (t) => log(`node ${t}`) });
  }
  if (opts.chromium) {
    log('Chromium: our core vs TF.js wasm, each in its own Web Worker');
    const { runInChromium } = await import('../bench/chromium.js');
    const gemm = gemmBytes ? { bytes: gemmBytes, args: gemmArgs } : null;
    const wasmMtBytes = opts.threads > 1 ? readFileSync(path.join(path.dirname(wasmFile), 'nn-mt.wasm')) : null;
    const got = await runInChromium({ wasmBytes, wasmMtBytes, threads: opts.threads, quick: opts.quick, workloads: opts.workloads, cpu: opts.cpu && !opts.quick, oursPath: opts.oursPath, gemm, log: (t) => log(`chromium ${t}`) });
    result.chromium = got.results;
    if (gemm) {
      result.gemm.Chromium = got.gemm ?? { error: 'the bench page returned no GEMM report' };
      if (result.gemm.Chromium.error) failed.push('GEMM in Chromium');
    }
    result.chromiumOursPath = got.oursPath;
    machine.chromium = got.version;
    machine.chromiumUserAgent = got.userAgent;
  }
  if (opts.page && typeof dist === 'string') {
    log(`the built page (web/dist) in Chromium: first-step latency${opts.pageParts?.charts === false ? '' : ', then the live charts on and off'}`);
    const { runPageBench } = await import('../bench/page.js');
    result.page = await runPageBench({ distDir: dist, quick: opts.quick, log, threads: opts.pageThreads ?? 0, ...(opts.pageParts ? { parts: opts.pageParts } : {}) });
    for (const part of ['firstStep', 'charts']) if (result.page[part]?.error) failed.push(`the page's ${part}`);
  }
  if (opts.lab && typeof dist === 'string') {
    log('the optimizer lab (web/dist) in Chromium: four optimizers racing, played back');
    const { runLabBench } = await import('../bench/lab.js');
    result.lab = await attempt("the optimizer lab's playback", () => runLabBench({ distDir: dist, quick: opts.quick, log }));
  }
  machine.loadEnd = os.loadavg()[0];

  const text = [formatMachine(machine), `core: ${core.file}, ${core.bytes} bytes, sha256 ${core.sha256}${core.commit ? `, tree at ${core.commit}${core.uncommitted.length ? ` with uncommitted ${core.uncommitted.join(', ')}` : ''}` : ''}`];
  if (result.node) {
    text.push('', `Node, one worker thread per engine; ours through Session; ${peerLine(result.node)}`, formatTable('Node', result.node));
  }
  if (result.chromium) {
    const ours = result.chromiumOursPath === 'page' ? "the page's worker (web/src/engine/worker.js)" : 'Session in a bare worker';
    text.push('', `Chromium, one Web Worker per engine; ours through ${ours}; ${peerLine(result.chromium)}`, formatTable('Chromium', result.chromium));
  }
  const section = (part) => {
    if (part) text.push('', part);
  };
  if (result.node || result.chromium) section('samples/s: median of the timed rounds after warm-up; ratio > 1 means our core is faster.');
  if (result.gemm) section(formatGemm(result.gemm, gemmNets));
  if (result.sizes) section(formatSizes(result.sizes));
  if (result.page) {
    const { SETTINGS: PAGE_SETTINGS } = await import('../bench/page.js');
    section(formatFirstStep(result.page.firstStep, result.page.chromium));
    section(formatCharts(result.page.charts, opts.quick ? PAGE_SETTINGS.quick : PAGE_SETTINGS.full));
  }
  if (result.lab) section(formatLab(result.lab));
  section(formatSummary(result));
  result.targets = targets(result);
  section(formatTargets(result.targets));
  out.write(`${text.join('\n')}\n`);
  if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (failed.length) {
    log(`could not run: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  process.stderr.write(`bench: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
