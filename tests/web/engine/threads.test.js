// threads.test.js: the threaded core (nn-mt.wasm, extra threads in worker threads on a shared
// memory) trains to the same bits on 1, 2, 3 and 4 threads as the single-thread nn.wasm: W1, W2 and
// W3 (every piece of their steps is cut over the threads: products, convolutions, pooling,
// activations, batch norm, the optimizer, the gather).
import { describe, expect, it } from 'vitest';
import { Session } from '../../../web/src/engine/session.js';
import { freshCore, threadedCore } from '../../../web/src/node.js';
import { example, fakeMnist } from '../fixtures.js';

const STEPS = 100;

/** The weights after STEPS steps of `name` in `core` (closed afterwards). */
function weightsAfter(core, name) {
  const data = fakeMnist(core, 640);
  const s = new Session(core, example(name, { data: { set: 'mnist' } }), data);
  try {
    for (let i = 0; i < STEPS; i++) s.trainStep();
    return new Uint32Array(s.paramsView().slice().buffer); // bits, so -0 and NaN compare as themselves
  } finally {
    s.dispose();
    data.dispose();
    core.close();
  }
}

describe('threads', () => {
  for (const name of ['mlp', 'cnn', 'cnn-bn']) {
    it(`${name}: weights after ${STEPS} steps are the same bits for 1 to 4 threads`, async () => {
      const single = weightsAfter(await freshCore(), name);
      for (let threads = 1; threads <= 4; threads++) {
        const core = await threadedCore(threads);
        expect(core.threads).toBe(threads);
        const w = weightsAfter(core, name);
        const differ = w.reduce((n, bits, i) => n + (bits !== single[i]), 0);
        expect(differ, `${threads} thread(s): weights differing from nn.wasm's`).toBe(0);
      }
    }, 120_000);
  }

  it('refuses threads without the threaded build', async () => {
    const { readFile } = await import('node:fs/promises');
    const { createCore } = await import('../../../web/src/engine/core.js');
    const { WASM_PATH, startNodeThread } = await import('../../../web/src/node.js');
    await expect(createCore(await readFile(WASM_PATH), { threads: 2, startThread: startNodeThread })).rejects.toThrow(/no shared memory/);
  });
});
