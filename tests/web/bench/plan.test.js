// plan.test.js: the step-time drift of `npm run bench`: first vs last tenth of an epoch, and over
// two epochs the steadier one, so a machine that slows down once does not read as a leak while
// time that grows with every epoch's steps still does; the plan's rounds with our threads and
// TF.js's, TF.js at its best thread count, and the columns and targets they make.
import { describe, expect, it } from 'vitest';
import { driftOverEpochs, driftSummary } from '../../../web/bench/plan.js';
import { formatTable, targets } from '../../../web/bench/report.js';
import { sampleResult } from './fixtures.js';

const window = (steps, at) => Float64Array.from({ length: steps }, (_, i) => at(i));

describe('the step-time drift', () => {
  it('compares the medians of the first and last tenth of a window', () => {
    const d = driftSummary(window(100, (i) => (i < 50 ? 1 : 1.5)));
    expect(d.firstMedianMs).toBe(1);
    expect(d.lastMedianMs).toBe(1.5);
    expect(d.change).toBeCloseTo(0.5, 12);
  });

  it('keeps the steadier of two epochs: a one-off slowdown is not growth', () => {
    // Epoch 1 slows down halfway (the machine), epoch 2 stays at the slow speed throughout.
    const times = new Float64Array(200);
    times.set(window(100, (i) => (i < 50 ? 7.7 : 11.7)), 0);
    times.set(window(100, () => 11.7), 100);
    const d = driftOverEpochs(times, 100, 2);
    expect(d.window).toBe(1);
    expect(d.change).toBeCloseTo(0, 12);
    expect(d.epochs.map((x) => x.change)).toEqual([expect.closeTo(11.7 / 7.7 - 1, 12), expect.closeTo(0, 12)]);
  });

  it('still finds time that grows with the steps of every epoch', () => {
    const growing = (i) => 1 + (i % 100) / 100; // 1 ms at an epoch's start, ~2 ms at its end
    const d = driftOverEpochs(window(200, growing), 100, 2);
    expect(d.change).toBeGreaterThan(0.8);
  });

  it('refuses fewer times than the windows need', () => {
    expect(() => driftOverEpochs(new Float64Array(150), 100, 2)).toThrow(/150 step times for 2 window/);
  });

  it('says in the table which epoch it kept and what the others were', () => {
    const result = sampleResult();
    const d = driftOverEpochs(window(200, (i) => (i < 50 ? 1 : 1.5)), 100, 2);
    result.node.w1.ours.drift = d;
    expect(formatTable('Node', result.node)).toContain('(the steadier of 2 consecutive epochs; all: +50.0 %, +0.0 %)');
  });
});

describe('the steadier epoch', () => {
  it('is the one that changed least either way, not the one that sped up most', () => {
    const times = new Float64Array(200);
    times.set(window(100, (i) => (i < 50 ? 1.3 : 1.1)), 0); // the machine sped up: -15 %
    times.set(window(100, () => 1.1), 100);
    expect(driftOverEpochs(times, 100, 2).window).toBe(1);
  });
});

/**
 * A plan of fake engines that train at `speed` samples/s, recording what each was asked. Copies of
 * 'ours' that train at the same time each run at `together` times their speed alone (a machine
 * whose cores slow each other down).
 */
async function planAt(speed, { threads = 2, peerThreads = 2, together = 1 } = {}) {
  const { runPlan, SETTINGS } = await import('../../../web/bench/plan.js');
  const inits = [];
  const order = [];
  let training = 0;
  const spawn = (engine) => ({
    call: async (type, fields) => {
      if (type === 'init') {
        inits.push([engine, fields.threads, fields.peerThreads]);
        return { engine };
      }
      if (type === 'train') {
        order.push(engine);
        training++;
        await new Promise((resolve) => setTimeout(resolve, 0)); // copies started together all count in
        const side = engine === 'ours' && training > 1 ? together : 1;
        await new Promise((resolve) => setTimeout(resolve, 0)); // ... until each has looked
        training--;
        const steps = fields.times ? fields.steps : Math.max(fields.steps, 2);
        const ms = (steps * 64 * 1000) / (speed[engine] * side);
        return { steps, samples: steps * 64, ms, loss: 1, ...(fields.times ? { times: new Float64Array(steps).fill(ms / steps) } : {}) };
      }
      return {};
    },
    terminate: () => {},
  });
  const settings = { ...SETTINGS.quick, rounds: 2 };
  const r = (await runPlan({ spawn, experiments: { w2: {} }, workloads: ['w2'], settings, threads, peerThreads })).w2;
  return { r, inits, order };
}

