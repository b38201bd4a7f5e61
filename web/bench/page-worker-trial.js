// page-worker-trial.js: our core in Chromium through the page's own training worker
// (web/src/engine/worker.js, driven by client.js), answering the calls plan.js makes of a
// benchmark worker. The worker trains in slices and pushes each slice's steps with its running
// totals of samples and training time; a timed window is train() ... pause(), counting every
// slice pushed before the pause is answered. `ms` is the worker's own training time (the steps
// alone, like the TF.js loop); `wallMs` also holds the stats, evaluations and messages the page
// gets between slices. A window with per-step times (the drift window) trains exactly `steps`
// steps: the worker is told to stop there (TRAIN's stopAt), as a homework's budget stops it.
// Engine 'ours-threads' gives the worker the threaded build (nn-mt.wasm, the bench page being
// cross-origin isolated) and asks it for `threads` threads, as the Settings' control does.

import { TrainingClient } from '../src/engine/client.js';

export function pageWorkerTrial() {
  const client = new TrainingClient();
  const origin = self.location.origin;
  let slices = null; // the STEPS pushes of the window being timed
  let onSlice = () => {};
  let totals = { samples: 0, trainMs: 0, steps: 0 };
  client.addEventListener('steps', ({ detail }) => {
    if (!slices) return;
    slices.push({ steps: detail.loss.length, samples: detail.samples, trainMs: detail.trainMs, at: performance.now(), loss: detail.loss });
    onSlice();
  });

  async function train({ steps = 1, seconds = 0, times = false }) {
    slices = [];
    const start = performance.now();
    const enough = new Promise((resolve) => {
      let seen = 0;
      onSlice = () => {
        seen += slices.at(-1).steps;
        if (seen >= steps && performance.now() - start >= seconds * 1000) resolve();
      };
    });
    await client.train(times ? totals.steps + steps : undefined);
    await enough;
    await client.pause(); // the slice in progress ends and is pushed before this is answered
    const got = slices;
    slices = null;
    onSlice = () => {};
    const last = got.at(-1);
    const result = {
      steps: got.reduce((a, s) => a + s.steps, 0),
      samples: last.samples - totals.samples,
      ms: last.trainMs - totals.trainMs,
      wallMs: last.at - start,
    };
    const losses = got.flatMap((s) => Array.from(s.loss));
    const tail = losses.slice(-20);
    result.loss = tail.reduce((a, b) => a + b, 0) / tail.length;
    if (times) {
      // Per-slice training time spread evenly over its steps (the worker times slices, not steps).
      const perStep = [];
      let before = totals.trainMs;
      for (const s of got) {
        for (let i = 0; i < s.steps; i++) perStep.push((s.trainMs - before) / s.steps);
        before = s.trainMs;
      }
      result.times = Float64Array.from(perStep);
    }
    totals = { samples: last.samples, trainMs: last.trainMs, steps: totals.steps + result.steps };
    return result;
  }

  return {
    async call(type, fields = {}) {
      switch (type) {
        case 'init': {
          const threaded = fields.engine === 'ours-threads';
          await client.init(new URL('/nn.wasm', origin), new URL('/data/', origin), threaded ? new URL('/nn-mt.wasm', origin) : undefined);
          let threads = 1;
          if (threaded) {
            const state = await client.threads(fields.threads);
            if (state.running !== fields.threads) throw new Error(`the page's worker runs ${state.running} thread(s), not ${fields.threads} (${state.reason || 'no reason given'})`);
            threads = state.running;
          }
          // Enough epochs that the run never ends while it is timed.
          const info = await client.configure({ ...fields.experiment, epochs: 1000 });
          return { params: info.params, path: 'web/src/engine/worker.js', threads };
        }
        case 'train': return train(fields);
        case 'memory': return {};
        case 'dispose': return { ok: true };
        default: throw new Error(`unknown request ${type}`);
      }
    },
    terminate: () => client.terminate(),
  };
}
