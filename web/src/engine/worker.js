// worker.js: the training worker. It owns the one wasm instance (one init promise), loads the data
// set, drives a Session, and answers the page's requests (protocol.js). Training runs in slices of
// about SLICE_MS, each ending with one STEPS push; between slices the worker yields to its message
// queue, so a pause or step request is handled after at most one slice. Everything sent out is a
// copy (slice()) transferred with postMessage, never a view of wasm memory.
//
// Performance marks (the browser's performance panel shows them; `npm run bench` reads them from
// this worker, web/bench/page.js), each made once per event in the worker's timeline:
//   nn:core-start, nn:core-ready   before loading nn.wasm, and once it is compiled and instantiated
//   nn:mnist-in-memory             MNIST downloaded (or read from Cache Storage), checked, in the core
//   nn:network-built               a run's network built and initialised (CONFIGURE, RESET, RESTORE)
//   nn:train                       a TRAIN request received
//   nn:first-step                  the first training step of a run done (detail: ms it took)

import { initCore, NnError } from './core.js';
import { Status } from './enums.js';
import { Session, planExperiment } from './session.js';
import { loadMnist, makeSynth } from '../data/datasets.js';
import { cachedSource } from '../data/cache.js';
import { Push, Request, serializeError, transferables } from './protocol.js';
import { exportPytorchBundle } from '../export/pytorch.js';
import { errorOf, say } from '../i18n/errors.js';
import { activationStats } from './insight.js';
import { canonicalJson } from '../experiment/canonical.js';

const SLICE_MS = 16; // one slice of training between looks at the message queue
// Histograms and norms while training: every STATS_STEPS steps, but never twice within
// STATS_MIN_MS (the charts' refresh rate, 10 a second: with views on, a fast model loses a few
// per cent to them, measured by `npm run bench`), and at least every STATS_MS.
const STATS_MS = 250;
const STATS_STEPS = 20;
const STATS_MIN_MS = 100;
const FILTERS_MS = 500; // the first layer's weights as images at most this often
const EVAL_MS = 1000; // test evaluation on a fixed subset at most this often
const EVAL_SUBSET = 1000; // test samples in that evaluation (the whole set at each epoch end)
const GRID_DIGITS = 40; // test digits whose predictions the page shows
const HIST_BINS = 40;
const BOUNDARY_SIZE = 49; // grid points per side of the 2-D decision boundary
const BOUNDARY_EXTENT = [-1.5, 1.5];
const MAX_FILTERS = 64;

let core = null;
let corePromise = null;
let source = null;
let mnistPromise = null;
let synth = null; // {key, dataset}
let session = null;
let experiment = null;
let evalData = 0; // nn_data over the first EVAL_SUBSET test samples (borrows the set's memory)
let running = false;
let stopAt = Infinity; // the step a TRAIN request asked to stop at (a homework's budget)
let liveViews = true; // whether the views are computed while training (Request.VIEWS)
// When the views and the evaluation were last made, and the training time and samples since the run began.
const CLOCK_START = Object.freeze({ lastStats: 0, lastStatsStep: 0, lastFilters: 0, lastEval: 0, trainMs: 0, samples: 0 });
const clock = { ...CLOCK_START };

const post = (msg) => self.postMessage(msg, transferables(msg));
const mark = (name, detail) => performance.mark(name, detail === undefined ? undefined : { detail });

// ---- the core and the data sets ----

function ensureCore(wasmUrl) {
  if (!corePromise) mark('nn:core-start');
  corePromise ??= initCore(wasmUrl).then((c) => {
    core = c;
    mark('nn:core-ready');
    return c;
  });
  corePromise.catch(() => {
    corePromise = null;
  });
  return corePromise;
}

