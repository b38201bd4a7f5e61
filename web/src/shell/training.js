// training.js: the page's side of training, as a Lit reactive controller that needs no DOM. It
// owns the worker's client and the run's status machine (loading -> ready -> training -> paused /
// done / failed, and invalid while the experiment cannot be built); asks for the stack's shapes
// and rebuilds the run as the user edits (both debounced, an older answer dropped); trains through
// one entry, train({stopAt}), whoever asks (Train, a lesson, a homework's budget, a replayed
// claim), so the watchdog watches every run; notices a dead or silent worker and starts a new one
// to restore a checkpoint into. train() and `stopped` resolve when the run stops: nobody polls.
//
// The page wires it with hooks: push(type, msg) for the worker's pushed messages; begin(info,
// {rebuilt}) when a new run begins (a fresh network; rebuilt: for a changed experiment);
// keep(info, experiment) when a rebuild kept the run (only its epochs changed); stopped(msg)
// after a STOPPED message changed the status; crashed(message) when the worker died; stopAt()
// for the step an autostarted run stops at; restoring and restored (see restore()).
//
// Threads: `threads` is what the page shows of them ({wanted, running, max, reason}, see the
// worker's THREADS); setThreads asks the worker between two steps, and a new worker gets the
// same count.

import { TrainingClient } from '../engine/client.js';
import { clampThreads } from '../engine/threads.js';
import { Status } from '../engine/enums.js';
import { Watchdog } from '../runs/checkpoints.js';
import { ExperimentError, validateExperiment } from '../experiment/validate.js';
import { formatInteger, say } from '../i18n/index.js';

export const DESCRIBE_DEBOUNCE_MS = 60;
export const CONFIGURE_DEBOUNCE_MS = 300;
export const AUTOSTART_DELAY_MS = 400;
const PUSHES = ['progress', 'steps', 'stats', 'eval', 'grid', 'boundary', 'stopped'];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const THREADS_KEY = 'nn-playground-threads';

/** localStorage, or null where the page may not use it (reading it throws in a frame whose storage is blocked). */
function browserStorage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** The thread count kept in this browser (Settings), else what its cores offer, 1 to 8. */
export function keptThreads(storage = browserStorage(), cores = globalThis.navigator?.hardwareConcurrency) {
  const kept = Number(storage?.getItem(THREADS_KEY));
  return clampThreads(kept || cores);
}

/** Keeps the thread count in this browser (not in the link: it changes no number). */
export function keepThreads(n, storage = browserStorage()) {
  try {
    storage?.setItem(THREADS_KEY, String(n));
  } catch {
    // full or refused: the next visit starts from the default
  }
}

export class TrainingController {
  /** The last answer to describe(): the stack's shapes, or why it cannot be built. */
  description = null;
  /** The worker's answer for the run in use (step, totals, tensors, ...), null while rebuilding. */
  info = null;
  /** The data's download progress: {loaded, total, phase}, or null. */
  loading = null;
  /** What localize() shows under the controls ('' for nothing). */
  message = '';
  /** The client of the worker in use (a new one after a crash). */
  client = null;
  /** The first configure trains as soon as it is ready (a first visit with the default experiment). */
  autostart = false;
  /** The threads asked for and the worker's answer: {wanted, running, max, reason}. */
  threads = { wanted: 1, running: 1, max: 1, reason: '' };

  #status = 'loading';
  #waiters = new Set();
  #describeSeq = 0;
  #configureSeq = 0;
  #describeTimer = 0;
  #configureTimer = 0;
  #trainingSince = 0;
  #elapsedBefore = 0;
  #watchdog = null;
  #crashed = false;
  #liveViews = true;
  // A field on screen has an error: nothing trains, whatever answer comes back meanwhile.
  #editInvalid = false;
  // The seq of a configure not yet answered (0 for none): until it is, the worker's network is
  // not the one on screen.
  #configuring = 0;
  #describing = false;

  /**
   * host: the element (or anything with addController/requestUpdate). options: createClient (a
   * TrainingClient over a real worker), wasmUrl and dataUrl (absolute), watchdog (timings of
   * runs/checkpoints.js's Watchdog), now (a clock in ms), hooks (see the file's comment),
   * wasmMtUrl (the threaded build) and threads (the count to ask for).
   */
  constructor(host, { createClient = () => new TrainingClient(), wasmUrl, wasmMtUrl, dataUrl, threads = 1, watchdog = {}, now = () => performance.now(), hooks = {} } = {}) {
    this.host = host;
    Object.assign(this, { createClient, wasmUrl, wasmMtUrl, dataUrl, watchdogOptions: watchdog, now });
    this.threads.wanted = threads;
    this.hooks = { push() {}, begin() {}, keep() {}, stopped() {}, crashed() {}, restoring() {}, restored() {}, ...hooks };
    host.addController?.(this);
  }

