// protocol.js: the messages between the page (client.js) and the training worker (worker.js).
//
// Requests go page -> worker as {id, type, ...fields}; each is answered exactly once with
// {id, result} or {id, error: {message, name, status, errors?, msg?}} (msg: the message of
// i18n/errors.js that the page translates). The worker also pushes messages with no id,
// {type, ...}, while it loads data or trains. Typed arrays travel as transferred
// buffers (postMessage(msg, [array.buffer])), never as views into wasm memory.

/** Request types (page -> worker) and what each answers. */
export const Request = Object.freeze({
  /**
   * {wasmUrl, wasmMtUrl?, dataUrl} -> {ok: true, threads: ThreadState}. Loads the wasm core once
   * (one init promise): the threaded build at wasmMtUrl where the worker can run it, else nn.wasm.
   */
  INIT: 'init',
  /**
   * {threads} -> ThreadState. The core's products use that many threads (1 to 8) from the next
   * step on; the run and its numbers are unchanged (without the threaded core: one thread).
   */
  THREADS: 'threads',
  /**
   * {experiment} -> Description. Builds the layer stack in the core without allocating the arena
   * and reports every layer's output shape and parameter count, the memory nn_build would take,
   * and the first layer the core refuses, with the core's own sentence.
   */
  DESCRIBE: 'describe',
  /**
   * {experiment} -> SessionInfo. Stops any run, loads the data set (pushing Push.PROGRESS while
   * MNIST downloads), builds and initialises the network from the seed.
   */
  CONFIGURE: 'configure',
  /**
   * {stopAt?} -> {step}. Starts (or resumes) training in slices; metrics arrive as pushes. With
   * stopAt (a homework's budget), training stops after that step (Push.STOPPED, reason 'budget').
   */
  TRAIN: 'train',
  /** {} -> {step}. Stops after the step in progress; answered once stopped. */
  PAUSE: 'pause',
  /** {stopAt?} -> {step}. Pauses, then trains exactly one batch (none past stopAt) and pushes its metrics and stats. */
  STEP: 'step',
  /** {} -> SessionInfo. Pauses, rebuilds the network and re-initialises it from the seed. */
  RESET: 'reset',
  /** {x: Float32Array, n} -> {probs: Float32Array, classes}. Eval-mode forward (the draw pad). */
  PREDICT: 'predict',
  /** {} -> {step, test_accuracy, test_loss, count}: the whole test set now (what Submit claims). */
  EVALUATE: 'evaluate',
  /** {scriptName} -> {script: string, weights: Uint8Array}: export.pytorch's bundle of the weights now. */
  EXPORT_PYTORCH: 'export-pytorch',
  /** {} -> {weights: Uint8Array (.safetensors), step}. */
  SAVE_WEIGHTS: 'save-weights',
  /** {bytes: Uint8Array} -> {step}. Pauses, checks and loads .safetensors weights, pushes fresh stats. */
  LOAD_WEIGHTS: 'load-weights',
  /**
   * {} -> Checkpoint (Session.checkpoint(): weights, optimizer state, batch-norm buffers, random
   * streams, epoch order and position, step), taken between slices, so every STEPS push up to
   * its step has been posted before the answer.
   */
  CHECKPOINT: 'checkpoint',
  /** {checkpoint} -> SessionInfo. Pauses, configures the checkpoint's experiment, restores it, pushes fresh views. */
  RESTORE: 'restore',
  /**
   * {live: boolean} -> {live}. Whether the worker computes the live views while training (weight
   * and gradient histograms, norms, filters, activation statistics, the test-subset evaluation,
   * the digit grid, the decision boundary). Off, a running worker pushes only the steps, the
   * whole-test-set evaluation at each epoch's end and every view when it stops; turned back on,
   * it pushes every view at once. The steps and their numbers are the same either way.
   */
  VIEWS: 'views',
  /** {} -> {step}. Answered at once between slices: the page's watchdog asks when the worker goes quiet. */
  PING: 'ping',
  /**
   * {action, wasmUrl, dataUrl, ...} -> what the labs' action computes on this worker's core
   * (labs/lab-actions.js); loads the core first as INIT would.
   */
  LAB: 'lab',
});

