// live-run.test.js: the live run's data model, in Node: the real worker's messages applied (the
// losses bit for bit as a Session in Node trains them), a run's history put back after a restore,
// the rules for repeated and thinned snapshots, and what one run of a lesson measured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_POINTS, LiveRun, MAX_SNAPSHOTS } from '../../../web/src/shell/live-run.js';
import { TrainingClient } from '../../../web/src/engine/client.js';
import { Session } from '../../../web/src/engine/session.js';
import { historyUpTo } from '../../../web/src/runs/checkpoints.js';
import { presetOf } from '../../../web/src/experiment/presets.js';
import { freshCore } from '../../../web/src/node.js';
import { ThreadWorker, servePage } from './worker-thread.js';

// A ReLU network on XOR (a lesson's measurements need rectifiers), 40 steps.
const XOR = presetOf('xor-tanh').experiment;
const RELU = {
  ...XOR,
  layers: [{ type: 'dense', units: 8 }, { type: 'relu' }, { type: 'dense', units: 8 }, { type: 'relu' }, { type: 'dense', units: 2 }],
  seed: 3,
};
const STEPS = 40;

let page;
let client;
let info;
/** Every message the worker pushed while training STEPS steps, in order. */
const pushes = [];
beforeAll(async () => {
  page = await servePage();
  client = new TrainingClient(new ThreadWorker());
  for (const type of ['steps', 'stats', 'eval', 'grid', 'boundary', 'stopped']) {
    client.addEventListener(type, (e) => pushes.push([type, e.detail]));
  }
  await client.init(page.wasmUrl, page.dataUrl);
  info = await client.configure(RELU);
  const stopped = new Promise((resolve) => client.addEventListener('stopped', resolve, { once: true }));
  await client.train(STEPS);
  await stopped;
});
afterAll(() => {
  client?.terminate();
  page?.server.close();
});

const replay = () => {
  const live = new LiveRun(info);
  const changed = new Set();
  for (const [type, msg] of pushes) for (const view of live.apply(type, msg)) changed.add(view);
  return { live, changed };
};

