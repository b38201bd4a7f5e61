// playground.test.js: the built page (web/dist) in Debian's headless Chromium, served under a
// sub-path: it loads without errors, trains the default experiment and the loss falls, every chart
// draws, the layer editor refuses an impossible stack with the core's reason, a copied link
// reproduces the run bit for bit (and matches the headless runner), hostile links fall back to the
// defaults with a message, the main thread has no long task while training, and the live charts
// switch rests the charts while training goes on.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_BUDGET, Session } from '../../web/src/engine/session.js';
import { freshCore, nodeMnistSource } from '../../web/src/node.js';
import { parseExperiment } from '../../web/src/experiment/validate.js';
import { decodeHash } from '../../web/src/experiment/url.js';
import { experimentOf, lossHistory, openDrawer, openPage, pauseIfTraining, press, strokeOnPad, waitForStatus, waitForSteps } from './browser.js';
import { useBrowser } from './setup.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const LONG_TASK_MS = 50;

/**
 * A long task is wall-clock time: on a machine busier than its CPUs (other builds, other tests)
 * the main thread can wait for a CPU inside one of its tasks, and a 10 ms frame reads as 80 ms.
 * So the test watches two things over a window of training: the CPU time of every main-thread
 * task, from a Chrome trace (the page's own work, whatever the machine does), and the long tasks
 * the page's PerformanceObserver reports (what a student would feel). Both must stay under 50 ms.
 * A window whose long tasks came only from waiting (their CPU time, in the trace, was short) is
 * measured again, up to three windows; the last must have none.
 */
const WINDOWS = 3;
/** Main-thread tasks of a Chrome trace: [{start (ms, trace clock), wall, cpu}]. */
function mainThreadTasks(trace) {
  const events = JSON.parse(trace.toString()).traceEvents;
  const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  return events
    .filter((e) => e.name === 'RunTask' && e.dur && main.has(`${e.pid}:${e.tid}`))
    .map((e) => ({ start: e.ts / 1000, wall: e.dur / 1000, cpu: (e.tdur ?? e.dur) / 1000 }));
}

const env = useBrowser();

const pg = (page, expression) => page.evaluate(`(() => { const pg = document.querySelector('nn-playground'); return ${expression}; })()`);

describe('the default experiment', () => {
  let page;
  let problems;
  let context;
  beforeAll(async () => {
    ({ page, problems, context } = await openPage(env.browser, env.server.url));
  }, 60_000);
  afterAll(() => context?.close());

  it('loads with no console errors and starts training on its own', async () => {
    await waitForStatus(page, ['training', 'done'], 120_000);
    expect(problems).toEqual([]);
    // The hash now names the default experiment in readable form.
    expect(decodeURIComponent(new URL(page.url()).hash)).toContain('layers=flatten,dense:128,relu,dense:10');
  }, 130_000);

  it('trains 300 steps and the loss it shows falls', async () => {
    await waitForSteps(page, 300, 120_000);
    const { loss } = await lossHistory(page);
    const speed = await page.locator('nn-run-controls').evaluate((el) => el.samplesPerSecond);
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(loss.slice(0, 20));
    const last = mean(loss.slice(280, 300));
    console.log(`e2e: ${speed} samples/s (${(speed / 64).toFixed(0)} steps/s) in the page; mean loss ${first.toFixed(3)} (steps 1-20) -> ${last.toFixed(3)} (steps 281-300)`);
    expect(first).toBeGreaterThan(1.5); // ~ ln 10 at init
    expect(last).toBeLessThan(0.6);
    // The readout shows a loss, and it is the falling one.
    const shown = Number(await page.locator('nn-run-controls [data-readout="loss"]').textContent());
    expect(shown).toBeLessThan(first);
    expect(problems).toEqual([]);
  }, 130_000);

  it('draws data in every chart', async () => {
    await pauseIfTraining(page);
    await waitForStatus(page, ['paused', 'done']);
    // Paused, every view catches up; give the canvases two frames.
    await page.waitForTimeout(600);
    const charts = ['#loss-chart', '#accuracy-chart', '#weights-chart', '#grads-chart', '#norm-chart', '#confusion', '#digits', '#filters'];
    const state = await page.evaluate((ids) => {
      const root = document.querySelector('nn-playground').shadowRoot;
      return ids.map((id) => {
        const el = root.querySelector(id);
        return { id, found: Boolean(el), drawn: el?.drawn, points: el?.pointCount };
      });
    }, charts);
    for (const s of state) {
      expect(s, s.id).toMatchObject({ found: true, drawn: true });
      expect(s.points, s.id).toBeGreaterThan(0);
    }
    // The draw pad predicts what is drawn.
    await strokeOnPad(page);
    await page.waitForFunction(() => {
      const p = document.querySelector('nn-playground').shadowRoot.querySelector('nn-draw-pad').probabilities;
      return p && p.length === 10;
    });
    expect(problems).toEqual([]);
  }, 60_000);

  it('resets to the seed\'s initial weights and steps one batch at a time', async () => {
    const { loss: before } = await lossHistory(page);
    await press(page, 'Reset');
    await waitForStatus(page, ['ready']);
    expect(await pg(page, 'pg.live.stepCount')).toBe(0);
    await press(page, 'Step');
    await expect.poll(() => pg(page, 'pg.live.stepCount')).toBe(1);
    await press(page, 'Step');
    await expect.poll(() => pg(page, 'pg.live.stepCount')).toBe(2);
    expect((await lossHistory(page)).loss).toEqual(before.slice(0, 2));
    expect(await pg(page, 'pg.status')).toBe('paused');
    expect(problems).toEqual([]);
  }, 60_000);
});

