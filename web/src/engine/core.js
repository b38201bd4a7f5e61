// core.js: loads the standalone nn.wasm (no emscripten glue) and wraps each nn_* export once.
// The same module runs in Node (the runner, the tests) and in the browser (the page's worker).
//
// Every export that returns an nn_status is wrapped to throw an NnError carrying the C message
// from nn_last_error(); the C core leaves its state untouched on failure, so the module stays
// usable after an error. Pointers are byte offsets into wasm memory (unsigned 32-bit). Memory may
// grow during any call that allocates, which detaches every typed-array view made before it:
// the view helpers here make a fresh view each time, and callers must not keep one across a call.

import { Status, statusName } from './enums.js';
import { english, errorOf, say } from '../i18n/errors.js';

/**
 * An error returned by the C core: `status` is the nn_status, `message` the C sentence. An error
 * the JavaScript side raises is given as a message (i18n/errors.js), kept as `msg`.
 */
export class NnError extends Error {
  constructor(status, message, func) {
    const msg = typeof message === 'object' && message !== null ? message : undefined;
    super((msg ? english(msg) : message) || `${func} failed (${statusName(status)})`);
    this.name = 'NnError';
    this.status = status;
    this.code = statusName(status);
    this.func = func;
    if (msg) this.msg = msg;
  }
}

// What each export returns and which arguments need converting. Return kinds:
//   status  nn_status, thrown as NnError unless NN_OK
//   object  a pointer to a new object; NULL means failure (thrown, with the C message)
//   addr    a pointer that may legitimately be NULL (0): returned as an unsigned number
//   size    size_t, returned unsigned; bytes  size_t where 0 means failure (nn_build_bytes)
//   i64     int64_t, returned as a Number; int, float, double, void as they are
// Argument kinds: 'u64' and 'i64' are passed as BigInt; everything else as a Number.
// The list holds every function nn.h declares (tests/web/engine/core.test.js checks it).
export const SIGNATURES = Object.freeze({
  nn_last_error: ['addr'],
  nn_malloc: ['object'],
  nn_free: ['void'],
  nn_set_memory_budget: ['void'],
  nn_memory_budget: ['size'],
  nn_heap_in_use: ['size'],
  nn_set_threads: ['status'],
  nn_get_threads: ['int'],
  nn_thread_main: ['void'],
  nn_net_create: ['object'],
  nn_net_free: ['void'],
  nn_add_dense: ['status'],
  nn_add_conv2d: ['status'],
  nn_add_pool: ['status'],
  nn_add_flatten: ['status'],
  nn_add_dropout: ['status'],
  nn_add_batchnorm: ['status'],
  nn_add_activation: ['status'],
  nn_build: ['status'],
  nn_build_bytes: ['bytes'],
  nn_layer_count: ['int'],
  nn_layer_kind_of: ['int'],
  nn_layer_out_shape: ['void'],
  nn_layer_param_offset: ['size'],
  nn_layer_param_count: ['size'],
  nn_param_count: ['size'],
  nn_params: ['addr'],
  nn_grads: ['addr'],
  nn_buffer_count: ['size'],
  nn_buffers: ['addr'],
  nn_layer_buffer_offset: ['size'],
  nn_optim_state_count: ['size'],
  nn_optim_state: ['addr'],
  nn_optim_step_count: ['i64'],
  nn_set_optim_step_count: ['void', [null, 'i64']],
  nn_seed: ['void', [null, 'u64']],
  nn_init_param: ['status'],
  nn_init_all: ['status'],
  nn_layer_fans: ['status'],
  nn_calculate_gain: ['float'],
  nn_set_loss: ['status'],
  nn_set_optimizer: ['status'],
  nn_set_hyper: ['status'],
  nn_get_hyper: ['double'],
  nn_forward: ['status'],
  nn_output: ['addr'],
  nn_output_size: ['int'],
  nn_input_size: ['int'],
  nn_loss: ['status'],
  nn_zero_grad: ['void'],
  nn_backward: ['status'],
  nn_optim_step: ['status'],
  nn_data_create_u8: ['object'],
  nn_data_create_f32: ['object'],
  nn_data_free: ['void'],
  nn_data_count: ['size'],
  nn_data_gather: ['status'],
  nn_synth_generate: ['status', [null, 'u64']],
  nn_train_step: ['status'],
  nn_reset_epoch: ['void'],
  nn_epoch_position: ['size'],
  nn_epoch_order: ['addr'],
  nn_epoch_order_count: ['size'],
  nn_epoch: ['i64'],
  nn_rng_state: ['void'],
  nn_set_rng_state: ['status'],
  nn_set_epoch_state: ['status', [null, null, null, null, 'i64']],
  nn_evaluate: ['status'],
  nn_predict: ['status'],
  nn_histogram: ['void'],
  nn_l2_norm: ['float'],
  nn_layer_output: ['addr'],
  nn_layer_output_grad: ['addr'],
  nn_idx_parse: ['status'],
  nn_vector_net_create: ['object'],
  nn_surface_create: ['object', [null, null, null, null, null, 'u64']],
  nn_surface_free: ['void'],
  nn_surface_value: ['double'],
  nn_surface_gradient: ['status'],
  nn_surface_grid: ['status'],
});

