// plan.js: the benchmark's protocol, shared by Node (web/cli/bench.js) and the Chromium page
// (web/bench/main.js). Each engine trains in its own worker and only one worker trains at a time.
// After a warm-up, the engines take turns in rounds of equal length, the order flipping every
// round, so a slow spell of a shared machine hurts both sides alike; the figure reported is the
// median round. Our core also trains a window of consecutive steps with each step timed, to see
// whether a step gets slower as training goes on (denormals, allocation, growing memory).

export const SETTINGS = Object.freeze({
  full: { warmupSteps: 20, rounds: 9, seconds: 1, minSteps: 10, driftSteps: 938, driftEpochs: 2, cpu: { warmupSteps: 3, seconds: 3, minSteps: 2 } },
  quick: { warmupSteps: 5, rounds: 2, seconds: 0.5, minSteps: 3, driftSteps: 60, driftEpochs: 1, cpu: null },
});

/** The middle value of xs (the mean of the two middle ones for an even count). */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

/** First vs last 10 % of a window of per-step times (ms). */
export function driftSummary(times) {
  const n = times.length;
  const k = Math.max(1, Math.floor(n / 10));
  const first = Array.from(times.subarray(0, k));
  const last = Array.from(times.subarray(n - k));
  return {
    steps: n,
    firstMeanMs: mean(first), lastMeanMs: mean(last),
    firstMedianMs: median(first), lastMedianMs: median(last),
    // A neighbour's load only adds time: the fastest tenth of each window is the least disturbed.
    firstP10Ms: percentile(first, 0.1), lastP10Ms: percentile(last, 0.1),
    // The medians are the figure to read on a shared machine: a mean takes every stall of a
    // neighbour's process into one of the two windows.
    change: median(last) / median(first) - 1,
    meanChange: mean(last) / mean(first) - 1,
  };
}

/**
 * Drift over `epochs` consecutive windows of `steps` per-step times: each window's driftSummary,
 * and the steadier one's (the smallest change either way) figures at the top. Time that grows with the steps of an epoch (a leak,
 * a growing copy) grows in every epoch; a neighbour that slows the machine down halfway through
 * one window (seen on a shared 2-core machine: W2's step switching between 7.7 and 11.7 ms) shows
 * in that window only. `epochs` lists all of them, so a report can show both.
 */
export function driftOverEpochs(times, steps, epochs = 1) {
  if (times.length < steps * epochs) throw new Error(`drift: ${times.length} step times for ${epochs} window(s) of ${steps}`);
  const all = Array.from({ length: epochs }, (_, e) => driftSummary(times.subarray(e * steps, (e + 1) * steps)));
  const steadiest = all.reduce((best, d) => (Math.abs(d.change) < Math.abs(best.change) ? d : best));
  return { ...steadiest, window: all.indexOf(steadiest), epochs: all };
}

function summarize(rounds) {
  const rates = rounds.map((r) => (r.samples / r.ms) * 1000);
  const out = {
    samplesPerSec: median(rates), minSamplesPerSec: Math.min(...rates), maxSamplesPerSec: Math.max(...rates),
    stepMs: median(rounds.map((r) => r.ms / r.steps)),
    steps: rounds.reduce((a, r) => a + r.steps, 0),
    seconds: rounds.reduce((a, r) => a + r.ms, 0) / 1000,
    loss: rounds.at(-1).loss,
    rounds: rounds.map(({ steps, samples, ms, wallMs }) => ({ steps, samples, ms, ...(wallMs ? { wallMs } : {}) })),
  };
  // The page's worker also reports wall-clock time, which includes its stats and evaluations.
  if (rounds.every((r) => r.wallMs)) out.endToEndSamplesPerSec = median(rounds.map((r) => (r.samples / r.wallMs) * 1000));
  return out;
}

/**
 * `copies` workers of our one-thread core as one engine: each call goes to all of them at once, so
 * in 'train' they train side by side, sharing nothing. Their rates add up to what this machine
 * gives that many independent jobs of the workload at that moment: the most our threads could gain
 * on it, measured in the same rounds as they are (a core slowed by a neighbour, or two cores that
 * slow each other down when both compute, caps both alike).
 */
function spawnApart(spawn, copies) {
  const workers = Array.from({ length: copies }, () => spawn('ours'));
  return {
    call: async (type, fields = {}) => {
      const answers = await Promise.all(workers.map((w) => w.call(type, type === 'init' ? { ...fields, engine: 'ours' } : fields)));
      if (type !== 'train') return answers[0];
      // Each copy's own rate, added: the copies overlap in time but need not start at one instant.
      const samplesPerMs = answers.reduce((a, r) => a + r.samples / r.ms, 0);
      const samples = answers.reduce((a, r) => a + r.samples, 0);
      return { steps: answers.reduce((a, r) => a + r.steps, 0), samples, ms: samples / samplesPerMs, loss: answers[0].loss };
    },
    terminate: () => workers.forEach((w) => w.terminate()),
  };
}

/**
 * Runs the plan. spawn(engine) -> {call(type, fields) -> Promise, terminate()}; experiments:
 * {w1, w2} parsed experiment objects; log(text) reports progress. Returns {w1?, w2?} with per
 * engine results, the ratio ours / TF.js wasm and our step-time drift. threads > 1 adds our core
 * on that many threads, and as many copies of our one-thread core training side by side (the
 * machine's own ceiling for that gain, apartRatio); peerThreads > 1 adds TF.js's threaded wasm
 * build on that many, and then TF.js at its best thread count (the faster of one and peerThreads)
 * is compared with ours.
 */