/** Pushed messages (worker -> page, no id). */
export const Push = Object.freeze({
  /** {loaded, total, file, phase: 'download' | 'cache' | 'verify'}: MNIST loading. */
  PROGRESS: 'progress',
  /**
   * {first, loss: Float32Array, accuracy: Float32Array, epoch, epochStep, stepsPerEpoch,
   *  samples, trainMs}: the steps trained in one slice, first = step number of loss[0] (1-based).
   */
  STEPS: 'steps',
  /**
   * Stats: per-tensor histograms and norms, gradients, first-layer `filters` (throttled more:
   * undefined when unchanged since the last message, null when the first layer has no images), and
   * `activations`: [{index, type, units, samples, mean, std, deadFraction, neverPositiveFraction}]
   * per activation layer (insight.js's activationStats over test samples), or null when skipped;
   * `example`: {step, input, layers: [{index, type, shape, values}]}, every layer's output for the
   * first test sample (insight.js's exampleOutputs), throttled as `filters` (undefined: unchanged).
   */
  STATS: 'stats',
  /** {step, split, subset, loss, accuracy, confusion?: Int32Array, classes}: an evaluation. */
  EVAL: 'eval',
  /** {step, probs: Float32Array, classes} for the fixed grid of test digits. */
  GRID: 'grid',
  /** {step, resolution, extent: [lo, hi], grid: Float32Array of P(class 1), classes}: 2-D sets only. */
  BOUNDARY: 'boundary',
  /** {step, reason: 'done' | 'paused' | 'budget' | 'failed', message?, status?, msg?}: training stopped (status: the nn_status of a failure). */
  STOPPED: 'stopped',
});

/**
 * @typedef {object} LayerDescription
 * @property {number} index
 * @property {string} type
 * @property {number[]} outShape  [c, h, w] (flat features are [F, 1, 1])
 * @property {number} params      trainable values of this layer
 * @property {string} [error]     the core's sentence when this layer cannot be added
 *
 * @typedef {object} Description
 * @property {boolean} ok
 * @property {number[]} inputShape
 * @property {number} classes
 * @property {LayerDescription[]} layers   up to and including the first refused layer
 * @property {number} params
 * @property {number} bytes                nn_build_bytes for the experiment's batch size (0 if refused)
 * @property {{layer: number, message: string, msg?: object} | null} error
 *
 * @typedef {object} ThreadState
 * @property {number} running   threads the core's products use now
 * @property {number} max       8 with the threaded core, else 1
 * @property {string} reason    why only one thread can run ('isolation', 'shared', 'workers',
 *                              'memory', 'start': Host.threadState), or ''
 *
 * Besides requests and pushes, the two sides exchange {thread: 'start' | 'stop' | 'up' | 'failed'}
 * messages: the page starts the extra threads' workers for the training worker (threads.js).
 *
 * @typedef {object} SessionInfo
 * @property {number} step
 * @property {number} trainCount
 * @property {number} testCount
 * @property {number} stepsPerEpoch
 * @property {number} totalSteps
 * @property {number} classes
 * @property {number[]} inputShape
 * @property {number} params
 * @property {{name: string, layer: number, role: string, shape: number[], count: number}[]} tensors
 * @property {{pixels: Uint8Array, labels: Uint8Array, count: number, size: number} | null} grid
 * @property {{x: Float32Array, labels: Uint8Array, extent: number[]} | null} points
 */

/**
 * The STOPPED push: the run stopped after `step` for `reason`; a failure ('failed') carries its
 * error's sentence, nn_status and i18n message.
 */
export function stoppedPush(step, reason, error = null) {
  const msg = { type: Push.STOPPED, step, reason };
  if (error) Object.assign(msg, { message: error.message, status: error.status, msg: error.msg });
  return msg;
}

/** The error of a failed request, as a plain object that survives structured clone. */
export function serializeError(err) {
  return {
    name: err?.name ?? 'Error',
    message: err?.message ?? String(err),
    status: err?.status,
    errors: err?.errors,
    msg: err?.msg,
  };
}

/** The typed arrays in a message, for postMessage's transfer list (each buffer once). */
export function transferables(msg) {
  const out = new Set();
  const visit = (x, depth) => {
    if (!x || typeof x !== 'object' || depth > 4) return;
    if (ArrayBuffer.isView(x)) {
      if (x.buffer instanceof ArrayBuffer) out.add(x.buffer);
      return;
    }
    for (const v of Array.isArray(x) ? x : Object.values(x)) visit(v, depth + 1);
  };
  visit(msg, 0);
  return [...out];
}
