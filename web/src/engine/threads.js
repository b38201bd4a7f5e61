// threads.js: the training worker's extra threads for the threaded core (nn-mt.wasm): whether
// this worker can run them, and how one starts. The page starts each thread's Worker
// (thread-worker.js) at this worker's request (client.js answers it), not this worker: in
// Firefox ESR 153, a `new Worker()` called inside the training worker sometimes never returned
// and blocked the training worker for good (13 of 530 page loads on a busy 2-core machine),
// while one called by the page returns at once. The request carries the compiled
// module and the shared memory; the page answers when the thread's instance is up, or why not.

const START_MS = 10000;

/** NN_MAX_THREADS of c/parallel.h: the most threads the core's products use. */
export const MAX_THREADS = 8;

/** A thread count as the core takes it: a whole number from 1 to MAX_THREADS (1 for nonsense). */
export function clampThreads(n) {
  return Math.min(MAX_THREADS, Math.max(1, Math.floor(n) || 1));
}

/** The message kinds between this worker and the page about threads ({thread: kind, id, ...}). */
export const ThreadMessage = Object.freeze({
  START: 'start', // worker -> page: {id, module, memory, stackTop}: start thread `id`
  STOP: 'stop', //   worker -> page: {id}: terminate thread `id`'s worker
  UP: 'up', //       page -> worker: {id}: thread `id`'s instance is up and serves jobs
  FAILED: 'failed', // page -> worker: {id, why}: thread `id`'s worker did not start
});

/**
 * Why this worker cannot run the threaded core, or '' when it can: 'isolation' (the page is not
 * cross-origin isolated, so there is no shared memory), 'shared' (isolated, yet no
 * SharedArrayBuffer or Atomics).
 */
export function threadsUnavailable(scope = globalThis) {
  if (!scope.crossOriginIsolated) return 'isolation';
  if (typeof scope.SharedArrayBuffer !== 'function' || typeof scope.Atomics?.wait !== 'function') return 'shared';
  return '';
}

/**
 * The training worker's side of starting threads through the page: start(info) is createCore's
 * startThread (it resolves with a handle whose terminate() asks the page to stop that worker, or
 * rejects when the page says it failed or says nothing within START_MS); answer(msg) takes the
 * page's {thread: 'up' | 'failed'} messages. post sends a message to the page.
 */
export function threadStarter(post, { startMs = START_MS } = {}) {
  const waiting = new Map(); // id -> {resolve, reject}
  const stop = (id) => post({ thread: ThreadMessage.STOP, id });
  return {
    start({ module, memory, id, stackTop }) {
      return new Promise((resolve, reject) => {
        waiting.get(id)?.reject(new Error(`thread ${id}: started again`));
        const timer = setTimeout(() => {
          waiting.delete(id);
          stop(id);
          reject(new Error(`thread ${id}: no answer within ${startMs / 1000} s`));
        }, startMs);
        waiting.set(id, {
          resolve: () => { clearTimeout(timer); resolve({ terminate: () => stop(id) }); },
          reject: (err) => { clearTimeout(timer); reject(err); },
        });
        post({ thread: ThreadMessage.START, id, module, memory, stackTop });
      });
    },
    answer(msg) {
      const pending = waiting.get(msg.id);
      if (!pending) return;
      waiting.delete(msg.id);
      if (msg.thread === ThreadMessage.UP) pending.resolve();
      else {
        stop(msg.id);
        pending.reject(new Error(`thread ${msg.id}: ${msg.why || 'its worker failed'}`));
      }
    },
  };
}

/**
 * The page's side: starts thread workers for one training worker (createWorker makes a Worker
 * running thread-worker.js) and tells it through post(msg) when each is up or has failed.
 * take(msg) handles the training worker's {thread: 'start' | 'stop'} messages; stopAll()
 * terminates every thread's worker (the training worker is going away).
 */
export function pageThreads(post, createWorker = () => new Worker(new URL('./thread-worker.js', import.meta.url), { type: 'module' })) {
  const workers = new Map(); // id -> Worker
  const end = (id) => {
    workers.get(id)?.terminate();
    workers.delete(id);
  };
  return {
    take(msg) {
      if (msg.thread === ThreadMessage.STOP) return end(msg.id);
      if (msg.thread !== ThreadMessage.START) return;
      end(msg.id);
      let worker;
      try {
        worker = createWorker();
      } catch (err) {
        post({ thread: ThreadMessage.FAILED, id: msg.id, why: String(err?.message ?? err) });
        return;
      }
      workers.set(msg.id, worker);
      worker.onerror = (event) => {
        event.preventDefault?.();
        end(msg.id);
        post({ thread: ThreadMessage.FAILED, id: msg.id, why: event.message || 'its worker failed' });
      };
      worker.onmessage = () => {
        worker.onerror = null;
        post({ thread: ThreadMessage.UP, id: msg.id });
      };
      worker.postMessage({ module: msg.module, memory: msg.memory, id: msg.id, stackTop: msg.stackTop });
    },
    stopAll() {
      for (const id of [...workers.keys()]) end(id);
    },
    get size() {
      return workers.size;
    },
  };
}
