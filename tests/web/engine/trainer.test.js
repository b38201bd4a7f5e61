// trainer.test.js: the slice scheduling of trainer.js, in the real nn.wasm under Node, with the
// clock, the scheduler and post given by the test: a slice's length, where a run stops (its end,
// stopAt), a run's first step as a slice of its own followed by its statistics, pause and resume,
// one step, a failed step; and that none of it changes a loss.
import { describe, expect, it } from 'vitest';
import { Push } from '../../../web/src/engine/protocol.js';
import { Session } from '../../../web/src/engine/session.js';
import { SLICE_MS, Trainer } from '../../../web/src/engine/trainer.js';
import { Views } from '../../../web/src/engine/views.js';
import { fakeMnistCore, linearMnist } from '../fixtures.js';

const made = fakeMnistCore(40);

// 40 samples one at a time: 40 steps an epoch, two epochs.
const EXPERIMENT = linearMnist({ batch_size: 1, epochs: 2, seed: 5 });

/**
 * A trainer and its views over a fresh session, on a clock where every training step takes
 * `stepMs` (the clock reads `at` plus the steps so far times stepMs). `schedule` only counts the
 * ticks asked for; run() plays them as the worker's message queue would.
 */
function harness({ stepMs = 1, live = true, experiment = EXPERIMENT } = {}) {
  const session = new Session(made.core, experiment, made.data);
  const pushes = [];
  const clock = { at: 0 };
  let pending = 0;
  const now = () => clock.at + session.step * stepMs;
  const post = (msg) => pushes.push(msg);
  const views = new Views({ post, now });
  const trainer = new Trainer({ post, now, schedule: () => { pending += 1; }, views });
  views.live = live;
  views.attach(session);
  trainer.attach(session);
  return {
    session, trainer, views, pushes, clock,
    get pending() { return pending; },
    /** Plays scheduled ticks until none is left (or `max` of them). */
    run(max = Infinity) {
      for (let n = 0; pending > 0 && n < max; n++) {
        pending -= 1;
        trainer.tick();
      }
    },
    of: (type) => pushes.filter((m) => m.type === type),
    dispose: () => session.dispose(),
  };
}

const sliceShape = (steps) => steps.map((m) => [m.first, m.loss.length]);

/** The losses of the same run trained step by step with no trainer. */
function plainLosses(steps) {
  const s = new Session(made.core, EXPERIMENT, made.data);
  try {
    return Float32Array.from({ length: steps }, () => s.trainStep().loss);
  } finally {
    s.dispose();
  }
}

