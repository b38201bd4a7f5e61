// training.test.js: the page's training controller, in Node, driving the real training worker
// (web/src/engine/worker.js in a worker thread): the status machine, stopAt, the promise that
// resolves when a run stops, the watchdog armed on every way a run starts (and a hung worker
// noticed), and a crashed run restored from its checkpoint with the uninterrupted run's numbers.
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TrainingController } from '../../../web/src/shell/training.js';
import { LiveRun } from '../../../web/src/shell/live-run.js';
import { TrainingClient } from '../../../web/src/engine/client.js';
import { presetOf } from '../../../web/src/experiment/presets.js';
import { localize } from '../../../web/src/i18n/index.js';
import { ThreadWorker, servePage } from './worker-thread.js';

// XOR, 63 steps an epoch; two epochs.
const XOR = { ...presetOf('xor-tanh').experiment, epochs: 2 };
const TOTAL = 126;
// Long enough that a pause or a hang lands in the middle of it.
const LONG = { ...XOR, epochs: 5000 };
// A silent worker is declared dead within about a second (the page waits 25 s); only the tests
// that hang the worker use it, since a loaded machine may keep a busy one quiet that long.
const QUICK_WATCHDOG = { silenceMs: 200, minTimeoutMs: 400, checkMs: 50 };

let page;
beforeAll(async () => {
  page = await servePage();
});
afterAll(() => page?.server.close());

/** A host as Lit's element is to a controller: it takes update requests. */
const makeHost = () => ({ updates: 0, requestUpdate() { this.updates++; }, updateComplete: Promise.resolve(true), addController() {} });

const made = [];
afterEach(() => {
  for (const c of made.splice(0)) c.client?.terminate();
});

/** A controller over a real worker; the live run takes its pushes as the page's does. */
async function start({ watchdog = {}, experiment = XOR } = {}) {
  const host = makeHost();
  const live = new LiveRun();
  const workers = [];
  const events = { begin: 0, stopped: [], crashed: [] };
  const waiting = new Set();
  /** Resolves once the live run has more than n steps. */
  const beyond = (n) => new Promise((resolve) => waiting.add({ n, resolve }));
  const training = new TrainingController(host, {
    createClient: () => {
      const worker = new ThreadWorker();
      workers.push(worker);
      return new TrainingClient(worker);
    },
    wasmUrl: page.wasmUrl,
    dataUrl: page.dataUrl,
    watchdog,
    hooks: {
      push: (type, msg) => {
        live.apply(type, msg);
        for (const w of [...waiting]) if (live.stepCount > w.n) { waiting.delete(w); w.resolve(); }
      },
      begin: (info) => { events.begin++; live.reset(info); },
      stopped: (msg) => events.stopped.push(msg.reason),
      crashed: (message) => events.crashed.push(message),
      restored: (info, record) => live.restoreHistory(record.history, info.step),
    },
  });
  made.push(training);
  training.connect();
  expect(await training.init()).toBeNull();
  training.configure(experiment, true);
  expect(await training.settled).toBe('ready');
  return { host, live, training, events, workers, beyond };
}

