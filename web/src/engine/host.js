// host.js: what the training worker holds and does for each request of protocol.js: the one wasm
// core (one init promise), the data sets (MNIST loaded once, the 2-D sets made from their seed),
// the run's Session, and the Trainer and Views that drive and show it. worker.js only passes
// requests here; everything the host sends unasked goes through the given `post`.
//
// Threads: where the worker can run them (a cross-origin isolated page, so shared memory; the
// page starts the threads' workers, threads.js) the core is the threaded build, and THREADS sets
// how many of them its products use, between two steps; otherwise it is nn.wasm on one thread,
// and threadState() says why. The numbers are the same bits either way (c/parallel.h).

import { createCore, initCore, NnError } from './core.js';
import { MAX_THREADS, clampThreads } from './threads.js';
import { Status } from './enums.js';
import { Session, planExperiment } from './session.js';
import { Push } from './protocol.js';
import { Trainer } from './trainer.js';
import { Views, viewData } from './views.js';
import { loadMnist, makeSynth } from '../data/datasets.js';
import { cachedSource } from '../data/cache.js';
import { exportPytorchBundle } from '../export/pytorch.js';
import { errorOf, say } from '../i18n/errors.js';

const PROGRESS_MS = 80; // download progress at most this often

/** The input of a data set without loading it (a layer stack is described before its data arrives). */
function dataShape(e) {
  if (e.data.set === 'mnist') return { shape: [1, 28, 28], classes: 10, name: 'mnist' };
  return { shape: [2, 1, 1], classes: 2, name: e.data.set }; // every 2-D set has two classes
}

const layerInfo = ({ index, type, outShape, params }) => ({ index, type, outShape, params });

export class Host {
  core = null;
  session = null;
  #corePromise = null;
  #source = null; // MNIST's files, from the network or Cache Storage
  #mnist = null; // the promise of MNIST in the core
  #synth = null; // {key, dataset}: the last 2-D set made
  #experiment = null; // the experiment configured last (set before its data set is ready)
  #afterReply = null;
  #threadsChange = Promise.resolve(); // THREADS requests, one after another
  #threadsWhy = ''; // why only one thread runs ('' when the threaded core runs)

  /**
   * post(msg) sends a push to the page; now() reads the clock in ms; schedule() calls
   * this.trainer.tick() once the message queue has been looked at; defer(fn) runs fn once the
   * current request has been answered; mark(name, detail) records a performance mark;
   * sameRun(a, b): whether experiment b only changes how long a's run goes on. threads:
   * {unavailable, start}: why this worker cannot run the threaded core ('' when it can; see
   * threads.js) and createCore's startThread.
   */
  constructor({ post, now, schedule, defer, mark = () => {}, sameRun, threads = { unavailable: 'workers' } }) {
    this.post = post;
    this.threads = threads;
    this.now = now;
    this.defer = defer;
    this.mark = mark;
    this.sameRun = sameRun;
    this.views = new Views({ post, now });
    this.trainer = new Trainer({ post, now, schedule, mark, views: this.views });
  }

  // ---- the core and the data sets ----

  /**
   * Loads the wasm core once (INIT): the threaded build when this worker can run it and the page
   * names it (wasmMtUrl), else nn.wasm. A failed load is tried again by the next request.
   */
  async init({ wasmUrl, wasmMtUrl, dataUrl }) {
    this.#source ??= cachedSource(dataUrl);
    await this.#ensureCore(wasmUrl, wasmMtUrl);
    return { ok: true, threads: this.threadState() };
  }

