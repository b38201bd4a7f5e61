// gemm.js: the GEMM part of `npm run bench`, for Node and for a browser worker alike. It runs
// tests/bench/gemm_bench.c built as a standalone wasm module (`bash tests/bench/run.sh gemm-wasm`)
// with `--json`, reads its report, and works out each product's share of the ceiling (the fastest
// register-blocked micro-kernel, measured in the same run) and the share of all the products of
// one training step of W1 and of W2, against the target of 70 %.
//
//   const text = await runGemmBench(wasmBytesOrModule, ['0.1', '3', '--json']);
//   const report = parseGemmReport(text);        // throws on anything malformed
//   const summary = summarizeGemm(report);       // {ceiling, nets: {W1: {...}, W2: {...}}}

import { GEMM_TARGET } from './targets.js';

/** Ends the run when the module calls exit() (WASI's proc_exit). */
class ProcExit {
  constructor(code) {
    this.code = code;
  }
}

/**
 * Runs gemm_bench with `args` (strings) and resolves to what it printed on stdout. `source` is
 * its bytes or a compiled WebAssembly.Module. The imports are the few WASI calls the standalone
 * build makes: arguments, writes to stdout/stderr (close and seek do nothing), the monotonic clock (performance.now(), the
 * clock emscripten would use), exit. Blocks the calling thread while it measures.
 */
export async function runGemmBench(source, args = []) {
  const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source);
  const argv = ['gemm_bench', ...args.map(String)].map((a) => new TextEncoder().encode(`${a}\0`));
  const out = { 1: '', 2: '' };
  const utf8 = new TextDecoder('utf-8');
  let memory = null;
  const view = () => new DataView(memory.buffer);
  const known = {
    env: { emscripten_notify_memory_growth: () => {} },
    wasi_snapshot_preview1: {
      args_sizes_get(countPtr, sizePtr) {
        view().setUint32(countPtr, argv.length, true);
        view().setUint32(sizePtr, argv.reduce((a, b) => a + b.length, 0), true);
        return 0;
      },
      args_get(argvPtr, bufPtr) {
        let at = bufPtr;
        argv.forEach((bytes, i) => {
          view().setUint32(argvPtr + 4 * i, at, true);
          new Uint8Array(memory.buffer, at, bytes.length).set(bytes);
          at += bytes.length;
        });
        return 0;
      },
      fd_write(fd, iovs, iovcnt, nwrittenPtr) {
        let written = 0;
        for (let i = 0; i < iovcnt; i++) {
          const ptr = view().getUint32(iovs + 8 * i, true);
          const len = view().getUint32(iovs + 8 * i + 4, true);
          out[fd === 2 ? 2 : 1] += utf8.decode(new Uint8Array(memory.buffer, ptr, len));
          written += len;
        }
        view().setUint32(nwrittenPtr, written, true);
        return 0;
      },
      fd_close: () => 0,
      fd_seek: () => 70, // ESPIPE: stdout and stderr are not files
      clock_time_get(_id, _precision, timePtr) {
        view().setBigUint64(timePtr, BigInt(Math.round(performance.now() * 1e6)), true);
        return 0;
      },
      proc_exit(code) {
        throw new ProcExit(code);
      },
    },
  };
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    const fn = known[imp.module]?.[imp.name];
    if (imp.kind !== 'function' || !fn) throw new Error(`gemm_bench.wasm needs ${imp.module}.${imp.name}, which this runner does not provide`);
    (imports[imp.module] ??= {})[imp.name] = fn;
  }
  const instance = await WebAssembly.instantiate(module, imports);
  memory = instance.exports.memory;
  let code = 0;
  try {
    instance.exports._start();
  } catch (err) {
    if (!(err instanceof ProcExit)) throw err;
    code = err.code;
  }
  if (code !== 0) throw new Error(`gemm_bench exited with status ${code}: ${out[2].trim()}`);
  return out[1];
}

const isCount = (x) => Number.isInteger(x) && x > 0;
const isRate = (x) => typeof x === 'number' && Number.isFinite(x) && x > 0;