const SCRATCH_BYTES = 256;
/** NN_RNG_STATE_WORDS of nn.h: (state, increment) of the init, dropout and shuffle streams. */
export const RNG_STATE_WORDS = 6;
const utf8 = new TextDecoder('utf-8');

/** The imports a standalone emscripten module may ask for; anything else is refused at load. */
function makeImports(module, state) {
  const mem = () => (state.memory ?? state.exports.memory).buffer;
  const dv = () => new DataView(mem());
  let pending = '';
  const known = {
    env: {
      // Standalone wasm tells the embedder when memory grows; our views are made fresh anyway.
      emscripten_notify_memory_growth: () => {},
    },
    wasi_snapshot_preview1: {
      // printf from C (debug output only): forwarded line by line to the console.
      fd_write: (fd, iovs, iovcnt, nwrittenPtr) => {
        const view = dv();
        let written = 0;
        for (let i = 0; i < iovcnt; i++) {
          const ptr = view.getUint32(iovs + i * 8, true);
          const len = view.getUint32(iovs + i * 8 + 4, true);
          pending += utf8.decode(new Uint8Array(mem(), ptr, len).slice()); // a copy: shared memory cannot be decoded
          written += len;
        }
        let nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
          (fd === 2 ? console.error : console.log)(pending.slice(0, nl));
          pending = pending.slice(nl + 1);
        }
        view.setUint32(nwrittenPtr, written, true);
        return 0;
      },
      fd_close: () => 0,
      fd_seek: () => 70, // ESPIPE: there are no files
      fd_read: () => 8, // EBADF
      environ_sizes_get: (countPtr, sizePtr) => {
        dv().setUint32(countPtr, 0, true);
        dv().setUint32(sizePtr, 0, true);
        return 0;
      },
      environ_get: () => 0,
      args_sizes_get: (countPtr, sizePtr) => {
        dv().setUint32(countPtr, 0, true);
        dv().setUint32(sizePtr, 0, true);
        return 0;
      },
      args_get: () => 0,
      proc_exit: (code) => {
        throw errorOf(say('err.core.exit', { code }));
      },
      clock_time_get: (_id, _precision, outPtr) => {
        dv().setBigUint64(outPtr, BigInt(Math.round(performance.now() * 1e6)), true);
        return 0;
      },
    },
  };
  const imports = {};
  const missing = [];
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind === 'memory' && imp.module === 'env' && imp.name === 'memory' && state.memory) {
      (imports.env ??= {}).memory = state.memory; // the threaded build's shared memory
      continue;
    }
    const fn = known[imp.module]?.[imp.name];
    if (imp.kind !== 'function' || !fn) {
      missing.push(`${imp.module}.${imp.name} (${imp.kind})`);
      continue;
    }
    (imports[imp.module] ??= {})[imp.name] = fn;
  }
  if (missing.length) throw errorOf(say('err.core.imports', { names: missing.join(', ') }));
  return imports;
}

async function compile(source) {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source);
  const url = typeof source === 'string' || source instanceof URL ? String(source) : '';
  if (url) source = fetch(url);
  let response;
  try {
    response = await source;
  } catch (err) {
    throw errorOf(say('err.core.fetch', { url, reason: err.message }));
  }
  if (typeof Response !== 'undefined' && response instanceof Response) {
    if (!response.ok) throw errorOf(say('err.core.http', { status: response.status, url: response.url }));
    const type = response.headers.get('content-type') || '';
    if (WebAssembly.compileStreaming && type.startsWith('application/wasm')) {
      return WebAssembly.compileStreaming(response);
    }
    return WebAssembly.compile(await response.arrayBuffer());
  }
  throw new TypeError('nn.wasm source must be bytes, a WebAssembly.Module, a URL or a Response');
}