describe('Trainer', () => {
  it(`trains in slices of ${SLICE_MS} ms, each cut at an epoch's end, and stops when the run is done`, () => {
    const h = harness({ stepMs: 1 });
    try {
      h.trainer.train();
      h.run();
      const steps = h.of(Push.STEPS);
      // The first step alone, then 16 ms a slice, the slices before an epoch's end cut short.
      expect(sliceShape(steps)).toEqual([[1, 1], [2, 16], [18, 16], [34, 7], [41, 16], [57, 16], [73, 8]]);
      expect(steps.map((m) => m.epoch)).toEqual([0, 0, 0, 0, 1, 1, 1]);
      expect(steps.at(-1)).toMatchObject({ epochStep: 40, stepsPerEpoch: 40, totalSteps: 80, samples: 80, trainMs: 80 });
      expect(h.pushes.at(-1)).toEqual({ type: Push.STOPPED, step: 80, reason: 'done' });
      expect(h.trainer.running).toBe(false);
      expect(h.pending).toBe(0);
      // The steps carry the run's own losses, bit for bit.
      const losses = Float32Array.from(steps.flatMap((m) => Array.from(m.loss)));
      expect(losses).toEqual(plainLosses(80));
    } finally {
      h.dispose();
    }
  });

  it('stops at stopAt (budget), resumes to another, and ends the run (done) however far stopAt lies', () => {
    const h = harness({ stepMs: 1 });
    try {
      h.trainer.train(25);
      h.run();
      expect(sliceShape(h.of(Push.STEPS))).toEqual([[1, 1], [2, 16], [18, 8]]);
      expect(h.pushes.at(-1)).toEqual({ type: Push.STOPPED, step: 25, reason: 'budget' });
      // Asked again for the same step: nothing to train, stopped at once.
      h.trainer.train(25);
      h.run();
      expect(h.of(Push.STEPS).length).toBe(3);
      expect(h.of(Push.STOPPED).map((m) => [m.step, m.reason])).toEqual([[25, 'budget'], [25, 'budget']]);
      h.trainer.train(1000);
      h.run();
      expect(h.session.step).toBe(80);
      expect(h.pushes.at(-1)).toEqual({ type: Push.STOPPED, step: 80, reason: 'done' });
      // Not a zero, a negative or a non-number: those mean "no budget".
      for (const until of [0, -3, NaN, Infinity, undefined]) {
        h.trainer.train(until);
        expect(h.trainer.stopAt).toBe(Infinity);
        h.run();
      }
    } finally {
      h.dispose();
    }
  });

  // The bug 3668b87 fixed: on a fast model a whole 40-step lesson run fit in one slice, so the
  // statistics (at most one every STATS_MIN_MS) had no point between step 0 and the last step.
  it('makes a run\'s first step a slice of its own and posts its statistics right after it', () => {
    const h = harness({ stepMs: 0.01, experiment: { ...EXPERIMENT, epochs: 1 } });
    try {
      h.views.report(true); // what a configured run shows at step 0
      h.trainer.train();
      h.run();
      const kinds = h.pushes.map((m) => `${m.type}@${m.step ?? m.first}`);
      expect(kinds.slice(0, 6)).toEqual(['stats@0', 'eval@0', 'grid@0', 'steps@1', 'stats@1', 'steps@2']);
      expect(sliceShape(h.of(Push.STEPS))).toEqual([[1, 1], [2, 39]]);
      expect(h.of(Push.STATS).map((m) => m.step)).toEqual([0, 1, 40]); // and every view at the end
    } finally {
      h.dispose();
    }
  });

  it('with the live views off, the first step is no slice of its own and no statistics come until the end', () => {
    const h = harness({ stepMs: 0.01, live: false, experiment: { ...EXPERIMENT, epochs: 1 } });
    try {
      h.trainer.train();
      h.run();
      expect(sliceShape(h.of(Push.STEPS))).toEqual([[1, 40]]);
      expect(h.pushes.map((m) => `${m.type}@${m.step ?? m.first}`)).toEqual(['steps@1', 'stats@40', 'eval@40', 'grid@40', 'stopped@40']);
      expect(h.of(Push.EVAL)[0]).toMatchObject({ full: true, subset: 40 });
    } finally {
      h.dispose();
    }
  });

  it('pauses after the slice in progress with every view, trains nothing more, and resumes where it stopped', () => {
    const h = harness({ stepMs: 1 });
    try {
      h.trainer.train();
      h.run(3); // the first step, then two slices of 16
      expect(h.session.step).toBe(33);
      expect(h.pending).toBe(1);
      h.pushes.length = 0;
      h.trainer.pause();
      expect(h.pushes.map((m) => m.type)).toEqual([Push.STATS, Push.EVAL, Push.GRID, Push.STOPPED]);
      expect(h.pushes.at(-1)).toEqual({ type: Push.STOPPED, step: 33, reason: 'paused' });
      h.run(); // the tick already scheduled finds the run paused
      expect(h.session.step).toBe(33);
      expect(h.pushes.length).toBe(4);
      h.trainer.pause(); // paused twice: nothing more
      expect(h.pushes.length).toBe(4);
      h.trainer.train();
      h.run();
      const steps = h.of(Push.STEPS);
      expect(steps[0].first).toBe(34);
      expect(h.pushes.at(-1)).toEqual({ type: Push.STOPPED, step: 80, reason: 'done' });
      const losses = Float32Array.from(steps.flatMap((m) => Array.from(m.loss)));
      expect(losses).toEqual(plainLosses(80).subarray(33));
    } finally {
      h.dispose();
    }
  });

  it('steps one batch at a time, stopping a running run first, and says when a step ends the run', () => {
    const h = harness({ stepMs: 1, experiment: { ...EXPERIMENT, epochs: 1 } });
    try {
      h.trainer.train();
      h.run(1);
      h.pushes.length = 0;
      h.trainer.step();
      expect(h.pushes[0]).toEqual({ type: Push.STOPPED, step: 1, reason: 'paused' });
      expect(h.pushes[1]).toMatchObject({ type: Push.STEPS, first: 2 });
      expect(h.pushes[1].loss.length).toBe(1);
      expect(h.pushes.slice(2).map((m) => m.type)).toEqual([Push.STATS, Push.EVAL, Push.GRID]);
      h.run();
      expect(h.session.step).toBe(2); // the run stays stopped
      h.pushes.length = 0;
      h.trainer.step(2); // at its budget: no step, stopped for the budget
      expect(h.pushes.map((m) => m.type)).toEqual([Push.STATS, Push.EVAL, Push.GRID, Push.STOPPED]);
      expect(h.pushes.at(-1)).toEqual({ type: Push.STOPPED, step: 2, reason: 'budget' });
      while (h.session.step < 39) h.trainer.step();
      h.pushes.length = 0;
      h.trainer.step(); // the last step of the run: its whole-test-set evaluation, then done
      expect(h.of(Push.EVAL)[0].full).toBe(true);
      expect(h.pushes.at(-1)).toEqual({ type: Push.STOPPED, step: 40, reason: 'done' });
    } finally {
      h.dispose();
    }
  });

  it('stops a run whose step fails with the error\'s sentence, status and message', () => {
    const h = harness({ experiment: { ...EXPERIMENT, optimizer: { ...EXPERIMENT.optimizer, lr: 1e38 } } });
    try {
      h.trainer.train();
      h.run();
      const stopped = h.of(Push.STOPPED);
      expect(stopped.length).toBe(1);
      const [msg] = stopped;
      expect(msg.reason).toBe('failed');
      expect(msg.step).toBe(h.session.step);
      expect(msg.step).toBeGreaterThan(0);
      expect(msg.message).toMatch(/NaN|Inf|finite/i);
      expect(msg.status).toBeGreaterThan(0);
      expect(msg.msg?.id).toBe('err.run.numeric');
      expect(h.trainer.running).toBe(false);
    } finally {
      h.dispose();
    }
  });
});
