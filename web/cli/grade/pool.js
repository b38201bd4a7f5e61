// pool.js: N worker threads (worker.js), each with its own core instance, replaying links in
// parallel. A worker that crashes, or stays in one replay past the time cap (a single step can
// be long: the in-thread check runs between steps), is terminated and replaced; its link gets a
// refused report naming what happened. Results carry no trace of which thread made them: every
// core computes the same bits.

import { Worker } from 'node:worker_threads';

const WORKER_URL = new URL('./worker.js', import.meta.url);

/** The outcome of a link whose replay the pool had to stop. */
const stopped = (kind, problem) => ({
  report: { verified: false, digest_ok: null, claim_matches: false, problems: [problem], kinds: [kind] }, seconds: null,
});

export class ReplayPool {
  #options;
  #slots = [];
  #queue = [];
  #closed = false;
  #nextId = 0;

  /**
   * jobs: threads; module: the compiled nn.wasm (WebAssembly.Module, shared by every thread);
   * assignment: the homework link or null; maxSeconds: the replay cap (Infinity: none), checked
   * in the thread between steps; stallSeconds: when a thread still busy with one link is
   * terminated (by default 30 s past the cap).
   */
  constructor({ jobs, module, assignment = null, maxSeconds = Infinity, stallSeconds = maxSeconds + 30 }) {
    this.#options = { module, assignment, maxSeconds, stallSeconds };
    for (let i = 0; i < jobs; i++) this.#slots.push({ worker: null, ready: null, task: null, timer: null });
  }

  get jobs() { return this.#slots.length; }

  /** Replays one link: resolves with {report, seconds} (a crash or a stall is a report too). */
  verify(link) {
    if (this.#closed) return Promise.reject(new Error('the pool is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ link, resolve, reject });
      this.#dispatch();
    });
  }

  #spawn(slot) {
    const { module, assignment, maxSeconds } = this.#options;
    const worker = new Worker(WORKER_URL, { workerData: { module, assignment, maxSeconds } });
    slot.worker = worker;
    slot.ready = new Promise((resolve) => {
      const onMessage = (msg) => {
        if (msg.ready) {
          worker.off('message', onMessage);
          resolve();
        }
      };
      worker.on('message', onMessage);
    });
    worker.on('message', (msg) => {
      if (msg.ready || !slot.task || msg.id !== slot.task.id) return;
      const { task } = slot;
      this.#finish(slot);
      if (msg.error) task.resolve(stopped('replay_failed', `the replay failed: ${msg.error}`));
      else task.resolve({ report: msg.report, seconds: msg.seconds });
      this.#dispatch();
    });
    const lost = (why) => {
      if (slot.worker !== worker) return;
      slot.worker = null;
      const { task } = slot;
      this.#finish(slot);
      if (task && !this.#closed) task.resolve(stopped('replay_failed', `the replay thread stopped: ${why}`));
      if (!this.#closed) this.#dispatch();
    };
    worker.on('error', (err) => lost(err?.message ?? String(err)));
    worker.on('exit', (code) => lost(`exit code ${code}`));
  }

  #finish(slot) {
    clearTimeout(slot.timer);
    slot.timer = null;
    slot.task = null;
  }

  #dispatch() {
    for (const slot of this.#slots) {
      if (this.#closed || !this.#queue.length) return;
      if (slot.task) continue;
      if (!slot.worker) this.#spawn(slot);
      const task = this.#queue.shift();
      task.id = ++this.#nextId;
      slot.task = task;
      const { maxSeconds, stallSeconds } = this.#options;
      if (Number.isFinite(stallSeconds)) {
        slot.timer = setTimeout(() => {
          const worker = slot.worker;
          slot.worker = null;
          this.#finish(slot);
          task.resolve(stopped('timeout', `the replay was still running after ${stallSeconds} s, inside one step or while building its network (--max-seconds ${maxSeconds} is checked between steps): its thread was stopped`));
          worker?.terminate();
          this.#dispatch();
        }, stallSeconds * 1000);
      }
      const worker = slot.worker;
      slot.ready.then(() => {
        if (slot.task === task && slot.worker === worker) worker.postMessage({ id: task.id, link: task.link });
      });
    }
  }

  /** Stops every thread at once (replays in flight are lost); pending verify() calls reject. */
  async close() {
    this.#closed = true;
    const interrupted = new Error('interrupted');
    for (const task of this.#queue.splice(0)) task.reject(interrupted);
    const exits = [];
    for (const slot of this.#slots) {
      clearTimeout(slot.timer);
      if (slot.task) slot.task.reject(interrupted);
      slot.task = null;
      if (slot.worker) exits.push(slot.worker.terminate());
      slot.worker = null;
    }
    await Promise.all(exits);
  }
}
