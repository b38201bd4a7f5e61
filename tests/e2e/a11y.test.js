// a11y.test.js: the built page (web/dist) for a student with a keyboard, a screen reader or a
// tablet: axe-core finds no WCAG 2.1 A or AA violation (English and Chinese, laptop and tablet
// widths, trained, and with the panels a student opens); Tab walks the page in reading order with
// a visible focus everywhere and comes back round; adding a layer, changing a setting, training,
// pausing and copying the link need only the keyboard, and so do sending a test digit to the draw
// pad and drawing over it (its prediction heard), and opening a chart's data table; controls are
// named by their visible labels and status changes reach live regions; at 768 and 1024 px nothing
// scrolls sideways, every control is on screen and uncovered, and the charts fit their cards. An
// embedding (embed=..., what a course page frames) gets the same Tab walk and axe audit.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDrawer, openPage, press, strokeOnPad, waitForStatus, waitForSteps } from './browser.js';
import { useBrowser } from './setup.js';
import { audit } from './axe.js';

const pg = (page, expression) => page.evaluate(`(() => { const pg = document.querySelector('nn-playground'); return ${expression}; })()`);

/**
 * The element that has focus, found through the shadow roots (null for none): its tag, id,
 * data-index, label (aria-label, its <label>, or its text), the page part it is in (header or a
 * section's data-part), its component and that component's data-field, whether it shows a focus
 * indicator (:focus-visible with an outline or a box-shadow), and whether it is on screen.
 */
function focused(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return null;
    let part = '';
    for (let node = el; node && !part;) {
      const closest = node.closest('[data-part], header');
      if (closest) part = closest.dataset.part ?? 'header';
      else node = node.getRootNode().host;
    }
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const r = el.getBoundingClientRect();
    const label = el.getAttribute('aria-label') || el.labels?.[0]?.textContent || el.textContent;
    return {
      tag: el.localName, id: el.id, index: el.dataset?.index, label: label.replace(/\s+/g, ' ').trim(), part,
      host: el.getRootNode().host?.localName ?? '', field: el.getRootNode().host?.dataset?.field ?? '',
      ring: el.matches(':focus-visible') && (outline || s.boxShadow !== 'none'),
      onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    };
  });
}

/** Presses `key` until `match(focused)` holds (at most `max` presses); resolves what has focus. */
async function focusBy(page, match, { key = 'Tab', max = 150 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const f = await focused(page);
    if (f && match(f)) return f;
  }
  throw new Error(`no element matched after ${max} presses of ${key}`);
}

/**
 * Presses Tab until the first stop comes round again (at most `max` presses): `stops` is what had
 * focus after each press (null while focus is outside the page), `reached` the stops in the page.
 */
async function tabWalk(page, max) {
  const stops = [];
  let first = null;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f && first && f.tag === first.tag && f.label === first.label && f.part === first.part) break;
    first ??= f;
    stops.push(f);
  }
  return { stops, reached: stops.filter(Boolean) };
}

/** Presses the language button and waits for the page to be in that language (and say so in its link). */
async function switchLanguage(page, lang) {
  await page.locator(`nn-playground .lang button[lang="${lang === 'zh' ? 'zh-CN' : 'en'}"]`).click();
  await expect.poll(() => page.locator('nn-run-controls button[data-action="train"]').innerText()).toBe(lang === 'zh' ? '训练' : 'Train');
  await expect.poll(() => page.evaluate(() => location.hash)).toContain(`lang=${lang}`);
}

/** The accessible names of the elements of `role` in an aria snapshot (playwright's YAML). */
function namesOf(tree, role) {
  return [...tree.matchAll(new RegExp(`^\\s*- '?${role} "((?:[^"\\\\]|\\\\.)*)"`, 'gm'))].map((m) => m[1].replace(/\\(.)/g, '$1'));
}

/** The text of the status region in an aria snapshot. */
function statusOf(tree) {
  const line = /^\s*- status: (.*)$/m.exec(tree)?.[1] ?? '';
  return line.startsWith('"') ? JSON.parse(line) : line;
}

/**
 * In the page: the page's scroll width; every control (button, select, input, textarea, link, or
 * element with tabindex 0, through the shadow roots; the skip link aside, which shows on focus, and
 * the closed drawer's)
 * scrolled into view when it is not, then whether it is inside the viewport and whether the point
 * at its centre hits it (or something inside it); the same for Train; and per chart its plot's
 * width against its own and whether the plot lies inside its card; the page's parts with their tops.
 */
