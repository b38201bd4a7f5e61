// network-view.test.js: the drawing of the network heads the built page. At 1366x768 it is inside
// the first screen and shows the default MLP's blocks with the shapes and parameter counts the
// core computes; while the default run trains it pictures one digit's outputs; a block opens its
// layer's row. At 390x844 it is on screen, its row of blocks scrolls inside itself, and the page
// does not scroll sideways.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshCore } from '../../web/src/node.js';
import { planExperiment } from '../../web/src/engine/session.js';
import { experimentOf, openPage, waitForStatus } from './browser.js';
import { useBrowser } from './setup.js';
import UI from '../../web/src/i18n/en/ui.js';

const env = useBrowser();

/** The drawing's blocks: accessible names and boxes. */
const blocks = (page) => page.locator('nn-network-view button.block').evaluateAll((list) => list.map((b) => {
  const r = b.getBoundingClientRect();
  return { name: b.getAttribute('aria-label'), top: r.top, bottom: r.bottom, left: r.left, right: r.right };
}));

describe('the network drawing', () => {
  let page;
  let problems;
  let context;
  beforeAll(async () => {
    ({ page, problems, context } = await openPage(env.browser, env.server.url, { width: 1366, height: 768 }));
  }, 60_000);
  afterAll(() => context?.close());

  it('at 1366x768 is inside the first screen, with the core\'s shapes and parameter counts of the default MLP', async () => {
    await waitForStatus(page, ['training', 'done'], 120_000);
    await page.locator('nn-network-view button.block').nth(3).waitFor();
    const experiment = await experimentOf(page);
    const core = await freshCore();
    const plan = planExperiment(core, experiment, { shape: [1, 28, 28], classes: 10 });
    expect(plan.ok).toBe(true);
    const expected = plan.layers.map((l, i) => {
      const params = l.params ? `${l.params.toLocaleString('en-US')} parameters` : 'no parameters';
      return `Layer ${i + 1} · ${UI[`layer.${l.type}`]}, ${l.outShape[0].toLocaleString('en-US')} units, ${params}`;
    });
    expect(expected).toEqual([
      'Layer 1 · Flatten, 784 units, no parameters',
      'Layer 2 · Dense, 128 units, 100,480 parameters',
      'Layer 3 · ReLU, 128 units, no parameters',
      'Layer 4 · Dense, 10 units, 1,290 parameters',
    ]);
    const list = await blocks(page);
    expect(list.map((b) => b.name)).toEqual(expected);
    // Each is a button whose accessible name says so.
    for (const name of expected) expect(await page.getByRole('button', { name, exact: true }).count()).toBe(1);
    const box = await page.locator('nn-network-view').boundingBox();
    console.log(`e2e: network drawing at 1366x768: top ${box.y.toFixed(0)}, height ${box.height.toFixed(0)} px`);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(768);
    expect(box.height).toBeLessThanOrEqual(220);
    for (const b of list) expect(b.right).toBeLessThanOrEqual(1366);
    expect(problems).toEqual([]);
  }, 130_000);

  it('pictures what each layer makes of a test digit once the run has trained', async () => {
    // The input digit and the four layers' outputs.
    await page.waitForFunction(() => Number(document.querySelector('nn-playground').shadowRoot.querySelector('nn-network-view')?.getAttribute('data-pictures')) === 5, null, { timeout: 60_000 });
    // The pictures come with the run's first statistics (step 0) and follow it as it trains.
    await expect.poll(() => page.locator('nn-network-view').evaluate((el) => el.example?.step ?? 0), { timeout: 30_000 }).toBeGreaterThan(0);
    const box = await page.locator('nn-network-view').boundingBox();
    console.log(`e2e: network drawing with its pictures at 1366x768: top ${box.y.toFixed(0)}, height ${box.height.toFixed(0)} px`);
    expect(box.y + box.height).toBeLessThanOrEqual(768);
    expect(box.height).toBeLessThanOrEqual(220);
    await expect.poll(() => page.locator('nn-network-view .caption .note').textContent()).toMatch(/at step \d/);
  }, 70_000);

  it('opens a layer\'s row in the editor when its block is clicked, or pressed with Enter', async () => {
    const focusedRow = () => page.evaluate(() => {
      const editor = document.querySelector('nn-playground').shadowRoot.activeElement;
      const row = editor?.shadowRoot?.activeElement;
      return editor?.localName === 'nn-layer-editor' && row?.localName === 'nn-layer-row' ? row.index : null;
    });
    await page.locator('nn-network-view button.block').nth(1).click();
    await expect.poll(focusedRow).toBe(1);
    await page.locator('nn-network-view button.block').nth(3).focus();
    await page.keyboard.press('Enter');
    await expect.poll(focusedRow).toBe(3);
  });

  it('at 390x844 is on the first screen of the Model tab and nothing scrolls sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    // A phone shows one section at a time: the drawing heads the Model tab, above the editor.
    await page.getByRole('tab', { name: 'Model' }).click();
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = await page.locator('nn-network-view').boundingBox();
    console.log(`e2e: network drawing at 390x844: top ${box.y.toFixed(0)}, height ${box.height.toFixed(0)} px`);
    expect(box.y).toBeLessThan(844);
    expect(box.y + Math.min(box.height, 120)).toBeLessThanOrEqual(844); // its first row of blocks is seen
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    // The first blocks are on screen; the rest of the row scrolls inside the drawing.
    const list = await blocks(page);
    expect(list[0].right).toBeLessThanOrEqual(390);
    const row = await page.locator('nn-network-view ol').evaluate((ol) => ({ scroll: ol.scrollWidth, width: ol.clientWidth, right: ol.getBoundingClientRect().right }));
    expect(row.right).toBeLessThanOrEqual(390);
    if (list.at(-1).right > 390) expect(row.scroll).toBeGreaterThan(row.width);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(problems).toEqual([]);
  });
});
