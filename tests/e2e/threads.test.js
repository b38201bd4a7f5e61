// threads.test.js: the built page in Chromium on threads. Cross-origin isolated (the server sends
// COOP/COEP), the training worker loads nn-mt.wasm and runs the count of the Settings' control on
// workers the page starts for it: the default experiment's losses and weights are then the bits of one thread and
// of the headless runner; the count changed mid-run keeps the run and its numbers. Served without
// the headers, or framed by a page that is not isolated, the page trains on one thread on nn.wasm
// and says why beside the control.

import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST, experimentOf, lossHistory, openDrawer, openPage, press, waitForStatus, waitForSteps } from './browser.js';
import { serve } from './server.js';
import { useBrowser } from './setup.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const env = useBrowser();

let dir;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'nn-threads-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The runner's losses and the SHA-256 of its weights after `steps` steps of `experiment` on `threads` threads. */
async function runner(experiment, steps, threads) {
  const file = path.join(dir, 'experiment.json');
  const weights = path.join(dir, `runner-${threads}.safetensors`);
  await writeFile(file, JSON.stringify(experiment));
  const { stdout } = await run(process.execPath, [path.join(ROOT, 'web/cli/train.js'), file, '--steps', String(steps), '--log-every', '1',
    '--threads', String(threads), '--save', weights], { cwd: ROOT, maxBuffer: 1 << 26 });
  const losses = stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => typeof l.step === 'number' && !l.final).map((l) => l.loss);
  return { losses, weights: createHash('sha256').update(await readFile(weights)).digest('hex') };
}

/** A page whose browser keeps `threads` as its count (as Settings would have kept it), or none. */
async function openWith(url, threads) {
  const opened = await openPage(env.browser);
  if (threads) await opened.page.addInitScript((n) => localStorage.setItem('nn-playground-threads', String(n)), threads);
  await opened.page.goto(url);
  return opened;
}

/** What the page shows of its threads, and what the worker answered. */
const threadsOf = (page) => page.evaluate(() => {
  const pg = document.querySelector('nn-playground');
  const control = pg.shadowRoot.querySelector('nn-threads-control').shadowRoot;
  const select = control.querySelector('select');
  return { ...pg.training.threads, isolated: crossOriginIsolated, note: control.querySelector('#threads-note').textContent.trim(), value: select.value, disabled: select.disabled };
});

/** The SHA-256 of the run's weights now (.safetensors, as Download weights gives them). */
const weightsOf = (page) => page.evaluate(async () => {
  const { weights } = await document.querySelector('nn-playground').training.client.saveWeights();
  return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', weights)), (b) => b.toString(16).padStart(2, '0')).join('');
});

/** Bits of each loss, so -0 and NaN compare as themselves. */
const bits = (losses) => Array.from(new Uint32Array(Float32Array.from(losses).buffer));