async function checkLayout({ charts: chartIds, drawer = false }) {
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const controls = [];
  const inDrawer = (el) => {
    for (let n = el; n; n = n.parentNode ?? n.host) if (n.matches?.('aside#drawer')) return true;
    return false;
  };
  const collect = (root) => {
    for (const el of root.querySelectorAll('*')) {
      // The drawer's controls while it is open (it comes over the page on a tablet), the page's while it is closed.
      if (el.matches('button, select, input, textarea, a[href], [tabindex="0"]') && el.tabIndex >= 0 && !el.matches('.skip') && inDrawer(el) === drawer) controls.push(el);
      if (el.shadowRoot) collect(el.shadowRoot);
    }
  };
  collect(document);
  const { hit } = window.__e2e;
  const inside = (r) => r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
  const check = async (el) => {
    if (!inside(el.getBoundingClientRect())) {
      el.scrollIntoView({ block: 'center', inline: 'nearest' });
      await frame();
    }
    const r = el.getBoundingClientRect();
    const h = hit(r.left + r.width / 2, r.top + r.height / 2);
    return { inside: inside(r), uncovered: Boolean(h) && (h === el || el.contains(h)) };
  };
  const bad = [];
  for (const el of controls) {
    const c = await check(el);
    if (!c.inside || !c.uncovered) {
      const h = el.getRootNode().host;
      bad.push(`${h ? `${h.localName} ` : ''}${el.localName}${el.id ? `#${el.id}` : ''} "${(el.getAttribute('aria-label') || el.textContent).trim().slice(0, 40)}": ${c.inside ? 'covered' : 'off screen'}`);
    }
  }
  const root = document.querySelector('nn-playground').shadowRoot;
  const train = await check(root.querySelector('nn-run-controls').shadowRoot.querySelector('button[data-action="train"]'));
  const charts = [];
  for (const id of chartIds) {
    const host = root.querySelector(id);
    host.scrollIntoView({ block: 'center' });
    await frame();
    const plot = host.shadowRoot.querySelector('.plot canvas').getBoundingClientRect();
    const card = host.closest('section').getBoundingClientRect();
    charts.push({ id, host: host.getBoundingClientRect().width, plot: plot.width, inCard: plot.left >= card.left && plot.right <= card.right });
  }
  // The page's parts on screen (not the closed drawer's) in document (and Tab) order, with their top edges on the page.
  const parts = [...root.querySelectorAll('[data-part]')].filter((el) => el.getClientRects().length)
    .map((el) => ({ part: el.dataset.part, top: el.getBoundingClientRect().top + scrollY }));
  return { scrollWidth: document.scrollingElement.scrollWidth, controls: controls.length, bad, train, charts, parts };
}

const env = useBrowser();

describe('the MNIST page, from a fresh load', () => {
  let page;
  let problems;
  let context;
  beforeAll(async () => {
    ({ page, problems, context } = await openPage(env.browser, `${env.server.url}#v=1&epochs=3&lang=en`, { width: 1280, height: 800 }));
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(env.server.url).origin });
    await waitForStatus(page, ['ready']);
  }, 120_000);
  afterAll(() => context?.close());

  it('Tab walks the header, the network drawing, the run, the charts, the exports, the lesson and the views in order, each with a visible focus, and comes back round', async () => {
    const { stops, reached } = await tabWalk(page, 300);
    // Past the last stop focus leaves the page once (null), then the first stop comes again.
    expect(stops.filter((f) => f === null)).toHaveLength(1);
    expect(stops.at(-1)).toBeNull();
    expect(reached.length).toBeGreaterThan(40);
    const parts = reached.map((f) => f.part).filter((p, i, all) => p !== all[i - 1]);
    // The drawer with the layers and the settings is closed: they are one press of "Edit model" away.
    expect(parts).toEqual(['header', 'network', 'controls', 'charts', 'exports', 'lesson', 'views']);
    expect(reached.filter((f) => f.part === 'header').map((f) => f.label)).toEqual(
      ['Skip to the run controls', 'Preset', 'Labs', 'English', '中文', 'Instructor mode', 'Copy link']);
    expect(reached.filter((f) => f.part === 'controls').map((f) => f.label)).toEqual(['Edit model', 'Settings', 'Train', 'Step', 'Reset']);
    // The digit grid is one stop; its arrows move between the digits. Its try button comes next.
    const grid = reached.findIndex((f) => f.host === 'nn-digit-grid');
    expect(reached.filter((f) => f.host === 'nn-digit-grid').map((f) => f.tag)).toEqual(['figure', 'button']);
    expect(reached[grid + 1]).toMatchObject({ host: 'nn-digit-grid', tag: 'button' });
    expect(reached[grid + 1].label).toMatch(/^Try this \d \(test image \d+\) in the draw pad$/);
    expect(reached.filter((f) => f.host === 'nn-draw-pad').map((f) => [f.tag, f.label])).toEqual([['canvas', 'Drawing pad'], ['button', 'Clear']]);
    const without = reached.filter((f) => !f.ring || !f.onScreen);
    expect(without).toEqual([]);
    // In the grid: its first digit, then the arrows, End and Home.
    const shown = await page.locator('#digits').evaluate((el) => el.shownIndices.map(String));
    expect((await focusBy(page, (f) => f.host === 'nn-digit-grid')).index).toBe(shown[0]);
    await page.keyboard.press('ArrowRight');
    expect(await focused(page)).toMatchObject({ host: 'nn-digit-grid', index: shown[1], ring: true });
    await page.keyboard.press('End');
    expect((await focused(page)).index).toBe(shown.at(-1));
    await page.keyboard.press('Home');
    expect((await focused(page)).index).toBe(shown[0]);
    expect(problems).toEqual([]);
  }, 60_000);

  it('opens the drawer, adds a layer, moves it, changes a setting, trains, pauses and copies the link with the keyboard alone', async () => {
    // "Edit model" opens the drawer with the layers and the settings, and takes focus into it.
    await focusBy(page, (f) => f.label === 'Edit model');
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatchObject({ tag: 'h2', id: 'h-drawer', part: '' });
    // The kind of layer to add: typing its first letters picks it in the focused list.
    await focusBy(page, (f) => f.id === 'add-type');
    await page.keyboard.type('Dropout');
    await page.keyboard.press('Tab');
    expect((await focused(page)).label).toBe('Add layer');
    await page.keyboard.press('Enter');
    // It goes in before the output layer, and focus goes to the new row; Alt+Up moves it (focus follows).
    await expect.poll(async () => (await pg(page, 'pg.experiment')).layers.map((l) => l.type).join()).toBe('flatten,dense,relu,dropout,dense');
    expect(await focused(page)).toMatchObject({ tag: 'select', id: 'kind', host: 'nn-layer-row' });
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(async () => (await pg(page, 'pg.experiment')).layers.map((l) => l.type).join()).toBe('flatten,dense,dropout,relu,dense');
    // The learning rate, typed.
    await focusBy(page, (f) => f.field === 'optimizer.lr');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('0.05');
    await expect.poll(async () => (await pg(page, 'pg.experiment')).optimizer.lr).toBe(0.05);
    await waitForStatus(page, ['ready']);
    // Train, then Pause, from the keyboard.
    await focusBy(page, (f) => f.label === 'Train');
    await page.keyboard.press('Enter');
    await waitForStatus(page, ['training']);
    // Train is disabled while training: focus moves on to Pause rather than being lost.
    await expect.poll(async () => (await focused(page))?.label).toBe('Pause');
    await waitForSteps(page, 40);
    await page.keyboard.press('Space');
    await waitForStatus(page, ['paused']);
    await expect.poll(async () => (await focused(page))?.label).toBe('Train');
    // Copy the link: back up to the header.
    await focusBy(page, (f) => f.id === 'copy-link', { key: 'Shift+Tab' });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(page.url());
    expect(problems).toEqual([]);
  }, 60_000);

  it('Escape ends a rename in the run list and gives focus back to its button', async () => {
    await focusBy(page, (f) => f.host === 'nn-run-list' && f.label.startsWith('Rename'));
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatchObject({ tag: 'input', host: 'nn-run-list' });
    await page.keyboard.type('not kept');
    await page.keyboard.press('Escape');
    expect(await focused(page)).toMatchObject({ tag: 'button', host: 'nn-run-list', label: 'Rename Run 1' });
    expect(await pg(page, 'pg.history.runs.map((r) => r.name).join()')).toBe('');
  });

  it('the skip link takes focus to the run controls', async () => {
    await focusBy(page, (f) => f.label === 'Skip to the run controls', { key: 'Shift+Tab', max: 300 });
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatchObject({ host: 'nn-run-controls', label: 'Train' });
  });

  it('a keyboard-only student sends a test digit to the draw pad, draws a stroke over it, and the probabilities shown and announced change; axe finds no violation', async () => {
    await waitForStatus(page, ['paused']);
    // The grid's stop, the second digit, then Tab to the try button, which names it.
    await focusBy(page, (f) => f.host === 'nn-digit-grid' && f.tag === 'figure');
    await page.keyboard.press('ArrowRight');
    const chosen = Number((await focused(page)).index);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ host: 'nn-digit-grid', tag: 'button', label: expect.stringMatching(new RegExp(`^Try this \\d \\(test image ${chosen}\\) in the draw pad$`)), ring: true });
    await page.keyboard.press('Enter');
    // Focus goes to the pad, with its ring, on screen.
    await expect.poll(() => focused(page)).toMatchObject({ host: 'nn-draw-pad', tag: 'canvas', label: 'Drawing pad', ring: true, onScreen: true });
    /** The pad's state, the test digit's pixels as the core scales them, and the grid's probabilities for it. */
    const read = () => page.evaluate((index) => {
      const root = document.querySelector('nn-playground').shadowRoot;
      const pad = root.querySelector('#draw-pad');
      const grid = root.querySelector('#digits');
      const scale = Math.fround(1 / 255);
      const region = pad.shadowRoot.querySelector('[aria-live="polite"]');
      const description = pad.shadowRoot.querySelector('canvas.pad').getAttribute('aria-describedby').split(' ').map((id) => pad.shadowRoot.getElementById(id).textContent).join(' ');
      return {
        pixels: Array.from(pad.pixels),
        digit: Array.from(grid.images.subarray(index * 784, (index + 1) * 784), (b) => Math.fround(b * scale)),
        probs: pad.probabilities && Array.from(pad.probabilities),
        gridProbs: Array.from(grid.probabilities.subarray(index * 10, index * 10 + 10)),
        shown: [...pad.shadowRoot.querySelectorAll('svg.bars g')].map((g) => g.lastElementChild.textContent),
        bars: pad.shadowRoot.querySelector('svg.bars')?.getAttribute('aria-label'),
        said: region.textContent.trim(),
        source: pad.shadowRoot.querySelector('[part="source"]')?.textContent,
        description,
        pen: pad.pen,
      };
    }, chosen);
    await expect.poll(async () => (await read()).probs?.length).toBe(10);
    const loaded = await read();
    expect(loaded.description).toMatch(/arrows move the pen/);
    expect(loaded.source).toMatch(new RegExp(`^test digit ${chosen} \\(true \\d\\)$`));
    // The model is fed the test digit's own pixels, bit for bit (not re-cropped or re-centred), so
    // the pad's probabilities are the grid's for that digit (the same weights, the same input).
    expect(loaded.pixels).toEqual(loaded.digit);
    expect(loaded.probs).toEqual(loaded.gridProbs);
    await expect.poll(async () => (await read()).said).toBe(`${loaded.source} is on the pad: ${loaded.bars}`);
    // A bar across the middle: six pixels left, pen down, twelve right, pen up.
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Space');
    await expect.poll(async () => (await read()).said).toBe('Pen down');
    for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Space');
    await expect.poll(async () => (await read()).pen.down).toBe(false);
    // The stroke's prediction arrives: the bars change and the stroke's end is announced.
    await expect.poll(async () => JSON.stringify((await read()).shown), { timeout: 10_000 }).not.toBe(JSON.stringify(loaded.shown));
    const drawn = await read();
    expect(drawn.pixels).not.toEqual(loaded.digit);
    // Only the rows under the pen changed (rows 12 to 15 of 28): the digit was not moved.
    const changedRows = new Set(drawn.pixels.flatMap((v, i) => (v !== loaded.digit[i] ? [Math.floor(i / 28)] : [])));
    expect([...changedRows].every((row) => row >= 12 && row <= 15)).toBe(true);
    await expect.poll(async () => (await read()).said).toBe((await read()).bars);
    expect(drawn.probs).not.toEqual(loaded.probs);
    // The pad has focus and its pen cursor shows: no violation there, nor anywhere on the page.
    expect(await focused(page)).toMatchObject({ host: 'nn-draw-pad', tag: 'canvas', ring: true });
    expect(await page.locator('nn-draw-pad svg.cursor').evaluate((el) => getComputedStyle(el).display)).toBe('block');
    expect(await audit(page), 'draw pad with a test digit drawn over (en, 1280x800)').toEqual([]);
    expect(problems).toEqual([]);
  }, 60_000);

  it('the loss chart\'s data table opens from the keyboard, its latest row is the chart\'s latest values, and axe finds no violation with it open', async () => {
    await waitForStatus(page, ['paused']);
    // Back from the draw pad to the loss chart's Table button (the accuracy chart's comes first).
    const button = await focusBy(page, (f) => f.host === 'nn-metric-chart' && f.tag === 'button' && f.label === 'Table · Loss', { key: 'Shift+Tab' });
    expect(button).toMatchObject({ part: 'charts', ring: true, onScreen: true });
    const expanded = () => page.locator('#loss-chart button.table-toggle').getAttribute('aria-expanded');
    expect(await expanded()).toBe('false');
    await page.keyboard.press('Enter');
    await expect.poll(expanded).toBe('true');
    /** The table as shown, and the row the chart's own data gives for its latest point with a value. */
    const read = () => page.locator('#loss-chart').evaluate((el) => {
      const shown = (cell) => [...cell.childNodes].filter((n) => n.nodeType !== Node.COMMENT_NODE && !n.classList?.contains('sr')).map((n) => n.textContent).join('').trim();
      const table = el.shadowRoot.querySelector('#table-box table');
      const u = el.plot;
      const cols = u.series.map((s, i) => i).filter((i) => i > 0 && u.series[i].show && u.series[i].tooltip !== false);
      const has = (r) => cols.some((i) => Number.isFinite(u.data[i][r]));
      const row = (r) => [String(u.data[0][r]), ...cols.map((i) => (Number.isFinite(u.data[i][r]) ? el.formatTooltipValue(i - 1, u.data[i][r]) : '–'))];
      let first = 0;
      while (first < u.data[0].length && !has(first)) first += 1;
      let last = u.data[0].length - 1;
      while (last >= 0 && !has(last)) last -= 1;
      return {
        caption: table?.caption.textContent.trim(),
        head: table ? [...table.tHead.rows[0].cells].map((c) => c.textContent.trim()) : [],
        rows: table ? [...table.tBodies[0].rows].map((r) => [...r.cells].map(shown)) : [],
        expectedHead: ['step', ...cols.map((i) => u.series[i].label)],
        expectedFirst: row(first),
        expectedLast: row(last),
        summary: u.ctx.canvas.getAttribute('aria-label'),
      };
    });
    await expect.poll(async () => (await read()).rows.length).toBeGreaterThan(1);
    const t = await read();
    expect(t.caption).toBe('Loss');
    expect(t.head).toEqual(t.expectedHead);
    expect(t.head).toContain('step');
    expect(t.rows.length).toBeLessThanOrEqual(12);
    expect(t.rows.at(-1)).toEqual(t.expectedLast);
    expect(t.rows[0]).toEqual(t.expectedFirst);
    // The canvas's summary says the same latest train loss (to three digits) at the same step.
    const [, value, step] = /train (\S+) at step (\d+)/.exec(t.summary);
    expect(t.rows.at(-1)[0]).toBe(step);
    const train = t.head.findIndex((h) => /train$/.test(h));
    // The table shows more digits than the summary's three. Rounding the table's text again can
    // land one unit off (0.4475 gives 0.448 where the raw 0.44749 gave 0.447), so the two agree
    // when they are within half a unit of the summary's last digit.
    const unit = 10 ** (Math.floor(Math.log10(Math.abs(Number(value)))) - 2);
    expect(Math.abs(Number(t.rows.at(-1)[train]) - Number(value))).toBeLessThanOrEqual(unit / 2 + 1e-12);
    expect(await audit(page), 'loss chart with its data table open (en, 1280x800)').toEqual([]);
    // The table stays open for the tests below (axe in both languages and widths, the layout).
    expect(problems).toEqual([]);
  }, 60_000);

  it('announces status changes and errors in live regions that were there before', async () => {
    const status = await page.locator('nn-run-controls [role="status"]').elementHandle();
    const announce = await page.evaluateHandle(() => [...document.querySelector('nn-playground').shadowRoot.children].find((el) => el.matches('.sr[aria-live="polite"]')));
    const read = (handle) => handle.evaluate((el) => (el.isConnected ? el.textContent.trim() : 'gone'));
    expect(await read(status)).toBe('Paused.');
    await press(page, 'Train');
    await expect.poll(() => read(status)).toBe('Training…');
    await press(page, 'Pause');
    await expect.poll(() => read(status)).toBe('Paused.');
    // A learning rate that is not a number: the field says why (role=alert), and so does the status.
    const lr = page.locator('nn-settings-panel nn-num-field[data-field="optimizer.lr"]');
    await lr.locator('input').fill('fast');
    await expect.poll(() => lr.locator('[role="alert"]').textContent()).toMatch(/number/i);
    await expect.poll(() => read(status)).toMatch(/^Cannot train yet\./);
    await lr.locator('input').fill('0.05');
    await expect.poll(() => read(status)).toBe('Paused.');
    // The page's own region: a copied link is announced.
    await page.locator('#copy-link').click();
    await expect.poll(() => read(announce)).toBe('Link copied to the clipboard.');
    expect(problems).toEqual([]);
  });

  it('names the run controls and the layer rows by their visible labels, in English and in Chinese', async () => {
    const words = {
      en: { row: (n, kind) => `Layer ${n}: ${kind}`, up: (n) => `Move layer ${n} up`, down: (n) => `Move layer ${n} down`, remove: (n) => `Remove layer ${n}`, init: 'Initialise this layer differently…', output: 'output shape' },
      zh: { row: (n, kind) => `第 ${n} 层：${kind}`, up: (n) => `将第 ${n} 层上移`, down: (n) => `将第 ${n} 层下移`, remove: (n) => `删除第 ${n} 层`, init: '为此层单独设置初始化…', output: '输出形状' },
    };
    for (const lang of ['en', 'zh']) {
      if (lang === 'zh') await switchLanguage(page, 'zh');
      // The document's language follows, so a screen reader picks the right voice.
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang === 'zh' ? 'zh-CN' : 'en');
      const w = words[lang];
      const controls = await page.locator('nn-run-controls').ariaSnapshot();
      const buttons = (await page.locator('nn-run-controls button').allInnerTexts()).map((x) => x.trim());
      expect(buttons).toEqual(lang === 'en' ? ['Train', 'Pause', 'Step', 'Reset'] : ['训练', '暂停', '单步', '重置']);
      expect(namesOf(controls, 'button')).toEqual(buttons);
      expect(namesOf(controls, 'progressbar')).toEqual([(await page.locator('nn-run-controls label[for="epoch"]').innerText()).replace(/\s+/g, ' ').trim()]);
      expect(statusOf(controls)).toBe((await page.locator('nn-run-controls [role="status"]').innerText()).trim());
      // Each row: a group named "Layer n: kind", its fields named by their labels, its buttons by what they do.
      const rows = page.locator('nn-layer-row');
      for (let i = 0; i < (await rows.count()); i++) {
        const row = rows.nth(i);
        const n = i + 1;
        const tree = await row.ariaSnapshot();
        expect(namesOf(tree, 'group')).toEqual([w.row(n, await row.locator('select#kind option:checked').innerText())]);
        expect(namesOf(tree, 'combobox')).toEqual([await row.locator('label.sel').innerText()]);
        expect(namesOf(tree, 'textbox')).toEqual(await row.locator('nn-num-field label').allInnerTexts());
        expect(namesOf(tree, 'checkbox')).toEqual((await row.locator('label.check').allInnerTexts()).map((x) => x.trim()));
        const init = (await row.locator('button.link').count()) ? [w.init] : [];
        expect(namesOf(tree, 'button')).toEqual([w.up(n), w.down(n), w.remove(n), ...init]);
        // The output shape is read with what it is ("output shape 784"), the arrow left out.
        const shape = (await row.locator('.shape').innerText()).replace('→', '').trim();
        expect(tree).toMatch(new RegExp(`${w.output} ${shape}\\b`));
        expect(tree).not.toContain('→');
      }
    }
    expect(problems).toEqual([]);
  });

  it('axe finds no violation, trained, in Chinese and English at 768x1024 and 1280x800', async () => {
    await waitForStatus(page, ['paused']);
    // The views a student opens: a layer's own initialiser, a digit drawn on the pad.
    await page.locator('nn-layer-row').nth(1).locator('button.link').click();
    await strokeOnPad(page, { steps: 8 });
    await page.waitForFunction(() => document.querySelector('nn-playground').shadowRoot.querySelector('nn-draw-pad').probabilities);
    for (const [lang, width, height] of [['zh', 768, 1024], ['zh', 1280, 800], ['en', 1280, 800], ['en', 768, 1024]]) {
      if (lang === 'en') await switchLanguage(page, 'en');
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(200);
      expect(await audit(page), `${lang} ${width}x${height}`).toEqual([]);
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it('at 768x1024 and 1024x768 nothing scrolls sideways, every control is on screen and uncovered, and the charts fit their cards', async () => {
    const charts = ['#loss-chart', '#accuracy-chart', '#weights-chart', '#grads-chart', '#norm-chart'];
    const widths = {};
    for (const [width, height] of [[1280, 800], [768, 1024], [1024, 768]]) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(300);
      const where = `${width}x${height}`;
      // The drawer open: each of its controls is on screen (scrolled to in the drawer) and uncovered.
      await openDrawer(page);
      const drawer = await page.evaluate(checkLayout, { charts: [], drawer: true });
      expect(drawer.controls, `${where}, drawer`).toBeGreaterThan(25);
      expect(drawer.bad, `${where}, drawer`).toEqual([]);
      await page.locator('nn-playground #h-drawer').focus();
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('nn-playground aside#drawer').isVisible()).toBe(false);
      const layout = await page.evaluate(checkLayout, { charts });
      expect(layout.scrollWidth, where).toBeLessThanOrEqual(width);
      expect(layout.controls, where).toBeGreaterThan(30);
      expect(layout.train, where).toEqual({ inside: true, uncovered: true });
      expect(layout.bad, where).toEqual([]);
      for (const c of layout.charts) {
        // The plot is as wide as its chart element (less a pixel of rounding), and inside its card.
        expect(c.plot, `${where} ${c.id}`).toBeGreaterThanOrEqual(c.host - 1);
        expect(c.plot, `${where} ${c.id}`).toBeLessThanOrEqual(c.host + 1);
        expect(c.inCard, `${where} ${c.id}`).toBe(true);
      }
      widths[width] = layout.charts.map((c) => c.plot);
      // One column below 1100 px: the parts stand one under another in the order Tab visits them.
      if (width < 1100) {
        expect(layout.parts.map((p) => p.part), where).toEqual(['network', 'controls', 'charts', 'exports', 'lesson', 'runs', 'views']);
        const tops = layout.parts.map((p) => p.top);
        expect(tops, where).toEqual([...tops].sort((a, b) => a - b));
      }
    }
    // They followed the window (one column below 1100 px): wider at 1024 than at 768.
    for (let i = 0; i < charts.length; i++) expect(widths[1024][i], charts[i]).toBeGreaterThan(widths[768][i] + 100);
    expect(problems).toEqual([]);
  }, 60_000);

  it('a stack the core refuses: its reason is an alert, the run\'s status region says training cannot start, and axe finds no violation', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await switchLanguage(page, 'en');
    const status = await page.locator('nn-run-controls [role="status"]').elementHandle();
    await openDrawer(page);
    // A dense layer straight on the 28×28 image: the core refuses the stack and says why, at the row
    // (role=alert) and under the stack; the status region says training cannot start.
    const row = page.locator('nn-layer-row').first();
    await row.locator('select#kind').selectOption('dense');
    await waitForStatus(page, ['invalid']);
    await expect.poll(() => row.locator('.message[role="alert"]').count()).toBe(1);
    expect(await row.locator('.message[role="alert"]').textContent()).toMatch(/flat/);
    expect(await page.locator('nn-layer-editor .total[role="alert"]').textContent()).toMatch(/^Layer 1 cannot be built: /);
    await expect.poll(() => status.evaluate((el) => el.isConnected && el.textContent.trim())).toMatch(/^Cannot train yet\./);
    // The error colours are readable too.
    expect(await audit(page), 'refused stack (en, 1280x800)').toEqual([]);
    expect(problems).toEqual([]);
  });

  it('a link that cannot be read: the banner says why (role=alert), and axe finds no violation', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    // A new document (the page rewrites a broken link's hash to its defaults, so no reload of it).
    await page.goto('about:blank');
    await page.goto(`${env.server.url}#v=1&layers=dense:many&lang=en`);
    await expect.poll(() => page.locator('nn-playground .banner[role="alert"] pre').textContent()).toMatch(/dense/);
    await waitForStatus(page, ['ready']);
    expect(await audit(page), 'broken link (en, 1280x800)').toEqual([]);
    expect(problems).toEqual([]);
  }, 60_000);
});