/**
 * gemm_bench's --json output as {simd, rounds, seconds, ceiling: {name, gflops}, kernels,
 * products: [{net, layer, product, detail, m, n, k, gflops, perStep, usPerStep, inStep, fraction}]}
 * (fraction: of the ceiling). Throws an Error naming the first thing that is not as expected.
 */
export function parseGemmReport(text) {
  let raw;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`gemm_bench's output is not JSON (${err.message}): ${String(text).slice(0, 80)}`);
  }
  const fail = (what) => {
    throw new Error(`gemm_bench's report: ${what}`);
  };
  if (!raw || typeof raw !== 'object') fail('not an object');
  if (typeof raw.simd !== 'string') fail('no "simd"');
  if (!isCount(raw.rounds)) fail(`"rounds" is ${raw.rounds}`);
  if (!isRate(raw.ceiling?.gflops) || typeof raw.ceiling?.name !== 'string') fail('no ceiling with a positive "gflops"');
  if (!Array.isArray(raw.kernels) || !raw.kernels.length) fail('no "kernels"');
  if (!Array.isArray(raw.products) || !raw.products.length) fail('no "products"');
  const best = Math.max(...raw.kernels.map((k) => k.gflops));
  if (Math.abs(best - raw.ceiling.gflops) > 1e-3 * best) fail(`the ceiling ${raw.ceiling.gflops} is not the fastest kernel (${best})`);
  const products = raw.products.map((p, i) => {
    const where = `products[${i}]`;
    if (!['W1', 'W2', 'im2col'].includes(p.net)) fail(`${where}.net is ${JSON.stringify(p.net)}`);
    if (typeof p.what !== 'string' || !p.what.trim()) fail(`${where}.what is missing`);
    for (const key of ['m', 'n', 'k', 'per_step']) if (!isCount(p[key])) fail(`${where}.${key} is ${p[key]}`);
    if (!isRate(p.gflops)) fail(`${where}.gflops is ${p.gflops}`);
    if (!isRate(p.us_per_step)) fail(`${where}.us_per_step is ${p.us_per_step}`);
    if (p.in_step !== 0 && p.in_step !== 1) fail(`${where}.in_step is ${p.in_step}`);
    // "dense1 forward   x[64x784] W1^T": the layer, which product, what it multiplies.
    const [layer, product = '', ...detail] = p.what.trim().split(/\s+/);
    return {
      net: p.net, layer, product, detail: detail.join(' '), m: p.m, n: p.n, k: p.k,
      gflops: p.gflops, perStep: p.per_step, usPerStep: p.us_per_step, inStep: p.in_step === 1,
      fraction: p.gflops / raw.ceiling.gflops,
    };
  });
  return {
    simd: raw.simd, rounds: raw.rounds, seconds: raw.seconds,
    ceiling: { name: raw.ceiling.name, gflops: raw.ceiling.gflops },
    kernels: raw.kernels.map((k) => ({ name: k.name, gflops: k.gflops })),
    products,
  };
}

/**
 * Per network (W1, W2): the products one training step runs (in_step), their time per step, and
 * all of them together: GFLOP/s = their flops over their time, its fraction of the ceiling, and
 * whether it reaches GEMM_TARGET; `below` lists the single products under the target.
 */
export function summarizeGemm(report, nets = ['W1', 'W2']) {
  const out = { ceiling: report.ceiling, simd: report.simd, rounds: report.rounds, nets: {} };
  for (const net of nets) {
    const products = report.products.filter((p) => p.net === net && p.inStep);
    if (!products.length) continue;
    const us = products.reduce((a, p) => a + p.usPerStep, 0);
    const flop = products.reduce((a, p) => a + 2 * p.m * p.n * p.k * p.perStep, 0);
    const gflops = (flop / us) * 1e-3;
    const fraction = gflops / report.ceiling.gflops;
    out.nets[net] = {
      products, usPerStep: us, gflops, fraction, met: fraction >= GEMM_TARGET,
      below: products.filter((p) => p.fraction < GEMM_TARGET),
    };
  }
  return out;
}