function progressReporter(phase) {
  let last = 0;
  let verifying = false;
  return ({ loaded, total, file }) => {
    const now = performance.now();
    if (loaded >= total && total > 0) {
      // Every byte is in: what follows is gunzip and the core's IDX checks.
      if (!verifying) post({ type: Push.PROGRESS, phase: 'verify', loaded, total, file });
      verifying = true;
      return;
    }
    if (now - last < 80) return;
    last = now;
    post({ type: Push.PROGRESS, phase, loaded, total, file });
  };
}

/**
 * MNIST, loaded once per worker; a cached copy that fails the checks is dropped and refetched.
 * What was downloaded goes to Cache Storage only once it has passed every check.
 */
function mnist() {
  mnistPromise ??= (async () => {
    const load = async () => {
      try {
        return await loadMnist(core, source.readFile, { onProgress: progressReporter('download') });
      } catch (err) {
        source.discard();
        throw err;
      }
    };
    let set;
    try {
      set = await load();
    } catch (err) {
      if (!source.hits) throw err;
      await source.forget();
      set = await load();
    }
    mark('nn:mnist-in-memory');
    source.keep();
    return set;
  })();
  mnistPromise.catch(() => {
    mnistPromise = null;
  });
  return mnistPromise;
}

async function datasetFor(e) {
  if (e.data.set === 'mnist') {
    const set = await mnist();
    post({ type: Push.PROGRESS, phase: 'ready', loaded: 1, total: 1, file: '' });
    return set;
  }
  const key = JSON.stringify([e.data, e.seed]);
  if (synth?.key !== key) {
    if (synth && synth.dataset !== session?.dataset) synth.dataset.dispose();
    synth = { key, dataset: makeSynth(core, e.data, e.seed) };
  }
  return synth.dataset;
}

// ---- describing a layer stack without building it ----

function dataShape(e) {
  if (e.data.set === 'mnist') return { shape: [1, 28, 28], classes: 10, name: 'mnist' };
  return { shape: [2, 1, 1], classes: 2, name: e.data.set }; // every 2-D set has two classes
}

/** The stack as the core would build it (Session's planExperiment), in protocol.js's Description form. */
function describe(e) {
  const { shape, classes, name } = dataShape(e);
  const plan = planExperiment(core, e, { shape, classes, name });
  const out = {
    ok: plan.ok, inputShape: shape, classes, params: plan.params, bytes: plan.bytes, error: null,
    layers: plan.layers.map(({ index, type, outShape, params }) => ({ index, type, outShape, params })),
  };
  if (!plan.ok) {
    const [first] = plan.errors;
    const layer = first.path[0] === 'layers' && typeof first.path[1] === 'number' ? first.path[1] : -1;
    if (layer >= 0) {
      out.layers[layer] ??= { index: layer, type: e.layers[layer].type, outShape: null, params: 0 };
      out.layers[layer].error = first.message;
      if (first.msg) out.layers[layer].errorMsg = first.msg;
    }
    out.error = { layer, message: first.message, msg: first.msg };
  }
  return out;
}

// ---- sessions ----

function disposeSession() {
  running = false;
  if (evalData) core.fn.nn_data_free(evalData);
  evalData = 0;
  session?.dispose();
  session = null;
}

const sameExceptEpochs = (a, b) => a && b && canonicalJson({ ...a, epochs: 0 }) === canonicalJson({ ...b, epochs: 0 });

async function configure(e) {
  if (session && sameExceptEpochs(experiment, e)) {
    // Epochs only say when to stop: the run so far stays valid.
    experiment = e;
    session.experiment = { ...session.experiment, epochs: e.epochs };
    return info();
  }
  disposeSession();
  experiment = e;
  const dataset = await datasetFor(e);
  if (experiment !== e) throw errorOf(say('err.worker.superseded'));
  session = new Session(core, e, dataset);
  mark('nn:network-built');
  const test = dataset.test;
  const count = Math.min(EVAL_SUBSET, session.testCount);
  evalData = test.type === 'u8'
    ? core.fn.nn_data_create_u8(test.x, test.y, count, dataset.features, test.scale)
    : core.fn.nn_data_create_f32(test.x, test.y, count, dataset.features);
  Object.assign(clock, CLOCK_START);
  return info();
}

