// The data table of the uPlot charts (chart-base.js) in Chromium: the Table button, the table's
// caption, columns and sampled rows, its values against the data and the tooltip, hidden series,
// the histogram's table over bins, live updates that stay cheap, and the Chinese labels.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { frames, inBrowser, loadViz, mount, syntheticRun } from './helpers.js';

const text = (node) => node.textContent.replace(/\s+/g, ' ').trim();

/** The chart's Table button, its table box, and what the table shows (cells as their visible text). */
function tableOf(el) {
  const root = el.shadowRoot;
  const button = root.querySelector('button.table-toggle');
  const box = root.getElementById(button.getAttribute('aria-controls'));
  const table = box.querySelector('table');
  // What a cell shows: its text without the screen-reader-only part (and Lit's comment markers).
  const visible = (cell) => [...cell.childNodes].filter((n) => n.nodeType !== Node.COMMENT_NODE && !n.classList?.contains('sr')).map((n) => n.textContent).join('').trim();
  return {
    button,
    box,
    table,
    caption: table && text(table.caption),
    head: table ? [...table.tHead.rows[0].cells].map(text) : [],
    rows: table ? [...table.tBodies[0].rows].map((r) => [...r.cells].map(visible)) : [],
    cells: table ? [...table.tBodies[0].rows].map((r) => [...r.cells]) : [],
    notes: [...box.querySelectorAll('.note')].map(text),
  };
}

async function toggle(el) {
  el.shadowRoot.querySelector('button.table-toggle').click();
  await el.updateComplete;
  await frames(2);
}


// Uniform values over [-w, w] in `bins` bins, as the session's tensorStats reports them.
function snapshot(step, w, bins = 20) {
  return { step, counts: new Uint32Array(bins).fill(50), lo: -w, hi: w, min: -w, max: w, mean: 0, std: w / Math.sqrt(3) };
}

