// targets.js: the speed issue's targets, as the benchmark judges them (report.js's targets()).
// A benchmark reports whether each is met; a low number never fails the run.

/** Samples/s of our core over TF.js's wasm backend, in Node and in Chromium alike. */
export const RATIO_TARGETS = Object.freeze({ w1: 4, w2: 5, w3: 6 });

/** Samples/s of our core on 2 threads over our own single thread (the issue measures it on 2 cores). */
export const THREAD_TARGETS = Object.freeze({ w1: 1.5, w2: 1.8 });

/**
 * Samples/s of our core on its threads over TF.js's threaded wasm build at its best thread count,
 * in a cross-origin isolated page in Chromium.
 */
export const PEER_THREAD_TARGETS = Object.freeze({ w1: 8, w2: 10 });

/** The products of a training step, together, at this fraction of the GEMM ceiling or more. */
export const GEMM_TARGET = 0.7;

/** Gzip'ed bytes (level 9, 1 KB = 1000 bytes), strictly under which the page's files meet it. */
export const SIZE_TARGETS = Object.freeze({ wasm: 150_000, js: 250_000 });

/** From MNIST in memory to the first training step done, in the built page. */
export const FIRST_STEP_TARGET_MS = 1000;

/** Extra training time with the live charts on, as a fraction of the time with them off. */
export const CHARTS_COST_TARGET = 0.1;

/**
 * Step time may not grow over an epoch: the median of the last tenth of its steps within this
 * fraction above the first tenth's (a shared machine's noise moves either by a few per cent).
 */
export const DRIFT_TOLERANCE = 0.1;

/** The optimizer lab's playback: no task of the page's main thread longer than one 60 Hz frame. */
export const LAB_FRAME_TARGET_MS = 16;