function totals() {
  const stepsPerEpoch = Math.ceil(session.trainCount / session.batchSize);
  return { stepsPerEpoch, totalSteps: stepsPerEpoch * experiment.epochs };
}

function info() {
  const { dataset } = session;
  const out = {
    step: session.step,
    trainCount: session.trainCount,
    testCount: session.testCount,
    ...totals(),
    classes: dataset.classes,
    inputShape: dataset.shape,
    params: session.paramCount,
    layers: session.layers.map(({ index, type, outShape, params }) => ({ index, type, outShape, params })),
    tensors: session.tensors.map(({ name, layer, role, shape, count }) => ({ name, layer, role, shape, count })),
    grid: null,
    points: null,
  };
  if (dataset.name === 'mnist') {
    const n = Math.min(GRID_DIGITS, dataset.test.count);
    out.grid = {
      count: n, size: 28,
      pixels: core.u8(dataset.test.x, n * 784).slice(),
      labels: core.u8(dataset.test.y, n).slice(),
    };
  } else {
    const n = dataset.train.count;
    out.points = {
      x: core.f32(dataset.train.x, 2 * n).slice(),
      labels: core.u8(dataset.train.y, n).slice(),
      extent: BOUNDARY_EXTENT,
    };
  }
  return out;
}

// ---- what the page sees of a run ----

function stats(force = false) {
  // The first layer's images change slowly and are the largest part of a message: at most every
  // FILTERS_MS (undefined: unchanged since the last message).
  const now = performance.now();
  const filtersDue = force || now - clock.lastFilters >= FILTERS_MS;
  if (filtersDue) clock.lastFilters = now;
  const tensors = session.tensors.filter((t) => t.buffer === 'params').map((t) => ({
    name: t.name, layer: t.layer, role: t.role,
    weights: session.tensorStats(t.name, { bins: HIST_BINS }),
    grads: session.tensorStats(t.name, { grads: true, bins: HIST_BINS }),
  }));
  return { type: Push.STATS, step: session.step, tensors, filters: filtersDue ? filters() : undefined, activations: activations(force) };
}

// Activation statistics (dead units, scale per layer) take a forward pass over ACTIVATION_SAMPLES
// test samples: measured at the stats rate, but skipped while their last measurement would cost
// more than a fortieth of the time since it (a large network trains on instead of measuring).
const ACTIVATION_SAMPLES = 512; // as the lessons count a dead unit: 0 for every one of 512 test digits
const insightClock = { at: -Infinity, ms: 0 };

/** activationStats of every activation layer, or null when skipped this time (never when forced). */
function activations(force) {
  const now = performance.now();
  if (!force && session.step > 0 && now - insightClock.at < 40 * insightClock.ms) return null;
  const layers = activationStats(session, { samples: ACTIVATION_SAMPLES })
    .map(({ index, type, units, samples, mean, std, deadFraction, neverPositiveFraction }) => ({ index, type, units, samples, mean, std, deadFraction, neverPositiveFraction }));
  insightClock.at = performance.now();
  insightClock.ms = insightClock.at - now;
  return layers;
}

/** The first layer's weights as small images: dense over 28x28 pixels, or conv2d kernels. */
function filters() {
  const first = session.tensors.find((t) => t.role === 'weight' && t.buffer === 'params');
  if (!first) return null;
  const layer = session.layers[first.layer];
  const [units, ...rest] = first.shape;
  const data = session.dataset.shape;
  let channels;
  let height;
  let width;
  if (layer.type === 'conv2d') {
    [channels, height, width] = rest;
  } else if (layer.type === 'dense' && data[1] > 1 && rest[0] === data[0] * data[1] * data[2]) {
    [channels, height, width] = data; // a dense layer straight over the pixels: one image per unit
  } else {
    return null; // a dense layer over 2-D points or features has nothing to picture
  }
  const count = Math.min(units, MAX_FILTERS);
  const values = session.tensorValues(first.name).subarray(0, count * channels * height * width).slice();
  return { layer: first.layer, name: first.name, count, channels, height, width, values };
}

