// threads.js: the training worker's extra threads for the threaded core (nn-mt.wasm): whether
// this worker can run them, and how one starts (a nested module worker, thread-worker.js, given
// the compiled module and the shared memory).

const START_MS = 10000;

/**
 * Why this worker cannot run the threaded core, or '' when it can: 'isolation' (the page is not
 * cross-origin isolated, so there is no shared memory), 'shared' (isolated, yet no
 * SharedArrayBuffer or Atomics), 'workers' (no Worker inside a worker).
 */
export function threadsUnavailable(scope = globalThis) {
  if (!scope.crossOriginIsolated) return 'isolation';
  if (typeof scope.SharedArrayBuffer !== 'function' || typeof scope.Atomics?.wait !== 'function') return 'shared';
  return typeof scope.Worker === 'function' ? '' : 'workers';
}

/** createCore's startThread here: resolves with the worker once its instance is up, rejects if it fails. */
export function startBrowserThread(info) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./thread-worker.js', import.meta.url), { type: 'module' });
    const fail = (why) => {
      clearTimeout(timer);
      worker.terminate();
      reject(new Error(`thread ${info.id}: ${why}`));
    };
    const timer = setTimeout(() => fail(`no answer within ${START_MS / 1000} s`), START_MS);
    worker.onerror = (event) => {
      event.preventDefault();
      fail(event.message || 'its worker failed');
    };
    worker.onmessage = () => {
      clearTimeout(timer);
      worker.onerror = null;
      resolve(worker);
    };
    worker.postMessage(info);
  });
}
