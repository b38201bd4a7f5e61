// report.test.js: the text `npm run bench` prints beyond the throughput tables: GEMM against its
// ceiling, the page's sizes, the first step, the charts' cost, the issue's summary table and the
// list of targets with met or MISSED (a part that could not run is listed as such).
import { describe, expect, it } from 'vitest';
import { parseGemmReport } from '../../../web/bench/gemm.js';
import {
  formatCharts, formatFirstStep, formatGemm, formatSizes, formatSummary, formatTargets, targets,
} from '../../../web/bench/report.js';
import { summarizeSizes } from '../../../web/bench/sizes.js';
import { sampleReport, sampleResult } from './fixtures.js';

const gemm = () => parseGemmReport(JSON.stringify(sampleReport()));
const sizes = () => summarizeSizes([
  { file: 'nn.wasm', kind: 'wasm', bytes: 136_605, gzip: 57_195 },
  { file: 'assets/index-x.js', kind: 'js', bytes: 428_183, gzip: 238_853 },
  { file: 'assets/worker-y.js', kind: 'js', bytes: 103_581, gzip: 36_538 },
]);
const visit = (latencyMs, dataRequests) => ({
  at: { 'nn:mnist-in-memory': 3000 }, latencyMs, parts: { build: 30, wait: latencyMs - 40, step: 10 }, wasmMs: 120, mnistMs: 2000,
  autostart: true, dataRequests,
});
const page = () => ({
  chromium: '156.0',
  firstStep: { first: visit(480, 4), second: visit(1200, 0) },
  charts: {
    onSamplesPerSec: 20000, offSamplesPerSec: 21000, cost: 0.05, costs: [0.05, 0.04], met: true, mainBusy: { on: 0.31, off: 0.06 },
    rounds: [{}, {}], views: ['loss', 'accuracy'], viewport: { width: 1280, height: 900 },
  },
});

describe('formatGemm', () => {
  it('prints each product of a step, its share of the ceiling and each step\'s total against 70 %', () => {
    const text = formatGemm({ Node: gemm() });
    expect(text).toContain('target: 70 % of it');
    expect(text).toMatch(/\n {4}\| ceiling \(2x16\)\s+\| 256x256x256 \| 50\.00\s+\| 100 %/);
    expect(text).toMatch(/\nW1\s+\| dense1 forward\s+\| 64x128x784\s+\| 45\.00\s+\| 90 %\s+\| 285\n/);
    // W2: 20.1 Mflop at 20 GFLOP/s and 80.3 Mflop at 40: 100.4 Mflop in 3011 us, 33.33 GFLOP/s.
    expect(text).toMatch(/\nW2\s+\| all products of one step \|\s+\| 33\.33\s+\| 67 % MISSED\s+\| 3011\n/);
    expect(text).toMatch(/\nW1\s+\| all products of one step \|\s+\| 44\.55\s+\| 89 % met/);
    expect(text).toContain('Node W1: under 70 % alone: dense2 forward 64x10x128 (50 %)');
    expect(text.match(/\n\S+\s+\| conv1 forward/g)).toHaveLength(1); // the im2col lowering's row is not part of a step
  });

  it('says when a product beat the ceiling (the ceiling was measured in a slow moment)', () => {
    const r = gemm();
    expect(formatGemm({ Node: r })).not.toContain('Above 100 %');
    r.products[0].fraction = 1.08;
    expect(formatGemm({ Node: r })).toContain('Above 100 % (Node)');
  });

  it('says where it could not run', () => {
    expect(formatGemm({ Node: gemm(), Chromium: { error: 'no worker' } })).toContain('GEMM in Chromium: not measured: no worker');
  });
});

describe('formatSizes', () => {
  it('prints KB of 1000 bytes and each total against its target', () => {
    const text = formatSizes(sizes());
    expect(text).toContain('1 KB = 1000 bytes');
    expect(text).toMatch(/web\/dist\/nn\.wasm\s+\| 136,605 \| 57\.2 KB/);
    expect(text).toMatch(/wasm total \(1 file\)\s+\| 136,605 \| 57\.2 KB\s+\| < 150\.0 KB: met/);
    expect(text).toMatch(/JS total \(2 files\)\s+\| 531,764 \| 275\.4 KB \| < 250\.0 KB: MISSED/);
  });
});