  get status() {
    return this.#status;
  }

  set status(value) {
    this.#status = value;
    this.host.requestUpdate();
    for (const waiter of [...this.#waiters]) {
      if (!waiter.test(value)) continue;
      this.#waiters.delete(waiter);
      waiter.resolve(value);
    }
  }

  /** Resolves with the status once `test(status)` holds (at once if it does now). */
  until(test) {
    if (test(this.#status)) return Promise.resolve(this.#status);
    return new Promise((resolve) => this.#waiters.add({ test, resolve }));
  }

  /** Resolves with the status ('paused', 'done', 'failed', ...) once no run is training. */
  get stopped() {
    return this.until((s) => s !== 'training');
  }

  /** Resolves with the status once the worker has a network (or has refused one). */
  get settled() {
    return this.until((s) => s !== 'loading');
  }

  /** Whether the watchdog is watching the worker now (only while a run trains). */
  get watched() {
    return Boolean(this.#watchdog?.armed);
  }

  /** Seconds spent training in this run. */
  get elapsed() {
    return this.#elapsedBefore + (this.#trainingSince ? (this.now() - this.#trainingSince) / 1000 : 0);
  }

  hostDisconnected() {
    this.#watchdog?.disarm();
  }

  // ---- the worker ----

  /**
   * Loads the core into the worker (connect() first). Resolves with null, or with the error that
   * stopped it (the run is then failed).
   */
  async init() {
    try {
      await this.#init();
      return null;
    } catch (err) {
      this.fail(say('error.init', { message: err }));
      return err;
    }
  }

  /** The worker's core loaded, then its threads asked for (not waited for: the run need not wait). */
  async #init() {
    const answer = await this.client.init(this.wasmUrl, this.dataUrl, this.wasmMtUrl);
    this.#threadsAre(answer?.threads);
    this.setThreads(this.threads.wanted);
  }

  #threadsAre(state) {
    if (!state) return;
    this.threads = { ...this.threads, ...state };
    this.host.requestUpdate();
  }

  /** Asks the worker for `n` threads from its next step on; resolves once it answers. */
  async setThreads(n) {
    this.threads = { ...this.threads, wanted: n };
    const client = this.client;
    try {
      const state = await client.threads(n);
      if (client === this.client) this.#threadsAre(state);
    } catch {
      // a worker that died meanwhile: its successor is asked again at its start
    }
  }

  /** A new worker, its pushes wired to the hooks and watched for silence. */
  connect() {
    const client = this.createClient();
    this.client = client;
    this.#crashed = false;
    for (const type of PUSHES) {
      client.addEventListener(type, (e) => {
        if (client !== this.client) return; // a worker already replaced
        this.#watchdog?.alive();
        this.#onPush(type, e.detail);
      });
    }
    client.addEventListener('crash', (e) => {
      if (client === this.client) this.#onCrash(e.detail.message || say('err.worker.inWorker'));
    });
    if (!this.#liveViews) client.views(false).catch(() => {});
    this.#watchdog?.disarm();
    this.#watchdog = new Watchdog({
      ping: () => client.ping(),
      onDead: (why) => {
        if (client === this.client) this.#onCrash(why);
      },
      now: this.now,
      ...this.watchdogOptions,
    });
  }

  /** The worker died or went silent: the run stops as failed and the hooks offer a restart. */
  #onCrash(message) {
    this.#watchdog?.disarm();
    this.stopClock();
    this.#crashed = true;
    this.message = say('error.crash', { message });
    this.status = 'failed';
    this.client?.terminate();
    this.hooks.crashed(message);
  }

  #onPush(type, msg) {
    if (type === 'progress') {
      this.loading = msg.phase === 'ready' ? null : { loaded: msg.loaded, total: msg.total, phase: msg.phase };
      this.host.requestUpdate();
      return;
    }
    if (type === 'stopped') this.#onStopped(msg);
    this.hooks.push(type, msg);
  }

