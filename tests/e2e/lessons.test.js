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
});