describe('the main thread while training', () => {
  it('spends under 50 ms of CPU in every task (Chrome trace) and has no long task (PerformanceObserver)', async () => {
    const { page, context, problems } = await openPage(env.browser, `${env.server.url}#v=1&epochs=5`);
    try {
      await waitForStatus(page, ['ready']);
      await page.waitForTimeout(500);
      for (let round = 1; round <= WINDOWS; round++) {
        const steps = await pg(page, 'pg.live.stepCount');
        const since = await page.evaluate(() => performance.now());
        await env.browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
        await press(page, 'Train');
        await waitForSteps(page, steps + 800);
        const trace = await env.browser.stopTracing();
        await press(page, 'Pause');
        await waitForStatus(page, ['paused']);
        const tasks = mainThreadTasks(trace);
        const worstCpu = Math.max(...tasks.map((t) => t.cpu));
        const worstWall = Math.max(...tasks.map((t) => t.wall));
        const long = (await page.evaluate(() => window.__e2e.longTasks)).filter((t) => t.start >= since);
        const observed = Math.max(0, ...long.map((t) => t.duration));
        console.log(`e2e: window ${round}: ${tasks.length} main-thread tasks while training 800 steps: the most CPU ${worstCpu.toFixed(1)} ms, `
          + `the longest wall ${worstWall.toFixed(1)} ms; ${long.length} long tasks observed, the longest ${observed.toFixed(0)} ms (load ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs)`);
        expect(tasks.length).toBeGreaterThan(50);
        expect(worstCpu).toBeLessThanOrEqual(LONG_TASK_MS);
        if (long.length === 0) break;
        // Only waiting for a CPU can make a task longer than its CPU time, and every task's CPU
        // time was under the bound (above): measure once more; the last window must be clean.
        if (round === WINDOWS) expect(observed).toBeLessThanOrEqual(LONG_TASK_MS);
      }
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});

describe('the live charts switch', () => {
  it('stops the charts and their numbers while off, training goes on, and they catch up when it is on again', async () => {
    const { page, context, problems } = await openPage(env.browser, `${env.server.url}#v=1&epochs=3`);
    try {
      await waitForStatus(page, ['ready']);
      const toggle = page.getByRole('switch', { name: 'Live charts' });
      expect(await toggle.isChecked()).toBe(true);
      await press(page, 'Train');
      await waitForSteps(page, 200);
      const link = page.url();
      await toggle.click();
      expect(await toggle.isChecked()).toBe(false);
      expect(page.url()).toBe(link); // not a setting of the run: the link stays
      await page.waitForTimeout(500); // a frame already on its way may still draw
      // What the charts drew, and the histograms the worker sent (the chart reads that array).
      const charts = () => page.evaluate(() => {
        const root = document.querySelector('nn-playground').shadowRoot;
        const chart = (id) => root.querySelector(id);
        return {
          lossPoints: chart('#loss-chart').pointCount, lossDraws: chart('#loss-chart').drawCount,
          accuracyDraws: chart('#accuracy-chart').drawCount, snapshots: chart('#weights-chart').snapshots.length,
        };
      });
      const off = await charts();
      const steps = await pg(page, 'pg.live.stepCount');
      await waitForSteps(page, steps + 500);
      expect(await pg(page, 'pg.status')).toBe('training');
      expect(await charts()).toEqual(off);
      // The steps kept coming: the loss history has every one of them.
      const history = await lossHistory(page);
      expect(history.steps.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
      expect(history.steps.length).toBe(history.steps.at(-1));
      expect(history.steps.length).toBeGreaterThanOrEqual(steps + 500);
      await toggle.click();
      expect(await toggle.isChecked()).toBe(true);
      // Back on: the loss curve draws every step trained meanwhile, and fresh histograms arrive.
      await expect.poll(async () => (await charts()).lossPoints, { timeout: 5_000 }).toBeGreaterThanOrEqual(steps + 500);
      await expect.poll(async () => (await charts()).snapshots, { timeout: 5_000 }).toBeGreaterThan(off.snapshots);
      expect((await charts()).accuracyDraws).toBeGreaterThan(off.accuracyDraws);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});

describe('the data', () => {
  it('is downloaded once: a second visit reads MNIST from the browser\'s caches', async () => {
    const { page, context, problems } = await openPage(env.browser, null);
    try {
      const before = env.server.requests.length;
      await page.goto(`${env.server.url}#v=1&lang=en&seed=3`);
      await waitForStatus(page, ['ready']);
      const first = env.server.requests.slice(before).filter((p) => p.includes('/data/'));
      expect(first.length).toBe(4);
      // The files are written to Cache Storage once they have passed the checks, not waited for.
      const cached = () => page.evaluate(async () => (await (await caches.open('nn-playground-mnist-v1')).keys()).length);
      await expect.poll(cached, { timeout: 15_000 }).toBe(4);
      const again = await context.newPage();
      const mark = env.server.requests.length;
      await again.goto(`${env.server.url}#v=1&lang=en&seed=4`);
      await waitForStatus(again, ['ready']);
      expect(env.server.requests.slice(mark).filter((p) => p.includes('/data/'))).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});

describe('the layer editor', () => {
  it('refuses an impossible stack at the layer that breaks, with the core\'s reason, before training', async () => {
    const { page, problems, context } = await openPage(env.browser, `${env.server.url}#v=1&layers=conv2d:4:kernel=3,relu,flatten,dense:10&opt=sgd&lr=0.1`);
    try {
      await waitForStatus(page, ['ready']);
      await openDrawer(page);
      const rows = page.locator('nn-layer-row');
      const row = rows.first();
      const kernel = row.locator('nn-num-field', { hasText: 'kernel' }).locator('input');
      await kernel.fill('40');
      await waitForStatus(page, ['invalid']);
      const message = await row.locator('.message[role="alert"]').textContent();
      expect(message).toMatch(/^kernel 40 is larger than its padded input 28x28/);
      await expect.poll(() => page.locator('nn-layer-editor .total').textContent()).toContain('Layer 1 cannot be built');
      expect(await page.locator('nn-run-controls button', { hasText: 'Train' }).isDisabled()).toBe(true);
      // Shapes are shown as you type: back to a kernel that fits, and the row reports its output.
      await kernel.fill('5');
      await expect.poll(() => row.locator('.shape').textContent()).toContain('4×24×24');
      await waitForStatus(page, ['ready']);
      // A dense layer straight after a convolution: the core's reason is shown at that layer.
      await rows.nth(2).locator('select#kind').selectOption('dense');
      await waitForStatus(page, ['invalid']);
      await expect.poll(() => rows.nth(2).locator('.message[role="alert"]').textContent()).toMatch(/flat/);
      await rows.nth(2).locator('select#kind').selectOption('flatten');
      await waitForStatus(page, ['ready']);
      // Alt+Down moves a row with the keyboard: relu after flatten.
      await rows.nth(1).locator('select#kind').focus();
      await page.keyboard.press('Alt+ArrowDown');
      await expect.poll(async () => (await experimentOf(page)).layers.map((l) => l.type).join(',')).toBe('conv2d,flatten,relu,dense');
      await expect.poll(() => rows.nth(2).locator('.shape').textContent()).toContain('2304');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('keeps Train disabled while a field has an error, whatever edit answers after it, and trains what is shown', async () => {
    const { page, problems, context } = await openPage(env.browser, `${env.server.url}#v=1&layers=flatten,dense:16,relu,dense:10&opt=sgd&lr=0.1`);
    try {
      await waitForStatus(page, ['ready']);
      await openDrawer(page);
      const units = page.locator('nn-layer-row').nth(1).locator('nn-num-field', { hasText: 'units' }).locator('input');
      const lr = page.locator('nn-settings-panel nn-num-field[data-field="optimizer.lr"] input');
      const train = page.locator('nn-run-controls button', { hasText: 'Train' });
      // A layer's units, and within a few ms a learning rate the schema refuses.
      await units.fill('24');
      await lr.fill('-1');
      // Well after the units' rebuild has answered, the run is still invalid and cannot train.
      await page.waitForTimeout(1500);
      expect(await pg(page, 'pg.training.status')).toBe('invalid');
      expect(await train.isDisabled()).toBe(true);
      // Fixed: the run that trains is the one on screen (24 units, lr 0.05).
      await lr.fill('0.05');
      await waitForStatus(page, ['ready']);
      expect(await pg(page, 'pg.experiment.optimizer.lr')).toBe(0.05);
      expect(await pg(page, 'pg.training.info.params')).toBe(784 * 24 + 24 + 24 * 10 + 10);
      // A step's numbers, then a change: they are marked as the run's before the change.
      const controls = page.locator('nn-run-controls');
      await press(page, 'Step');
      await expect.poll(() => pg(page, 'pg.live.stepCount')).toBe(1);
      expect(await controls.locator('[data-stale]').count()).toBe(0);
      await lr.fill('-1');
      await expect.poll(() => controls.locator('[data-stale]').count()).toBe(1);
      await lr.fill('0.05');
      await waitForStatus(page, ['paused']);
      expect(await controls.locator('[data-stale]').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('in Chinese, gives the core\'s reason in Chinese at the row that breaks, and in English after a switch', async () => {
    const { page, problems, context } = await openPage(env.browser, `${env.server.url}#v=1&layers=conv2d:4:kernel=40,relu,flatten,dense:10&opt=sgd&lr=0.1&lang=zh`);
    try {
      await waitForStatus(page, ['invalid']);
      const row = page.locator('nn-layer-row').first();
      const message = row.locator('.message[role="alert"]');
      await expect.poll(() => message.textContent()).toMatch(/^kernel 40 大于填充后的输入 28x28（输入 1x28x28，padding 0）$/);
      await expect.poll(() => page.locator('nn-layer-editor .total').textContent()).toMatch(/第 1 层无法构建：\s*kernel 40 大于填充后的输入/);
      expect(await page.locator('nn-run-controls').evaluate((el) => el.shadowRoot.textContent)).toContain('这组网络层无法构建');
      // The same error, still on screen, follows the language.
      await page.locator('.lang button', { hasText: 'English' }).click();
      await expect.poll(() => message.textContent()).toMatch(/^kernel 40 is larger than its padded input 28x28 \(input 1x28x28, padding 0\)$/);
      expect(await page.locator('nn-run-controls').evaluate((el) => el.shadowRoot.textContent)).toContain('This layer stack cannot be built');
      // A field the schema refuses, in Chinese at its field.
      await page.locator('.lang button', { hasText: '中文' }).click();
      await openDrawer(page);
      const kernel = row.locator('nn-num-field').nth(1).locator('input');
      await kernel.fill('100');
      await expect.poll(() => row.locator('nn-num-field').nth(1).locator('.error').textContent().catch(() => ''))
        .toBe('必须是 1 到 64 之间的整数，当前为 100');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});

describe('links', () => {
  it('Copy link -> a fresh page has the same settings and the same first 50 losses, bit for bit, as Node', async () => {
    const first = await openPage(env.browser, `${env.server.url}#v=1&layers=flatten,dense:64,tanh,dense:10&opt=adam&lr=0.002&batch=32&seed=7&init=xavier_normal`);
    let link;
    let experiment;
    let losses;
    try {
      await first.context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await waitForStatus(first.page, ['ready']);
      // Change a setting in the form, as a student would.
      await openDrawer(first.page);
      await first.page.locator('nn-settings-panel nn-num-field[data-field="seed"] input').fill('11');
      await expect.poll(async () => (await experimentOf(first.page)).seed).toBe(11);
      await waitForStatus(first.page, ['ready']);
      await first.page.locator('#copy-link').click();
      link = await first.page.evaluate(() => navigator.clipboard.readText());
      expect(link).toContain('seed=11');
      expect(link).toContain('/course/playground/#v=1&');
      experiment = await experimentOf(first.page);
      await press(first.page, 'Train');
      await waitForSteps(first.page, 50);
      await press(first.page, 'Pause');
      losses = (await lossHistory(first.page)).loss.slice(0, 50);
      expect(first.problems).toEqual([]);
    } finally {
      await first.context.close();
    }

    const second = await openPage(env.browser, link);
    try {
      await waitForStatus(second.page, ['ready']);
      expect(await experimentOf(second.page)).toEqual(experiment);
      await press(second.page, 'Train');
      await waitForSteps(second.page, 50);
      await press(second.page, 'Pause');
      const again = (await lossHistory(second.page)).loss.slice(0, 50);
      expect(again).toEqual(losses);
      expect(second.problems).toEqual([]);
    } finally {
      await second.context.close();
    }

    // Session in Node, on the experiment the link decodes to.
    const defaults = parseExperiment({ version: 1, data: { set: 'mnist' }, layers: [{ type: 'flatten' }, { type: 'dense', units: 10 }], loss: { type: 'cross_entropy' }, optimizer: { type: 'sgd', lr: 0.1 } });
    const decoded = decodeHash(new URL(link).hash, defaults);
    expect(decoded.ok).toBe(true);
    expect(decoded.experiment).toEqual(experiment);
    const core = await freshCore();
    const session = await Session.open(core, decoded.experiment, { mnistSource: nodeMnistSource(), memoryBudget: DEFAULT_MEMORY_BUDGET });
    const node = [];
    for (let i = 0; i < 50; i++) node.push(session.trainStep().loss);
    session.dispose();
    expect(node).toEqual(losses);

    // And the headless runner, given the same experiment as a file.
    const dir = await mkdtemp(path.join(tmpdir(), 'nn-e2e-'));
    try {
      const file = path.join(dir, 'experiment.json');
      await writeFile(file, JSON.stringify(decoded.experiment));
      const { stdout } = await run(process.execPath, [path.join(ROOT, 'web/cli/train.js'), file, '--steps', '50', '--log-every', '1'], { cwd: ROOT, maxBuffer: 1 << 24 });
      const runner = stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => typeof l.step === 'number' && !l.final).map((l) => l.loss);
      expect(runner.slice(0, 50)).toEqual(losses);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);

  const HOSTILE = {
    'script tags': '#v=1&layers=<script>alert(1)</script>',
    'markup in a key': '#<img src=x onerror=alert(1)>=1',
    'huge numbers': '#v=1&lr=1e999&batch=99999999999999999999',
    garbage: '#%E0%A4%A&&&==&&;;',
    'thousands of layers': `#v=1&layers=${'relu,'.repeat(3000)}dense:10`,
    'too long': `#v=1&seed=${'1'.repeat(5000)}`,
    'a future version': '#v=9&data=mnist',
  };
  for (const [name, hash] of Object.entries(HOSTILE)) {
    it(`shows a message and the defaults for a hostile link: ${name}`, async () => {
      const { page, problems, context } = await openPage(env.browser, `${env.server.url}${hash}`);
      try {
        await page.waitForFunction(() => document.querySelector('nn-playground')?.linkError, null, { timeout: 30_000 });
        const banner = page.locator('.banner');
        await expect.poll(() => banner.isVisible()).toBe(true);
        expect((await banner.textContent()).length).toBeGreaterThan(20);
        const e = await experimentOf(page);
        expect(e.layers.map((l) => l.type)).toEqual(['flatten', 'dense', 'relu', 'dense']);
        // Nothing from the link became markup anywhere in the page.
        const injected = await page.evaluate(() => {
          const all = [document, ...[...document.querySelectorAll('*')].map((x) => x.shadowRoot).filter(Boolean)];
          const deep = (root) => [...root.querySelectorAll('*')].flatMap((el) => (el.shadowRoot ? [el, ...deep(el.shadowRoot)] : [el]));
          return all.flatMap(deep).filter((el) => (el.tagName === 'SCRIPT' && /alert/.test(el.textContent)) || (el.tagName === 'IMG' && el.getAttribute('src') === 'x')).length;
        });
        expect(injected).toBe(0);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }, 60_000);
  }

  it('in Chinese, explains a hostile link in Chinese over the defaults, and in English after a switch', async () => {
    const { page, problems, context } = await openPage(env.browser, `${env.server.url}#lang=zh&v=1&lr=1e999&layers=dense:10:kernel=3`);
    try {
      await page.waitForFunction(() => document.querySelector('nn-playground')?.linkError, null, { timeout: 30_000 });
      const text = () => page.locator('.banner pre').textContent();
      await expect.poll(() => page.locator('.banner strong').textContent()).toBe('无法读取此链接，因此显示默认实验：');
      expect((await text()).split('\n')).toEqual([
        'layers：第 1 层（"dense:10:kernel=3"）：dense 层没有设置项 "kernel"（它的设置项是 units, bias, init, bias_init）',
        'lr：必须是有限的数，当前为 "1e999"',
      ]);
      const e = await experimentOf(page);
      expect(e.layers.map((l) => l.type)).toEqual(['flatten', 'dense', 'relu', 'dense']);
      await page.locator('.lang button', { hasText: 'English' }).click();
      await expect.poll(text).toBe(await pg(page, 'pg.linkError'));
      expect(await text()).toContain('lr: must be a finite number, got "1e999"');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('opens in Chinese from its first frame: no English is painted before the messages switch', async () => {
    const context = await env.browser.newContext({ locale: 'en-US' });
    try {
      const page = await context.newPage();
      // Before every frame is painted, what the title and the first run button say.
      await page.addInitScript(() => {
        window.__frames = [];
        const look = () => {
          const root = document.querySelector('nn-playground')?.shadowRoot;
          const title = root?.querySelector('nn-app-header')?.shadowRoot?.querySelector('h1')?.textContent;
          const button = root?.querySelector('nn-run-controls')?.shadowRoot?.querySelector('button')?.textContent.trim();
          if (title) window.__frames.push([title, button]);
          if (window.__frames.length < 5) requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
      });
      await page.goto(`${env.server.url}#v=1&lang=zh`);
      await page.waitForFunction(() => window.__frames.length >= 5, null, { timeout: 30_000 });
      const frames = await page.evaluate(() => window.__frames);
      for (const [title, button] of frames) {
        expect(title).toBe('神经网络训练实验场');
        expect(button).toContain('训练');
      }
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('keeps the language in the link and switches the whole page', async () => {
    const { page, problems, context } = await openPage(env.browser, `${env.server.url}#v=1&lang=zh`, { lang: 'en-US' });
    try {
      await expect.poll(() => page.locator('nn-playground h1').textContent()).toBe('神经网络训练实验场');
      expect(await page.locator('nn-run-controls button').first().textContent()).toContain('训练');
      await page.locator('.lang button', { hasText: 'English' }).click();
      await expect.poll(() => page.locator('nn-playground h1').textContent()).toBe('Neural network training playground');
      expect(page.url()).toContain('lang=en');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
