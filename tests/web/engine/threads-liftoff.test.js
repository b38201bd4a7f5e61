// threads-liftoff.test.js: the thread pool under Node's baseline wasm compiler alone (V8's
// Liftoff, `--liftoff --no-wasm-tier-up`). Node 20's Liftoff mishandled the pool's 64-bit atomics:
// a build whose nn_par_run differed only in the order of its locals hung W1 on 2 threads in 3 of
// 4 such runs (c/parallel.c). Each run here is the runner's W1 on 2 threads, in its own process,
// and must end with the numbers of one thread.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RUNS = 5;

/** The runner's final line for W1 (mlp.json), 300 steps on `threads`, only Liftoff compiling. */
function train(threads) {
  return new Promise((resolve, reject) => {
    const args = ['--liftoff', '--no-wasm-tier-up', 'web/cli/train.js', 'web/experiments/mlp.json', '--steps', '300', '--threads', String(threads), '--quiet'];
    execFile(process.execPath, args, { cwd: ROOT, timeout: 30_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${threads} thread(s): ${err.killed ? 'no answer in 30 s (a hang)' : err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)));
    });
  });
}

describe('the thread pool under Liftoff alone', () => {
  it(`ends ${RUNS} runs of W1 on 2 threads with the numbers of one thread`, async () => {
    const one = await train(1);
    expect(one.steps).toBe(300);
    for (let i = 0; i < RUNS; i++) {
      const two = await train(2);
      expect([two.train_loss, two.test_loss, two.test_accuracy]).toEqual([one.train_loss, one.test_loss, one.test_accuracy]);
    }
  }, 240_000);
});