describe('threads in the page', () => {
  let one;
  it('isolated, trains the default experiment on 3 threads with the bits of one thread and of the runner', async () => {
    const three = await openWith(env.server.url, 3);
    const single = await openWith(env.server.url, 1);
    try {
      for (const { page } of [three, single]) await waitForStatus(page, ['done'], 180_000);
      const [t3, t1] = [await threadsOf(three.page), await threadsOf(single.page)];
      expect(t3).toMatchObject({ isolated: true, wanted: 3, running: 3, max: 8, reason: '', value: '3', disabled: false });
      expect(t3.note).toContain('3 threads train now.');
      expect(t1).toMatchObject({ isolated: true, wanted: 1, running: 1, max: 8, reason: '' });
      expect(t1.note).toContain('One thread trains now.');

      const losses = (await lossHistory(three.page)).loss;
      expect(losses.length).toBe(938);
      expect(bits((await lossHistory(single.page)).loss)).toEqual(bits(losses));
      const weights = await weightsOf(three.page);
      expect(await weightsOf(single.page)).toBe(weights);
      const node = await runner(await experimentOf(three.page), 938, 2);
      expect(bits(node.losses)).toEqual(bits(losses));
      expect(node.weights).toBe(weights);
      one = { experiment: await experimentOf(three.page), losses };
      expect(three.problems).toEqual([]);
      expect(single.problems).toEqual([]);
    } finally {
      await three.context.close();
      await single.context.close();
    }
  }, 240_000);

  it('takes a new count from the Settings drawer between steps, keeps the run, its numbers and the count', async () => {
    const { page, context, problems } = await openWith(`${env.server.url}#epochs=2`, 1);
    try {
      await waitForStatus(page, ['ready'], 120_000);
      await press(page, 'Train');
      await openDrawer(page);
      const select = page.locator('nn-threads-control select');
      await waitForSteps(page, 100);
      await select.selectOption('4');
      await expect.poll(() => threadsOf(page).then((t) => t.running), { timeout: 20_000 }).toBe(4);
      // The worker took it while the run went on, not after it.
      expect(await page.evaluate(() => document.querySelector('nn-playground').live.stepCount)).toBeLessThan(2 * 938);
      await waitForSteps(page, 1200, 120_000);
      await select.selectOption('2');
      await expect.poll(() => threadsOf(page).then((t) => t.running), { timeout: 20_000 }).toBe(2);
      await waitForStatus(page, ['done'], 180_000);
      const { loss } = await lossHistory(page);
      expect(loss.length).toBe(2 * 938);
      // One run from start to end: its first epoch is the one-epoch run's, the rest the runner's.
      expect(bits(loss.slice(0, 938))).toEqual(bits(one.losses));
      const node = await runner(await experimentOf(page), 2 * 938, 1);
      expect(bits(node.losses)).toEqual(bits(loss));
      expect(node.weights).toBe(await weightsOf(page));
      // Kept in this browser, not in the link.
      expect(await page.evaluate(() => localStorage.getItem('nn-playground-threads'))).toBe('2');
      expect(page.url()).not.toMatch(/thread/);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 300_000);

  it('served without COOP/COEP, trains on one thread on nn.wasm and says why', async () => {
    const plain = await serve(DIST, { prefix: '/course/playground/', isolated: false });
    const { page, context, problems } = await openPage(env.browser, plain.url);
    try {
      await waitForStatus(page, ['done'], 180_000);
      const t = await threadsOf(page);
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      expect(t).toMatchObject({ isolated: false, wanted: Math.min(8, cores), running: 1, max: 1, reason: 'isolation', value: '1', disabled: true });
      expect(t.note).toContain('One thread: this page is not cross-origin isolated (the host sends no COOP/COEP headers).');
      expect(bits((await lossHistory(page)).loss)).toEqual(bits(one.losses));
      // The same words in Chinese.
      await page.evaluate(() => document.querySelector('nn-playground').shadowRoot.querySelector('nn-app-header')
        .dispatchEvent(new CustomEvent('language-change', { detail: { lang: 'zh' } })));
      await expect.poll(() => threadsOf(page).then((x) => x.note)).toContain('只用一个线程：此页面没有跨源隔离');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
      await plain.close();
    }
  }, 240_000);

  it('framed by a course page that is not isolated, trains on one thread and says so', async () => {
    // The course's site: another origin, no COOP/COEP, a page that frames the playground.
    const site = path.join(dir, 'course');
    await mkdir(site, { recursive: true });
    await writeFile(path.join(site, 'index.html'), `<!doctype html><title>Course</title><link rel="icon" href="data:,"><iframe src="${env.server.url}#lang=en" width="1200" height="800"></iframe>`);
    const course = await serve(site, { isolated: false });
    const { page, context, problems } = await openPage(env.browser, course.url);
    try {
      const framed = () => page.frames().find((f) => f.url().startsWith(env.server.url));
      await expect.poll(() => Boolean(framed()), { timeout: 30_000 }).toBe(true);
      const frame = framed();
      await frame.waitForFunction(() => document.querySelector('nn-playground')?.status === 'ready', null, { timeout: 120_000, polling: 100 });
      const t = await threadsOf(frame);
      expect(t).toMatchObject({ isolated: false, running: 1, reason: 'isolation', disabled: true });
      expect(t.note).toContain('One thread: this page is inside another page\'s frame that is not cross-origin isolated.');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
      await course.close();
    }
  }, 180_000);
});
