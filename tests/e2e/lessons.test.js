// lessons.test.js: the lessons of "Training, part 1" in Debian's headless Chromium. Each lesson is
// opened from its link (#lesson=ID), its experiments are run with the panel's one button, and
// what the lesson claims is read from the page: the panel's table of measured numbers, the
// overlaid loss chart and the dead-unit / activation / gradient-norm views. Long MNIST runs are
// capped (the page's lessonStepLimit, a test-only knob) at fewer steps than tests/web/lessons.test.js
// trains: the claims checked here are the ones already visible by then.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, start, waitForStatus } from './browser.js';

let env;
beforeAll(async () => {
  env = await start();
}, 60_000);
afterAll(async () => {
  await env?.close();
});

const pg = (page, expression) => page.evaluate(`(() => { const pg = document.querySelector('nn-playground'); return ${expression}; })()`);

/**
 * Opens #lesson=ID, presses "Run this lesson" (each run capped at `steps`, when given) and waits
 * until every experiment has run. Resolves {page, problems, context, results}.
 */
async function runLesson(id, { steps = Infinity, count, timeout = 120_000 } = {}) {
  const { page, problems, context } = await openPage(env.browser, `${env.server.url}#lesson=${id}&lang=en`);
  await waitForStatus(page, ['ready']);
  expect(await pg(page, 'pg.lesson.id')).toBe(id);
  if (Number.isFinite(steps)) await pg(page, `(pg.lessonStepLimit = ${steps})`);
  await page.locator('nn-lesson-panel #lesson-run').click();
  await page.waitForFunction((n) => {
    const l = document.querySelector('nn-playground').lesson;
    return !l.running && l.results.length >= n;
  }, count, { timeout, polling: 200 });
  const results = await pg(page, 'pg.lesson.results');
  return { page, problems, context, results };
}

const byId = (results) => Object.fromEntries(results.map((r) => [r.id, r]));

