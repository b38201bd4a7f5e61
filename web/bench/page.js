// page.js: the parts of `npm run bench` measured in the built page (web/dist, served by
// tests/e2e/server.js as a host would serve it) in headless Chromium, the way a student meets it:
//  - first-step latency: a first visit to the bare page (the default experiment trains on its own)
//    and a second visit in the same browser profile (MNIST from Cache Storage; IndexedDB cleared
//    first, so the page does not offer to resume the first visit's run). Times come from the
//    training worker's performance marks (web/src/engine/worker.js): from MNIST in memory to the
//    first training step done, with the parts between;
//  - the cost of the live charts: the default experiment (100 epochs, so it never ends while
//    measured) trained with the "Live charts" switch on and off in alternating windows, the order
//    flipping every round; samples/s = steps counted by the page x 64 over the page's clock, and
//    the share of each window the page's main thread spent in tasks (CDP's TaskDuration), which
//    tells drawing apart from the worker's own cost.
// A benchmark, not a test: it fails only when something cannot run.

import { chromium } from 'playwright-core';
import { serve } from '../../tests/e2e/server.js';
import { median } from './plan.js';
import { CHARTS_COST_TARGET } from './targets.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const VIEWPORT = { width: 1280, height: 900 };
const BATCH_SIZE = 64; // the default experiment's
/** The page waits this long in 'ready' before we press Train ourselves (it autostarts in 0.4 s). */
const AUTOSTART_GRACE_MS = 3000;

export const SETTINGS = Object.freeze({
  full: { warmupSeconds: 3, rounds: 6, seconds: 5, settleSeconds: 1 },
  quick: { warmupSeconds: 1, rounds: 1, seconds: 1.5, settleSeconds: 0.5 },
});

const MARKS = ['nn:core-start', 'nn:core-ready', 'nn:mnist-in-memory', 'nn:network-built', 'nn:train', 'nn:first-step'];

/**
 * The moments of one page load, in ms after the page's navigation started, from the worker's
 * marks: {pageOrigin, workerOrigin} are the two performance.timeOrigin values (ms since the epoch),
 * marks [{name, at (ms after workerOrigin), detail}]; the first of each name counts. Returns
 * {at: {name: ms}, latencyMs (first step done - MNIST in memory), parts: {build, wait, step},
 * wasmMs, mnistMs, firstStepMs} or throws when a mark is missing.
 */
export function firstStepTimes({ pageOrigin, workerOrigin, marks }) {
  const at = {};
  for (const m of marks) if (MARKS.includes(m.name) && !(m.name in at)) at[m.name] = workerOrigin + m.at - pageOrigin;
  const missing = MARKS.filter((name) => !(name in at));
  if (missing.length) throw new Error(`the page's worker did not mark ${missing.join(', ')}`);
  const order = MARKS.map((name) => at[name]);
  if (order.some((t, i) => i > 0 && t < order[i - 1])) throw new Error(`the page's marks are out of order: ${MARKS.map((n) => `${n} ${at[n].toFixed(1)}`).join(', ')}`);
  const firstStep = marks.find((m) => m.name === 'nn:first-step');
  return {
    at,
    latencyMs: at['nn:first-step'] - at['nn:mnist-in-memory'],
    parts: {
      build: at['nn:network-built'] - at['nn:mnist-in-memory'],
      wait: at['nn:train'] - at['nn:network-built'],
      step: at['nn:first-step'] - at['nn:train'],
    },
    wasmMs: at['nn:core-ready'] - at['nn:core-start'],
    mnistMs: at['nn:mnist-in-memory'] - at['nn:core-ready'],
    firstStepMs: firstStep?.detail?.ms ?? null,
  };
}

/**
 * rounds: [{on, off}] samples/s of each round's two windows. cost = the median round's
 * off / on - 1: how much longer training takes with the charts on, as a fraction of the time it
 * takes with them off (each round's two windows are neighbours in time, so share the machine's
 * load). Returns {onSamplesPerSec, offSamplesPerSec (medians), cost, costs (per round), met}.
 */
