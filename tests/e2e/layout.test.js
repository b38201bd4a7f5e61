// layout.test.js: the built page's first screen, read from the layout itself (where each element is
// drawn and what the point at its centre hits, through the shadow roots), at a laptop's 1366x768,
// a tablet's 768x1024 and a phone's 390x844: the network drawing, Train and the loss chart are on
// the first screen, uncovered; the drawer with the editor opens from a block of the drawing and
// from a hidden field's error, and Escape closes it; a finished run's Train begins it again; a
// phone switches sections with real tabs, nothing scrolls sideways and no button's label is cut;
// an open lesson's text sits beside the charts.

import { describe, expect, it } from 'vitest';
import { openDrawer, openPage, waitForStatus } from './browser.js';
import { useBrowser } from './setup.js';

const env = useBrowser();

/**
 * In the page: for each selector (a chain through shadow roots, 'a >>> b'), whether the element is
 * drawn inside the viewport, and whether the point at its centre hits it or something inside it
 * (not covered); with the page's scrollY.
 */
function onFirstScreen(selectors) {
  const find = (chain) => chain.split(' >>> ').reduce((root, sel) => (root?.shadowRoot ?? root)?.querySelector(sel), document);
  const { hit, within } = window.__e2e;
  const out = { scrollY };
  for (const sel of selectors) {
    const el = find(sel);
    if (!el) {
      out[sel] = 'missing';
      continue;
    }
    const r = el.getBoundingClientRect();
    const inside = r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
    const h = hit(r.left + r.width / 2, r.top + r.height / 2);
    out[sel] = inside && within(h, el) ? 'on screen' : `${inside ? 'covered' : 'outside'} (${[r.left, r.top, r.right, r.bottom].map(Math.round).join(',')})`;
  }
  return out;
}

const NETWORK = 'nn-playground >>> nn-network-view';
const TRAIN = 'nn-playground >>> nn-run-controls >>> button[data-action="train"]';
const LOSS = 'nn-playground >>> #loss-chart';
const ACCURACY = 'nn-playground >>> #accuracy-chart';
const HINT = 'nn-playground >>> #start-hint';
const status = (page) => page.evaluate(() => document.querySelector('nn-playground').status);

/** The element that has focus, through the shadow roots: its tag, id and its component's tag. */
const focused = (page) => page.evaluate(() => {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return { tag: el?.localName, id: el?.id, host: el?.getRootNode().host?.localName ?? '', index: el?.getRootNode().host?.index };
});

/** In the page: the scroll width and every drawn button whose label is wider than the button. */
function cutAndOverflow() {
  const cut = [];
  const tables = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.matches('button') && el.getClientRects().length && el.scrollWidth > el.clientWidth + 1) cut.push(`${el.textContent.trim()} (${el.scrollWidth} > ${el.clientWidth})`);
      if (el.matches('table') && el.getClientRects().length) {
        // A table wider than the window scrolls inside a box of its own.
        let box = el.parentNode;
        while (box && !(box instanceof Element && /auto|scroll/.test(getComputedStyle(box).overflowX))) box = box.parentNode ?? box.host;
        if (el.getBoundingClientRect().width > innerWidth || !box) tables.push({ width: Math.round(el.getBoundingClientRect().width), box: box?.className ?? null });
      }
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return { scrollWidth: document.scrollingElement.scrollWidth, innerWidth, cut, tables };
}