  /** A run stopped: its end, a budget, a pause, or a step the core refused (a diverged run). */
  #onStopped(msg) {
    this.#reached(msg.step);
    this.stopClock();
    this.#watchdog?.disarm();
    if (msg.reason === 'done') this.status = 'done';
    else if (msg.reason === 'failed') {
      const reason = { message: msg.message ?? '', msg: msg.msg };
      this.message = msg.status === Status.ERR_NUMERIC ? say('error.numeric', { message: reason }) : reason;
      this.status = 'failed';
    } else if (msg.reason === 'budget') {
      this.message = say('goal.budgetStop', { steps: formatInteger(msg.step) });
      this.status = 'paused';
    } else if (this.status === 'training') this.status = 'paused';
    this.hooks.stopped(msg);
  }

  /** Whether the worker computes the charts' views while training (off: only the steps come). */
  views(live) {
    this.#liveViews = live;
    this.client?.views(live).catch(() => {});
  }

  // ---- the experiment ----

  /** Asks the core for the stack's shapes (debounced while the user types). */
  describe(experiment) {
    clearTimeout(this.#describeTimer);
    const seq = ++this.#describeSeq;
    this.#describing = true;
    this.#describeTimer = setTimeout(async () => {
      try {
        const d = await this.client.describe(experiment);
        if (seq !== this.#describeSeq) return;
        this.#describing = false;
        this.description = d;
        this.host.requestUpdate();
        if (!d.ok) {
          this.pauseForEdit();
          this.message = say('error.stack');
          this.status = 'invalid';
        }
      } catch (err) {
        if (seq === this.#describeSeq) {
          this.#describing = false;
          this.message = err;
          this.host.requestUpdate();
        }
      }
    }, DESCRIBE_DEBOUNCE_MS);
  }

  /** Rebuilds the run in the worker for `experiment` (debounced while the user types, unless immediate). */
  configure(experiment, immediate = false) {
    clearTimeout(this.#configureTimer);
    const seq = ++this.#configureSeq;
    this.#configuring = seq;
    // The page asks to build only an experiment whose every field is valid.
    this.#editInvalid = false;
    if (this.status === 'training') this.client.pause().catch(() => {});
    this.stopClock();
    // Until the worker has the new network, nothing may train the old one.
    this.status = 'loading';
    const run = async () => {
      if (seq !== this.#configureSeq) return;
      if (!this.#editInvalid) {
        this.message = '';
        this.status = 'loading';
      }
      let info;
      try {
        info = await this.client.configure(experiment);
      } catch (err) {
        if (seq !== this.#configureSeq) return;
        this.#configuring = 0;
        this.loading = null;
        this.info = null;
        if (this.#editInvalid) return this.host.requestUpdate();
        // The stack's answer says the same at the row that breaks; whichever of the two answers
        // comes last, the controls say that the stack cannot be built.
        const stack = err.name === 'ExperimentError' && !this.#describing && this.description && !this.description.ok;
        this.message = stack ? say('error.stack') : err;
        this.status = err.name === 'ExperimentError' ? 'invalid' : 'failed';
        return;
      }
      if (seq !== this.#configureSeq) return;
      this.#configuring = 0;
      this.loading = null;
      const kept = info.step > 0 && this.info && info.step === this.info.step;
      if (!kept) {
        this.#elapsedBefore = 0;
        this.hooks.begin(info, { rebuilt: true });
      } else {
        this.hooks.keep(info, experiment);
      }
      this.info = info;
      this.status = this.#settled(this.#restingStatus(info));
      if (this.autostart && this.status === 'ready') {
        this.autostart = false;
        // The untrained network is drawn first (the initial loss near ln 10, the initial weight
        // histograms), so that its first, heaviest paint is not a task of the training run.
        await this.host.updateComplete;
        await sleep(AUTOSTART_DELAY_MS);
        if (seq === this.#configureSeq && this.status === 'ready') this.train({ stopAt: this.hooks.stopAt?.() });
      }
      this.autostart = false;
    };
    if (immediate) run();
    else this.#configureTimer = setTimeout(run, CONFIGURE_DEBOUNCE_MS);
  }

  /** An edit made the experiment invalid: a run in progress pauses. */
  pauseForEdit() {
    if (this.status === 'training') this.client?.pause().catch(() => {});
    this.stopClock();
  }

  /**
   * A field on screen has an error (message: what the controls say): a run in progress pauses, and
   * the run stays invalid, whatever answer of an earlier edit comes back, until validEdit() or a
   * configure of the fixed experiment.
   */
  invalidEdit(message) {
    this.#editInvalid = true;
    this.pauseForEdit();
    this.message = message;
    this.status = 'invalid';
  }

  /** The fields are valid again and show the experiment last configured: the run's status is back. */
  validEdit() {
    if (!this.#editInvalid && this.status !== 'invalid') return;
    this.#editInvalid = false;
    this.message = '';
    this.status = this.#configuring ? 'loading' : this.#settled(this.info ? this.#restingStatus(this.info) : 'loading');
  }

  /** The status of a run that is not training: done at its end (Train then begins it again), paused part-way, ready at step 0. */
  #restingStatus(info) {
    return info.step >= info.totalSteps ? 'done' : info.step > 0 ? 'paused' : 'ready';
  }

  /** `status`, unless the experiment on screen cannot train: a field with an error, a stack refused. */
  #settled(status) {
    if (this.#editInvalid || (this.description && !this.description.ok)) return 'invalid';
    return this.#configuring ? 'loading' : status;
  }

  // ---- running ----

  /**
   * Trains from where the run is to `stopAt` (a step: a homework's budget, a lesson's cap, a
   * replayed claim), or to its end. A finished run is not continued but begun again: the same
   * experiment from fresh weights (Reset, then Train), so Train is never a dead button. Resolves
   * with the status once the run stops.
   */
  async train({ stopAt } = {}) {
    // Only the network on screen trains: not one a pending configure replaces, nor a refused one.
    if (this.#editInvalid || this.#configuring || this.status === 'invalid') return this.status;
    if (this.status === 'done' && (await this.reset()) !== 'ready') return this.status;
    this.message = '';
    this.status = 'training';
    this.#watchdog?.arm();
    this.#trainingSince = this.now();
    try {
      await this.client.train(stopAt);
    } catch (err) {
      this.fail(err);
    }
    return this.stopped;
  }

  pause() {
    return this.client.pause().then((answer) => {
      this.#reached(answer?.step);
      return answer;
    }, (err) => this.fail(err));
  }

  /**
   * The worker says the run is at `step` (a pause's or a step's answer, a stop): `info` follows at
   * once. The page's frames also bring it up to date, but an edit made between a step and the
   * next frame (a quarter of a second) must find the run paused at that step, not ready at 0.
   */
  #reached(step) {
    if (this.info && Number.isInteger(step) && step !== this.info.step) this.info = { ...this.info, step };
  }

  /** One step (to `stopAt` at most). */
  async step({ stopAt } = {}) {
    this.stopClock();
    try {
      if (this.#editInvalid || this.#configuring || this.status === 'invalid') return;
      this.#reached((await this.client.step(stopAt))?.step);
      if (this.status !== 'done' && this.status !== 'failed') this.status = this.#settled('paused');
    } catch (err) {
      this.fail(err);
    }
  }

  /** The run back to its seed; resolves with the status ('ready' unless it failed). */
  async reset() {
    this.stopClock();
    this.status = 'loading';
    try {
      const info = await this.client.reset();
      this.#elapsedBefore = 0;
      this.hooks.begin(info, { rebuilt: false });
      this.info = info;
      if (!this.#editInvalid) this.message = '';
      this.status = this.#settled('ready');
    } catch (err) {
      this.fail(err);
    }
    return this.status;
  }

  /** Stops with `message`: what localize() takes (a message of i18n/errors.js, an error, a sentence). */
  fail(message) {
    if (this.#crashed) return; // the dead worker's last refusals say nothing new
    this.stopClock();
    this.message = message;
    this.status = 'failed';
  }

  stopClock() {
    if (this.#trainingSince) this.#elapsedBefore += (this.now() - this.#trainingSince) / 1000;
    this.#trainingSince = 0;
  }

  // ---- recovery ----

  /**
   * Continues the run of `record` (runs/checkpoints.js) from its checkpoint, in a new worker when
   * the old one crashed; with no record, `experiment` is configured afresh. The hooks restoring(e)
   * (the checked experiment, before the worker has it) and restored(info, record) (before the
   * status says so) let the page follow. Resolves with the worker's info, or null when there was
   * no record, it failed (the status says why), or the page moved on meanwhile (a newer configure).
   */
  async restore(record, experiment) {
    clearTimeout(this.#configureTimer);
    const seq = ++this.#configureSeq; // no configure in flight may undo this
    this.#configuring = 0;
    this.#editInvalid = false; // the record's experiment replaces the one on screen
    this.status = 'loading';
    try {
      if (this.#crashed) {
        this.connect();
        await this.#init();
      }
      if (!record) {
        this.configure(experiment, true);
        return null;
      }
      const checked = validateExperiment(record.experiment);
      if (!checked.ok) throw new ExperimentError(checked.errors);
      this.hooks.restoring(checked.experiment);
      const info = await this.client.restore({ ...record.checkpoint, experiment: checked.experiment });
      if (seq !== this.#configureSeq) return null;
      this.hooks.restored(info, record);
      this.info = info;
      this.message = say('recover.restored', { step: formatInteger(info.step) });
      this.status = info.step >= info.totalSteps ? 'done' : 'paused';
      return info;
    } catch (err) {
      this.fail(err);
      return null;
    }
  }
}