export async function runPlan({ spawn, experiments, workloads, settings, cpu = Boolean(settings.cpu), threads = 1, peerThreads = 0, log = () => {} }) {
  const results = {};
  // 'ours-threads': our core on `threads` threads (the threaded build); 'tfjs-wasm-threads':
  // TF.js's threaded SIMD build on `peerThreads` threads; both in the same rounds.
  // 'ours-apart': `threads` copies of our one-thread core side by side (spawnApart).
  const timed = ['ours', ...(threads > 1 ? ['ours-threads', 'ours-apart'] : []), 'tfjs-wasm', ...(peerThreads > 1 ? ['tfjs-wasm-threads'] : [])];
  for (const workload of workloads) {
    const engines = [...timed, ...(cpu && settings.cpu ? ['tfjs-cpu'] : [])];
    const workers = Object.fromEntries(engines.map((e) => [e, e === 'ours-apart' ? spawnApart(spawn, threads) : spawn(e)]));
    try {
      log(`${workload}: loading MNIST and building the networks`);
      const info = {};
      for (const e of engines) info[e] = await workers[e].call('init', { engine: e, workload, experiment: experiments[workload], threads, peerThreads });

      const train = (e, fields) => workers[e].call('train', fields);
      for (const e of timed) {
        const w = await train(e, { steps: settings.warmupSteps });
        log(`${workload}: ${e} warm-up, ${w.steps} steps in ${w.ms.toFixed(0)} ms`);
      }

      const peerMemoryAfterWarmup = await workers['tfjs-wasm'].call('memory');
      const epochs = settings.driftEpochs ?? 1;
      const drift = await train('ours', { steps: settings.driftSteps * epochs, times: true });
      const driftResult = driftOverEpochs(drift.times, settings.driftSteps, epochs);
      log(`${workload}: ours, ${driftResult.steps} timed steps: ${driftResult.firstMeanMs.toFixed(2)} -> ${driftResult.lastMeanMs.toFixed(2)} ms/step`);

      const rounds = Object.fromEntries(timed.map((e) => [e, []]));
      for (let r = 0; r < settings.rounds; r++) {
        const order = r % 2 === 0 ? timed : [...timed].reverse();
        for (const e of order) {
          const got = await train(e, { steps: settings.minSteps, seconds: settings.seconds });
          rounds[e].push(got);
          log(`${workload}: round ${r + 1}/${settings.rounds} ${e}: ${Math.round((got.samples / got.ms) * 1000)} samples/s (${got.steps} steps)`);
        }
      }
      const result = {
        ours: { ...summarize(rounds.ours), info: info.ours, drift: driftResult },
        'tfjs-wasm': {
          ...summarize(rounds['tfjs-wasm']), info: info['tfjs-wasm'],
          // Tensors alive after the warm-up and at the end: a growing count would be a leak in our harness.
          memory: { afterWarmup: peerMemoryAfterWarmup, atEnd: await workers['tfjs-wasm'].call('memory') },
        },
      };
      if (rounds['ours-threads']) {
        result['ours-threads'] = { ...summarize(rounds['ours-threads']), info: info['ours-threads'], threads };
        result.threadRatio = result['ours-threads'].samplesPerSec / result.ours.samplesPerSec;
        result.threadsVsPeer = result['ours-threads'].samplesPerSec / result['tfjs-wasm'].samplesPerSec;
        result['ours-apart'] = { ...summarize(rounds['ours-apart']), copies: threads };
        result.apartRatio = result['ours-apart'].samplesPerSec / result.ours.samplesPerSec;
      }
      if (rounds['tfjs-wasm-threads']) {
        // threads: what TF.js reports it runs (getThreadsCount), which may be fewer than asked.
        const ran = info['tfjs-wasm-threads']?.threads ?? peerThreads;
        result['tfjs-wasm-threads'] = { ...summarize(rounds['tfjs-wasm-threads']), info: info['tfjs-wasm-threads'], threads: peerThreads, ran };
        const threaded = result['tfjs-wasm-threads'].samplesPerSec > result['tfjs-wasm'].samplesPerSec;
        result.peerBest = threaded
          ? { engine: 'tfjs-wasm-threads', threads: ran, samplesPerSec: result['tfjs-wasm-threads'].samplesPerSec }
          : { engine: 'tfjs-wasm', threads: 1, samplesPerSec: result['tfjs-wasm'].samplesPerSec };
        if (result['ours-threads']) result.threadsVsPeerBest = result['ours-threads'].samplesPerSec / result.peerBest.samplesPerSec;
      }
      result.ratio = result.ours.samplesPerSec / result['tfjs-wasm'].samplesPerSec;
      // Others' load only slows a round down, so the best rounds are each side's least disturbed.
      result.bestRatio = result.ours.maxSamplesPerSec / result['tfjs-wasm'].maxSamplesPerSec;

      if (engines.includes('tfjs-cpu')) {
        const c = settings.cpu;
        await train('tfjs-cpu', { steps: c.warmupSteps });
        const got = await train('tfjs-cpu', { steps: c.minSteps, seconds: c.seconds });
        result['tfjs-cpu'] = { ...summarize([got]), info: info['tfjs-cpu'] };
        log(`${workload}: tfjs-cpu: ${Math.round(result['tfjs-cpu'].samplesPerSec)} samples/s (${got.steps} steps)`);
      }
      results[workload] = result;
    } finally {
      for (const w of Object.values(workers)) {
        try {
          await w.call('dispose');
        } catch {
          // a worker that failed is terminated below all the same
        }
        w.terminate();
      }
    }
  }
  return results;
}