describe('the first screen', () => {
  it('at 1366x768: the drawing, Train, the loss and accuracy charts and the hint, unscrolled; a block opens the drawer at its row, Escape closes it; a hidden field\'s error opens it at the field; a finished run trains again', async () => {
    const { page, problems, context } = await openPage(env.browser, `${env.server.url}#lang=en`, { width: 1366, height: 768 });
    try {
      // The default experiment trains by itself, to its end.
      await waitForStatus(page, ['done']);
      const first = await page.evaluate(onFirstScreen, [NETWORK, TRAIN, LOSS, ACCURACY, HINT]);
      expect(first).toEqual({ scrollY: 0, [NETWORK]: 'on screen', [TRAIN]: 'on screen', [LOSS]: 'on screen', [ACCURACY]: 'on screen', [HINT]: 'on screen' });
      expect(await page.locator(HINT.replace(' >>> ', ' ')).innerText()).toMatch(/^Start here: press Train/);
      // The editor is in the page, in a closed drawer.
      expect(await page.locator('nn-playground aside#drawer').isVisible()).toBe(false);

      // A block of the drawing opens the drawer at that layer's row; the drawing stays on screen beside it.
      await page.locator('nn-network-view button.block').nth(2).click();
      await expect.poll(() => focused(page)).toMatchObject({ host: 'nn-layer-row', index: 2 });
      const open = await page.evaluate(onFirstScreen, ['nn-playground >>> aside#drawer', NETWORK, TRAIN]);
      expect(open[NETWORK]).toBe('on screen');
      expect(open[TRAIN]).toBe('on screen');
      const drawer = await page.locator('nn-playground aside#drawer').boundingBox();
      const network = await page.locator(NETWORK.replace(' >>> ', ' ')).boundingBox();
      expect(drawer.x + drawer.width).toBeLessThanOrEqual(network.x);
      expect(await page.locator('nn-playground .drawer-buttons button').first().getAttribute('aria-expanded')).toBe('true');
      // Escape closes it and gives focus back to the block that opened it.
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('nn-playground aside#drawer').isVisible()).toBe(false);
      expect(await focused(page)).toMatchObject({ host: 'nn-network-view', tag: 'button' });

      // A learning rate with an error, then the drawer closed: the run card says so, and its
      // button opens the drawer at the field.
      await openDrawer(page);
      const lr = page.locator('nn-settings-panel nn-num-field[data-field="optimizer.lr"] input');
      await lr.fill('-1');
      await waitForStatus(page, ['invalid']);
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('nn-playground aside#drawer').isVisible()).toBe(false);
      const fix = page.locator('nn-playground .run .fix');
      expect(await fix.innerText()).toMatch(/^Fix the highlighted field to train\./);
      expect(await page.locator('nn-run-controls button[data-action="train"]').isDisabled()).toBe(true);
      await fix.locator('button').click();
      await expect.poll(() => focused(page)).toMatchObject({ tag: 'input', host: 'nn-num-field' });
      const field = 'nn-playground >>> nn-settings-panel >>> nn-num-field[data-field="optimizer.lr"]';
      expect((await page.evaluate(onFirstScreen, [field]))[field]).toBe('on screen');
      await lr.fill('0.1');
      await expect.poll(() => status(page)).toBe('done');
      await page.keyboard.press('Escape');

      // Finished: Train is a live button that begins the same run again, from fresh weights.
      const runs = await page.evaluate(() => document.querySelector('nn-playground').history.runs.length);
      expect(await page.locator('nn-run-controls [role="status"]').innerText()).toMatch(/Press Train to run it again from fresh weights/);
      await page.locator('nn-run-controls button[data-action="train"]').click();
      await expect.poll(() => page.evaluate(() => document.querySelector('nn-playground').history.runs.length)).toBe(runs + 1);
      await waitForStatus(page, ['training', 'done']);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('at 768x1024: the drawing, Train and the loss and accuracy charts, unscrolled, and nothing scrolls sideways', async () => {
    const { page, problems, context } = await openPage(env.browser, `${env.server.url}#v=1&epochs=3&lang=en`, { width: 768, height: 1024 });
    try {
      await waitForStatus(page, ['ready', 'training']);
      const first = await page.evaluate(onFirstScreen, [NETWORK, TRAIN, LOSS, ACCURACY]);
      expect(first).toEqual({ scrollY: 0, [NETWORK]: 'on screen', [TRAIN]: 'on screen', [LOSS]: 'on screen', [ACCURACY]: 'on screen' });
      expect((await page.evaluate(cutAndOverflow)).scrollWidth).toBeLessThanOrEqual(768);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('at 390x844: Train and the loss chart above the tab bar; the tabs switch sections with a click and the arrows; nothing scrolls sideways, no label is cut, tables scroll in themselves', async () => {
    const { page, problems, context } = await openPage(env.browser, `${env.server.url}#lang=en`, { width: 390, height: 844 });
    try {
      await waitForStatus(page, ['done']);
      const tabBar = await page.locator('nn-playground [role="tablist"]').boundingBox();
      expect(tabBar.y + tabBar.height).toBeLessThanOrEqual(844);
      const first = await page.evaluate(onFirstScreen, [TRAIN, LOSS]);
      expect(first[TRAIN]).toBe('on screen');
      // Above the tab bar, which is fixed over the bottom of the window.
      const above = await page.evaluate(({ sels, inset }) => {
        const find = (chain) => chain.split(' >>> ').reduce((root, sel) => (root?.shadowRoot ?? root)?.querySelector(sel), document);
        return sels.map((s) => find(s).getBoundingClientRect().bottom <= innerHeight - inset || `${find(s).getBoundingClientRect().bottom} > ${innerHeight} - ${inset}`);
      }, { sels: [TRAIN, LOSS], inset: 844 - tabBar.y });
      expect(above).toEqual([true, true]);
      expect(first[LOSS]).toBe('on screen');
      // Real tabs: a tablist of tabs, one selected, the others out of the Tab order.
      const tabs = page.getByRole('tab');
      expect(await tabs.allInnerTexts()).toEqual(['Run', 'Model', 'Charts', 'Lesson']);
      expect(await page.getByRole('tab', { selected: true }).innerText()).toBe('Run');
      expect(await tabs.evaluateAll((els) => els.map((el) => el.tabIndex))).toEqual([0, -1, -1, -1]);
      const shown = () => page.evaluate(() => {
        const root = document.querySelector('nn-playground').shadowRoot;
        return ['network', 'model', 'controls', 'charts', 'lesson', 'runs'].filter((part) => root.querySelector(`[data-part="${part}"]`)?.getClientRects().length);
      });
      expect(await shown()).toEqual(['controls', 'charts']);
      const check = async (where) => {
        const layout = await page.evaluate(cutAndOverflow);
        expect(layout.scrollWidth, where).toBeLessThanOrEqual(390);
        expect(layout.cut, where).toEqual([]);
        expect(layout.tables, where).toEqual([]);
      };
      await check('Run tab');
      // The arrow key moves to the next tab and shows its section: the drawing and the editor.
      await page.getByRole('tab', { name: 'Run' }).focus();
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => page.getByRole('tab', { selected: true }).innerText()).toBe('Model');
      expect(await focused(page)).toMatchObject({ id: 'tab-model' });
      expect(await shown()).toEqual(['network', 'model']);
      await check('Model tab');
      await page.keyboard.press('End');
      await expect.poll(() => page.getByRole('tab', { selected: true }).innerText()).toBe('Lesson');
      expect(await shown()).toEqual(['lesson']);
      await check('Lesson tab');
      await page.getByRole('tab', { name: 'Charts' }).click();
      expect(await shown()).toEqual(['runs']);
      await check('Charts tab');
      // A chart's data table scrolls inside itself too.
      await page.getByRole('tab', { name: 'Run' }).click();
      await page.locator('#loss-chart button', { hasText: 'Table' }).click();
      await check('Run tab, the loss chart\'s table open');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('in a lesson at 1366x768: the lesson\'s text and the charts are on screen together, side by side', async () => {
    const { page, problems, context } = await openPage(env.browser, `${env.server.url}#lesson=xor&lang=en`, { width: 1366, height: 768 });
    try {
      await waitForStatus(page, ['ready']);
      // Its title and explanation, the chart its "look at" names (drawn in the panel), the loss chart and Train.
      const title = 'nn-playground >>> nn-lesson-panel >>> #lesson-title';
      const text = 'nn-playground >>> nn-lesson-panel >>> #lesson-title + p';
      const evidence = 'nn-playground >>> nn-lesson-panel >>> nn-lesson-evidence';
      const first = await page.evaluate(onFirstScreen, [title, text, LOSS, TRAIN]);
      expect(first).toEqual({ scrollY: 0, [title]: 'on screen', [text]: 'on screen', [LOSS]: 'on screen', [TRAIN]: 'on screen' });
      // The evidence is taller than what is left of the window: its top 200 px are on it, uncovered, beside the text.
      const shown = await page.evaluate(([sel, beside]) => {
        const find = (chain) => chain.split(' >>> ').reduce((root, s) => (root?.shadowRoot ?? root)?.querySelector(s), document);
        const el = find(sel);
        const r = el.getBoundingClientRect();
        const { hit, within } = window.__e2e;
        return { top: r.top >= 0 && r.top + 200 <= innerHeight, uncovered: within(hit(r.left + r.width / 2, r.top + 100), el), beside: r.left >= find(beside).getBoundingClientRect().right };
      }, [evidence, text]);
      expect(shown).toEqual({ top: true, uncovered: true, beside: true });
      const lesson = await page.locator('nn-playground section.lesson').boundingBox();
      const charts = await page.locator('nn-playground [data-part="charts"]').boundingBox();
      expect(lesson.x + lesson.width).toBeLessThanOrEqual(charts.x);
      expect(lesson.width).toBeGreaterThanOrEqual(600);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