export function chartsCost(rounds) {
  if (!rounds.length || rounds.some((r) => !(r.on > 0 && r.off > 0))) throw new Error('charts cost: every round needs two positive rates');
  const costs = rounds.map((r) => r.off / r.on - 1);
  const cost = median(costs);
  return {
    onSamplesPerSec: median(rounds.map((r) => r.on)), offSamplesPerSec: median(rounds.map((r) => r.off)),
    cost, costs, met: cost < CHARTS_COST_TARGET,
  };
}

const playground = (page, expression) => page.evaluate(`(() => { const pg = document.querySelector('nn-playground'); return ${expression}; })()`);

/** The training worker of a page (its script is web/src/engine/worker.js, built as assets/worker-*.js). */
async function trainingWorker(page, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const worker = page.workers().find((w) => /\/assets\/worker-[^/]*\.js/.test(w.url()));
    if (worker) return worker;
    if (Date.now() > deadline) throw new Error('the page started no training worker');
    await page.waitForTimeout(50);
  }
}

const readMarks = (worker) => worker.evaluate(() => ({
  workerOrigin: performance.timeOrigin,
  marks: performance.getEntriesByType('mark').filter((m) => m.name.startsWith('nn:')).map((m) => ({ name: m.name, at: m.startTime, detail: m.detail })),
}));

/** One visit: opens the bare page, waits for the first step, returns its times and how training started. */
async function visit(context, url, server, log) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  try {
    const before = server.requests.length;
    await page.goto(url);
    const worker = await trainingWorker(page);
    let pressed = false;
    let readySince = null;
    const deadline = Date.now() + 180_000;
    for (;;) {
      const { marks } = await readMarks(worker);
      if (marks.some((m) => m.name === 'nn:first-step')) break;
      const status = await playground(page, 'pg?.status');
      if (status === 'failed' || status === 'invalid') throw new Error(`the page's status is ${status}`);
      if (status === 'ready' && !pressed) {
        readySince ??= Date.now();
        // The default experiment should train on its own; if it does not (a resume offer, a
        // changed default), press Train and say so.
        if (Date.now() - readySince > AUTOSTART_GRACE_MS) {
          await page.locator('nn-run-controls button', { hasText: 'Train' }).click();
          pressed = true;
        }
      } else {
        readySince = null;
      }
      if (Date.now() > deadline) throw new Error('no training step within 180 s');
      await page.waitForTimeout(50);
    }
    const { workerOrigin, marks } = await readMarks(worker);
    const pageOrigin = await page.evaluate(() => performance.timeOrigin);
    const times = firstStepTimes({ pageOrigin, workerOrigin, marks });
    const dataRequests = server.requests.slice(before).filter((p) => p.includes('/data/')).length;
    if (errors.length) log(`page errors: ${errors.slice(0, 3).join(' | ')}`);
    return { ...times, autostart: !pressed, dataRequests, errors: errors.length };
  } finally {
    await page.close();
  }
}

/** First visit, then a second one in the same profile (Cache Storage kept, IndexedDB cleared). */
async function firstStep(browser, server, log) {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' });
  try {
    const url = `${server.url}`;
    log('page: first visit (MNIST over the network from the local server)');
    const first = await visit(context, url, server, log);
    // A same-origin page that is not the playground deletes the page's IndexedDB databases.
    const cleaner = await context.newPage();
    await cleaner.goto(`${server.url}not-the-page`);
    const deleted = await cleaner.evaluate(async () => {
      const names = (await indexedDB.databases()).map((d) => d.name);
      await Promise.all(names.map((name) => new Promise((resolve, reject) => {
        const req = indexedDB.deleteDatabase(name);
        req.onsuccess = resolve;
        req.onerror = () => reject(req.error);
        req.onblocked = resolve;
      })));
      return names;
    });
    await cleaner.close();
    log(`page: deleted the IndexedDB databases ${deleted.join(', ') || '(none)'}`);
    log('page: second visit (MNIST from Cache Storage)');
    const second = await visit(context, url, server, log);
    return { first, second };
  } finally {
    await context.close();
  }
}

/** The views of the page on screen or within the 200 px the page's IntersectionObserver adds. */
const viewsOnScreen = (page) => page.evaluate(() => {
  const root = document.querySelector('nn-playground').shadowRoot;
  return [...root.querySelectorAll('[data-view]')].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > -200 && r.top < innerHeight + 200 && r.width > 0;
  }).map((el) => el.dataset.view);
});