describe('runPlan with threads', () => {
  it('times the threaded core in the same rounds, the order flipping, and gives its ratios', async () => {
    const { r, inits, order } = await planAt({ ours: 1000, 'ours-threads': 1800, 'tfjs-wasm': 100 }, { peerThreads: 0, together: 0.95 });
    // ours, ours on 2 threads, 2 copies of ours side by side, TF.js
    expect(inits).toEqual([['ours', 2, 0], ['ours-threads', 2, 0], ['ours', 2, 0], ['ours', 2, 0], ['tfjs-wasm', 2, 0]]);
    // warm-ups, the drift window, then round 1 in order and round 2 reversed
    expect(order.slice(-10)).toEqual(['ours', 'ours-threads', 'ours', 'ours', 'tfjs-wasm', 'tfjs-wasm', 'ours', 'ours', 'ours-threads', 'ours']);
    expect(r.threadRatio).toBeCloseTo(1.8, 9);
    expect(r.threadsVsPeer).toBeCloseTo(18, 9);
    expect(r['ours-threads'].threads).toBe(2);
    // the copies side by side: 2 x 950/s, and what the machine gives is their sum over one alone
    expect(r['ours-apart'].samplesPerSec).toBeCloseTo(1900, 9);
    expect(r['ours-apart'].copies).toBe(2);
    expect(r.apartRatio).toBeCloseTo(1.9, 9);
    const table = formatTable('Node', { w1: { ...sampleResult().node.w1, ...r, ours: { ...r.ours, drift: sampleResult().node.w1.ours.drift } } });
    expect(table.split('\n')[0]).toContain('ours, 2 threads | 2 threads / 1 | 2 copies apart / 1 | 2 threads / TF.js');
    expect(table.split('\n')[2]).toMatch(/\| 1,800\/s\s+\| 1\.80x\s+\| 1\.90x\s+\| 18\.00x/);
    expect(table).toContain('w1: 2 copies of our one-thread core training side by side, sharing nothing, gave 1.90x one copy alone');
    expect(targets({ node: { w2: r } })).toContainEqual({ target: 'W2 on 2 threads >= 1.8x our one thread (Node)', value: '1.80x (2 copies apart: 1.90x)', met: expect.any(Boolean) });
  });

  it('measures the copies side by side: a machine whose cores slow each other down shows it', async () => {
    const { r } = await planAt({ ours: 1000, 'ours-threads': 1400, 'tfjs-wasm': 100 }, { peerThreads: 0, together: 0.7 });
    expect(r.apartRatio).toBeCloseTo(1.4, 9);
    expect(r.threadRatio).toBeCloseTo(1.4, 9);
  });
});

describe('runPlan with TF.js on threads', () => {
  it('times TF.js\'s threaded build in the same rounds and compares ours with TF.js at its best thread count', async () => {
    const { r, inits, order } = await planAt({ ours: 1000, 'ours-threads': 1900, 'tfjs-wasm': 100, 'tfjs-wasm-threads': 150 });
    expect(inits).toEqual([['ours', 2, 2], ['ours-threads', 2, 2], ['ours', 2, 2], ['ours', 2, 2], ['tfjs-wasm', 2, 2], ['tfjs-wasm-threads', 2, 2]]);
    expect(order.slice(-12)).toEqual(['ours', 'ours-threads', 'ours', 'ours', 'tfjs-wasm', 'tfjs-wasm-threads', 'tfjs-wasm-threads', 'tfjs-wasm', 'ours', 'ours', 'ours-threads', 'ours']);
    expect(r.peerBest).toEqual({ engine: 'tfjs-wasm-threads', threads: 2, samplesPerSec: 150 });
    expect(r.threadsVsPeerBest).toBeCloseTo(1900 / 150, 9);
    // TF.js slower on its threads than on one: its best is one thread.
    const slower = (await planAt({ ours: 1000, 'ours-threads': 1900, 'tfjs-wasm': 100, 'tfjs-wasm-threads': 80 })).r;
    expect(slower.peerBest).toEqual({ engine: 'tfjs-wasm', threads: 1, samplesPerSec: 100 });
    expect(slower.threadsVsPeerBest).toBeCloseTo(19, 9);
  });

  it('puts TF.js\'s threads and its best in the table, and judges the Chromium targets against its best', async () => {
    const { r } = await planAt({ ours: 1000, 'ours-threads': 1900, 'tfjs-wasm': 100, 'tfjs-wasm-threads': 150 });
    const drift = sampleResult().node.w1.ours.drift;
    const w2 = { ...r, ours: { ...r.ours, drift } };
    const lines = formatTable('Chromium', { w2 }).split('\n');
    expect(lines[0]).toContain('ours, 2 threads | 2 threads / 1 | 2 copies apart / 1 | 2 threads / TF.js | TF.js wasm, 2 threads | TF.js at its best | ours 2 threads / TF.js best');
    expect(lines[2]).toMatch(/\| 1,900\/s\s+\| 1\.90x\s+\| 2\.00x\s+\| 19\.00x\s+\| 150\/s\s+\| 150\/s \(2 threads\)\s+\| 12\.67x$/);
    const got = targets({ chromium: { w2 } });
    expect(got).toContainEqual({ target: 'W2 on 2 threads >= 1.8x our one thread (Chromium)', value: '1.90x (2 copies apart: 2.00x)', met: true });
    expect(got).toContainEqual({ target: 'W2 on 2 threads >= 10x TF.js wasm at its best thread count (Chromium)', value: '12.67x (TF.js best: 2 threads)', met: true });
    // Node has no TF.js threads: no such target there.
    expect(targets({ node: { w2 } }).some((t) => t.target.includes('best thread count'))).toBe(false);
  });
});