describe('TrainingController', () => {
  it('goes loading -> ready -> training -> paused at stopAt, and train() resolves when the run stops', async () => {
    const { training, live, events, host } = await start();
    expect(training.info).toMatchObject({ step: 0, totalSteps: TOTAL });
    expect(events.begin).toBe(1);
    expect(host.updates).toBeGreaterThan(0);

    const run = training.train({ stopAt: 20 });
    expect(training.status).toBe('training');
    expect(training.watched).toBe(true);
    expect(await run).toBe('paused');
    expect(events.stopped).toEqual(['budget']);
    expect(localize(training.message)).toBe('Stopped at the assignment\u2019s budget (20 steps).');
    expect(live.stepCount).toBe(20);
    expect(live.lastStep).toBe(20);
    expect(training.watched).toBe(false);
    expect(training.elapsed).toBeGreaterThan(0);

    // On to the run's end: done, and `stopped` resolves at once while nothing trains.
    expect(await training.train()).toBe('done');
    expect(live.stepCount).toBe(TOTAL);
    expect(await training.stopped).toBe('done');
  });

  it('Train on a finished run begins it again from the seed: the same experiment, the same numbers', async () => {
    const { training, live, events } = await start();
    expect(await training.train()).toBe('done');
    const first = live.lossHistory().loss.slice();
    expect(first).toHaveLength(TOTAL);
    expect(events.begin).toBe(1);

    const again = training.train();
    // Not a dead button: the finished run is reset (a new run begins), then trains to its end.
    expect(await again).toBe('done');
    expect(events.begin).toBe(2);
    expect(events.stopped).toEqual(['done', 'done']);
    expect(live.lastStep).toBe(TOTAL);
    expect(live.stepCount).toBe(TOTAL);
    expect(live.lossHistory().loss).toEqual(first);
  });

  it('pauses, steps one step, resets to the seed', async () => {
    const { training, live, events, beyond } = await start({ experiment: LONG });
    const run = training.train();
    await beyond(5);
    await training.pause();
    expect(await run).toBe('paused');
    const paused = live.stepCount;
    expect(paused).toBeLessThan(LONG.epochs * 63);

    await training.step({});
    expect(training.status).toBe('paused');
    expect(live.stepCount).toBe(paused + 1);
    const losses = live.lossHistory().loss;

    expect(await training.reset()).toBe('ready');
    expect(events.begin).toBe(2);
    expect(live.stepCount).toBe(0);
    expect(training.info.step).toBe(0);
    expect(training.elapsed).toBe(0);
    await training.train({ stopAt: paused + 1 });
    expect(live.stepCount).toBe(paused + 1);
    expect(live.lossHistory().loss).toEqual(losses); // the same seed, the same numbers
  });

  it('drops an older configure for a newer one, and says when the stack cannot be built', async () => {
    const { training } = await start();
    training.configure({ ...XOR, seed: 5 });
    training.configure({ ...XOR, seed: 6 });
    expect(training.status).toBe('loading');
    expect(await training.settled).toBe('ready');
    const info = training.info;
    expect(info.step).toBe(0);

    const broken = { ...XOR, layers: [{ type: 'dense', units: 4 }, { type: 'conv2d', filters: 2, kernel: 3, stride: 1, padding: 0 }] };
    training.describe(broken);
    expect(await training.until((s) => s === 'invalid')).toBe('invalid');
    expect(training.description.ok).toBe(false);
    expect(localize(training.message)).toMatch(/cannot be built/);
  });

  it('says that the stack cannot be built whichever of the describe and configure answers comes last', async () => {
    const broken = { ...XOR, layers: [{ type: 'dense', units: 4 }, { type: 'conv2d', filters: 2, kernel: 3, stride: 1, padding: 0 }] };
    // The stack's answer first, the refused configure after it.
    const first = (await start()).training;
    first.describe(broken);
    await first.until((s) => s === 'invalid');
    first.configure(broken, true);
    expect(await first.settled).toBe('invalid');
    expect(localize(first.message)).toMatch(/cannot be built/);
    // The refused configure first, the stack's answer after it.
    const second = (await start()).training;
    second.configure(broken, true);
    await second.settled;
    second.describe(broken);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(second.status).toBe('invalid');
    expect(localize(second.message)).toMatch(/cannot be built/);
  });

  it('keeps a field with an error from training, whatever answer of an earlier edit comes back', async () => {
    const { training, events } = await start();
    const params = training.info.params;
    const wider = { ...XOR, layers: [{ type: 'dense', units: 7 }, ...XOR.layers.slice(1)] };
    // A valid edit (its rebuild debounced), then within a few ms a field with an error.
    training.describe(wider);
    training.configure(wider);
    await new Promise((resolve) => setTimeout(resolve, 20));
    training.invalidEdit('error.fix');
    // The earlier edit's answers come back; the run stays invalid and nothing trains.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(training.status).toBe('invalid');
    expect(training.message).toBe('error.fix');
    expect(await training.train()).toBe('invalid');
    await training.step();
    expect(training.info.step).toBe(0);
    expect(await training.reset()).toBe('invalid');
    // The field fixed back to the experiment configured: the run is ready, with that network.
    training.validEdit();
    expect(training.status).toBe('ready');
    expect(training.info.params).toBeGreaterThan(params); // 7 hidden units, as on screen
    // Fixed while the rebuild is still pending: loading until its answer, then ready.
    training.configure(XOR);
    training.invalidEdit('error.fix');
    training.validEdit();
    expect(training.status).toBe('loading');
    expect(await training.settled).toBe('ready');
    expect(events.stopped).toEqual([]);
  });

  it('knows the step a run stopped at before any frame of the page: an edit right after a step finds it paused', async () => {
    const { training, live } = await start({ experiment: LONG });
    // No page here, so no frame brings info up to date: only the worker's answers and pushes.
    await training.step();
    expect(training.info.step).toBe(1);
    training.invalidEdit('error.fix');
    training.validEdit();
    expect(training.status).toBe('paused');
    // A pause mid-run: info is at the step the run stopped at, which the live run saw last.
    const run = training.train();
    await new Promise((resolve) => setTimeout(resolve, 150));
    await training.pause();
    expect(await run).toBe('paused');
    expect(training.info.step).toBeGreaterThan(1);
    expect(training.info.step).toBe(live.lastStep);
  });

  it('arms the watchdog on every run, and a worker that hangs mid-run fails it and stops the promise', async () => {
    const { training, events, workers, beyond } = await start({ experiment: LONG, watchdog: QUICK_WATCHDOG });
    // A lesson's run, a homework's, Train's: all come through train().
    const run = training.train({ stopAt: 100_000 });
    expect(training.watched).toBe(true);
    await beyond(3);
    workers[0].hang();
    expect(await run).toBe('failed');
    expect(events.crashed.length).toBe(1);
    expect(localize(training.message)).toMatch(/^The training worker stopped unexpectedly \(no answer for \d s\)\.$/);
    expect(training.watched).toBe(false);
    // The dead worker's last refusals say nothing new.
    training.fail('later');
    expect(localize(training.message)).toMatch(/no answer/);
  });

  it('restores a checkpoint into a new worker after a crash, and trains on with the uninterrupted numbers', async () => {
    const reference = await start();
    await reference.training.train({ stopAt: 60 });
    const uninterrupted = reference.live.lossHistory().loss;

    const { training, events, workers, live } = await start({ watchdog: QUICK_WATCHDOG });
    await training.train({ stopAt: 30 });
    const checkpoint = await training.client.checkpoint();
    const history = { train: { steps: live.steps.values(), loss: live.loss.values(), accuracy: live.accuracy.values() }, test: { steps: [], loss: [], accuracy: [] } };
    workers[0].hang();
    const running = training.train({ stopAt: 50 });
    expect(await running).toBe('failed');
    expect(events.crashed.length).toBe(1);

    const restoring = [];
    training.hooks.restoring = (e) => restoring.push(e);
    const info = await training.restore({ experiment: checkpoint.experiment, checkpoint, history }, XOR);
    expect(workers.length).toBe(2);
    expect(info.step).toBe(30);
    expect(restoring.length).toBe(1);
    expect(training.status).toBe('paused');
    expect(localize(training.message)).toBe('Restored at step 30: press Train to continue.');
    expect(live.stepCount).toBe(30);
    expect(await training.train({ stopAt: 60 })).toBe('paused');
    expect(training.watched).toBe(false);
    expect(live.lossHistory().loss).toEqual(uninterrupted);
  });

  it('is the only way the page starts a run: no other module asks the client to train', () => {
    const src = new URL('../../../web/src/', import.meta.url);
    const callers = [];
    for (const entry of readdirSync(src, { recursive: true })) {
      if (!entry.endsWith('.js') || entry.startsWith('engine/')) continue;
      const text = readFileSync(new URL(entry, src), 'utf8');
      if (/\bclient\??\.train\(/.test(text)) callers.push(entry);
    }
    expect(callers).toEqual(['shell/training.js']);
  });
});