function evaluate(full) {
  const classes = session.dataset.classes;
  let result;
  if (full) {
    result = session.evaluate('test', { confusion: true });
  } else {
    const confusion = core.alloc(classes * classes * 4);
    try {
      result = core.evaluate(session.net, evalData, session.batchSize, confusion, 0);
      result.confusion = core.i32(confusion, classes * classes).slice();
    } finally {
      core.free(confusion);
    }
  }
  const subset = full ? session.testCount : core.fn.nn_data_count(evalData);
  return { type: Push.EVAL, step: session.step, split: 'test', subset, full, classes, ...result };
}

function grid() {
  const { dataset } = session;
  if (dataset.name !== 'mnist') return null;
  const n = Math.min(GRID_DIGITS, session.testCount);
  const idx = core.alloc(n * 4);
  const x = core.alloc(n * dataset.features * 4);
  let pixels;
  try {
    core.u32(idx, n).set(Array.from({ length: n }, (_, i) => i));
    core.fn.nn_data_gather(session.testData, idx, n, x, 0);
    pixels = core.f32(x, n * dataset.features).slice();
  } finally {
    core.free(idx);
    core.free(x);
  }
  return { type: Push.GRID, step: session.step, classes: dataset.classes, probs: session.predict(pixels, n) };
}

/** P(class 1) over a size x size grid of [lo, hi]^2 (corners included, x fastest, first row at y = lo). */
function boundary() {
  if (session.dataset.name === 'mnist') return null;
  const size = BOUNDARY_SIZE;
  const [lo, hi] = BOUNDARY_EXTENT;
  const step = (hi - lo) / (size - 1);
  const points = new Float32Array(size * size * 2);
  for (let iy = 0; iy < size; iy++) {
    for (let ix = 0; ix < size; ix++) {
      points[2 * (iy * size + ix)] = lo + ix * step;
      points[2 * (iy * size + ix) + 1] = lo + iy * step;
    }
  }
  const classes = session.dataset.classes;
  const probs = session.predict(points, size * size);
  const grid = new Float32Array(size * size);
  for (let i = 0; i < grid.length; i++) grid[i] = probs[i * classes + 1];
  return { type: Push.BOUNDARY, step: session.step, resolution: size, extent: BOUNDARY_EXTENT, classes, grid };
}

/**
 * Posts the throttled views of the run; `force` posts all of them now. With the live views off,
 * only an epoch end's whole-test-set evaluation (fullEval) is posted unless forced.
 */
function report(force, fullEval = false) {
  if (!liveViews && !force) {
    if (fullEval) post(evaluate(true));
    return;
  }
  const now = performance.now();
  const statsDue = force || (now - clock.lastStats >= STATS_MS) || (session.step - clock.lastStatsStep >= STATS_STEPS && now - clock.lastStats >= STATS_MIN_MS);
  if (statsDue) {
    clock.lastStats = now;
    clock.lastStatsStep = session.step;
    post(stats(force));
  }
  if (force || fullEval || now - clock.lastEval >= EVAL_MS) {
    clock.lastEval = now;
    post(evaluate(fullEval));
    const g = grid();
    if (g) post(g);
    const b = boundary();
    if (b) post(b);
  }
}

// ---- training in slices ----

const tickChannel = new MessageChannel();
tickChannel.port1.onmessage = tick;
const schedule = () => tickChannel.port2.postMessage(0);

