// host-threads.test.js: the training worker's threads as host.js runs them, in Node with the real
// nn-mt.wasm and worker threads for the extra threads (the page starts Web Workers the same
// way): the thread count changed between steps of a run leaves its losses and weights the bits of
// nn.wasm on one thread; a worker that cannot run threads loads nn.wasm and says why; a thread
// that does not start leaves the run on the threads it had.
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSynth } from '../../../web/src/data/datasets.js';
import { Host } from '../../../web/src/engine/host.js';
import { Push } from '../../../web/src/engine/protocol.js';
import { Session } from '../../../web/src/engine/session.js';
import { threadsUnavailable } from '../../../web/src/engine/threads.js';
import { freshCore, startNodeThread, WASM_MT_PATH, WASM_PATH } from '../../../web/src/node.js';
import { threadedSpirals } from '../fixtures.js';

const SPIRALS = threadedSpirals();
const same = (a, b) => a && b && JSON.stringify({ ...a, epochs: 0 }) === JSON.stringify({ ...b, epochs: 0 });

let hosts = [];
afterEach(() => {
  for (const host of hosts) host.core?.close();
  hosts = [];
});

/** A host as worker.js makes it; `threads` as threads.js would say for this worker. */
async function openHost(threads, { mt = true } = {}) {
  const pushes = [];
  let ticks = 0;
  const clock = { t: 0 };
  const host = new Host({ post: (m) => pushes.push(m), now: () => clock.t, schedule: () => { ticks += 1; }, defer: () => {}, sameRun: same, threads });
  hosts.push(host);
  const wasmMtUrl = mt === true ? await readFile(WASM_MT_PATH) : mt || undefined;
  const answer = await host.init({ wasmUrl: await readFile(WASM_PATH), wasmMtUrl, dataUrl: 'http://127.0.0.1/data/' });
  return {
    host, answer,
    /** Trains to step `to` as the worker does, slice by slice (each 1 ms on the clock). */
    async trainTo(to) {
      await host.train({ stopAt: to });
      while (ticks > 0) { ticks -= 1; clock.t += 1; host.trainer.tick(); }
    },
    losses: () => pushes.filter((m) => m.type === Push.STEPS).flatMap((m) => Array.from(new Uint32Array(m.loss.buffer))),
  };
}

/** The loss bits of `steps` steps and the weights after them, of a plain Session on nn.wasm. */
async function plainRun(steps) {
  const core = await freshCore();
  const data = makeSynth(core, SPIRALS.data, SPIRALS.seed);
  const s = new Session(core, SPIRALS, data);
  try {
    const losses = Array.from({ length: steps }, () => s.trainStep().loss);
    return { losses: Array.from(new Uint32Array(Float32Array.from(losses).buffer)), weights: new Uint8Array(s.saveWeights()) };
  } finally {
    s.dispose();
    data.dispose();
  }
}

describe('threads in the training worker', () => {
  it('changes the thread count between steps of a run, and the run keeps nn.wasm\'s bits on one thread', async () => {
    const reference = await plainRun(30);
    const h = await openHost({ unavailable: '', start: startNodeThread });
    expect(h.answer).toEqual({ ok: true, threads: { running: 1, max: 8, reason: '' } });
    expect(h.host.core.sharedMemory).toBeTruthy(); // the threaded build
    await h.host.configure({ experiment: SPIRALS });
    await h.trainTo(10);
    expect(await h.host.setThreads({ threads: 3 })).toEqual({ running: 3, max: 8, reason: '' });
    expect(h.host.core.workers.length).toBe(2);
    await h.trainTo(20);
    expect(await h.host.setThreads({ threads: 2 })).toEqual({ running: 2, max: 8, reason: '' });
    expect(h.host.core.workers.length).toBe(2); // a lower count keeps the workers for the next rise
    await h.trainTo(25);
    expect(await h.host.setThreads({ threads: 20 })).toMatchObject({ running: 8 }); // at most NN_MAX_THREADS
    await h.trainTo(30);
    expect(h.host.diagnostics()).toMatchObject({ step: 30, threads: 8 });
    expect(h.losses()).toEqual(reference.losses);
    const { weights } = await h.host.saveWeights();
    expect(Buffer.from(weights).equals(Buffer.from(reference.weights))).toBe(true);
  }, 60_000);

  it('loads nn.wasm on one thread where the worker cannot run threads, and says why', async () => {
    for (const why of ['isolation', 'shared', 'workers']) {
      const h = await openHost({ unavailable: why, start: startNodeThread });
      expect(h.answer.threads).toEqual({ running: 1, max: 1, reason: why });
      expect(h.host.core.sharedMemory).toBeNull();
      expect(await h.host.setThreads({ threads: 4 })).toEqual({ running: 1, max: 1, reason: why });
    }
    // A page that names no threaded build, and one whose threaded build cannot be loaded.
    expect((await openHost({ unavailable: '', start: startNodeThread }, { mt: false })).answer.threads.reason).toBe('isolation');
    expect((await openHost({ unavailable: '', start: startNodeThread }, { mt: new Uint8Array(8) })).answer.threads).toEqual({ running: 1, max: 1, reason: 'memory' });
  }, 30_000);

  it('keeps training on the threads it has when a thread does not start', async () => {
    const reference = await plainRun(12);
    let started = 0;
    const start = (info) => (started++ < 1 ? startNodeThread(info) : Promise.reject(new Error('refused')));
    const h = await openHost({ unavailable: '', start });
    await h.host.configure({ experiment: SPIRALS });
    expect(await h.host.setThreads({ threads: 3 })).toEqual({ running: 1, max: 8, reason: 'start' });
    await h.trainTo(6);
    expect(await h.host.setThreads({ threads: 2 })).toEqual({ running: 2, max: 8, reason: '' }); // the one that started
    await h.trainTo(12);
    expect(h.losses()).toEqual(reference.losses);
  }, 30_000);
});

describe('threadsUnavailable', () => {
  it('names what the worker lacks, in the order the page needs them', () => {
    const full = { crossOriginIsolated: true, SharedArrayBuffer, Atomics, Worker: class {} };
    expect(threadsUnavailable(full)).toBe('');
    expect(threadsUnavailable({ ...full, crossOriginIsolated: false })).toBe('isolation');
    expect(threadsUnavailable({ ...full, SharedArrayBuffer: undefined })).toBe('shared');
    expect(threadsUnavailable({ ...full, Atomics: {} })).toBe('shared');
    // The extra threads' workers are the page's: the training worker needs no Worker of its own.
    expect(threadsUnavailable({ ...full, Worker: undefined })).toBe('');
  });
});
