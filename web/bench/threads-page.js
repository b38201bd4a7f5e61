// threads-page.js: tests/bench/threads.mjs's comparison in Chromium (run by
// tests/bench/threads-chromium.mjs). In one cross-origin isolated page, our core on one thread and
// on `threads` threads, each driven two ways: through the page's own training worker (worker.js,
// as `npm run bench` drives it: page-worker-trial.js) and through Session in a bare module worker
// (threads-bare-worker.js). The four take turns round after round, the order flipping, so a phase
// of the machine slows them alike; each prints its median and its rounds, then the ratios.

import { pageWorkerTrial } from './page-worker-trial.js';
import { median } from './plan.js';
import { WORKLOADS } from './workloads.js';
import { parseExperiment } from '../src/experiment/validate.js';

const q = new URLSearchParams(location.search);
const rounds = Number(q.get('rounds') ?? 9);
const seconds = Number(q.get('seconds') ?? 1);
const threads = Number(q.get('threads') ?? 2);

function bareEngine(n, experiment) {
  const worker = new Worker(new URL('./threads-bare-worker.js', import.meta.url), { type: 'module' });
  const call = (msg) => new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => (data.error ? reject(new Error(data.error)) : resolve(data));
    worker.postMessage(msg);
  });
  return {
    init: () => call({ type: 'init', threads: n, experiment }),
    train: async () => (await call({ type: 'train', seconds })).samplesPerSec,
    close: () => worker.terminate(),
  };
}

function pageEngine(n, experiment) {
  const trial = pageWorkerTrial();
  return {
    init: async () => {
      await trial.call('init', { engine: n > 1 ? 'ours-threads' : 'ours', threads: n, experiment });
      await trial.call('train', { steps: 20 }); // warm-up, as the bench's
    },
    train: async () => {
      const got = await trial.call('train', { steps: 10, seconds });
      return (got.samples / got.ms) * 1000;
    },
    close: () => trial.terminate(),
  };
}

async function workload(id) {
  const { file } = WORKLOADS[id];
  const experiment = parseExperiment(await (await fetch(`../experiments/${file}`)).json());
  const engines = {
    'page worker, 1 thread': pageEngine(1, experiment),
    [`page worker, ${threads} threads`]: pageEngine(threads, experiment),
    'bare Session, 1 thread': bareEngine(1, experiment),
    [`bare Session, ${threads} threads`]: bareEngine(threads, experiment),
  };
  const names = Object.keys(engines);
  for (const name of names) await engines[name].init();
  const rates = Object.fromEntries(names.map((name) => [name, []]));
  for (let r = 0; r < rounds; r++)
    for (const name of r % 2 ? [...names].reverse() : names) rates[name].push(await engines[name].train());
  console.log(`${id} (${file}), ${rounds} rounds of ${seconds} s, samples/s:`);
  for (const name of names)
    console.log(`  ${name.padEnd(26)} median ${Math.round(median(rates[name]))}  rounds ${rates[name].map(Math.round).join(' ')}`);
  const ratio = (way) => (median(rates[`${way}, ${threads} threads`]) / median(rates[`${way}, 1 thread`])).toFixed(2);
  console.log(`  ${threads} threads / 1: page worker ${ratio('page worker')}x, bare Session ${ratio('bare Session')}x`);
  for (const name of names) engines[name].close();
}

try {
  for (const id of (q.get('only') ?? 'w1,w2,w3').split(',')) await workload(id);
  window.threadsDone = { ok: true };
} catch (err) {
  window.threadsDone = { error: err?.stack ?? String(err) };
}