describe('LiveRun', () => {
  it('applies the worker\'s messages: every step\'s loss as a Session in Node trains it, the views they change', async () => {
    const { live, changed } = replay();
    expect(live.stepCount).toBe(STEPS);
    expect(live.lastStep).toBe(STEPS);
    expect(live.steps.values()).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    const session = await Session.open(await freshCore(), RELU);
    const losses = Array.from({ length: STEPS }, () => session.trainStep().loss);
    session.dispose();
    expect(live.lossHistory().loss).toEqual(losses);
    expect(live.metricRuns[0].train.length).toBe(STEPS);
    expect(live.metricRuns[0].train.loss).toBe(live.loss.array); // the charts read the column itself
    expect(live.last.loss).toBe(losses.at(-1));
    expect([...changed].sort()).toEqual(['accuracy', 'boundary', 'confusion', 'filters', 'grads', 'loss', 'norms', 'weights']);
    // The stop's whole-test-set evaluation is the last test point, and Submit may use it.
    expect(live.test.steps.at(-1)).toBe(STEPS);
    expect(live.fullEval).toMatchObject({ step: STEPS, test_accuracy: live.last.testAccuracy });
    expect(live.boundary.grid.length).toBeGreaterThan(0);
    // The network drawing's example: the stop's, every layer's output for the first test point
    // (the last layer's two outputs as a Session in Node computes them at that step).
    expect(live.example.step).toBe(STEPS);
    expect(live.example.layers.map((l) => [l.index, l.shape])).toEqual(RELU.layers.map((l, i) => [i, [l.units ?? 8, 1, 1]]));
    const replayed = await Session.open(await freshCore(), RELU);
    for (let i = 0; i < STEPS; i++) replayed.trainStep();
    const probs = replayed.predict(replayed.inputs('test', 1), 1);
    replayed.dispose();
    const [a, b] = live.example.layers.at(-1).values;
    expect(1 / (1 + Math.exp(a - b))).toBeCloseTo(probs[1], 5);
    // One snapshot of each weight tensor per stats message, norms from the first step on.
    const weights = info.tensors.filter((t) => t.role === 'weight');
    expect([...live.snapshots.keys()]).toEqual(weights.map((t) => t.name));
    expect(live.norms.steps[0]).toBe(1);
    expect(live.norms.norms.every((col) => col.length === live.norms.length)).toBe(true);
    expect(live.apply('progress', {})).toEqual([]);
  });

  it('keeps one test point per step, one norm per step, and thins old snapshots', () => {
    const live = new LiveRun(info);
    live.apply('eval', { step: 5, loss: 1, accuracy: 0.5, subset: 100, confusion: null });
    live.apply('eval', { step: 5, loss: 0.9, accuracy: 0.6, subset: 1000, full: true, confusion: null });
    expect(live.test).toEqual({ steps: [5], loss: [0.9], accuracy: [0.6] });
    expect(live.last).toMatchObject({ testLoss: 0.9, testCount: 1000, testFull: true });
    const tensors = info.tensors.filter((t) => t.role === 'weight').map((t) => ({ name: t.name, weights: { mean: 0 }, grads: { l2: t.count } }));
    for (let step = 0; step <= MAX_SNAPSHOTS + 10; step++) live.apply('stats', { step, tensors });
    live.apply('stats', { step: MAX_SNAPSHOTS + 10, tensors });
    expect(live.norms.steps.length).toBe(MAX_SNAPSHOTS + 10); // none at step 0, one for the repeat
    const snaps = live.snapshots.get(tensors[0].name).weights;
    expect(snaps.length).toBeLessThanOrEqual(MAX_SNAPSHOTS);
    expect(snaps[0].step).toBe(0);
    expect(snaps.at(-1).step).toBe(MAX_SNAPSHOTS + 10);
  });

  it('restores a history: the kept columns cut back, or a stored one put into an empty run', () => {
    const { live } = replay();
    const stored = historyUpTo(30, live, live.test);
    live.restoreHistory(null, 25);
    expect(live.stepCount).toBe(25);
    expect(live.last.loss).toBe(live.loss.array[24]);
    expect(live.test.steps.every((s) => s <= 25)).toBe(true);
    expect(live.lastStep).toBe(25);

    const reloaded = new LiveRun(info);
    reloaded.restoreHistory(stored, 30);
    expect(reloaded.stepCount).toBe(30);
    expect(reloaded.lossHistory().loss).toEqual(replay().live.lossHistory().loss.slice(0, 30));
    expect(reloaded.metricRuns[0].train.length).toBe(30);
    expect(new LiveRun(info).stepCount).toBe(0);
    const broken = new LiveRun(info);
    broken.restoreHistory({ train: { steps: [1] } }, 30); // storage is input: a damaged history is left out
    expect(broken.stepCount).toBe(0);
  });

  it('measures one run of a lesson: losses, test numbers, dead units, scales and gradient ratios', () => {
    const { live } = replay();
    const entry = { id: 'relu-xor', experiment: RELU };
    const r = live.lessonResult(entry, { runId: 'r1', color: '#123456', label: 'ReLU', info });
    expect(r).toMatchObject({ id: 'relu-xor', runId: 'r1', color: '#123456', label: 'ReLU', steps: STEPS });
    expect(r.firstLoss).toBe(live.loss.array[0]);
    expect(r.trainLoss).toBe(live.loss.array[STEPS - 1]);
    expect(r.testAccuracy).toBe(live.last.testAccuracy);
    expect(r.deadPerLayer.length).toBe(2);
    expect(r.deadFraction).toBe(Math.max(...r.deadPerLayer));
    expect(r.stdPerLayer.length).toBe(2);
    expect(r.startStdPerLayer.length).toBe(2);
    expect(r.startStdRatio).toBeCloseTo(r.startStdPerLayer[1] / r.startStdPerLayer[0], 12);
    expect(r.gradNorms.length).toBe(3);
    expect(r.gradRatio).toBeCloseTo(r.gradNorms[0] / r.gradNorms[2], 12);
    expect(r.multiplyAdds).toBeGreaterThan(0);
    // Which layer each number reads, numbered as the layer rows are (layer N is layers[N-1]):
    // the ReLUs are layers 2 and 4, the weights those of layers 1, 3 and 5.
    expect(r.deadLayers).toEqual([2, 4]);
    expect(r.deadLayer).toBe(r.deadLayers[r.deadPerLayer.indexOf(r.deadFraction)]);
    expect(r.gradLayers).toEqual([1, 5]);
    expect(r.startStdLayers).toEqual([4, 2]);
    // The evidence the lesson panel draws of this run: its curves, copies of what the run streamed.
    const ev = r.evidence;
    expect(Array.from(ev.train.steps)).toEqual(live.steps.values());
    expect(Array.from(ev.train.loss)).toEqual(live.loss.values());
    expect(ev.test.steps).toEqual(live.test.steps);
    expect(ev.norms.layers).toEqual([0, 2, 4]);
    expect(ev.norms.steps).toEqual(live.norms.steps);
    expect(ev.norms.norms).toEqual(live.norms.norms);
    expect(ev.activations.start.map((a) => a.std)).toEqual(r.startStdPerLayer);
    expect(ev.activations.end.filter((a) => a.type === 'relu').map((a) => a.deadFraction)).toEqual(r.deadPerLayer);
    expect(ev.activations.step).toBe(STEPS);
    // Each weight tensor's last gradient histogram, a copy of the one the run streamed.
    const lastGrads = live.norms.names.map((name) => live.snapshots.get(name).grads.at(-1));
    expect(ev.grads.map((g) => g.step)).toEqual([STEPS, STEPS, STEPS]);
    expect(ev.grads.map((g) => g.counts)).toEqual(lastGrads.map((g) => Array.from(g.counts)));
    expect(ev.grads.map((g) => [g.lo, g.hi, g.min, g.max])).toEqual(lastGrads.map((g) => [g.lo, g.hi, g.min, g.max]));
    expect(ev.boundary.resolution ** 2).toBe(ev.boundary.grid.length);
    expect(ev.boundary.step).toBe(STEPS);
    expect(ev.boundary.grid).not.toBe(live.boundary.grid);
    expect(Array.from(ev.boundary.grid)).toEqual(Array.from(live.boundary.grid));
    expect(ev.points.x.length).toBe(2 * ev.points.labels.length);
    expect(ev.classes).toBe(2);
    // A run that trained nothing measures nothing.
    const none = new LiveRun(info).lessonResult(entry, { runId: 'r2', color: '', label: '', info: null });
    expect(none).toMatchObject({ steps: 0, deadFraction: null, lastStd: null, gradRatio: null, multiplyAdds: null });
    expect(none.firstLoss).toBeNaN();
    expect(none).toMatchObject({ deadLayer: null, gradLayers: null, startStdLayers: null });
    expect(none.evidence).toMatchObject({ boundary: null, points: null, activations: { start: [], end: [] } });
  });

  it('keeps a long lesson run\'s evidence bounded: at most EVIDENCE_POINTS of each curve, the first and the last in', () => {
    const live = new LiveRun(info);
    const total = 20 * EVIDENCE_POINTS;
    const loss = Float32Array.from({ length: total }, (_, i) => 1 / (i + 1));
    live.apply('steps', { first: 1, loss, accuracy: new Float32Array(total), samples: 0, trainMs: 0 });
    const weights = info.tensors.filter((t) => t.role === 'weight');
    for (let step = 1; step <= total; step++) {
      live.apply('stats', { step, tensors: weights.map((t, k) => ({ name: t.name, weights: {}, grads: { l2: step + k } })) });
      if (step % 3 === 0) live.apply('eval', { step, loss: 1, accuracy: 0.5, subset: 10, confusion: null });
    }
    const ev = live.lessonResult({ id: 'long', experiment: RELU }, { runId: 'r', color: '', label: '', info }).evidence;
    expect(ev.train.steps.length).toBeLessThanOrEqual(EVIDENCE_POINTS);
    expect(ev.train.steps.at(-1)).toBe(total);
    expect(ev.test.steps.length).toBeLessThanOrEqual(EVIDENCE_POINTS);
    expect(ev.norms.steps.length).toBe(EVIDENCE_POINTS);
    expect(ev.norms.steps[0]).toBe(1);
    expect(ev.norms.steps.at(-1)).toBe(total);
    // Each layer's norm is the one streamed at the step kept.
    ev.norms.norms.forEach((col, k) => col.forEach((v, i) => expect(v).toBe(ev.norms.steps[i] + k)));
  });
});