/** Trains until the run or an epoch ends, maxSteps are done or budgetMs is spent; posts the steps. */
function trainSlice(budgetMs, maxSteps = Infinity) {
  const { totalSteps, stepsPerEpoch } = totals();
  const limit = Math.min(totalSteps, stopAt);
  const first = session.step + 1;
  const losses = [];
  const accuracies = [];
  const t0 = performance.now();
  let outcome = null;
  let epochEnded = false;
  let samples = 0;
  try {
    while (losses.length < maxSteps) {
      if (session.step >= limit) {
        outcome = session.step >= totalSteps ? 'done' : 'budget';
        break;
      }
      const r = session.trainStep();
      if (session.step === 1) mark('nn:first-step', { ms: performance.now() - t0 });
      losses.push(r.loss);
      accuracies.push(r.accuracy);
      samples += r.batch;
      if (session.step >= limit) outcome = session.step >= totalSteps ? 'done' : 'budget';
      if (r.epochEnd) epochEnded = true;
      if (outcome || epochEnded || performance.now() - t0 >= budgetMs) break;
    }
  } catch (err) {
    outcome = { reason: 'failed', message: err.message, status: err.status, msg: err.msg };
  }
  const elapsed = performance.now() - t0;
  clock.trainMs += elapsed;
  clock.samples += samples;
  if (losses.length) {
    const epochStep = ((session.step - 1) % stepsPerEpoch) + 1;
    post({
      type: Push.STEPS, first,
      loss: Float32Array.from(losses), accuracy: Float32Array.from(accuracies),
      epoch: Math.floor((session.step - 1) / stepsPerEpoch), epochStep, stepsPerEpoch, totalSteps,
      samples: clock.samples, trainMs: clock.trainMs,
    });
  }
  return { outcome, epochEnded };
}

function tick() {
  if (!running || !session) return;
  // A run's first step is a slice of its own, followed by its statistics: the gradient norms of
  // the initial weights start every norm chart and the lessons' "first" ratios, however fast the
  // steps after it come (the stats rate would otherwise skip them in a fast model).
  const first = session.step === 0 && liveViews;
  const { outcome, epochEnded } = trainSlice(SLICE_MS, first ? 1 : Infinity);
  if (first && !outcome) {
    clock.lastStats = performance.now();
    clock.lastStatsStep = session.step;
    post(stats());
  }
  if (outcome) {
    running = false;
    const failed = typeof outcome === 'object';
    if (session.step > 0) report(true, !failed);
    post({ type: Push.STOPPED, step: session.step, reason: failed ? 'failed' : outcome, message: failed ? outcome.message : undefined, status: failed ? outcome.status : undefined, msg: failed ? outcome.msg : undefined });
    return;
  }
  report(false, epochEnded);
  schedule();
}

// What runs once the current request's answer is posted (the page sets up its run from the answer).
let pendingAfterReply = null;

/**
 * Runs fn once the current request's answer is posted. A TRAIN or STEP request that arrives first
 * runs it before it trains, so the views of step 0 (the start of a lesson's comparison) always
 * reach the page.
 */
function afterReply(fn) {
  pendingAfterReply = fn;
  setTimeout(runAfterReply, 0);
}

function runAfterReply() {
  const fn = pendingAfterReply;
  pendingAfterReply = null;
  if (fn && session) fn();
}

function requireSession() {
  if (!session) throw new NnError(Status.ERR_INVALID, say('err.worker.noSession'), 'worker');
}

// ---- requests ----

