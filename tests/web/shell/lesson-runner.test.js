// lesson-runner.test.js: "Run this lesson" in Node, over the real training worker (in a worker
// thread), the training controller, the live run and the run history wired as the page wires them:
// each run of the lesson keeps its own evidence (curves, gradient norms, activation statistics, the
// final decision boundary), in the colour its run has in the run list, and a later run does not
// change an earlier one's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LessonRunner, lessonFor } from '../../../web/src/shell/lesson-runner.js';
import { TrainingController } from '../../../web/src/shell/training.js';
import { LiveRun } from '../../../web/src/shell/live-run.js';
import { RunHistory } from '../../../web/src/shell/run-history.js';
import { TrainingClient } from '../../../web/src/engine/client.js';
import { PRESETS, presetOf } from '../../../web/src/experiment/presets.js';
import { sameExperiment } from '../../../web/src/experiment/canonical.js';
import { language } from '../../../web/src/i18n/index.js';
import { ThreadWorker, servePage } from './worker-thread.js';

const STEPS = 40; // each run of the XOR lesson capped here (its own length is 3,150 steps)

let page;
let host;
beforeAll(async () => {
  page = await servePage();
  host = await pageHost();
});
afterAll(() => {
  host?.training.client?.terminate();
  page?.server.close();
});

/**
 * The controllers as nn-playground holds them: a run begins in the live run and the history (named
 * after its lesson entry), pushes go to the live run and keep the run; an edit configures the worker.
 */
async function pageHost() {
  const h = {
    experiment: null,
    addController() {},
    requestUpdate() {},
    updateComplete: Promise.resolve(true),
    url: { write() {} },
    announce() {},
    presetId: () => PRESETS.find((p) => sameExperiment(p.experiment, h.experiment ?? {}))?.id ?? '',
    choosePreset: (id) => h.edit(structuredClone(presetOf(id).experiment)),
    edit(experiment) {
      h.experiment = experiment;
      h.training.configure(experiment, false);
    },
  };
  h.live = new LiveRun();
  h.training = new TrainingController(h, {
    createClient: () => new TrainingClient(new ThreadWorker()),
    wasmUrl: page.wasmUrl,
    dataUrl: page.dataUrl,
    hooks: {
      push: (type, msg) => {
        h.live.apply(type, msg);
        if (type === 'steps') h.history.onSteps();
      },
      begin: (info) => {
        h.history.save();
        h.live.reset(info);
        const lesson = lessonFor(h.presetId());
        h.history.begin(info, { experiment: h.experiment, assignment: null, name: lesson ? lesson.entry.label[language()] : '' });
      },
      stopped: () => h.history.save(),
    },
  });
  h.history = new RunHistory(h, { liveRun: h.live, status: () => h.training.status });
  h.lessons = new LessonRunner(h);
  h.training.connect();
  expect(await h.training.init()).toBeNull();
  return h;
}

describe('LessonRunner', () => {
  it('keeps, for each run of the XOR lesson, its own evidence in its run\'s colour', async () => {
    host.lessons.stepLimit = STEPS;
    await host.lessons.run('xor');
    const { results } = host.lessons;
    expect(results.map((r) => r.id)).toEqual(['xor-linear', 'xor-tanh']);
    expect(host.lessons.outcome).toContain('finished: 2 runs');
    const records = results.map((r) => host.history.runs.find((x) => x.id === r.runId));
    // Each result is drawn in the colour of its run in the run list, and the two differ.
    expect(results.map((r) => r.color)).toEqual(records.map((x) => host.history.runColor(x)));
    expect(new Set(results.map((r) => r.color)).size).toBe(2);
    for (const [k, r] of results.entries()) {
      const ev = r.evidence;
      // The run's own curve, as its record in the run list keeps it (40 steps: every one).
      expect(Array.from(ev.train.steps)).toEqual(Array.from(records[k].train.steps));
      expect(Array.from(ev.train.loss)).toEqual(Array.from(records[k].train.loss));
      expect(ev.train.steps.at(-1)).toBe(STEPS);
      // Its gradient norms (the 2-4-2 net's two weight tensors, layers[0] and layers[2]), its
      // activation statistics and its final boundary over the training points.
      expect(ev.norms.layers).toEqual([0, 2]);
      expect(ev.norms.steps.at(-1)).toBe(STEPS);
      expect(ev.activations.step).toBe(STEPS);
      expect(ev.activations.start.map((a) => a.type)).toEqual([r.id === 'xor-linear' ? 'identity' : 'tanh']);
      expect(ev.boundary.step).toBe(STEPS);
      expect(ev.boundary.grid.length).toBe(ev.boundary.resolution ** 2);
      expect(ev.points.labels.length).toBeGreaterThan(0);
    }
    // Two networks, two boundaries: the second run did not overwrite the first one's.
    const [linear, tanh] = results.map((r) => r.evidence);
    expect(Array.from(linear.boundary.grid)).not.toEqual(Array.from(tanh.boundary.grid));
    expect(Array.from(linear.train.loss)).not.toEqual(Array.from(tanh.train.loss));
    expect(linear.boundary.grid).not.toBe(host.live.boundary.grid);
  }, 60_000);
});