describe.skipIf(!inBrowser)('the charts\' data table', () => {
  let mounted;
  beforeAll(loadViz);
  afterEach(() => mounted?.remove());

  it('the Table button shows and hides the table, with aria-expanded and aria-controls; closed, nothing is rendered', async () => {
    mounted = await mount('nn-metric-chart', { runs: [syntheticRun('a', 300, 50)] });
    const { el, events } = mounted;
    let t = tableOf(el);
    expect(t.button.localName).toBe('button');
    expect(t.button.type).toBe('button');
    // Its name says which chart's table it is.
    expect(text(t.button)).toBe('Table · Loss');
    expect(t.button.getAttribute('aria-expanded')).toBe('false');
    expect(t.box).not.toBeNull();
    expect(t.box.hidden).toBe(true);
    expect(t.box.childElementCount).toBe(0);
    expect(el.tableCount).toBe(0);
    await toggle(el);
    t = tableOf(el);
    expect(t.button.getAttribute('aria-expanded')).toBe('true');
    expect(t.box.hidden).toBe(false);
    expect(getComputedStyle(t.box).display).not.toBe('none');
    expect(t.table).not.toBeNull();
    expect(t.caption).toBe('Loss');
    // The table sits under the plot.
    expect(el.shadowRoot.querySelector('.plot').compareDocumentPosition(t.box) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    // Row headers and column headers are real header cells.
    expect([...t.table.tHead.rows[0].cells].every((c) => c.localName === 'th' && c.scope === 'col')).toBe(true);
    expect(t.cells.every((r) => r[0].localName === 'th' && r[0].scope === 'row')).toBe(true);
    // The scrolling box is a named region a keyboard can reach.
    const region = t.box.querySelector('[role="region"]');
    expect(region.tabIndex).toBe(0);
    expect(el.shadowRoot.getElementById(region.getAttribute('aria-labelledby'))).toBe(t.table.caption);
    // No style attribute anywhere (the page's CSP forbids inline styles).
    expect(t.box.querySelectorAll('[style]')).toHaveLength(0);
    await toggle(el);
    t = tableOf(el);
    expect(t.button.getAttribute('aria-expanded')).toBe('false');
    expect(t.box.hidden).toBe(true);
    expect(t.table).toBeNull();
    // Opening the table is not an event the page has to handle.
    expect(events).toEqual([]);
  });

  it('loss: a column per series, at most 12 rows evenly spaced, first and latest in, values as the tooltip writes them', async () => {
    const run = syntheticRun('a', 300, 50);
    mounted = await mount('nn-metric-chart', { runs: [run], tableOpen: true });
    const { el } = mounted;
    const t = tableOf(el);
    expect(t.head).toEqual(['step', 'train', 'test']);
    expect(t.rows).toHaveLength(12);
    // Evenly spaced over the 300 steps: 1, 28, 55, 83, 110, 137, 164, 191, 218, 246, 273, 300
    // (299 / 11 = 27.2 apart); those with a test point within 13 steps move to it (55 to 50, 110
    // to 100, 137 to 150, 191 to 200, 246 to 250); the first and the latest stay.
    const steps = [1, 28, 50, 83, 100, 150, 164, 200, 218, 250, 273, 300];
    expect(t.rows.map((r) => r[0])).toEqual(steps.map(String));
    for (const [k, row] of t.rows.entries()) {
      const s = steps[k];
      expect(row[1]).toBe(el.formatTooltipValue(0, run.train.loss[s - 1]));
      const j = run.test.steps.indexOf(s);
      expect(row[2]).toBe(j >= 0 ? el.formatTooltipValue(1, run.test.loss[j]) : '–');
    }
    // The latest row reads 0.1xxx, four digits, as the tooltip at that step does.
    expect(t.rows.at(-1)[1]).toMatch(/^0\.1\d{3}$/);
    el.plot.setCursor({ left: el.plot.valToPos(300, 'x'), top: 10 });
    const tip = [...el.shadowRoot.querySelectorAll('.tooltip div')].map(text);
    expect(tip).toEqual(['step 300', `train: ${t.rows.at(-1)[1]}`, `test: ${t.rows.at(-1)[2]}`]);
    // A missing value: a dash on screen, "no value" to a screen reader.
    const missing = t.cells[1][2];
    expect(missing.querySelector('[aria-hidden="true"]').textContent).toBe('–');
    expect(missing.querySelector('.sr').textContent).toBe('no value');
    expect(t.notes).toEqual(['The chart has 300 points; the table shows 12 of them, evenly spaced from the first to the latest.']);
  });

  it('accuracy in per cent; series hidden through the legend and the raw curve behind a smoothed one are left out', async () => {
    mounted = await mount('nn-metric-chart', {
      metric: 'accuracy', smoothing: 0.6, tableOpen: true,
      runs: [syntheticRun('sgd', 100, 20, 'SGD'), syntheticRun('adam', 150, 50, 'Adam')],
    });
    const { el } = mounted;
    let t = tableOf(el);
    expect(t.caption).toBe('Accuracy');
    expect(t.head).toEqual(['step', 'SGD · train', 'SGD · test', 'Adam · train', 'Adam · test']);
    // Rows over steps 1..150 (the longer run), the last one Adam's step 150.
    expect(t.rows[0][0]).toBe('1');
    expect(t.rows.at(-1)[0]).toBe('150');
    expect(t.rows.at(-1)[1]).toBe('–');
    expect(t.rows.at(-1)[3]).toMatch(/^\d+\.\d\d %$/);
    // Series: SGD train (smoothed), its raw curve, SGD test, Adam train, its raw curve, Adam test.
    expect(el.plot.data).toHaveLength(7);
    expect(t.rows.at(-1)[3]).toBe(el.formatTooltipValue(3, el.plot.data[4].at(-1)));
    // Hide Adam's train and SGD's test in the legend: their columns leave the table at once.
    const buttons = el.shadowRoot.querySelectorAll('.legend button');
    buttons[2].click();
    buttons[1].click();
    await el.updateComplete;
    t = tableOf(el);
    expect(t.head).toEqual(['step', 'SGD · train', 'Adam · test']);
    expect(t.rows.every((r) => r.length === 3)).toBe(true);
    // Adam's test points (every 50 steps) still reach step 150; SGD's train stops at 100.
    expect(t.rows.at(-1)).toEqual(['150', '–', el.formatTooltipValue(5, el.plot.data[6].at(-1))]);
    buttons[2].click();
    await el.updateComplete;
    expect(tableOf(el).head).toEqual(['step', 'SGD · train', 'Adam · train', 'Adam · test']);
  });

  it('follows streaming data while open, at most a few renders a second; closed, streaming renders nothing', async () => {
    const live = syntheticRun('live', 10, 5);
    mounted = await mount('nn-metric-chart', { runs: [live] });
    const { el } = mounted;
    let step = 10;
    const append = () => {
      step += 1;
      live.train.steps.push(step);
      live.train.loss.push(1 / step);
      live.train.accuracy.push(0.9);
      el.refresh();
    };
    for (let i = 0; i < 20; i++) {
      append();
      await frames(1);
    }
    expect(el.tableCount).toBe(0);
    expect(tableOf(el).box.childElementCount).toBe(0);
    await toggle(el);
    expect(tableOf(el).rows.at(-1)[0]).toBe(String(step));
    // Forty frames of new data, each drawn: the table is rendered at most once per 400 ms.
    const before = el.tableCount;
    const draws = el.drawCount;
    const start = performance.now();
    for (let i = 0; i < 40; i++) {
      append();
      await frames(1);
    }
    const elapsed = performance.now() - start;
    expect(el.drawCount - draws).toBeGreaterThanOrEqual(30);
    expect(el.tableCount - before).toBeLessThanOrEqual(Math.ceil(elapsed / 400) + 1);
    // Once the data stops, the table catches up with the latest point.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const t = tableOf(el);
    expect(t.rows.at(-1)).toEqual([String(step), el.formatTooltipValue(0, 1 / step), '–']);
    expect(t.rows).toHaveLength(12);
    expect(t.notes[0]).toContain(`has ${step} points`);
    // And nothing more happens when nothing changes.
    const settled = el.tableCount;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(el.tableCount).toBe(settled);
  });

  it('gradient norms: a column per layer, only the rows with a value (zero norms are gaps on the log axis)', async () => {
    mounted = await mount('nn-grad-norm-chart', { layers: ['dense 1', 'dense 2'], steps: [1, 2, 3], norms: [[0.5, 0, 0.25], [1e-6, 0, 2]], tableOpen: true });
    const { el } = mounted;
    let t = tableOf(el);
    expect(t.caption).toBe('Gradient norm per layer');
    expect(t.head).toEqual(['step', 'dense 1', 'dense 2']);
    expect(t.rows).toEqual([['1', '0.5', '1.000e-6'], ['3', '0.25', '2']]);
    expect(t.notes).toEqual(['The table shows all 2 points.']);
    el.log = false;
    await el.updateComplete;
    await frames(2);
    t = tableOf(el);
    expect(t.rows.map((r) => r[0])).toEqual(['1', '2', '3']);
    expect(t.rows[1]).toEqual(['2', '0', '0']);
  });

  it('distribution over time: a column per percentile', async () => {
    const snapshots = [snapshot(0, 0.1), snapshot(100, 0.2), snapshot(200, 0.4)];
    mounted = await mount('nn-distribution-chart', { snapshots, tensor: 'layers.0.weight', tableOpen: true });
    const { el } = mounted;
    const t = tableOf(el);
    expect(t.caption).toBe('Weights · layers.0.weight · over time');
    expect(t.head).toEqual(['step', 'min', 'p5', 'p25', 'median', 'p75', 'p95', 'max']);
    expect(t.rows.map((r) => r[0])).toEqual(['0', '100', '200']);
    for (let i = 0; i < 3; i++) expect(t.rows[i].slice(1)).toEqual(el.percentilesAt(i).map((v) => el.formatTooltipValue(0, v)));
    expect(t.rows[2].slice(1)).toEqual(['-0.4', '-0.36', '-0.2', '0', '0.2', '0.36', '0.4']);
  });

  it('histogram: rows are value ranges (neighbouring bins added up), columns the counts of the histograms shown', async () => {
    const snapshots = [snapshot(0, 0.1), snapshot(100, 0.2), snapshot(200, 0.4)];
    mounted = await mount('nn-distribution-chart', { snapshots, view: 'histogram', quantity: 'gradients', tensor: 'layers.2.weight', tableOpen: true });
    const { el } = mounted;
    let t = tableOf(el);
    expect(t.caption).toBe('Gradients · layers.2.weight · histogram');
    expect(t.head).toEqual(['value range', 'count at step 200', 'count at step 0 (first)']);
    // 20 bins over [-0.4, 0.4], two to a row: ten rows of width 0.08.
    expect(t.rows).toHaveLength(10);
    expect(t.rows.map((r) => r[0])).toEqual([
      '-0.4 to -0.32', '-0.32 to -0.24', '-0.24 to -0.16', '-0.16 to -0.08', '-0.08 to 0',
      '0 to 0.08', '0.08 to 0.16', '0.16 to 0.24', '0.24 to 0.32', '0.32 to 0.4',
    ]);
    expect(t.rows.map((r) => r[1])).toEqual(new Array(10).fill('100'));
    // The first histogram (values in [-0.1, 0.1]) lies in the middle four rows, every value counted.
    expect(t.rows.map((r) => r[2])).toEqual(['0', '0', '0', '100', '400', '400', '100', '0', '0', '0']);
    // Each cell is the sum of the bins drawn, written as the tooltip writes a count.
    const [, current, initial] = el.plot.data;
    for (let r = 0; r < 10; r++) {
      expect(t.rows[r][1]).toBe(el.formatTooltipValue(0, current[2 * r] + current[2 * r + 1]));
      expect(t.rows[r][2]).toBe(el.formatTooltipValue(1, initial[2 * r] + initial[2 * r + 1]));
    }
    expect(t.notes).toEqual(['The histogram has 20 bins; each row of the table adds up 2 neighbouring bins.']);
    // The first histogram hidden in the legend: its column goes.
    el.shadowRoot.querySelectorAll('.legend button')[1].click();
    await el.updateComplete;
    expect(tableOf(el).head).toEqual(['value range', 'count at step 200']);
    // The first step itself: one histogram, one count column; 12 bins or fewer are shown one a row.
    el.snapshots = [snapshot(0, 0.3, 6)];
    await el.updateComplete;
    await new Promise((resolve) => setTimeout(resolve, 450));
    t = tableOf(el);
    expect(t.head).toEqual(['value range', 'count at step 0']);
    expect(t.rows).toEqual([
      ['-0.3 to -0.2', '50'], ['-0.2 to -0.1', '50'], ['-0.1 to 0', '50'], ['0 to 0.1', '50'], ['0.1 to 0.2', '50'], ['0.2 to 0.3', '50'],
    ]);
    expect(t.notes).toEqual(['The table shows all 6 bins.']);
    // Switching to the bands: the table follows at once.
    el.view = 'bands';
    await el.updateComplete;
    await frames(2);
    expect(tableOf(el).head[0]).toBe('step');
  });

  it('the rows: at most 12, in order, the first and the latest always, moved only within half a spacing', async () => {
    const { evenlySpaced, nudge, TABLE_ROWS } = await import('../../../../web/src/components/viz/chart-base.js');
    expect(TABLE_ROWS).toBe(12);
    expect(evenlySpaced(0, 12)).toEqual([]);
    expect(evenlySpaced(5, 12)).toEqual([0, 1, 2, 3, 4]);
    expect(evenlySpaced(23, 12)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22]);
    for (const total of [12, 13, 24, 25, 100, 101, 997, 100000]) {
      const even = evenlySpaced(total, 12);
      // Every rank scores best: the evenly spaced ones stay; only odd ranks score: each moves at most half a spacing.
      expect(nudge(even.slice(), total, () => 1, 1)).toEqual(even);
      const moved = nudge(even.slice(), total, (r) => r % 2, 1);
      const spacing = (total - 1) / 11;
      expect(moved).toHaveLength(Math.min(total, 12));
      expect(moved[0]).toBe(0);
      expect(moved.at(-1)).toBe(total - 1);
      for (let k = 1; k < moved.length; k++) expect(moved[k]).toBeGreaterThan(moved[k - 1]);
      for (let k = 1; k < moved.length - 1; k++) {
        expect(Math.abs(moved[k] - even[k])).toBeLessThanOrEqual(spacing / 2);
        if (spacing >= 3) expect(moved[k] % 2).toBe(1);
      }
    }
  });

  it('says there is no data yet', async () => {
    mounted = await mount('nn-grad-norm-chart', { tableOpen: true });
    const t = tableOf(mounted.el);
    expect(t.table).toBeNull();
    expect(t.notes).toEqual(['No data yet.']);
  });

  it('in Chinese', async () => {
    const { default: VIZ_LABELS_ZH } = await import('../../../../web/src/i18n/zh/viz.js');
    mounted = await mount('nn-metric-chart', { runs: [syntheticRun('a', 300, 50)], labels: VIZ_LABELS_ZH['nn-metric-chart'], tableOpen: true });
    let t = tableOf(mounted.el);
    expect(text(t.button)).toBe('表格 · 损失');
    expect(t.caption).toBe('损失');
    expect(t.head).toEqual(['步数', '训练', '测试']);
    expect(t.cells[1][2].querySelector('.sr').textContent).toBe('无数值');
    expect(t.notes).toEqual(['图中共有 300 个点；表格显示其中 12 个，从第一个到最新一个均匀选取。']);
    mounted.remove();
    const snapshots = [snapshot(0, 0.1), snapshot(100, 0.2), snapshot(200, 0.4)];
    mounted = await mount('nn-distribution-chart', {
      snapshots, view: 'histogram', tensor: 'layers.2.weight', labels: VIZ_LABELS_ZH['nn-distribution-chart'], tableOpen: true,
    });
    t = tableOf(mounted.el);
    expect(t.caption).toBe('权重 · layers.2.weight · 直方图');
    expect(t.head).toEqual(['数值范围', '第 200 步的个数', '第 0 步（初始）的个数']);
    expect(t.rows[0][0]).toBe('-0.4 至 -0.32');
    expect(t.notes).toEqual(['直方图共有 20 个区间；表格每行合并相邻的 2 个区间。']);
  });
});
