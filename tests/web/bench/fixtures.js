// fixtures.js: what the benchmark's tests share: a gemm_bench report and a whole bench result
// with round numbers, so the expected figures can be worked out by hand.

/** A report shaped like gemm_bench's, with round numbers (ceiling 50 GFLOP/s). */
export function sampleReport(changes = {}) {
  return {
    simd: 'wasm-simd128', rounds: 3, seconds: 0.1,
    kernels: [{ name: '4x8 (4 rows x 2 vectors)', gflops: 40 }, { name: '2x16', gflops: 50 }],
    ceiling: { name: '2x16', gflops: 50 },
    products: [
      // 2*64*128*784 flop at 45 GFLOP/s: 285.4 us
      { net: 'W1', what: 'dense1 forward   x[64x784] W1^T', m: 64, n: 128, k: 784, gflops: 45, per_step: 1, us_per_step: (2 * 64 * 128 * 784) / 45e3, in_step: 1 },
      { net: 'W1', what: 'dense2 forward', m: 64, n: 10, k: 128, gflops: 25, per_step: 1, us_per_step: (2 * 64 * 10 * 128) / 25e3, in_step: 1 },
      { net: 'W2', what: 'conv1 forward    direct 1x28x28 -> 8', m: 8, n: 784, k: 25, gflops: 20, per_step: 64, us_per_step: (64 * 2 * 8 * 784 * 25) / 20e3, in_step: 1 },
      { net: 'W2', what: 'conv2 dW         direct', m: 16, n: 200, k: 196, gflops: 40, per_step: 64, us_per_step: (64 * 2 * 16 * 200 * 196) / 40e3, in_step: 1 },
      { net: 'im2col', what: 'conv1 forward    W[8x25] col[25x784]', m: 8, n: 784, k: 25, gflops: 10, per_step: 64, us_per_step: 1000, in_step: 0 },
    ],
    ...changes,
  };
}

const engine = (samplesPerSec, extra = {}) => ({
  samplesPerSec, minSamplesPerSec: samplesPerSec * 0.9, maxSamplesPerSec: samplesPerSec * 1.1, stepMs: 64000 / samplesPerSec, loss: 0.1, ...extra,
});
const drift = (first, last) => ({
  steps: 938, firstMeanMs: first, lastMeanMs: last, firstMedianMs: first, lastMedianMs: last, firstP10Ms: first, lastP10Ms: last,
  change: last / first - 1, meanChange: last / first - 1,
});
const workload = (ours, peer, d, cpu) => ({
  ours: engine(ours, { drift: d }), 'tfjs-wasm': engine(peer), ...(cpu ? { 'tfjs-cpu': engine(cpu) } : {}), ratio: ours / peer, bestRatio: ours / peer,
});

/**
 * A bench result as web/cli/bench.js puts it together (GEMM reports parsed, sizes summarized):
 * Node W1 8x and W2 4.5x TF.js wasm (W2 missed), Chromium 4x and 6x; Node W2's step time grows 20 %.
 */
export function sampleResult({ gemmNode, sizes, page } = {}) {
  return {
    node: { w1: workload(32000, 4000, drift(1, 1.05), 1000), w2: workload(4500, 1000, drift(10, 12), 20) },
    chromium: { w1: workload(24000, 6000, drift(2, 1.9)), w2: workload(6000, 1000, drift(9, 9)) },
    gemm: { Node: gemmNode, Chromium: { error: 'the GEMM worker crashed' } },
    gemmNets: ['W1', 'W2'],
    sizes,
    page,
  };
}