describe('the lesson panel', () => {
  it('lists the nine lessons in order, and a lesson link shows its text in Chinese', async () => {
    const { page, problems, context } = await openPage(env.browser, `${env.server.url}#lesson=optimizer-race&lang=zh`);
    try {
      await waitForStatus(page, ['ready']);
      const options = await page.locator('nn-lesson-panel select option').allTextContents();
      expect(options).toHaveLength(10);
      expect(options[1]).toBe('1. 线性网络学不会异或');
      expect(options[6]).toBe('6. 优化器赛跑');
      expect(await page.locator('nn-lesson-panel #lesson-title').textContent()).toBe('优化器赛跑');
      expect(await page.locator('nn-lesson-panel #lesson-run').textContent()).toContain('运行本课');
      expect(await page.locator('nn-lesson-panel ul.experiments button').count()).toBe(6);
      // The first experiment of the lesson is loaded; the link keeps the lesson.
      expect(await pg(page, 'pg.experiment.optimizer.type')).toBe('sgd');
      expect(await page.evaluate(() => location.hash)).toContain('lesson=optimizer-race');
      // Choosing another lesson loads its first experiment and rewrites the link.
      await page.locator('nn-lesson-panel select').selectOption('dying-relu');
      await page.waitForFunction(() => location.hash.includes('lesson=dying-relu'), null, { timeout: 10_000 });
      expect(await pg(page, 'pg.experiment.layers[2].type')).toBe('relu');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});

describe('each lesson from its link', () => {
  it('xor: the linear model stays near 50 % while tanh passes 90 %, both overlaid', async () => {
    const { page, problems, context, results } = await runLesson('xor', { count: 2 });
    try {
      const r = byId(results);
      expect(r['xor-linear'].testAccuracy).toBeGreaterThan(0.35);
      expect(r['xor-linear'].testAccuracy).toBeLessThan(0.65);
      expect(r['xor-tanh'].testAccuracy).toBeGreaterThan(0.9);
      const legend = await page.locator('#loss-chart').evaluate((el) => el.legendGroups().map((g) => g.label));
      expect(legend).toEqual(expect.arrayContaining(['linear (identity activation)', 'one tanh hidden layer']));
      expect(await page.locator('nn-lesson-panel [part="outcome"]').textContent()).toContain('finished: 2 runs');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 150_000);

  it('initial-loss: torch default starts at ln 10, N(0, 1) far above it, with the warning', async () => {
    const { page, problems, context, results } = await runLesson('initial-loss', { steps: 20, count: 2 });
    try {
      const r = byId(results);
      expect(Math.abs(r['initial-loss'].firstLoss - Math.log(10))).toBeLessThan(0.1);
      expect(r['initial-loss-normal1'].firstLoss).toBeGreaterThan(10);
      const warnings = await page.locator('#loss-chart').evaluate((el) => el.initWarnings.map((w) => w.label));
      expect(warnings).toEqual(['weights from N(0, 1)']);
      expect(await page.locator('#loss-chart [part="warning"]').textContent()).toContain('away from ln 10');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 150_000);

  it('zero-and-same-sign-init: all zeros stays at ln 10 with every hidden unit dead', async () => {
    const { page, problems, context, results } = await runLesson('zero-and-same-sign-init', { steps: 60, count: 3 });
    try {
      const r = byId(results);
      expect(Math.abs(r['zero-init'].testLoss - Math.log(10))).toBeLessThan(0.02);
      expect(r['zero-init'].deadPerLayer).toEqual([1, 1]);
      expect(r['default-init'].deadFraction).toBeLessThan(0.2);
      // After 60 of its 300 steps the reference is well on its way (the headless test's 80 % is at 300).
      expect(r['default-init'].testAccuracy).toBeGreaterThan(r['zero-init'].testAccuracy + 0.2);
      // The dead-unit view shows the last run (the reference) with its two ReLU layers.
      expect(await page.locator('#dead-units').evaluate((el) => el.pointCount)).toBe(2);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 150_000);

  it('vanishing-gradients: deep sigmoid first/last gradient norm below 1/100, the others above 1/10', async () => {
    const { page, problems, context, results } = await runLesson('vanishing-gradients', { steps: 40, count: 5 });
    try {
      const r = byId(results);
      expect(r['deep-sigmoid'].firstGradRatio).toBeLessThan(0.01);
      expect(r['deep-sigmoid'].gradRatio).toBeLessThan(0.01);
      for (const id of ['deep-tanh', 'deep-relu', 'deep-elu', 'deep-swish']) expect(r[id].gradRatio, id).toBeGreaterThan(0.1);
      // The norm chart has one line per weight tensor (7) with data.
      expect(await page.locator('#norm-chart').evaluate((el) => el.pointCount)).toBeGreaterThan(7);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('dying-relu: many dead units at a high rate with ReLU, none with leaky ReLU', async () => {
    const { page, problems, context, results } = await runLesson('dying-relu', { steps: 150, count: 3 });
    try {
      const r = byId(results);
      expect(r['dying-relu-low-lr'].deadPerLayer[0]).toBeLessThan(0.1);
      expect(r['dying-relu-high-lr'].deadPerLayer[0]).toBeGreaterThan(0.3);
      expect(r['dying-leaky-high-lr'].deadFraction).toBe(0);
      const rows = await page.locator('#dead-units').evaluate((el) => el.values());
      expect(rows.map((x) => x.deadFraction)).toEqual([0, 0]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('optimizer-race: six curves overlaid, every adaptive method ahead of plain SGD', async () => {
    const { page, problems, context, results } = await runLesson('optimizer-race', { steps: 40, count: 6 });
    try {
      const legend = await page.locator('#loss-chart').evaluate((el) => el.legendGroups().map((g) => g.label));
      // Newest run first, as the run list orders them.
      expect(legend).toEqual(['Adam', 'RMSprop', 'Adagrad', 'SGD + Nesterov', 'SGD + momentum', 'SGD']);
      const r = byId(results);
      for (const id of ['race-adagrad', 'race-rmsprop', 'race-adam']) expect(r[id].trainLoss, id).toBeLessThan(r['race-sgd'].trainLoss);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});

describe('the slower lessons: load, train a few steps, show their views with data', () => {
  for (const [id, count] of [['init-study', 7], ['batch-norm', 7], ['architecture', 3]]) {
    it(id, async () => {
      const { page, problems, context, results } = await runLesson(id, { steps: 8, count });
      try {
        expect(results.map((x) => x.steps)).toEqual(Array(count).fill(8));
        for (const x of results) expect(Number.isFinite(x.testAccuracy), x.id).toBe(true);
        expect(await page.locator('#loss-chart').evaluate((el) => el.legendGroups().length)).toBe(count);
        expect(await page.locator('#activation-stats').evaluate((el) => el.pointCount)).toBeGreaterThan(2);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }, 150_000);
  }
});

