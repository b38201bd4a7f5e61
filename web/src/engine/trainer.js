// trainer.js: a run's training in slices. Each slice trains for about SLICE_MS (or to the run's
// end, an epoch's end or the step a request asked to stop at) and posts its steps as one STEPS
// push; between slices the worker answers its message queue, so a pause or step request waits at
// most one slice. `post`, the clock `now` and `schedule` (which runs tick() again once the queue has
// been looked at) are given, so the timing is tested in Node with a clock of its own.

import { Push, stoppedPush } from './protocol.js';

export const SLICE_MS = 16; // one slice of training between looks at the message queue

/** The step a TRAIN or STEP request asks to stop at (a homework's budget); none: the run's end. */
const stopStep = (until) => (Number.isFinite(until) && until > 0 ? until : Infinity);

export class Trainer {
  session = null;
  /** Whether slices are being trained (a tick is scheduled or running). */
  running = false;
  /** The step the last TRAIN or STEP request asked to stop at. */
  stopAt = Infinity;
  // The training time and the samples since the run began (the page's samples per second).
  #clock = { trainMs: 0, samples: 0 };

  /**
   * post(msg) sends a push; now() reads the clock in ms; schedule() calls tick() once the message
   * queue has been looked at; mark(name, detail) records a performance mark; views: the run's Views,
   * which the trainer asks for what is due after each slice.
   */
  constructor({ post, now, schedule, mark = () => {}, views }) {
    this.post = post;
    this.now = now;
    this.schedule = schedule;
    this.mark = mark;
    this.views = views;
  }

  /** Trains `session` from now on, stopped, its clock at zero (null: no run). */
  attach(session) {
    this.session = session;
    this.running = false;
    this.#clock.trainMs = 0;
    this.#clock.samples = 0;
  }

  /** Starts or resumes training in slices, up to stopAt (TRAIN). */
  train(until) {
    this.stopAt = stopStep(until);
    if (!this.running) {
      this.running = true;
      this.schedule();
    }
  }

  /** Stops after the slice in progress with every view of the step reached (PAUSE). */
  pause() {
    const was = this.running;
    this.running = false;
    if (this.session && was) {
      this.views.report(true);
      this.post(stoppedPush(this.session.step, 'paused'));
    }
  }

  /** Stops a running run for a request that changes it next (STEP, LOAD_WEIGHTS): no views, the request posts them. */
  interrupt() {
    const was = this.running;
    this.running = false;
    if (was) this.post(stoppedPush(this.session.step, 'paused'));
  }

  /** Trains exactly one batch (none past stopAt) and posts its views (STEP). */
  step(until) {
    this.stopAt = stopStep(until);
    this.interrupt();
    const { outcome, failure } = this.#slice(Infinity, 1);
    this.views.report(true, outcome !== null);
    if (failure) this.post(stoppedPush(this.session.step, 'failed', failure));
    else if (outcome) this.post(stoppedPush(this.session.step, outcome));
  }

  /** One slice of a running run, then the views that are due, then the next slice scheduled. */
  tick() {
    const { session, views } = this;
    if (!this.running || !session) return;
    // A run's first step is a slice of its own, followed by its statistics: the gradient norms of
    // the initial weights start every norm chart and the lessons' "first" ratios, however fast the
    // steps after it come (the stats rate would otherwise skip them in a fast model).
    const first = session.step === 0 && views.live;
    const { outcome, failure, epochEnded } = this.#slice(SLICE_MS, first ? 1 : Infinity);
    if (first && !outcome && !failure) views.postStats();
    if (outcome || failure) {
      this.running = false;
      if (session.step > 0) views.report(true, !failure);
      this.post(failure ? stoppedPush(session.step, 'failed', failure) : stoppedPush(session.step, outcome));
      return;
    }
    views.report(false, epochEnded);
    this.schedule();
  }

  /**
   * Trains until the run or an epoch ends, maxSteps are done or budgetMs is spent, and posts the
   * steps. Returns {outcome: 'done' | 'budget' | null, failure: the error of a failed step or
   * null, epochEnded}.
   */
  #slice(budgetMs, maxSteps) {
    const { session } = this;
    const { totalSteps, stepsPerEpoch } = session;
    const limit = Math.min(totalSteps, this.stopAt);
    const first = session.step + 1;
    const losses = [];
    const accuracies = [];
    const t0 = this.now();
    let outcome = null;
    let failure = null;
    let epochEnded = false;
    let samples = 0;
    try {
      while (losses.length < maxSteps) {
        if (session.step >= limit) {
          outcome = session.step >= totalSteps ? 'done' : 'budget';
          break;
        }
        const r = session.trainStep();
        if (session.step === 1) this.mark('nn:first-step', { ms: this.now() - t0 });
        losses.push(r.loss);
        accuracies.push(r.accuracy);
        samples += r.batch;
        if (session.step >= limit) outcome = session.step >= totalSteps ? 'done' : 'budget';
        if (r.epochEnd) epochEnded = true;
        if (outcome || epochEnded || this.now() - t0 >= budgetMs) break;
      }
    } catch (err) {
      failure = err;
    }
    const clock = this.#clock;
    clock.trainMs += this.now() - t0;
    clock.samples += samples;
    if (losses.length) {
      const epochStep = ((session.step - 1) % stepsPerEpoch) + 1;
      this.post({
        type: Push.STEPS, first,
        loss: Float32Array.from(losses), accuracy: Float32Array.from(accuracies),
        epoch: Math.floor((session.step - 1) / stepsPerEpoch), epochStep, stepsPerEpoch, totalSteps,
        samples: clock.samples, trainMs: clock.trainMs,
      });
    }
    return { outcome, failure, epochEnded };
  }
}
