// gemm.test.js: how `npm run bench` reads tests/bench/gemm_bench.c's --json report (a share of the
// ceiling per product and per training step, malformed reports refused), and that the standalone
// wasm build runs under gemm.js's few WASI imports with the arguments it is given.
import { describe, expect, it } from 'vitest';
import { gemmBenchWasm } from '../../../web/bench/build.js';
import { parseGemmReport, runGemmBench, summarizeGemm } from '../../../web/bench/gemm.js';
import { GEMM_TARGET } from '../../../web/bench/targets.js';
import { sampleReport } from './fixtures.js';

describe('parseGemmReport', () => {
  it('reads every product, splits its name and computes its share of the ceiling', () => {
    const r = parseGemmReport(JSON.stringify(sampleReport()));
    expect(r.ceiling).toEqual({ name: '2x16', gflops: 50 });
    expect(r.products).toHaveLength(5);
    expect(r.products[0]).toMatchObject({ net: 'W1', layer: 'dense1', product: 'forward', detail: 'x[64x784] W1^T', m: 64, n: 128, k: 784, inStep: true });
    expect(r.products[0].fraction).toBeCloseTo(0.9, 12);
    expect(r.products[2]).toMatchObject({ layer: 'conv1', product: 'forward', detail: 'direct 1x28x28 -> 8', perStep: 64 });
    expect(r.products[4].inStep).toBe(false);
  });

  it.each([
    ['not JSON', 'gemm_bench (wasm-simd128): GFLOP/s', /not JSON/],
    ['no ceiling', JSON.stringify(sampleReport({ ceiling: undefined })), /ceiling/],
    ['a ceiling that is not the fastest kernel', JSON.stringify(sampleReport({ ceiling: { name: '4x8', gflops: 40 } })), /not the fastest/],
    ['no products', JSON.stringify(sampleReport({ products: [] })), /products/],
    ['an unknown net', JSON.stringify(sampleReport({ products: [{ ...sampleReport().products[0], net: 'W3' }] })), /net/],
    ['a zero rate', JSON.stringify(sampleReport({ products: [{ ...sampleReport().products[0], gflops: 0 }] })), /gflops/],
    ['a NaN size', JSON.stringify(sampleReport({ products: [{ ...sampleReport().products[0], k: null }] })), /\.k is/],
    ['in_step not 0 or 1', JSON.stringify(sampleReport({ products: [{ ...sampleReport().products[0], in_step: 2 }] })), /in_step/],
  ])('refuses %s', (_, text, message) => {
    expect(() => parseGemmReport(text)).toThrow(message);
  });
});

describe('summarizeGemm', () => {
  it('weighs each product of a step by its time: all flops over all the time', () => {
    const s = summarizeGemm(parseGemmReport(JSON.stringify(sampleReport())));
    const w1Flop = 2 * 64 * 128 * 784 + 2 * 64 * 10 * 128;
    const w1Us = (2 * 64 * 128 * 784) / 45e3 + (2 * 64 * 10 * 128) / 25e3;
    expect(s.nets.W1.gflops).toBeCloseTo((w1Flop / w1Us) * 1e-3, 9);
    expect(s.nets.W1.fraction).toBeCloseTo(s.nets.W1.gflops / 50, 12);
    expect(s.nets.W1.met).toBe(true); // 44.8 GFLOP/s of 50
    expect(s.nets.W1.below.map((p) => p.layer)).toEqual(['dense2']);
    // W2: 20.1 Mflop at 20 GFLOP/s and 80.3 Mflop at 40 -> 33.3 GFLOP/s, 67 %: missed; the im2col row is not in a step.
    expect(s.nets.W2.products).toHaveLength(2);
    expect(s.nets.W2.gflops).toBeCloseTo(100.352 / 3.0106, 2);
    expect(s.nets.W2.fraction).toBeLessThan(GEMM_TARGET);
    expect(s.nets.W2.met).toBe(false);
  });

  it('keeps only the networks asked for', () => {
    const s = summarizeGemm(parseGemmReport(JSON.stringify(sampleReport())), ['W2']);
    expect(Object.keys(s.nets)).toEqual(['W2']);
  });
});

describe('gemm_bench.wasm under gemm.js', () => {
  let bytes;
  it('is built by tests/bench/run.sh gemm-wasm and runs with the arguments given', async () => {
    const { readFileSync } = await import('node:fs');
    bytes = readFileSync(await gemmBenchWasm());
    const report = parseGemmReport(await runGemmBench(bytes, ['0', '1', '--json']));
    expect(report.simd).toBe('wasm-simd128');
    expect(report.rounds).toBe(1);
    expect(report.seconds).toBe(0);
    expect(report.products.filter((p) => p.inStep).map((p) => p.net)).toEqual(['W1', 'W1', 'W1', 'W1', 'W1', 'W2', 'W2', 'W2', 'W2', 'W2', 'W2', 'W2', 'W2']);
  }, 180_000);

  it('reports a refused argument with the program\'s exit status and message', async () => {
    await expect(runGemmBench(bytes, ['0.1', '0'])).rejects.toThrow(/exited with status 2: usage: gemm_bench/);
  });
});
