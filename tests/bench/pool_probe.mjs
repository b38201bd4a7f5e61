// pool_probe.mjs: what a fork-join of the thread pool costs in wasm under Node: an empty job on
// 1 and 2 threads, back to back and after some serial work on the caller (when the other thread
// may have gone to sleep), and the CPU time the idle workers burn after a job before they
// sleep; with --profile, W1, W2 and W3's steps timed piece by piece on 1 and
// N threads (through Session, the experiments of web/experiments). Builds c/*.c with
// tests/bench/pool_probe.c as build.sh builds nn-mt.wasm, plus the probe's exports.
//
//   node tests/bench/pool_probe.mjs [--threads 2] [--jobs 20000] [--spins N] (polls before a wait; default the core's)
//   node tests/bench/pool_probe.mjs --profile [--threads 2] [--steps 60]
import { execFileSync } from 'node:child_process';
import { readFile, readdir, mkdir } from 'node:fs/promises';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { createCore } from '../../web/src/engine/core.js';
import { Session } from '../../web/src/engine/session.js';
import { parseExperiment } from '../../web/src/experiment/validate.js';
import { nodeMnistSource } from '../../web/src/node.js';

// The probe prints and reads the clock, so its extra threads get stand-ins for those imports too.
const THREAD_SOURCE = `
const { workerData: { module, memory, id, stackTop } } = require('node:worker_threads');
const imports = { env: { memory } };
for (const imp of WebAssembly.Module.imports(module))
  if (imp.kind === 'function') (imports[imp.module] ??= {})[imp.name] = () => 0;
const { exports } = new WebAssembly.Instance(module, imports);
exports.stackRestore(stackTop);
exports.nn_thread_main(id);
`;
function startThread(info) {
  const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: info });
  worker.on('error', (err) => console.error(`thread ${info.id}: ${err.message}`));
  worker.unref();
  return worker;
}

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const threads = arg('--threads', 2);
const jobs = arg('--jobs', 20000);
const spins = arg('--spins', -1);
const steps = arg('--steps', 60);
const profile = process.argv.includes('--profile');

const out = 'tests/.build/bench/pool_probe.wasm';
await mkdir('tests/.build/bench', { recursive: true });
const header = await readFile('c/nn.h', 'utf8');
const names = new Set([...header.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/\b(nn_[a-z0-9_]+)\s*\(/g)].map((m) => `_${m[1]}`));
const sources = (await readdir('c')).filter((f) => f.endsWith('.c')).map((f) => `c/${f}`);
execFileSync('emcc', ['-O3', '-msimd128', '-matomics', '-mbulk-memory', '-std=c11', '-ffp-contract=off', '-sSTANDALONE_WASM', '--no-entry',
  '-sIMPORTED_MEMORY=1', '-sINITIAL_MEMORY=33554432', '-sALLOW_MEMORY_GROWTH=1', '-sMAXIMUM_MEMORY=2147483648',
  '-Wl,--shared-memory', '-Wl,--no-check-features', `-sEXPORTED_FUNCTIONS=${[...names, '_probe_forkjoin', '_probe_serial', '_probe_profile', '_nn_par_set_spins'].join(',')}`,
  ...sources, 'tests/bench/pool_probe.c', '-o', out], { stdio: 'inherit', env: { ...process.env, NODE_PATH: process.env.NODE_PATH ?? '/usr/share/nodejs' } });

const bytes = await readFile(out);
if (profile) {
  console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; fastest of ${steps} steps, microseconds`);
  const mnistSource = nodeMnistSource();
  for (const file of ['mlp.json', 'cnn.json', 'cnn-bn.json']) {
    const experiment = parseExperiment(JSON.parse(await readFile(`web/experiments/${file}`, 'utf8')));
    for (const n of [1, threads]) {
      const core = await createCore(bytes, { threads: n, startThread });
      const session = await Session.open(core, experiment, { mnistSource });
      for (let i = 0; i < 10; i++) session.trainStep();
      console.log(`  ${file}, ${n} thread(s):`);
      core.exports.probe_profile(session.net, session.trainData, session.batchSize, steps);
      session.dispose();
      core.close();
    }
  }
  process.exit(0);
}
console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ${jobs} jobs a measurement, fastest of 5${spins >= 0 ? `; ${spins} polls before a wait` : ''}`);
for (const n of [1, threads]) {
  const core = await createCore(bytes, { threads: n, startThread });
  const { probe_forkjoin: fork, probe_serial: serial } = core.exports;
  if (spins >= 0) core.exports.nn_par_set_spins(spins);
  for (const gap of [0, 1000, 10000, 30000, 100000]) {
    const best = (fn) => {
      let b = Infinity;
      for (let r = 0; r < 5; r++) {
        const t0 = performance.now();
        fn(gap ? Math.max(1, Math.floor(jobs / (1 + gap / 1000))) : jobs, gap);
        b = Math.min(b, (performance.now() - t0) * 1000);
      }
      return b / (gap ? Math.max(1, Math.floor(jobs / (1 + gap / 1000))) : jobs);
    };
    const withJobs = best(fork), alone = best(serial);
    console.log(`  ${n} thread(s), serial work ${String(gap).padStart(6)} spins (${alone.toFixed(2)} us): fork-join ${(withJobs - alone).toFixed(2)} us`);
  }
  if (n > 1) {
    // What the idle workers burn after a job before they sleep: the process's CPU time over
    // 50 ms of nothing on the caller right after one empty job (median of 11).
    const burns = [];
    for (let r = 0; r < 11; r++) {
      await new Promise((resolve) => setTimeout(resolve, 150)); // every worker asleep
      fork(1, 0);
      const c0 = process.cpuUsage();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const c = process.cpuUsage(c0);
      burns.push((c.user + c.system) / 1000);
    }
    burns.sort((a, b) => a - b);
    console.log(`  ${n} thread(s): CPU time in the 50 ms after a job, the workers polling before they sleep: ${burns[5].toFixed(2)} ms (median of 11; ${burns[0].toFixed(2)} to ${burns[10].toFixed(2)})`);
  }
  core.close();
}
process.exit(0);
