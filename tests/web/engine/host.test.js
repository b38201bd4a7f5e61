// host.test.js: the worker's requests as host.js answers them, in the real nn.wasm under Node on a
// 2-D set (no download), with post, the clock, the scheduler and "after the reply" given by the
// test: describe, configure and its views at step 0, a run to its end with the losses of a plain
// Session, epochs changed without a rebuild, reset, checkpoint and restore, weights loaded while
// training, and requests that need a run.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeSynth } from '../../../web/src/data/datasets.js';
import { Host } from '../../../web/src/engine/host.js';
import { Push } from '../../../web/src/engine/protocol.js';
import { Session } from '../../../web/src/engine/session.js';
import { freshCore, WASM_PATH } from '../../../web/src/node.js';
import { example } from '../fixtures.js';

const XOR = example('xor-tanh', { epochs: 2 });
const sameExceptEpochs = (a, b) => a && b && JSON.stringify({ ...a, epochs: 0 }) === JSON.stringify({ ...b, epochs: 0 });

/** The losses of `steps` steps of a plain Session of `experiment`, in a core of its own, and its test evaluation after them. */
async function plainRun(experiment, steps) {
  const core = await freshCore();
  const data = makeSynth(core, experiment.data, experiment.seed);
  const s = new Session(core, experiment, data);
  try {
    const losses = Float32Array.from({ length: steps }, () => s.trainStep().loss);
    return { losses, test: s.evaluate('test') };
  } finally {
    s.dispose();
    data.dispose();
  }
}

let reference;
beforeAll(async () => {
  reference = await plainRun(XOR, 126); // two epochs of 63 steps
});

/** A host as the worker makes it, its pushes recorded, ticks and replies played by the test. */
async function openHost() {
  const pushes = [];
  const clock = { t: 0 };
  let ticks = 0;
  let replies = [];
  const host = new Host({
    post: (msg) => pushes.push(msg),
    now: () => clock.t,
    schedule: () => { ticks += 1; },
    defer: (fn) => replies.push(fn),
    sameRun: sameExceptEpochs,
  });
  await host.init({ wasmUrl: await readFile(WASM_PATH), dataUrl: 'http://127.0.0.1/data/' });
  return {
    host, pushes, clock,
    /** What would run once the request's answer is posted. */
    replied() { const due = replies; replies = []; for (const fn of due) fn(); },
    /** Plays the scheduled ticks until the run stops; each slice takes 1 ms on the clock. */
    run() { while (ticks > 0) { ticks -= 1; clock.t += 1; host.trainer.tick(); } },
    types: () => pushes.map((m) => m.type),
    losses: () => Float32Array.from(pushes.filter((m) => m.type === Push.STEPS).flatMap((m) => Array.from(m.loss))),
  };
}

describe('Host', () => {
  it('describes a stack without building it, naming the layer the core refuses', async () => {
    const { host } = await openHost();
    const ok = await host.describe({ experiment: XOR });
    expect(ok).toMatchObject({ ok: true, inputShape: [2, 1, 1], classes: 2, params: 2 * 4 + 4 + 4 * 2 + 2, error: null });
    expect(ok.layers.map((l) => l.outShape)).toEqual([[4, 1, 1], [4, 1, 1], [2, 1, 1]]);
    const bad = await host.describe({ experiment: example('xor-tanh', { layers: [{ type: 'conv2d', filters: 2, kernel: 3 }, { type: 'dense', units: 2 }] }) });
    expect(bad.ok).toBe(false);
    expect(bad.error.layer).toBe(0);
    expect(bad.layers[0].error).toBe(bad.error.message);
    expect(host.session).toBeNull(); // describing builds nothing
  });

  it('configures a run, shows its step 0 after the answer, trains it to its end with a plain Session\'s losses', async () => {
    const h = await openHost();
    const info = await h.host.configure({ experiment: XOR });
    expect(info).toMatchObject({ step: 0, stepsPerEpoch: 63, totalSteps: 126, classes: 2, inputShape: [2, 1, 1], grid: null });
    expect(info.points.x.length).toBe(2 * info.points.labels.length);
    expect(h.types()).toEqual([]);
    h.replied();
    expect(h.types()).toEqual([Push.STATS, Push.EVAL, Push.BOUNDARY]);
    expect(await h.host.train({})).toEqual({ step: 0 });
    h.run();
    expect(h.pushes.at(-1)).toEqual({ type: Push.STOPPED, step: 126, reason: 'done' });
    expect(h.losses()).toEqual(reference.losses);
    const { test } = reference;
    expect(await h.host.evaluate()).toEqual({ step: 126, test_accuracy: test.accuracy, test_loss: test.loss, count: test.count });
    expect(h.host.diagnostics()).toMatchObject({ step: 126 });
    expect(h.host.diagnostics().coreHeapBytes).toBeGreaterThan(0);
  });

  it('keeps the run when only the epochs change, rebuilds it from the seed on reset or another seed', async () => {
    const h = await openHost();
    await h.host.configure({ experiment: XOR });
    await h.host.step({});
    await h.host.step({});
    expect(h.host.session.step).toBe(2);
    const more = await h.host.configure({ experiment: { ...XOR, epochs: 5 } });
    expect(more).toMatchObject({ step: 2, totalSteps: 5 * 63 });
    expect((await h.host.reset()).step).toBe(0);
    expect((await h.host.configure({ experiment: { ...XOR, seed: 9 } })).step).toBe(0);
  });

  it('restores a checkpoint taken mid-run and continues with the uninterrupted losses', async () => {
    const h = await openHost();
    await h.host.configure({ experiment: XOR });
    await h.host.train({ stopAt: 40 });
    h.run();
    expect(h.pushes.at(-1)).toEqual({ type: Push.STOPPED, step: 40, reason: 'budget' });
    const checkpoint = structuredClone(await h.host.checkpoint());
    await h.host.reset();
    const restored = await h.host.restore({ checkpoint });
    expect(restored.step).toBe(40);
    h.pushes.length = 0;
    h.replied();
    expect(h.pushes.map((m) => [m.type, m.step])).toEqual([[Push.STATS, 40], [Push.EVAL, 40], [Push.BOUNDARY, 40]]);
    await h.host.train({});
    h.run();
    expect(h.losses()).toEqual(reference.losses.subarray(40));
  });

  it('stops a running run to load weights, and refuses what needs a run before there is one', async () => {
    const h = await openHost();
    await expect(h.host.train({})).rejects.toMatchObject({ msg: { id: 'err.worker.noSession' } });
    await expect(h.host.checkpoint()).rejects.toMatchObject({ msg: { id: 'err.worker.noSession' } });
    expect(await h.host.ping()).toEqual({ step: 0 });
    await h.host.configure({ experiment: XOR });
    const { weights } = await h.host.saveWeights();
    await h.host.train({});
    h.pushes.length = 0;
    await h.host.loadWeights({ bytes: weights });
    expect(h.pushes).toEqual([{ type: Push.STOPPED, step: 0, reason: 'paused' }]);
    expect(h.host.trainer.running).toBe(false);
    expect(await h.host.setViews({ live: false })).toEqual({ live: false });
    h.pushes.length = 0;
    expect(await h.host.setViews({ live: true })).toEqual({ live: true });
    expect(h.types()).toEqual([Push.STATS, Push.EVAL, Push.BOUNDARY]); // turned back on: every view at once
  });
});
