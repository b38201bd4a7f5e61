// soak.js: `npm run bench -- --soak`. Trains the MLP preset for 20 epochs (18 760 steps) in the
// built page (web/dist) in headless Chromium, through the page's own worker, charts, checkpoints
// and run records, and after each epoch records, with a forced garbage collection first:
//   - the worker's wasm memory (memory.buffer.byteLength) and what the core's allocator holds
//     (nn_heap_in_use), read through self.nnDiagnostics() in the worker;
//   - the worker's JS heap and array-buffer backing store (CDP Runtime.getHeapUsage, sent to the
//     worker's target);
//   - the page's JS heap and DOM node count (CDP Performance.getMetrics).
// Prints one line an epoch, then says what stayed flat after the first epoch and what grew (by its
// linear trend, and per training step). A benchmark, not a test: it fails only when something
// cannot run.

import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from '../../tests/e2e/server.js';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const EPOCHS = 20;
const STEPS_PER_EPOCH = 938; // 60 000 images in batches of 64
const LINK = `#v=1&data=mnist&layers=flatten,dense:128,relu,dense:10&loss=ce&opt=sgd&lr=0.1&momentum=0.9&init=torch_default&batch=64&epochs=${EPOCHS}&seed=1&lang=en`;
/**
 * Noise: a metric grew when its linear trend over epochs 1 to 19 adds more than this, or its peak
 * passes epoch 1 by twice this (a GC's timing, a transferred buffer not yet collected).
 */
const TOLERANCE = { wasmMemory: 0, coreHeap: 0, workerHeap: 2 ** 20, workerBuffers: 2 ** 20, pageHeap: 2 ** 20, nodes: 50 };
const LABELS = { wasmMemory: 'wasm memory', coreHeap: 'core heap', workerHeap: 'worker JS heap', workerBuffers: 'worker buffers', pageHeap: 'page JS heap', nodes: 'DOM nodes' };

/** A CDP session to the page's worker, over the browser's session (Playwright gives none for workers). */
async function workerSession(browser) {
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = await cdp.send('Target.getTargets');
  const target = targetInfos.find((t) => t.type === 'worker' && t.url.includes('/assets/worker-'));
  if (!target) throw new Error('the page has no training worker');
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
  let nextId = 1;
  const pending = new Map();
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const msg = JSON.parse(e.message);
    pending.get(msg.id)?.(msg);
    pending.delete(msg.id);
  });
  return (method, params = {}) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, (msg) => (msg.error ? reject(new Error(msg.error.message)) : resolve(msg.result)));
    cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
  });
}

const mb = (bytes) => (bytes / 2 ** 20).toFixed(2);

