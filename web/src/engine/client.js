// client.js: the page's side of the training worker. Each method sends one request of
// protocol.js and resolves with its result (or rejects with a WorkerError carrying the worker's
// message); pushed messages are re-dispatched as events named after their type
// ('steps', 'stats', 'eval', 'grid', 'boundary', 'progress', 'stopped'), the message in `detail`.

import { Request, transferables } from './protocol.js';
import { pageThreads } from './threads.js';
import { english, say } from '../i18n/errors.js';

/**
 * A request the worker refused: `message` is the worker's (often the C core's) sentence, `msg`
 * the same as a message of i18n/errors.js when the worker gave one.
 */
export class WorkerError extends Error {
  constructor({ name, message, status, errors, msg }) {
    super(message ?? english(msg));
    this.name = name === 'Error' ? 'WorkerError' : name;
    this.status = status;
    this.errors = errors;
    if (msg) this.msg = msg;
  }
}
const stopped = () => new WorkerError({ name: 'WorkerError', msg: say('err.worker.stopped') });

export class TrainingClient extends EventTarget {
  #worker;
  #pending = new Map();
  #nextId = 1;
  #stopped = false;
  #threads;

  /**
   * worker: a Worker running worker.js (tests may pass a stand-in with postMessage); createThread:
   * makes the Worker of one of its extra threads (threads.js's pageThreads).
   */
  constructor(worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }), { createThread } = {}) {
    super();
    this.#worker = worker;
    this.#threads = pageThreads((msg) => worker.postMessage(msg), createThread);
    worker.onmessage = (event) => this.#receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault?.();
      this.#threads.stopAll();
      this.#failAll(new WorkerError({ name: 'WorkerError', msg: say('err.worker.crashed', { reason: event.message ?? say('err.worker.unknown') }) }));
      this.dispatchEvent(new CustomEvent('crash', { detail: { message: event.message } }));
    };
  }

  #receive(msg) {
    if (!msg || typeof msg !== 'object') return;
    if (typeof msg.thread === 'string') return this.#threads.take(msg);
    if (typeof msg.id === 'number') {
      const pending = this.#pending.get(msg.id);
      if (!pending) return;
      this.#pending.delete(msg.id);
      if (msg.error) pending.reject(new WorkerError(msg.error));
      else pending.resolve(msg.result);
      return;
    }
    if (typeof msg.type === 'string') this.dispatchEvent(new CustomEvent(msg.type, { detail: msg }));
  }

  #failAll(err) {
    for (const { reject } of this.#pending.values()) reject(err);
    this.#pending.clear();
  }

  /** Sends {id, type, ...fields}; typed arrays in fields are transferred (the caller loses them) unless transfer is false. */
  request(type, fields = {}, { transfer = true } = {}) {
    const id = this.#nextId++;
    const msg = { id, type, ...fields };
    // A stopped worker answers nothing: refuse at once rather than leave the caller waiting.
    if (this.#stopped) return Promise.reject(stopped());
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage(msg, transfer ? transferables(fields) : []);
    });
  }

  /** Loads the wasm core; urls are absolute (resolved against the page, not the worker); wasmMtUrl: the threaded build, if any. */
  init(wasmUrl, dataUrl, wasmMtUrl) {
    return this.request(Request.INIT, { wasmUrl: String(wasmUrl), dataUrl: String(dataUrl), ...(wasmMtUrl ? { wasmMtUrl: String(wasmMtUrl) } : {}) });
  }
  /** Threads for the core's products from the next step on (protocol.js's THREADS). */
  threads(threads) { return this.request(Request.THREADS, { threads }); }
  describe(experiment) { return this.request(Request.DESCRIBE, { experiment }); }
  configure(experiment) { return this.request(Request.CONFIGURE, { experiment }); }
  /** stopAt: the last step to train (a homework's budget); omitted, the run's end. */
  train(stopAt) { return this.request(Request.TRAIN, Number.isFinite(stopAt) ? { stopAt } : {}); }
  pause() { return this.request(Request.PAUSE); }
  step(stopAt) { return this.request(Request.STEP, Number.isFinite(stopAt) ? { stopAt } : {}); }
  reset() { return this.request(Request.RESET); }
  /** x: Float32Array of n samples (copied, so the caller keeps its array). */
  predict(x, n) { return this.request(Request.PREDICT, { x: x.slice(), n }); }
  evaluate() { return this.request(Request.EVALUATE); }
  exportPytorch(scriptName) { return this.request(Request.EXPORT_PYTORCH, { scriptName }); }
  saveWeights() { return this.request(Request.SAVE_WEIGHTS); }
  /** bytes: a .safetensors file (transferred: the caller loses it). */
  loadWeights(bytes) { return this.request(Request.LOAD_WEIGHTS, { bytes }); }
  checkpoint() { return this.request(Request.CHECKPOINT); }
  /** checkpoint: as checkpoint() answered (or as kept in IndexedDB); its arrays are copied, not transferred. */
  restore(checkpoint) { return this.request(Request.RESTORE, { checkpoint }, { transfer: false }); }
  /** live: whether the worker computes the charts' views while training (protocol.js's VIEWS). */
  views(live) { return this.request(Request.VIEWS, { live: Boolean(live) }); }
  ping() { return this.request(Request.PING); }
  /** How many extra threads' workers the page holds for this worker now. */
  get threadWorkers() { return this.#threads.size; }

  terminate() {
    this.#stopped = true;
    this.#worker.terminate();
    this.#threads.stopAll();
    this.#failAll(stopped());
  }
}
