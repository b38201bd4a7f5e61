// browser.js: what the end-to-end tests and the screenshot script share: Debian's Chromium driven
// by playwright-core, the built page served from web/dist/ under a sub-path, and helpers that read
// the page's state through its elements' public, read-only properties.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './server.js';

export const DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const LAUNCH_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

/** Serves web/dist under a sub-path and launches Chromium: {server, browser, close()}. */
export async function start() {
  if (!existsSync(`${DIST}index.html`)) throw new Error(`${DIST}index.html is missing: run ./build.sh (or npm run build) first`);
  const server = await serve(DIST, { prefix: '/course/playground/' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  return {
    server,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Console errors, uncaught exceptions and dialogs (dismissed) of a Playwright or Puppeteer page, as
 * they happen: the array returned fills up.
 */
export function recordProblems(page) {
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  return problems;
}

/**
 * A fresh page (its own context: no cache, no storage) that records console errors, page errors,
 * dialogs, and every long task with the time training started, in window.__e2e. `scale` is the
 * device pixel ratio (2 for a phone's sharp picture).
 */
export async function openPage(browser, url, { width = 1280, height = 900, lang = 'en-US', scale = 1 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: lang, deviceScaleFactor: scale });
  const page = await context.newPage();
  const problems = recordProblems(page);
  await page.addInitScript(() => {
    const state = { longTasks: [], trainingSince: null, csp: [] };
    window.__e2e = state;
    // What the layout tests ask of the page: the element drawn at a point, through the shadow roots.
    state.hit = (x, y) => {
      let el = document.elementFromPoint(x, y);
      while (el?.shadowRoot) {
        const inner = el.shadowRoot.elementFromPoint(x, y);
        if (!inner || inner === el) break;
        el = inner;
      }
      return el;
    };
    // Whether `node` is `el` or inside it, across shadow roots.
    state.within = (node, el) => {
      for (let n = node; n; n = n.parentNode ?? n.host) if (n === el) return true;
      return false;
    };
    // Anything the Content-Security-Policy refused is a problem (reported as a console error).
    document.addEventListener('securitypolicyviolation', (e) => {
      state.csp.push(`${e.violatedDirective} ${e.blockedURI}`);
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) state.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    // Watches the status attribute the shell reflects, without touching its internals.
    const watch = () => {
      const el = document.querySelector('nn-playground');
      if (!el) return;
      new MutationObserver(() => {
        if (el.getAttribute('status') === 'training' && state.trainingSince === null) state.trainingSince = performance.now();
      }).observe(el, { attributes: true, attributeFilter: ['status'] });
    };
    document.addEventListener('DOMContentLoaded', watch);
  });
  if (url) await page.goto(url);
  return { page, context, problems };
}

// Polling every 100 ms rather than every frame: the test must not be the page's main-thread load.

/** Waits until the page's status is one of `states` (array). */
export function waitForStatus(page, states, timeout = 90_000) {
  return page.waitForFunction((s) => s.includes(document.querySelector('nn-playground')?.status), states, { timeout, polling: 100 });
}

/** Waits until at least n steps are trained. */
export function waitForSteps(page, n, timeout = 90_000) {
  return page.waitForFunction((k) => document.querySelector('nn-playground')?.live?.stepCount >= k, n, { timeout, polling: 100 });
}

export const lossHistory = (page) => page.evaluate(() => document.querySelector('nn-playground').live.lossHistory());
export const experimentOf = (page) => page.evaluate(() => document.querySelector('nn-playground').experiment);

/** Presses one of the run controls' buttons by its visible name. */
export async function press(page, name) {
  await page.locator('nn-run-controls button', { hasText: name }).click();
}

/**
 * Draws a vertical stroke down the middle of the draw pad, as a student would with the mouse.
 * Views above the pad render as they come near the screen (content-visibility), so the page can
 * still move after scrolling: the stroke waits until the pad stays put for two looks 200 ms apart.
 */
export async function strokeOnPad(page, { steps = 12, timeout = 10_000 } = {}) {
  const pad = page.locator('nn-draw-pad canvas.pad');
  await pad.scrollIntoViewIfNeeded();
  let box = await pad.boundingBox();
  for (const until = Date.now() + timeout; ;) {
    await page.waitForTimeout(200);
    const next = await pad.boundingBox();
    if (JSON.stringify(next) === JSON.stringify(box)) break;
    if (Date.now() > until) throw new Error(`the draw pad kept moving for ${timeout} ms`);
    box = next;
  }
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.8, { steps });
  await page.mouse.up();
}

/**
 * Presses Pause if the run still trains. A short run (the default experiment's one epoch takes
 * about 1.3 s at 750 steps/s) may end before a click could land, and Playwright's click would then
 * wait for a disabled button: the check and the click are one task of the page, so nothing can
 * finish between them. Resolves to whether it pressed.
 */
export function pauseIfTraining(page) {
  return page.evaluate(() => {
    const controls = document.querySelector('nn-playground').shadowRoot.querySelector('nn-run-controls');
    const pause = controls.shadowRoot.querySelector('button[data-action="pause"]');
    if (pause.disabled) return false;
    pause.click();
    return true;
  });
}

/**
 * Opens the drawer with the layer editor and the settings as a student does: "Edit model" on a
 * laptop or a tablet, the Model tab on a phone. Resolves once the editor is on screen.
 */
export async function openDrawer(page) {
  if (!(await page.locator('nn-playground aside#drawer').isVisible())) {
    const tab = page.getByRole('tab', { name: 'Model' });
    if (await tab.isVisible()) await tab.click();
    else await page.locator('nn-playground .drawer-buttons button').first().click();
  }
  await page.locator('nn-playground aside#drawer').waitFor({ state: 'visible' });
}
