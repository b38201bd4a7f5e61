// trial.js: the inside of one benchmark worker (a Node worker thread or a browser Web Worker): it
// builds one engine on one workload and trains it when told, timing steps with performance.now().
// Engines: 'ours' (our core through Session, as the runner and the page drive it), 'ours-threads'
// (the same on the threaded build, msg.threads threads; env.threadedCore(n) makes it), 'tfjs-wasm',
// 'tfjs-wasm-threads' (its threaded SIMD build on msg.peerThreads threads, in a cross-origin
// isolated page), 'tfjs-cpu'. Only one worker trains at a time; the coordinator (plan.js) decides the order.
//
// The environment gives: core() -> Promise<Core>; mnistSource, a readFile for the gzip'ed MNIST
// files; tf(backend, threads) -> Promise<tf> with that backend active (SIMD on, one thread unless
// asked for more).

import { Session } from '../src/engine/session.js';
import { checkConv2dBackpropFilter } from './tfjs-conv2d-backprop-filter.js';
import { loadMnistTrainBytes } from './mnist-bytes.js';
import { createTfjsTrainer } from './tfjs-trainer.js';
import { BATCH_SIZE } from './workloads.js';

async function oursTrainer(env, experiment, threads = 1) {
  const core = threads > 1 ? await env.threadedCore(threads) : await env.core();
  const session = await Session.open(core, experiment, { mnistSource: env.mnistSource });
  return {
    info: { params: session.paramCount, wasmMemoryBytes: core.memory.buffer.byteLength, threads: core.threads },
    step() {
      const r = session.trainStep();
      return { loss: r.loss, batch: r.batch };
    },
    memory: () => ({ wasmMemoryBytes: core.memory.buffer.byteLength }),
    dispose: () => {
      session.dispose();
      if (threads > 1) core.close();
    },
  };
}

async function tfjsTrainer(env, backend, workload, threadsAsked = 1) {
  const tf = await env.tf(backend, threadsAsked);
  let kernelCheck = null;
  if (backend === 'wasm') {
    // The filter-gradient kernel we add to the peer must agree with TF.js's own cpu kernel.
    kernelCheck = await checkConv2dBackpropFilter(tf);
    const worst = Math.max(...kernelCheck.map((r) => r.maxAbsError / Math.max(1, r.maxAbsValue)));
    if (!(worst < 1e-4)) throw new Error(`Conv2DBackpropFilter for wasm disagrees with the cpu backend (relative error ${worst})`);
  }
  const mnist = await loadMnistTrainBytes(env.mnistSource);
  const trainer = createTfjsTrainer(tf, workload, mnist, { batchSize: BATCH_SIZE });
  const flags = tf.env().getFlags();
  const threads = backend === 'wasm' && env.wasmThreads ? env.wasmThreads() : 1;
  // Reported as it runs: TF.js's threaded build may start fewer threads than asked (README, Threads).
  const threadsNote = threads !== threadsAsked ? { threadsAsked } : {};
  return {
    info: {
      tfjs: tf.version_core, backend: tf.getBackend(), simd: backend === 'wasm' ? Boolean(flags.WASM_HAS_SIMD_SUPPORT) : null,
      threads, ...threadsNote, prod: tf.env().getBool('PROD'),
      kernelCheck: kernelCheck?.map((r) => ({ x: r.case.x, filter: r.case.filter, strides: r.case.strides, pad: r.case.pad, maxAbsError: r.maxAbsError, maxAbsValue: r.maxAbsValue })),
    },
    step: () => trainer.step(),
    memory: () => ({ tensors: tf.memory().numTensors, bytes: tf.memory().numBytes }),
    dispose: () => trainer.dispose(),
  };
}

/** The request handler of one worker: handle({type, ...}) -> result (or throws). */
export function createTrialHandler(env) {
  let trainer = null;
  let steps = 0;
  const need = () => {
    if (!trainer) throw new Error('init first');
    return trainer;
  };
  const train = (count, seconds, keepTimes) => {
    const t = need();
    const times = keepTimes ? new Float64Array(count) : null;
    const losses = [];
    let samples = 0;
    let n = 0;
    const start = performance.now();
    let last = start;
    for (;;) {
      const r = t.step();
      const now = performance.now();
      if (!Number.isFinite(r.loss)) throw new Error(`loss became ${r.loss} at step ${steps + 1}`);
      if (times) times[n] = now - last;
      last = now;
      n += 1;
      steps += 1;
      samples += r.batch;
      losses.push(r.loss);
      if (n >= count && now - start >= seconds * 1000) break;
    }
    const tail = losses.slice(-20);
    return {
      steps: n, samples, ms: last - start, totalSteps: steps,
      loss: tail.reduce((a, b) => a + b, 0) / tail.length,
      ...(times ? { times } : {}),
    };
  };
  return async function handle(msg) {
    switch (msg.type) {
      case 'init': {
        const { engine, workload, experiment } = msg;
        if (engine === 'ours') trainer = await oursTrainer(env, experiment);
        else if (engine === 'ours-threads') trainer = await oursTrainer(env, experiment, msg.threads);
        else if (engine === 'tfjs-wasm') trainer = await tfjsTrainer(env, 'wasm', workload);
        else if (engine === 'tfjs-wasm-threads') trainer = await tfjsTrainer(env, 'wasm', workload, msg.peerThreads);
        else if (engine === 'tfjs-cpu') trainer = await tfjsTrainer(env, 'cpu', workload);
        else throw new Error(`unknown engine ${engine}`);
        return trainer.info;
      }
      // At least `steps` steps and at least `seconds` of training; per-step times on request.
      case 'train': return train(msg.steps ?? 1, msg.seconds ?? 0, Boolean(msg.times));
      case 'memory': return need().memory();
      case 'dispose':
        trainer?.dispose();
        trainer = null;
        return { ok: true };
      default: throw new Error(`unknown request ${msg.type}`);
    }
  };
}