/** Trains the default experiment and alternates the "Live charts" switch; see chartsCost. */
async function chartsOnOff(browser, server, settings, log, pageThreads) {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' });
  const page = await context.newPage();
  // The Settings' thread count, as a student would have kept it (else the page's default).
  if (pageThreads) await page.addInitScript((n) => localStorage.setItem('nn-playground-threads', String(n)), pageThreads);
  try {
    // The longest run a link may ask for: the 12 windows and their settling (some 80 s) took the
    // MLP past 100 epochs (93,800 steps) on 2 threads, and the run ended mid-measurement.
    await page.goto(`${server.url}#v=1&epochs=1000`);
    await page.waitForFunction(() => document.querySelector('nn-playground')?.status === 'ready', null, { timeout: 180_000, polling: 100 });
    const views = await viewsOnScreen(page);
    const toggle = page.locator('nn-playground #live-charts');
    if (!(await toggle.count())) throw new Error('the page has no "Live charts" switch (#live-charts)');
    await page.locator('nn-run-controls button', { hasText: 'Train' }).click();
    await page.waitForTimeout(settings.warmupSeconds * 1000);
    const sample = () => playground(page, '[performance.now(), pg.live.stepCount, pg.status]');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
    const setCharts = async (on) => {
      if ((await toggle.isChecked()) !== on) await toggle.click();
      if ((await toggle.isChecked()) !== on) throw new Error('the "Live charts" switch did not change');
    };
    const rounds = [];
    for (let r = 0; r < settings.rounds; r++) {
      const round = {};
      for (const on of r % 2 === 0 ? [true, false] : [false, true]) {
        await setCharts(on);
        await page.waitForTimeout(settings.settleSeconds * 1000); // turned on: the catch-up frame is not counted
        const busy0 = await taskSeconds();
        const [t0, s0] = await sample();
        await page.waitForTimeout(settings.seconds * 1000);
        const [t1, s1, status] = await sample();
        const busy1 = await taskSeconds();
        if (status !== 'training') throw new Error(`training stopped while measuring (status ${status})`);
        const key = on ? 'on' : 'off';
        round[key] = ((s1 - s0) * BATCH_SIZE * 1000) / (t1 - t0);
        round[`${key}MainBusy`] = ((busy1 - busy0) * 1000) / (t1 - t0);
        log(`page: charts round ${r + 1}/${settings.rounds} ${on ? 'on ' : 'off'}: ${Math.round(round[key])} samples/s (${s1 - s0} steps), `
          + `main thread busy ${(100 * round[`${key}MainBusy`]).toFixed(0)} %`);
      }
      rounds.push(round);
    }
    await setCharts(true);
    const mainBusy = { on: median(rounds.map((x) => x.onMainBusy)), off: median(rounds.map((x) => x.offMainBusy)) };
    const threads = await playground(page, 'pg.training.threads.running');
    return { ...chartsCost(rounds), mainBusy, rounds, views, viewport: VIEWPORT, threads };
  } finally {
    await context.close();
  }
}

/**
 * Runs both measurements on the built page in `distDir`. parts: {firstStep, charts} booleans;
 * threads: the page's thread count for the charts (0: its default, min(cores, 8); it is served
 * cross-origin isolated). Returns {firstStep?: {first, second}, charts?: {...}, chromium:
 * version}; a part that could not run has {error} instead.
 */
export async function runPageBench({ distDir, quick = false, parts = { firstStep: true, charts: true }, threads = 0, log = () => {} }) {
  const settings = quick ? SETTINGS.quick : SETTINGS.full;
  const server = await serve(distDir, { prefix: '/playground/' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  const out = { chromium: browser.version() };
  try {
    if (parts.firstStep) {
      try {
        out.firstStep = await firstStep(browser, server, log);
      } catch (err) {
        out.firstStep = { error: err.message };
        log(`page: first-step latency not measured: ${err.message}`);
      }
    }
    if (parts.charts) {
      try {
        out.charts = await chartsOnOff(browser, server, settings, log, threads);
      } catch (err) {
        out.charts = { error: err.message };
        log(`page: charts cost not measured: ${err.message}`);
      }
    }
    return out;
  } finally {
    await browser.close();
    await server.close();
  }
}