describe('formatFirstStep and formatCharts', () => {
  it('print each visit with its parts and the verdict, and the charts\' cost', () => {
    const p = page();
    const first = formatFirstStep(p.firstStep, p.chromium);
    expect(first).toMatch(/first\s+\| network \(4 requests\)\s+\| 120 ms\s+\| 2000 ms\s+\| 3000 ms/);
    expect(first).toMatch(/second\s+\| Cache Storage/);
    expect(first).toContain('480 ms (target < 1000 ms: met)');
    expect(first).toContain('1200 ms (target < 1000 ms: MISSED)');
    const charts = formatCharts(p.charts, { seconds: 5 });
    expect(charts).toContain('charts on 20,000/s, off 21,000/s');
    expect(charts).toContain('cost: +5.0 % training time with them on');
    expect(charts).toContain('target < 10 %: met');
    expect(charts).toContain('main thread was busy 31 % of the time with them on, 6 % off');
    expect(formatCharts({ ...p.charts, cost: -0.02, costs: [-0.02], met: true }, { seconds: 5 })).toContain('noise is larger than the cost');
    expect(formatCharts({ error: 'no switch' }, { seconds: 5 })).toBe('Live charts cost: not measured: no switch');
  });
});

describe('formatSummary', () => {
  it('has a row per workload, every engine where it ran, our ratios and the quoted peers marked as not run', () => {
    const text = formatSummary(sampleResult());
    const [, head, , w1, w2, note] = text.split('\n');
    expect(head).toMatch(/^workload\s+\| TF\.js wasm, Node \| TF\.js wasm, Chromium \| TF\.js cpu, Node \| TF\.js cpu, Chromium \| ours, Node \| ours, Chromium/);
    expect(w1).toMatch(/^W1 MLP 784-128-10\s+\| 4,000\/s\s+\| 6,000\/s\s+\| 1,000\/s\s+\| -\s+\| 32,000\/s\s+\| 24,000\/s\s+\| 8\.00x\s+\| 4\.00x\s+\| ~1,400\/s\s+\| ~93,000\/s$/);
    expect(w2).toMatch(/^W2 CNN.*\| 4\.50x\s+\| 6\.00x\s+\| ~100\/s\s+\| ~7,000\/s$/);
    expect(note).toContain('not measured in this run');
  });

  it('shows no quoted figure for W3, which the issue gave none for', () => {
    const r = sampleResult();
    r.node.w3 = { ...r.node.w2, ratio: 7 };
    const row = formatSummary(r).split('\n').find((l) => l.startsWith('W3'));
    expect(row).toMatch(/\| 7\.00x\s+\| -\s+\| -\s+\| -$/);
    expect(targets(r).find((t) => t.target.startsWith('W3 >='))).toEqual({ target: 'W3 >= 6x TF.js wasm (Node)', value: '7.00x', met: true });
  });
});

describe('targets', () => {
  it('judges every target that ran: ratios, GEMM, first step, sizes, drift, charts', () => {
    const list = targets(sampleResult({ gemmNode: gemm(), sizes: sizes(), page: page() }));
    const get = (re) => {
      const found = list.filter((t) => re.test(t.target));
      expect(found, String(re)).toHaveLength(1);
      return found[0];
    };
    expect(get(/^W1 >= 4x TF.js wasm \(Node\)/)).toMatchObject({ value: '8.00x', met: true });
    expect(get(/^W2 >= 5x TF.js wasm \(Node\)/)).toMatchObject({ value: '4.50x', met: false });
    expect(get(/^W1 >= 4x TF.js wasm \(Chromium\)/).met).toBe(true); // exactly 4x meets "at least 4x"
    expect(get(/^W1 products .*\(Node\)/).met).toBe(true);
    expect(get(/^W2 products .*\(Node\)/)).toMatchObject({ met: false });
    expect(get(/GEMM .*\(Chromium\)/)).toMatchObject({ met: null, value: 'not measured: the GEMM worker crashed' });
    expect(get(/first visit/)).toMatchObject({ value: '480 ms', met: true });
    expect(get(/second visit/)).toMatchObject({ value: '1200 ms', met: false });
    expect(get(/page wasm/)).toMatchObject({ value: '57.2 KB', met: true });
    expect(get(/page JS/)).toMatchObject({ value: '275.4 KB', met: false });
    expect(get(/^W2 step time .*\(Node/)).toMatchObject({ met: false }); // +20 %
    expect(get(/^W1 step time .*\(Node/)).toMatchObject({ met: true }); // +5 %
    expect(get(/^W1 step time .*\(Chromium/)).toMatchObject({ met: true }); // faster at the end
    expect(get(/live charts/)).toMatchObject({ value: '+5.0 %', met: true });
  });

  it('leaves out what did not run and counts what was met', () => {
    const list = targets({ node: sampleResult().node });
    expect(list.map((t) => t.target).filter((t) => /GEMM|first step|page|charts|Chromium/.test(t))).toEqual([]);
    const text = formatTargets(list);
    expect(text.split('\n')[0]).toContain(`${list.filter((t) => t.met).length} of ${list.length} met`);
    expect(text).toMatch(/\n {2}MISSED {2}W2 >= 5x TF\.js wasm \(Node\): 4\.50x/);
  });
});