const handlers = {
  async [Request.INIT]({ wasmUrl, dataUrl }) {
    source ??= cachedSource(dataUrl);
    await ensureCore(wasmUrl);
    return { ok: true };
  },
  async [Request.DESCRIBE]({ experiment: e }) {
    await corePromise;
    return describe(e);
  },
  async [Request.CONFIGURE]({ experiment: e }) {
    await corePromise;
    const result = await configure(e);
    afterReply(() => report(true));
    return result;
  },
  async [Request.TRAIN]({ stopAt: until }) {
    requireSession();
    mark('nn:train');
    runAfterReply();
    stopAt = Number.isFinite(until) && until > 0 ? until : Infinity;
    if (!running) {
      running = true;
      schedule();
    }
    return { step: session.step };
  },
  async [Request.PAUSE]() {
    const was = running;
    running = false;
    if (session && was) {
      report(true);
      post({ type: Push.STOPPED, step: session.step, reason: 'paused' });
    }
    return { step: session?.step ?? 0 };
  },
  async [Request.STEP]({ stopAt: until }) {
    requireSession();
    runAfterReply();
    stopAt = Number.isFinite(until) && until > 0 ? until : Infinity;
    const was = running;
    running = false;
    if (was) post({ type: Push.STOPPED, step: session.step, reason: 'paused' });
    const { outcome } = trainSlice(Infinity, 1);
    report(true, outcome === 'done' || outcome === 'budget');
    if (typeof outcome === 'object' && outcome) {
      post({ type: Push.STOPPED, step: session.step, reason: 'failed', message: outcome.message, status: outcome.status, msg: outcome.msg });
    } else if (outcome === 'done' || outcome === 'budget') {
      post({ type: Push.STOPPED, step: session.step, reason: outcome });
    }
    return { step: session.step };
  },
  async [Request.RESET]() {
    requireSession();
    const e = experiment;
    experiment = null; // force a rebuild from the seed
    const result = await configure(e);
    afterReply(() => report(true));
    return result;
  },
  async [Request.PREDICT]({ x, n }) {
    requireSession();
    return { probs: session.predict(x, n), classes: session.dataset.classes };
  },
  async [Request.EVALUATE]() {
    requireSession();
    const test = session.evaluate('test');
    return { step: session.step, test_accuracy: test.accuracy, test_loss: test.loss, count: test.count };
  },
  async [Request.EXPORT_PYTORCH]({ scriptName }) {
    requireSession();
    return exportPytorchBundle(session, { scriptName });
  },
  async [Request.SAVE_WEIGHTS]() {
    requireSession();
    return { weights: session.saveWeights(), step: session.step };
  },
  async [Request.LOAD_WEIGHTS]({ bytes }) {
    requireSession();
    if (running) {
      running = false;
      post({ type: Push.STOPPED, step: session.step, reason: 'paused' });
    }
    session.loadWeights(bytes);
    afterReply(() => report(true));
    return { step: session.step };
  },
  async [Request.CHECKPOINT]() {
    requireSession();
    return session.checkpoint();
  },
  async [Request.RESTORE]({ checkpoint }) {
    await corePromise;
    running = false;
    const result = await configure(checkpoint.experiment);
    session.restoreCheckpoint(checkpoint);
    clock.lastStatsStep = session.step; // configure() started the clock afresh; the views count from the restored step
    afterReply(() => report(true));
    return { ...result, step: session.step };
  },
  async [Request.VIEWS]({ live }) {
    const was = liveViews;
    liveViews = live !== false;
    // Turned back on: every view now, so the page's charts catch up at once.
    if (liveViews && !was && session) report(true);
    return { live: liveViews };
  },
  async [Request.PING]() {
    return { step: session?.step ?? 0 };
  },
};

// What `npm run bench -- --soak` reads through the debugger (not part of the protocol): the wasm
// memory's size and what the core's allocator holds.
self.nnDiagnostics = () => ({
  wasmMemoryBytes: core?.memory.buffer.byteLength ?? 0,
  coreHeapBytes: core ? core.fn.nn_heap_in_use() : 0,
  step: session?.step ?? 0,
});

self.onmessage = async (event) => {
  const msg = event.data;
  if (!msg || typeof msg.id !== 'number') return;
  const handler = handlers[msg.type];
  try {
    if (!handler) throw new Error(`unknown request ${JSON.stringify(msg.type)}`);
    const result = await handler(msg);
    post({ id: msg.id, result });
  } catch (err) {
    post({ id: msg.id, error: serializeError(err) });
  }
};