// XOR, 200 points, batch 20: 10 steps an epoch; a homework on it with a goal, a budget, locks.
const XOR = 'v=1&data=xor&count=200&noise=0.1&layers=dense:4,tanh,dense:2&loss=ce&opt=adam&lr=0.03&init=torch_default&batch=20&epochs=5&seed=1';
const HOMEWORK = `${XOR}&goal=acc&target=0.6&max_epochs=3&lock=layers,opt&hide=seed,init&goal_en=Reach%2060%20%25&goal_zh=${encodeURIComponent('三轮内达到 60 %')}`;

describe('the panels a student opens', () => {
  it('a lesson and its results, two runs compared, a rename, instructor mode and the copy fallback: no axe violation; Run and Stop hand focus to each other, and a deleted run\'s focus goes to the row that stays', async () => {
    const { page, problems, context } = await openPage(env.browser, `${env.server.url}#lesson=xor&lang=en`);
    try {
      await waitForStatus(page, ['ready']);
      await pg(page, '(pg.lessons.stepLimit = 20)');
      await page.locator('nn-lesson-panel #lesson-run').focus();
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await focused(page))?.id).toBe('lesson-stop');
      await page.waitForFunction(() => {
        const l = document.querySelector('nn-playground').lessons;
        return !l.running && l.results.length === 2;
      }, null, { timeout: 60_000, polling: 200 });
      await expect.poll(async () => (await focused(page))?.id).toBe('lesson-run');
      // The lesson's outcome is announced (role=status).
      expect(await page.locator('nn-lesson-panel [part="outcome"]').getAttribute('role')).toBe('status');
      expect(await page.locator('nn-lesson-panel [part="outcome"]').innerText()).toMatch(/^Lesson “A linear network cannot learn XOR” finished: 2 runs/);
      // Both runs ticked: the run list compares them; one is being renamed.
      await expect.poll(() => page.locator('nn-run-list table.compare').count()).toBe(1);
      await page.locator('nn-run-list button.rename-button').first().click();
      await page.locator('nn-run-list input.rename').waitFor();
      expect(await audit(page), 'lesson, runs, rename (en, 1280x900)').toEqual([]);
      await page.keyboard.press('Escape');
      // The evidence beside the lesson text: its other view, with its data table open.
      const evidence = page.locator('nn-lesson-panel nn-lesson-evidence');
      await evidence.locator('.tabs button[data-view="accuracy-chart"]').click();
      await evidence.locator('nn-metric-chart .table-toggle').click();
      await evidence.locator('nn-metric-chart table.data').waitFor();
      expect(await audit(page), 'lesson evidence with its table open (en, 1280x900)').toEqual([]);
      // Deleting the older run from the keyboard: focus goes to the row that stays (the live run's Rename).
      const names = await pg(page, 'pg.history.runs.map((r) => r.name)');
      expect(names).toHaveLength(2);
      await page.locator('nn-run-list button.delete-button').nth(1).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => pg(page, 'pg.history.runs.length')).toBe(1);
      expect(await focused(page)).toMatchObject({ host: 'nn-run-list', label: `Rename ${names[0]}` });
      await expect.poll(() => page.evaluate(() => [...document.querySelector('nn-playground').shadowRoot.children].find((el) => el.matches('.sr[aria-live]')).textContent))
        .toBe(`Deleted ${names[1]}.`);
      // Instructor mode: the homework editor with a goal; Copy link, refused the clipboard (as in a
      // frame without the permission), shows the link to copy by hand.
      await page.locator('#instructor').click();
      await page.locator('nn-assignment-editor select#goal-metric').selectOption('test_accuracy');
      await page.evaluate(() => Object.defineProperty(navigator.clipboard, 'writeText', { value: () => Promise.reject(new DOMException('no permission', 'NotAllowedError')) }));
      await page.locator('#copy-link').click();
      await page.locator('nn-playground input.copy-fallback').waitFor();
      expect(await audit(page), 'instructor, copy fallback (en, 1280x900)').toEqual([]);
      await switchLanguage(page, 'zh');
      await page.setViewportSize({ width: 768, height: 1024 });
      expect(await audit(page), 'instructor (zh, 768x1024)').toEqual([]);
      // Trained to the end: the status region says so.
      await press(page, '训练');
      await waitForStatus(page, ['done']);
      await expect.poll(() => page.locator('nn-run-controls [role="status"]').innerText()).toMatch(/^训练完成：/);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('a homework link with its goal and a submitted result, and the result link replayed: no axe violation; Submit and Replay keep focus', async () => {
    const { page, problems, context } = await openPage(env.browser, `${env.server.url}#${HOMEWORK}&lang=zh`, { width: 768, height: 1024 });
    try {
      await waitForStatus(page, ['ready']);
      await press(page, '训练');
      await waitForStatus(page, ['paused']);
      // Submit and Replay, from the keyboard, keep focus while they work.
      await page.locator('nn-goal-panel #submit').focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('nn-playground').homework.resultLink, null, { polling: 100 });
      expect(await focused(page)).toMatchObject({ id: 'submit', host: 'nn-goal-panel' });
      expect(await audit(page), 'homework, submitted (zh, 768x1024)').toEqual([]);
      const resultLink = await pg(page, 'pg.homework.resultLink');
      // The result link, as the instructor opens it: the claim, replayed.
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(resultLink.replace('lang=zh', 'lang=en'));
      await page.locator('nn-goal-panel #replay').focus();
      await page.keyboard.press('Enter');
      await page.locator('nn-goal-panel [data-replay="match"]').waitFor({ timeout: 60_000 });
      expect(await focused(page)).toMatchObject({ id: 'replay', host: 'nn-goal-panel' });
      expect(await audit(page), 'result link replayed (en, 1280x800)').toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});

describe('an embedding, as a course page frames it', () => {
  it('the run, its charts and the views at 640x700: Tab reaches every control with a visible focus and comes back round, Train works from the keyboard, and axe finds no violation; a lesson framed in Chinese too', async () => {
    const { page, problems, context } = await openPage(env.browser, `${env.server.url}#${XOR}&embed=controls,charts,views`, { width: 640, height: 700 });
    try {
      await waitForStatus(page, ['ready']);
      const { stops, reached } = await tabWalk(page, 150);
      expect(stops.filter((f) => f === null)).toHaveLength(1); // focus leaves the frame once, then comes round
      expect(reached.map((f) => f.part).filter((p, i, all) => p !== all[i - 1])).toEqual(['controls', 'charts', 'exports', 'views']);
      expect(reached.filter((f) => f.part === 'controls').map((f) => f.label).slice(0, 3)).toEqual(['Train', 'Step', 'Reset']);
      expect(reached.filter((f) => !f.ring || !f.onScreen)).toEqual([]);
      await focusBy(page, (f) => f?.label === 'Train' && f.part === 'controls');
      await page.keyboard.press('Enter');
      await waitForStatus(page, ['done'], 60_000);
      await expect.poll(() => page.locator('#loss-chart').evaluate((el) => el.drawn && el.pointCount > 0)).toBe(true);
      expect(await audit(page), 'embed=controls,charts,views (en, 640x700), trained').toEqual([]);
      // A lesson framed with its explanation, in Chinese.
      await page.goto(`${env.server.url}#lesson=xor&lang=zh&embed=lesson,controls,charts`);
      await page.reload();
      await waitForStatus(page, ['ready']);
      const parts = await page.evaluate(() => [...document.querySelector('nn-playground').shadowRoot.querySelectorAll('[data-part]')].map((el) => el.dataset.part));
      expect(parts).toEqual(['controls', 'charts', 'exports', 'lesson']);
      expect(await audit(page), 'embed=lesson,controls,charts (zh, 640x700)').toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
