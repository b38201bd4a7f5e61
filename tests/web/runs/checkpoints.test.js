// checkpoints.test.js: the pieces of crash recovery that need no browser: the watchdog that
// notices a silent worker (and spares a slow one), the history kept with a checkpoint, the
// memory store used where IndexedDB is missing, and the wasm core refusing a network its memory
// cannot grow to hold, with a message, staying usable afterwards.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CheckpointStore, formatAgo, historyUpTo, isHistory, KEEP_CHECKPOINTS, Watchdog } from '../../../web/src/runs/checkpoints.js';
import { NnError } from '../../../web/src/engine/core.js';
import { Status } from '../../../web/src/engine/enums.js';
import { english } from '../../../web/src/i18n/errors.js';
import { Session } from '../../../web/src/engine/session.js';
import { makeSynth } from '../../../web/src/data/datasets.js';
import { parseExperiment } from '../../../web/src/experiment/validate.js';
import { freshCore } from '../../../web/src/node.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('Watchdog', () => {
  const make = (answer) => {
    const dead = [];
    let pings = 0;
    const dog = new Watchdog({
      ping: () => {
        pings++;
        return answer();
      },
      onDead: (why) => dead.push(why),
      silenceMs: 1000,
      minTimeoutMs: 2000,
      checkMs: 100,
      now: () => Date.now(),
    });
    return { dog, dead, pings: () => pings };
  };

  it('declares a worker that never answers dead, once', async () => {
    vi.useFakeTimers();
    const { dog, dead, pings } = make(() => new Promise(() => {}));
    dog.arm();
    await vi.advanceTimersByTimeAsync(900);
    expect(pings()).toBe(0); // quiet for less than silenceMs: nothing asked
    await vi.advanceTimersByTimeAsync(3500);
    expect(pings()).toBe(1);
    expect(dead.map(english)).toEqual(['no answer for 3 s']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(dead.length).toBe(1);
  });

  it('spares a worker that answers late (one long step) and one that keeps talking', async () => {
    vi.useFakeTimers();
    const slow = make(() => new Promise((resolve) => setTimeout(resolve, 1500)));
    slow.dog.arm();
    await vi.advanceTimersByTimeAsync(8000);
    expect(slow.dead).toEqual([]);
    expect(slow.pings()).toBeGreaterThan(1);
    slow.dog.disarm();

    const chatty = make(() => new Promise(() => {}));
    chatty.dog.arm();
    for (let i = 0; i < 80; i++) {
      await vi.advanceTimersByTimeAsync(100);
      chatty.dog.alive();
    }
    expect(chatty.pings()).toBe(0);
    expect(chatty.dead).toEqual([]);
    chatty.dog.disarm();
  });

  it('waits longer for a worker whose pushes have been far apart', async () => {
    vi.useFakeTimers();
    const { dog, dead } = make(() => new Promise(() => {}));
    dog.arm();
    await vi.advanceTimersByTimeAsync(900);
    dog.alive(); // pushes 0.9 s apart: the ping's timeout grows from 2 s to 4 x 0.9 = 3.6 s
    await vi.advanceTimersByTimeAsync(1000 + 2000 + 300);
    expect(dead).toEqual([]);
    await vi.advanceTimersByTimeAsync(1600);
    expect(dead.length).toBe(1);
  });
});

describe('the history kept with a checkpoint', () => {
  const column = (values, Type = Float64Array) => ({ array: Type.from([...values, 0, 0]), length: values.length });
  it('holds the steps up to the checkpoint, and nothing after', () => {
    const run = { steps: column([1, 2, 3, 4, 5]), loss: column([5, 4, 3, 2, 1], Float32Array), accuracy: column([0.1, 0.2, 0.3, 0.4, 0.5], Float32Array) };
    const test = { steps: [2, 4, 5], loss: [3, 2, 1], accuracy: [0.3, 0.4, 0.5] };
    const h = historyUpTo(4, run, test);
    expect(Array.from(h.train.steps)).toEqual([1, 2, 3, 4]);
    expect(Array.from(h.train.loss)).toEqual([5, 4, 3, 2]);
    expect(h.test).toEqual({ steps: [2, 4], loss: [3, 2], accuracy: [0.3, 0.4] });
  });

  it('averages a very long curve into a bounded number of points, keeping its last step', () => {
    const n = 1000;
    const run = {
      steps: column(Array.from({ length: n }, (_, i) => i + 1)),
      loss: column(Array.from({ length: n }, () => 1), Float32Array),
      accuracy: column(Array.from({ length: n }, () => 0.5), Float32Array),
    };
    const h = historyUpTo(n, run, { steps: [], loss: [], accuracy: [] }, 100);
    expect(h.train.steps.length).toBe(100);
    expect(h.train.steps.at(-1)).toBe(n);
    expect(Array.from(h.train.loss).every((x) => x === 1)).toBe(true);
  });

  it('tells a stored history from junk', () => {
    const run = { steps: column([1, 2]), loss: column([2, 1], Float32Array), accuracy: column([0, 1], Float32Array) };
    expect(isHistory(historyUpTo(2, run, { steps: [2], loss: [1], accuracy: [1] }))).toBe(true);
    for (const junk of [null, 3, {}, { train: {}, test: {} }, { train: { steps: [1], loss: [1], accuracy: [1] }, test: { steps: [], loss: [], accuracy: [] } }]) {
      expect(isHistory(junk)).toBe(false);
    }
  });

  it('says when it was saved in the page\'s language', () => {
    const now = Date.UTC(2025, 0, 1);
    expect(formatAgo(now - 3 * 60_000, 'en', now)).toBe('3 minutes ago');
    expect(formatAgo(now - 2 * 3600_000, 'zh', now)).toBe('2小时前');
  });
});

