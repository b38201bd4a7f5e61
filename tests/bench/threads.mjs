// threads.mjs: ms per training step of W1, W2 and W3 through Session in one Node process, the
// cores taking turns round after round (so a neighbour slowing the machine down slows all of them
// alike): by default nn.wasm, nn-mt.wasm on 1 thread and nn-mt.wasm on 2 threads.
//
//   node tests/bench/threads.mjs [--rounds 12] [--steps 40] [--only w1,w2,w3]
//        [--core LABEL=FILE@THREADS ...]   (replaces the default cores; FILE relative to the cwd)
//
// Prints, per workload and core, the fastest and the median round in ms per step, and each
// threaded core's ratio to the first core of the same file on 1 thread.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { createCore } from '../../web/src/engine/core.js';
import { Session } from '../../web/src/engine/session.js';
import { parseExperiment } from '../../web/src/experiment/validate.js';
import { nodeMnistSource, startNodeThread } from '../../web/src/node.js';

const WORKLOADS = { w1: 'mlp.json', w2: 'cnn.json', w3: 'cnn-bn.json' };

function options(argv) {
  const o = { rounds: 12, steps: 40, only: Object.keys(WORKLOADS), cores: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--rounds') o.rounds = Number(argv[++i]);
    else if (a === '--steps') o.steps = Number(argv[++i]);
    else if (a === '--only') o.only = argv[++i].split(',');
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

async function main() {
  const o = options(process.argv.slice(2));
  const mnistSource = nodeMnistSource();
  console.log(`load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
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
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