/**
 * The wrapped core of one wasm instance. `core.fn.nn_xxx(...)` is every export, status-checked;
 * the methods below add the out-parameter plumbing so callers deal in plain JS values.
 */
export class Core {
  constructor(instance) {
    this.exports = instance.exports;
    this.fn = {};
    const missing = Object.keys(SIGNATURES).filter((n) => typeof this.exports[n] !== 'function');
    if (missing.length) throw errorOf(say('err.core.exports', { names: missing.join(', ') }));
    for (const [name, [ret, args]] of Object.entries(SIGNATURES)) this.fn[name] = this.#wrap(name, ret, args);
    this.scratch = this.fn.nn_malloc(SCRATCH_BYTES);
  }

  #wrap(name, ret, args) {
    const raw = this.exports[name];
    const core = this;
    const convert = args
      ? (a) => a.map((x, i) => (args[i] === 'u64' || args[i] === 'i64' ? BigInt(x) : x))
      : (a) => a;
    return function (...a) {
      let r;
      try {
        r = raw(...convert(a));
      } catch (err) {
        if (err instanceof WebAssembly.RuntimeError) {
          const msg = say('err.core.crashed', { name, reason: err.message });
          throw Object.assign(new Error(english(msg), { cause: err }), { msg });
        }
        throw err;
      }
      switch (ret) {
        case 'status':
          if (r !== Status.OK) throw new NnError(r, core.lastError(), name);
          return undefined;
        case 'object':
          if (r === 0) {
            const msg = core.lastError();
            if (name === 'nn_malloc') throw new NnError(Status.ERR_NOMEM, say('err.core.malloc', { n: a[0] }), name);
            throw new NnError(/memory|alloc/i.test(msg) ? Status.ERR_NOMEM : Status.ERR_INVALID, msg, name);
          }
          return r >>> 0;
        case 'bytes':
          if (r === 0) throw new NnError(Status.ERR_INVALID, core.lastError(), name);
          return r >>> 0;
        case 'addr':
        case 'size':
          return r >>> 0;
        case 'i64':
          return Number(r);
        default:
          return r;
      }
    };
  }

  /** Threads the core's products use (1 without the threaded build). */
  get threads() {
    return this.fn.nn_get_threads();
  }

  /**
   * Runs the core's products on `threads` threads from the next call on (the threaded build only),
   * starting the workers it lacks with startThread (see createCore), one after another. Workers
   * beyond the count stay and wait: a thread that has joined cannot leave, so the next rise takes
   * them back. Resolves with the count in use; throws when a worker does not start, and the core
   * then keeps the threads it had.
   */
  async setThreads(threads, startThread) {
    if (threads > 1 && !this.sharedMemory) throw new Error(`threads: ${threads} asked for, but this core has no shared memory`);
    for (let id = this.workers.length + 1; id < threads; id++) {
      const stack = this.fn.nn_malloc(THREAD_STACK_BYTES);
      try {
        this.workers.push(await startThread({ module: this.module, memory: this.sharedMemory, id, stackTop: stack + THREAD_STACK_BYTES }));
      } catch (err) {
        this.free(stack); // a worker that did not start never ran on it
        throw err;
      }
    }
    // Each worker joins once its instance is up; nn_set_threads refuses until then.
    for (let waited = 0; this.exports.nn_set_threads(threads) !== Status.OK; waited += 5) {
      if (waited > 10000) throw new Error(`threads: the ${threads - 1} worker(s) did not start within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return threads;
  }

  /** Stops the extra threads' workers (the core then runs on one thread). */
  close() {
    if (this.workers?.length) this.exports.nn_set_threads(1);
    for (const w of this.workers ?? []) w.terminate();
    this.workers = [];
  }

  /** The last error message of the C core, read as UTF-8. */
  lastError() {
    return this.readString(this.exports.nn_last_error() >>> 0);
  }

  /** The instance's memory: its own, or the shared one the threaded build imports. */
  get memory() {
    return this.exports.memory ?? this.sharedMemory;
  }

  /** Bytes of the instance: its wasm memory and what the core's allocator holds of it. */
  memoryUse() {
    return { wasmMemoryBytes: this.memory.buffer.byteLength, coreHeapBytes: this.fn.nn_heap_in_use() };
  }

  // ---- fresh views (never keep one across a call that may allocate) ----
  u8(ptr, n) { return new Uint8Array(this.memory.buffer, ptr, n); }
  i32(ptr, n) { return new Int32Array(this.memory.buffer, ptr, n); }
  u32(ptr, n) { return new Uint32Array(this.memory.buffer, ptr, n); }
  f32(ptr, n) { return new Float32Array(this.memory.buffer, ptr, n); }
  dataView() { return new DataView(this.memory.buffer); }

  readString(ptr) {
    if (!ptr) return '';
    const heap = new Uint8Array(this.memory.buffer);
    let end = ptr;
    while (end < heap.length && heap[end] !== 0) end++;
    return utf8.decode(heap.slice(ptr, end)); // a copy: TextDecoder refuses views of shared memory
  }

  // ---- allocation ----
  alloc(bytes) {
    return this.fn.nn_malloc(Math.max(1, bytes));
  }
  free(ptr) {
    if (ptr) this.fn.nn_free(ptr);
  }
  /** Copies a typed array (or ArrayBuffer) into new wasm memory; the caller frees the pointer. */
  copyIn(data) {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const ptr = this.alloc(bytes.length);
    this.u8(ptr, bytes.length).set(bytes);
    return ptr;
  }
  /** Runs fn(ptr) with a temporary copy of `data` in wasm memory, freed afterwards. */
  withCopy(data, fn) {
    const ptr = this.copyIn(data);
    try {
      return fn(ptr);
    } finally {
      this.free(ptr);
    }
  }

  // ---- calls with out-parameters, returned as plain values ----
  layerOutShape(net, layer) {
    this.fn.nn_layer_out_shape(net, layer, this.scratch);
    return Array.from(this.i32(this.scratch, 3));
  }

  layerFans(net, layer) {
    this.fn.nn_layer_fans(net, layer, this.scratch, this.scratch + 4);
    const [fanIn, fanOut] = this.i32(this.scratch, 2);
    return { fanIn, fanOut };
  }

  /** Loss of the last forward against labels already in wasm memory (int32). */
  loss(net, labelsPtr, batch) {
    this.fn.nn_loss(net, labelsPtr, batch, this.scratch, this.scratch + 4);
    return { loss: this.f32(this.scratch, 1)[0], correct: this.i32(this.scratch + 4, 1)[0] };
  }

  trainStep(net, data, batchSize, shuffle) {
    // nn_step_result in wasm32: f32 loss @0, i32 correct @4, i32 batch @8, i64 epoch @16, i32 epoch_end @24.
    this.dataView().setInt32(this.scratch + 24, 0, true);
    this.fn.nn_train_step(net, data, batchSize, shuffle ? 1 : 0, this.scratch);
    const dv = this.dataView();
    const s = this.scratch;
    return {
      loss: dv.getFloat32(s, true),
      correct: dv.getInt32(s + 4, true),
      batch: dv.getInt32(s + 8, true),
      epoch: Number(dv.getBigInt64(s + 16, true)),
      epochEnd: dv.getInt32(s + 24, true) !== 0,
    };
  }

  /** Loss and accuracy over a data set; confusionPtr/predictionsPtr are optional wasm buffers. */
  evaluate(net, data, batchSize, confusionPtr = 0, predictionsPtr = 0) {
    this.fn.nn_evaluate(net, data, batchSize, this.scratch, this.scratch + 4, confusionPtr, predictionsPtr);
    const [loss, accuracy] = this.f32(this.scratch, 2);
    return { loss, accuracy };
  }

  /**
   * Histogram and statistics of n floats at ptr: {counts, min, max, mean, std}. bins 0 skips the
   * counts and `stats: false` the statistics (each is one pass over the floats).
   */
  histogram(ptr, n, bins = 1, lo = 0, hi = 1, { stats = true } = {}) {
    const countsPtr = bins > 0 ? this.alloc(4 * bins) : 0;
    try {
      this.fn.nn_histogram(ptr, n, bins, lo, hi, countsPtr, stats ? this.scratch : 0);
      const counts = bins > 0 ? this.u32(countsPtr, bins).slice() : new Uint32Array(0);
      if (!stats) return { counts };
      const [min, max, mean, std] = this.f32(this.scratch, 4);
      return { counts, min, max, mean, std };
    } finally {
      if (countsPtr) this.free(countsPtr);
    }
  }

  // ---- what a checkpoint needs beyond the flat buffers ----

  /** The net's random streams (init, dropout, shuffle) as a fresh BigUint64Array of 6 words. */
  rngState(net) {
    this.fn.nn_rng_state(net, this.scratch);
    return new BigUint64Array(this.memory.buffer, this.scratch, RNG_STATE_WORDS).slice();
  }

  /** Restores streams read by rngState (6 unsigned 64-bit words); the core refuses a malformed one. */
  setRngState(net, words) {
    if (!(words instanceof BigUint64Array) || words.length !== RNG_STATE_WORDS) {
      throw new NnError(Status.ERR_INVALID, say('err.rngWords', { n: RNG_STATE_WORDS }), 'setRngState');
    }
    new BigUint64Array(this.memory.buffer, this.scratch, RNG_STATE_WORDS).set(words);
    this.fn.nn_set_rng_state(net, this.scratch);
  }

  /** {order: Uint32Array (a copy; empty before the first step), position, epoch}. */
  epochState(net) {
    const count = this.fn.nn_epoch_order_count(net);
    const ptr = this.fn.nn_epoch_order(net);
    const order = count && ptr ? this.u32(ptr, count).slice() : new Uint32Array(0);
    return { order, position: this.fn.nn_epoch_position(net), epoch: this.fn.nn_epoch(net) };
  }

  /** Restores an epochState; the core checks the order is a permutation and the position inside it. */
  setEpochState(net, { order, position, epoch }) {
    if (!(order instanceof Uint32Array)) throw new NnError(Status.ERR_INVALID, say('err.orderType'), 'setEpochState');
    if (!order.length) return this.fn.nn_set_epoch_state(net, 0, 0, position, epoch);
    return this.withCopy(order, (ptr) => this.fn.nn_set_epoch_state(net, ptr, order.length, position, epoch));
  }

  /** Validates an IDX file already in wasm memory: {dims, dataPtr} (dataPtr points into it). */
  idxParse(ptr, len) {
    const s = this.scratch;
    this.fn.nn_idx_parse(ptr, len, s, s + 8, s + 4);
    const dv = this.dataView();
    const ndims = dv.getInt32(s, true);
    const dims = Array.from(this.u32(s + 8, ndims));
    return { dims, dataPtr: dv.getUint32(s + 4, true) };
  }
}

/** Pages of the threaded build's shared memory: what its module declares (build.sh). */
const SHARED_PAGES = { initial: 512, maximum: 32768 };
/** Bytes of stack each extra thread gets from the core's allocator. */
const THREAD_STACK_BYTES = 256 * 1024;

/**
 * Instantiates a fresh, independent core (tests use several; the app uses initCore).
 * The threaded build (nn-mt.wasm, which imports a shared memory) takes `threads` (1 to 8) and
 * `startThread({module, memory, id, stackTop})`, which starts one worker that instantiates the
 * module on that memory, sets its stack pointer to stackTop and calls nn_thread_main(id); it
 * returns the worker, whose terminate() core.close() calls. Nothing changes a number: the
 * products are split by output block (c/parallel.h).
 */
export async function createCore(source, { threads = 1, startThread = null } = {}) {
  const module = await compile(source);
  const state = {};
  const shared = WebAssembly.Module.imports(module).some((imp) => imp.kind === 'memory');
  if (shared) state.memory = new WebAssembly.Memory({ ...SHARED_PAGES, shared: true });
  const instance = await WebAssembly.instantiate(module, makeImports(module, state));
  state.exports = instance.exports;
  // A --no-entry standalone module is a WASI reactor: _initialize runs its static constructors.
  if (typeof instance.exports._initialize === 'function') instance.exports._initialize();
  const core = new Core(instance);
  core.sharedMemory = state.memory ?? null;
  core.module = module;
  core.workers = [];
  if (threads > 1) {
    if (!shared || !startThread) throw new Error(`threads: ${threads} asked for, but this core has no shared memory`);
    try {
      await core.setThreads(threads, startThread);
    } catch (err) {
      core.close();
      throw err;
    }
  }
  return core;
}

let initPromise = null;

/**
 * The one shared core of this JS realm. The first call starts loading from `source`; every later
 * call returns the same promise (its argument ignored). Nothing calls into the wasm before it
 * resolves. A failed load is forgotten, so a later call can retry.
 */
export function initCore(source) {
  if (!initPromise) {
    initPromise = createCore(source);
    initPromise.catch(() => {
      initPromise = null;
    });
  }
  return initPromise;
}