export async function runSoak({ log = (t) => process.stderr.write(`soak: ${t}\n`), out = process.stdout } = {}) {
  if (!existsSync(`${DIST}index.html`)) throw new Error('web/dist/index.html is missing: run ./build.sh first');
  const server = await serve(DIST, { prefix: '/soak/' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${server.url}${LINK}`);
    const status = () => page.evaluate(() => document.querySelector('nn-playground')?.status);
    await page.waitForFunction(() => document.querySelector('nn-playground')?.status === 'ready', null, { timeout: 120_000 });
    const worker = page.workers()[0];
    const workerCdp = await workerSession(browser);
    const pageCdp = await page.context().newCDPSession(page);
    await pageCdp.send('Performance.enable');

    const sample = async (epoch) => {
      await pageCdp.send('HeapProfiler.collectGarbage');
      await workerCdp('HeapProfiler.collectGarbage');
      const metrics = Object.fromEntries((await pageCdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
      const heap = await workerCdp('Runtime.getHeapUsage');
      const diag = await worker.evaluate(() => self.nnDiagnostics());
      return {
        epoch, step: diag.step,
        wasmMemory: diag.wasmMemoryBytes, coreHeap: diag.coreHeapBytes,
        workerHeap: heap.usedSize, workerBuffers: heap.backingStorageSize ?? 0,
        pageHeap: metrics.JSHeapUsedSize, nodes: metrics.Nodes,
      };
    };

    const rows = [await sample(0)];
    const header = 'epoch   step  wasm memory MB  core heap MB  worker JS heap MB  worker buffers MB  page JS heap MB  DOM nodes';
    out.write(`${header}\n`);
    const line = (r) => `${String(r.epoch).padStart(5)} ${String(r.step).padStart(6)} ${mb(r.wasmMemory).padStart(15)} ${mb(r.coreHeap).padStart(13)} ${mb(r.workerHeap).padStart(18)} ${mb(r.workerBuffers).padStart(18)} ${mb(r.pageHeap).padStart(16)} ${String(r.nodes).padStart(10)}`;
    out.write(`${line(rows[0])}   (before training)\n`);
    const started = performance.now();
    await page.locator('nn-run-controls button', { hasText: 'Train' }).click();
    for (let epoch = 1; epoch <= EPOCHS; epoch++) {
      // Sampled while training continues: the worker answers between slices.
      await page.waitForFunction((n) => document.querySelector('nn-playground').live.stepCount >= n, epoch * STEPS_PER_EPOCH, { timeout: 600_000, polling: 250 });
      const row = await sample(epoch);
      rows.push(row);
      out.write(`${line(row)}\n`);
    }
    await page.waitForFunction(() => document.querySelector('nn-playground').status === 'done', null, { timeout: 120_000 });
    const seconds = (performance.now() - started) / 1000;
    // Growth is judged on the samples taken while training (epochs 1 to 19); the last one comes
    // after the run ended, when the page shows its finished state.
    const during = rows.slice(1, -1);
    const first = during[0];
    const last = rows.at(-1);
    const units = { nodes: (x) => `${Math.round(x)}`, default: (x) => `${mb(x)} MB` };
    const verdicts = [];
    const grew = [];
    const flat = [];
    const stepsDuring = during.at(-1).step - first.step;
    for (const key of Object.keys(TOLERANCE)) {
      const fmt = units[key] ?? units.default;
      const values = during.map((r) => r[key]);
      const peak = Math.max(...values);
      // Least-squares slope per epoch over epochs 1..19.
      const xs = during.map((r) => r.epoch);
      const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
      const my = values.reduce((a, b) => a + b, 0) / values.length;
      const slope = xs.reduce((a, x, i) => a + (x - mx) * (values[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
      const trend = slope * (xs.at(-1) - xs[0]);
      verdicts.push(`${LABELS[key]}: ${fmt(first[key])} at epoch 1, ${fmt(values.at(-1))} at epoch ${during.at(-1).epoch}, peak ${fmt(peak)}; trend ${key === 'nodes' ? slope.toFixed(1) : `${(slope / 1024).toFixed(1)} KB`} an epoch`);
      if (trend > TOLERANCE[key] || peak - first[key] > 2 * TOLERANCE[key]) {
        grew.push(`${LABELS[key]} (${fmt(trend)} over epochs 1 to ${during.at(-1).epoch}, ${key === 'nodes' ? '' : `${Math.round(trend / stepsDuring)} bytes a step`})`);
      } else {
        flat.push(LABELS[key]);
      }
    }
    out.write(`\n${EPOCHS} epochs (${last.step} steps) in ${seconds.toFixed(0)} s, final status ${await status()}; ${errors.length} page errors\n`);
    for (const v of verdicts) out.write(`  ${v}\n`);
    out.write(`flat after the first epoch: ${flat.join(', ') || 'nothing'}\n`);
    out.write(grew.length ? `GREW after the first epoch: ${grew.join('; ')}\n` : 'nothing grew after the first epoch\n');
    if (errors.length) log(`page errors: ${errors.slice(0, 5).join(' | ')}`);
    return { rows, grew, seconds, errors };
  } finally {
    await browser.close();
    await server.close();
  }
}