describe('CheckpointStore without IndexedDB', () => {
  it('keeps the newest checkpoints in memory and offers the newest unfinished one', async () => {
    const store = new CheckpointStore();
    for (let i = 0; i < KEEP_CHECKPOINTS + 2; i++) await store.put({ id: `run${i}`, savedAt: 1000 + i, step: 10 + i, finished: false });
    expect((await store.list()).map((r) => r.id)).toEqual(['run4', 'run3', 'run2']);
    expect(store.persistent).toBe(false);
    await store.put({ id: 'run4', savedAt: 2000, step: 99, finished: true });
    expect((await store.resumable()).id).toBe('run3');
    await store.delete('run3');
    expect((await store.resumable()).id).toBe('run2');
  });
});

describe('memory the core cannot get', () => {
  it('a network past what wasm memory can grow to is refused with a message, and the core stays usable', async () => {
    const core = await freshCore();
    const e = parseExperiment({
      version: 1, data: { set: 'xor', count: 64 },
      layers: [{ type: 'dense', units: 9100 }, { type: 'relu' }, { type: 'dense', units: 9100 }, { type: 'relu' }, { type: 'dense', units: 2 }],
      loss: { type: 'cross_entropy' }, optimizer: { type: 'sgd', lr: 0.1 }, batch_size: 64,
    });
    const data = makeSynth(core, e.data, e.seed);
    const size = core.memory.buffer.byteLength;
    // 83 M parameters: 3 GB, within a 3.5 GB budget but past the 2 GB wasm memory can grow to.
    let error;
    try {
      new Session(core, e, data, { memoryBudget: 3.5 * 1024 ** 3 });
    } catch (err) {
      error = err;
    }
    expect(error?.status).toBe(Status.ERR_NOMEM);
    expect(error.message).toMatch(/^out of memory: could not allocate 2\d{3}\.\d MB for the network .*use a smaller batch or fewer or smaller layers/);
    expect(core.memory.buffer.byteLength).toBeLessThan(size + 64 * 1024 * 1024); // nothing was half-grown
    // Under the default 1 GB budget the same network is refused before any allocation, with the
    // batch that would fit (none: even one sample needs more).
    let refusal;
    try {
      new Session(core, e, data);
    } catch (err) {
      refusal = err;
    }
    expect(refusal.errors[0].message).toMatch(/over the memory budget of 1024 MB .*even a batch of 1 needs/);
    // The core is still fine: a small network builds and trains.
    const small = new Session(core, { ...e, layers: [{ type: 'dense', units: 8 }, { type: 'tanh' }, { type: 'dense', units: 2 }] }, data);
    expect(Number.isFinite(small.trainStep().loss)).toBe(true);
    small.dispose();
    data.dispose();
    expect(() => core.alloc(3 * 1024 ** 3)).toThrow(NnError);
  });

  it('a batch over the budget names the largest batch that fits', async () => {
    const core = await freshCore();
    const e = parseExperiment({
      version: 1, data: { set: 'mnist' },
      layers: [{ type: 'conv2d', filters: 64, kernel: 3, padding: 1 }, { type: 'relu' }, { type: 'flatten' }, { type: 'dense', units: 10 }],
      loss: { type: 'cross_entropy' }, optimizer: { type: 'adam' }, batch_size: 8192,
    });
    const { planExperiment } = await import('../../../web/src/engine/session.js');
    const plan = planExperiment(core, e, { shape: [1, 28, 28], classes: 10 });
    expect(plan.ok).toBe(false);
    const fits = Number(/the largest batch that fits is (\d+)/.exec(plan.errors[0].message)?.[1]);
    expect(fits).toBeGreaterThan(16);
    expect(planExperiment(core, { ...e, batch_size: fits }, { shape: [1, 28, 28], classes: 10 }).ok).toBe(true);
    expect(planExperiment(core, { ...e, batch_size: fits + 1 }, { shape: [1, 28, 28], classes: 10 }).ok).toBe(false);
  });
});