  #ensureCore(wasmUrl, wasmMtUrl) {
    if (!this.#corePromise) this.mark('nn:core-start');
    this.#corePromise ??= this.#loadCore(wasmUrl, wasmMtUrl).then((core) => {
      this.core = core;
      this.mark('nn:core-ready');
      return core;
    });
    this.#corePromise.catch(() => {
      this.#corePromise = null;
    });
    return this.#corePromise;
  }

  async #loadCore(wasmUrl, wasmMtUrl) {
    this.#threadsWhy = wasmMtUrl ? this.threads.unavailable : 'isolation';
    if (!this.#threadsWhy) {
      try {
        return await createCore(wasmMtUrl);
      } catch {
        this.#threadsWhy = 'memory'; // no shared memory of that size here, or nn-mt.wasm did not load: one thread
      }
    }
    return initCore(wasmUrl);
  }

  /**
   * {running, max, reason}: the threads the core's products use now, how many it could, and why
   * only one runs ('isolation', 'shared', 'workers', 'memory': the threaded core is not loaded;
   * 'start': a thread's worker did not start) or ''.
   */
  threadState() {
    const threaded = Boolean(this.core?.sharedMemory);
    return { running: this.core?.threads ?? 1, max: threaded ? MAX_THREADS : 1, reason: this.#threadsWhy };
  }

  /**
   * THREADS: the core's products use `threads` threads (1 to 8) from the next step on, its missing
   * workers started first; the run goes on meanwhile. Without the threaded core it stays at one.
   */
  async setThreads({ threads }) {
    await this.#corePromise;
    const wanted = clampThreads(threads);
    this.#threadsChange = this.#threadsChange.then(async () => {
      if (!this.core?.sharedMemory) return;
      try {
        await this.core.setThreads(wanted, this.threads.start);
        this.#threadsWhy = '';
      } catch {
        this.#threadsWhy = 'start'; // the core keeps the threads it had
      }
    });
    await this.#threadsChange;
    return this.threadState();
  }

  /**
   * What the labs compute with: the core and MNIST as the runs load them. A lab's request carries
   * the page's urls, as INIT does: it may come first (a link that opens a lab).
   */
  async labTools({ wasmUrl, wasmMtUrl, dataUrl }) {
    await this.init({ wasmUrl, wasmMtUrl, dataUrl });
    return { core: this.core, mnist: () => this.#loadMnist(), session: () => this.session };
  }

  #progressReporter(phase) {
    let last = 0;
    let verifying = false;
    return ({ loaded, total, file }) => {
      const now = this.now();
      if (loaded >= total && total > 0) {
        // Every byte is in: what follows is gunzip and the core's IDX checks.
        if (!verifying) this.post({ type: Push.PROGRESS, phase: 'verify', loaded, total, file });
        verifying = true;
        return;
      }
      if (now - last < PROGRESS_MS) return;
      last = now;
      this.post({ type: Push.PROGRESS, phase, loaded, total, file });
    };
  }

  /**
   * MNIST, loaded once per worker; a cached copy that fails the checks is dropped and refetched.
   * What was downloaded goes to Cache Storage only once it has passed every check.
   */
  #loadMnist() {
    const source = this.#source;
    this.#mnist ??= (async () => {
      const load = async () => {
        try {
          return await loadMnist(this.core, source.readFile, { onProgress: this.#progressReporter('download') });
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
      this.mark('nn:mnist-in-memory');
      source.keep();
      return set;
    })();
    this.#mnist.catch(() => {
      this.#mnist = null;
    });
    return this.#mnist;
  }

  async #datasetFor(e) {
    if (e.data.set === 'mnist') {
      const set = await this.#loadMnist();
      this.post({ type: Push.PROGRESS, phase: 'ready', loaded: 1, total: 1, file: '' });
      return set;
    }
    const key = JSON.stringify([e.data, e.seed]);
    if (this.#synth?.key !== key) {
      if (this.#synth && this.#synth.dataset !== this.session?.dataset) this.#synth.dataset.dispose();
      this.#synth = { key, dataset: makeSynth(this.core, e.data, e.seed) };
    }
    return this.#synth.dataset;
  }

  // ---- describing a layer stack without building it ----

  /** The stack as the core would build it (Session's planExperiment), in protocol.js's Description form (DESCRIBE). */
  async describe({ experiment: e }) {
    await this.#corePromise;
    const { shape, classes, name } = dataShape(e);
    const plan = planExperiment(this.core, e, { shape, classes, name });
    const out = { ok: plan.ok, inputShape: shape, classes, params: plan.params, bytes: plan.bytes, error: null, layers: plan.layers.map(layerInfo) };
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

  // ---- the run ----

  #requireSession() {
    if (!this.session) throw new NnError(Status.ERR_INVALID, say('err.worker.noSession'), 'worker');
  }

  #disposeSession() {
    this.trainer.attach(null);
    this.views.attach(null);
    this.session?.dispose();
    this.session = null;
  }

  /** Builds the run of `e` from its seed, unless only its epochs changed (the run so far stays valid). */
  async #configure(e) {
    if (this.session && this.sameRun(this.#experiment, e)) {
      this.#experiment = e;
      this.session.experiment = { ...this.session.experiment, epochs: e.epochs };
      return this.#info();
    }
    this.#disposeSession();
    this.#experiment = e;
    const dataset = await this.#datasetFor(e);
    if (this.#experiment !== e) throw errorOf(say('err.worker.superseded'));
    this.session = new Session(this.core, e, dataset);
    this.mark('nn:network-built');
    this.trainer.attach(this.session);
    this.views.attach(this.session);
    return this.#info();
  }

  /** The run as protocol.js's SessionInfo. */
  #info() {
    const { session } = this;
    const { dataset } = session;
    return {
      step: session.step,
      trainCount: session.trainCount,
      testCount: session.testCount,
      stepsPerEpoch: session.stepsPerEpoch,
      totalSteps: session.totalSteps,
      classes: dataset.classes,
      inputShape: dataset.shape,
      params: session.paramCount,
      layers: session.layers.map(layerInfo),
      tensors: session.tensors.map(({ name, layer, role, shape, count }) => ({ name, layer, role, shape, count })),
      ...viewData(session),
    };
  }

  /**
   * Every view of the run once the current request's answer is posted (the page sets up its run
   * from the answer). A TRAIN or STEP request that arrives first posts them before it trains, so
   * the views of step 0 (the start of a lesson's comparison) always reach the page.
   */
  #reportAfterReply() {
    this.#afterReply = () => this.views.report(true);
    this.defer(() => this.#runAfterReply());
  }

  #runAfterReply() {
    const fn = this.#afterReply;
    this.#afterReply = null;
    if (fn && this.session) fn();
  }

  // ---- requests ----

  /** CONFIGURE */
  async configure({ experiment: e }) {
    await this.#corePromise;
    const result = await this.#configure(e);
    this.#reportAfterReply();
    return result;
  }

  /** TRAIN */
  async train({ stopAt }) {
    this.#requireSession();
    this.mark('nn:train');
    this.#runAfterReply();
    this.trainer.train(stopAt);
    return { step: this.session.step };
  }

  /** PAUSE */
  async pause() {
    this.trainer.pause();
    return { step: this.session?.step ?? 0 };
  }

  /** STEP */
  async step({ stopAt }) {
    this.#requireSession();
    this.#runAfterReply();
    this.trainer.step(stopAt);
    return { step: this.session.step };
  }

  /** RESET: the same experiment rebuilt from its seed. */
  async reset() {
    this.#requireSession();
    const e = this.#experiment;
    this.#experiment = null; // force a rebuild from the seed
    const result = await this.#configure(e);
    this.#reportAfterReply();
    return result;
  }

  /** PREDICT */
  async predict({ x, n }) {
    this.#requireSession();
    return { probs: this.session.predict(x, n), classes: this.session.dataset.classes };
  }

  /** EVALUATE */
  async evaluate() {
    this.#requireSession();
    const test = this.session.evaluate('test');
    return { step: this.session.step, test_accuracy: test.accuracy, test_loss: test.loss, count: test.count };
  }

  /** EXPORT_PYTORCH */
  async exportPytorch({ scriptName }) {
    this.#requireSession();
    return exportPytorchBundle(this.session, { scriptName });
  }

  /** SAVE_WEIGHTS */
  async saveWeights() {
    this.#requireSession();
    return { weights: this.session.saveWeights(), step: this.session.step };
  }

  /** LOAD_WEIGHTS */
  async loadWeights({ bytes }) {
    this.#requireSession();
    this.trainer.interrupt();
    this.session.loadWeights(bytes);
    this.#reportAfterReply();
    return { step: this.session.step };
  }

  /** CHECKPOINT */
  async checkpoint() {
    this.#requireSession();
    return this.session.checkpoint();
  }

  /** RESTORE */
  async restore({ checkpoint }) {
    await this.#corePromise;
    this.trainer.running = false; // the run is replaced: the page knows it stopped
    const result = await this.#configure(checkpoint.experiment);
    this.session.restoreCheckpoint(checkpoint);
    this.views.restoredAt(this.session.step);
    this.#reportAfterReply();
    return { ...result, step: this.session.step };
  }

  /** VIEWS */
  async setViews({ live }) {
    const was = this.views.live;
    this.views.live = live !== false;
    // Turned back on: every view now, so the page's charts catch up at once.
    if (this.views.live && !was && this.session) this.views.report(true);
    return { live: this.views.live };
  }

  /** PING */
  async ping() {
    return { step: this.session?.step ?? 0 };
  }

  /** What `npm run bench -- --soak` reads: the wasm memory's size, what the core's allocator holds, the step. */
  diagnostics() {
    const memory = this.core?.memoryUse() ?? { wasmMemoryBytes: 0, coreHeapBytes: 0 };
    return { ...memory, step: this.session?.step ?? 0, threads: this.core?.threads ?? 1 };
  }
}
