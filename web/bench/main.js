// main.js: the Chromium bench page. Runs plan.js with Web Workers (our core through the page's
// worker or through Session in a bare worker, TF.js in a bare worker) and leaves the outcome in
// window.benchDone for web/bench/chromium.js to read; then, with gemm=ARGS, runs gemm_bench.wasm
// (served as /gemm_bench.wasm) in a Web Worker with those arguments. Options come in the query
// string: workloads=w1,w2,w3 quick=1 cpu=1 ours=page|session gemm=0.1,3 threads=N (ours on N
// threads through the page's worker, and TF.js's threaded build on the page's cores; the page is
// cross-origin isolated).

import { parseExperiment } from '../src/experiment/validate.js';
import { parseGemmReport } from './gemm.js';
import { pageWorkerTrial } from './page-worker-trial.js';
import { runPlan, SETTINGS } from './plan.js';
import { checkWorkloadExperiment, WORKLOADS } from './workloads.js';

const params = new URLSearchParams(location.search);
const logEl = document.getElementById('log');
const log = (text) => {
  console.log(`[bench] ${text}`);
  logEl.textContent += `${text}\n`;
};

function spawnBareWorker() {
  const worker = new Worker(new URL('./web-worker.js', import.meta.url), { type: 'module' });
  const pending = new Map();
  let nextId = 1;
  worker.onmessage = ({ data: { id, result, error } }) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (error) p.reject(Object.assign(new Error(error.message), { stack: error.stack }));
    else p.resolve(result);
  };
  worker.onerror = (event) => {
    for (const p of pending.values()) p.reject(new Error(`a benchmark worker crashed: ${event.message}`));
    pending.clear();
  };
  return {
    call: (type, fields = {}) => new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, type, ...fields });
    }),
    terminate: () => worker.terminate(),
  };
}

/** gemm_bench in its own worker: its parsed report, or {error} when it could not run. */
async function runGemm(args) {
  const worker = new Worker(new URL('./gemm-worker.js', import.meta.url), { type: 'module' });
  try {
    const answer = await new Promise((resolve) => {
      worker.onmessage = ({ data }) => resolve(data);
      worker.onerror = (event) => resolve({ error: `the GEMM worker crashed: ${event.message}` });
      worker.postMessage({ url: new URL('/gemm_bench.wasm', location.origin).href, args: [...args, '--json'] });
    });
    if (answer.error) throw new Error(answer.error);
    return parseGemmReport(answer.text);
  } catch (err) {
    log(`GEMM failed: ${err?.message ?? err}`);
    return { error: err?.message ?? String(err) };
  } finally {
    worker.terminate();
  }
}

async function main() {
  const workloads = (params.get('workloads') ?? 'w1,w2,w3').split(',');
  const settings = params.get('quick') === '1' ? SETTINGS.quick : SETTINGS.full;
  const ours = params.get('ours') ?? 'page';
  const experiments = {};
  for (const id of workloads) {
    const response = await fetch(`/experiments/${WORKLOADS[id].file}`);
    experiments[id] = parseExperiment(await response.json());
    checkWorkloadExperiment(id, experiments[id]);
  }
  const spawn = (engine) => {
    return engine.startsWith('ours') && ours === 'page' ? pageWorkerTrial() : spawnBareWorker();
  };
  // Threads through the page's worker only (a bare worker has no way to start the core's threads).
  const threads = ours === 'page' ? Number(params.get('threads') ?? 1) : 1;
  const peerThreads = threads > 1 && crossOriginIsolated ? Math.min(8, navigator.hardwareConcurrency) : 0;
  const results = await runPlan({ spawn, experiments, workloads, settings, cpu: params.get('cpu') === '1', threads, peerThreads, log });
  let gemm = null;
  if (params.get('gemm')) {
    log('GEMM: gemm_bench.wasm in a Web Worker');
    gemm = await runGemm(params.get('gemm').split(','));
  }
  return { results, gemm, oursPath: ours, userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency };
}

main().then(
  (done) => { window.benchDone = done; },
  (err) => {
    log(`failed: ${err?.stack ?? err}`);
    window.benchDone = { error: err?.message ?? String(err) };
  },
);
