// threads.mjs: ms per training step of W1, W2 and W3 through Session in one Node process, the
// cores taking turns round after round (so a neighbour slowing the machine down slows all of them
// alike): by default nn.wasm, nn-mt.wasm on 1 thread and nn-mt.wasm on 2 threads.
//
//   node tests/bench/threads.mjs [--rounds 12] [--steps 40] [--only w1,w2,w3]
//        [--core LABEL=FILE@THREADS ...]   (replaces the default cores; FILE relative to the cwd)
//
// Prints, per workload and core, the fastest and the median round in ms per step, and each
// threaded core's ratio to the first core of the same file on 1 thread. Then, per core, the
// weight hashes of train_bench's fixed runs (its three nets, seed 1, 40 steps of 64 on the MNIST
// training set): they must be train_bench's on any core and thread count.
//
//   node tests/bench/threads.mjs --hashes-only [--core ...]
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { createCore } from '../../web/src/engine/core.js';
import { Session } from '../../web/src/engine/session.js';
import { parseExperiment } from '../../web/src/experiment/validate.js';
import { nodeMnistSource, startNodeThread } from '../../web/src/node.js';

const WORKLOADS = { w1: 'mlp.json', w2: 'cnn.json', w3: 'cnn-bn.json' };

function options(argv) {
  const o = { rounds: 12, steps: 40, only: Object.keys(WORKLOADS), cores: [], hashesOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--rounds') o.rounds = Number(argv[++i]);
    else if (a === '--steps') o.steps = Number(argv[++i]);
    else if (a === '--only') o.only = argv[++i].split(',');
    else if (a === '--hashes-only') o.hashesOnly = true;
    else if (a === '--core') {
      const m = /^([^=]+)=(.+)@(\d+)$/.exec(argv[++i]);
      if (!m) throw new Error(`--core LABEL=FILE@THREADS, got ${argv[i]}`);
      o.cores.push({ label: m[1], file: m[2], threads: Number(m[3]) });
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!o.cores.length)
    o.cores = [
      { label: 'nn.wasm', file: 'web/public/nn.wasm', threads: 1 },
      { label: 'nn-mt 1', file: 'web/public/nn-mt.wasm', threads: 1 },
      { label: 'nn-mt 2', file: 'web/public/nn-mt.wasm', threads: 2 },
    ];
  return o;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// train_bench's nets (tests/bench/train_bench.c), built through the core's exports.
const LAYER = { maxpool: 2, flatten: 4, batchnorm: 6, relu: 9 };
const BENCH_NETS = {
  W1: (fn) => {
    const net = fn.nn_net_create(784, 1, 1);
    fn.nn_add_dense(net, 128, 1);
    fn.nn_add_activation(net, LAYER.relu, 0);
    fn.nn_add_dense(net, 10, 1);
    return { net, optim: 0, lr: 0.01, momentum: 0.9 };
  },
  W2: (fn) => {
    const net = fn.nn_net_create(1, 28, 28);
    for (const c of [8, 16]) {
      fn.nn_add_conv2d(net, c, 5, 1, 2, 1);
      fn.nn_add_activation(net, LAYER.relu, 0);
      fn.nn_add_pool(net, LAYER.maxpool, 2, 2, 0);
    }
    return { net, optim: 3, lr: 1e-3 };
  },
  W3: (fn) => {
    const net = fn.nn_net_create(1, 28, 28);
    for (const c of [8, 16, 32]) {
      fn.nn_add_conv2d(net, c, 3, 1, 1, 1);
      fn.nn_add_batchnorm(net, 1e-5, 0.1);
      fn.nn_add_activation(net, LAYER.relu, 0);
      fn.nn_add_pool(net, LAYER.maxpool, 2, 2, 0);
    }
    return { net, optim: 3, lr: 0.002 };
  },
};

/** FNV-1a over the bytes of the weights, as train_bench's hash_floats. */
function fnv1a64(bytes) {
  let h = 1469598103934665603n;
  for (const b of bytes) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 1099511628211n);
  return h.toString(16).padStart(16, '0');
}

async function benchHashes(cores, mnistSource) {
  const experiment = parseExperiment(JSON.parse(await readFile(new URL('../../web/experiments/mlp.json', import.meta.url), 'utf8')));
  for (const c of cores) {
    const core = await createCore(await readFile(c.file), { threads: c.threads, startThread: startNodeThread });
    const session = await Session.open(core, experiment, { mnistSource }); // for its MNIST training set in wasm memory
    const fn = core.fn;
    const hashes = [];
    for (const [name, make] of Object.entries(BENCH_NETS)) {
      const { net, optim, lr, momentum } = make(fn);
      if (name !== 'W1') {
        fn.nn_add_flatten(net);
        fn.nn_add_dense(net, 10, 1);
      }
      fn.nn_build(net, 64);
      fn.nn_set_optimizer(net, optim);
      fn.nn_set_hyper(net, 0, lr);
      if (momentum) fn.nn_set_hyper(net, 1, momentum);
      fn.nn_seed(net, 1n);
      fn.nn_init_all(net, 0, 0, 0, 0, 4);
      fn.nn_reset_epoch(net);
      for (let i = 0; i < 40; i++) core.trainStep(net, session.trainData, 64, true);
      hashes.push(`${name} ${fnv1a64(core.u8(fn.nn_params(net), fn.nn_param_count(net) * 4).slice())}`);
      fn.nn_net_free(net);
    }
    console.log(`  weight hashes, ${c.label} (${c.threads} thread(s)): ${hashes.join(', ')}`);
    session.dispose();
    core.close();
  }
}

async function main() {
  const o = options(process.argv.slice(2));
  const mnistSource = nodeMnistSource();
  console.log(`load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (o.hashesOnly) {
    await benchHashes(o.cores, mnistSource);
    return;
  }
  for (const w of o.only) {
    const experiment = parseExperiment(JSON.parse(await readFile(new URL(`../../web/experiments/${WORKLOADS[w]}`, import.meta.url), 'utf8')));
    const runs = [];
    for (const c of o.cores) {
      const core = await createCore(await readFile(c.file), { threads: c.threads, startThread: startNodeThread });
      const session = await Session.open(core, experiment, { mnistSource });
      for (let i = 0; i < 10; i++) session.trainStep(); // warm-up
      runs.push({ ...c, core, session, ms: [] });
    }
    for (let r = 0; r < o.rounds; r++)
      for (const run of r % 2 ? [...runs].reverse() : runs) {
        const t0 = performance.now();
        for (let i = 0; i < o.steps; i++) run.session.trainStep();
        run.ms.push((performance.now() - t0) / o.steps);
      }
    console.log(`${w} (${WORKLOADS[w]}), ${o.rounds} rounds of ${o.steps} steps, ms/step:`);
    for (const run of runs) {
      const base = runs.find((b) => b.file === run.file && b.threads === 1) ?? runs[0];
      const ratio = run === base ? '' : `  x${(Math.min(...base.ms) / Math.min(...run.ms)).toFixed(2)} best, x${(median(base.ms) / median(run.ms)).toFixed(2)} median vs ${base.label}`;
      console.log(`  ${run.label.padEnd(12)} best ${Math.min(...run.ms).toFixed(3)}  median ${median(run.ms).toFixed(3)}${ratio}`);
    }
    for (const run of runs) {
      run.session.dispose();
      run.core.close();
    }
  }
  console.log(`load average at end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  await benchHashes(o.cores, mnistSource);
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
