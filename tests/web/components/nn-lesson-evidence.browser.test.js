// <nn-lesson-evidence> in Chromium: every run of a lesson drawn in its own colour, in each view a
// lesson can name (loss and accuracy, gradient norms per layer, dead units, activation scale, the
// decision boundary), the views switched by buttons, each chart with a name and a data table.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { frames, inBrowser, mount } from './viz/helpers.js';

const COLORS = ['#0072b2', '#e69f00', '#009e73'];
const LAYERS = [{ type: 'flatten' }, { type: 'dense', units: 8 }, { type: 'relu' }, { type: 'dense', units: 8 }, { type: 'relu' }, { type: 'dense', units: 2 }];
const RES = 9;

/** The evidence of run k: curves over 40 steps, norms of the three weight layers, two ReLU layers, a boundary x > k/4. */
function evidence(k) {
  const steps = Float64Array.from({ length: 40 }, (_, i) => i + 1);
  const grid = new Float32Array(RES * RES);
  for (let iy = 0; iy < RES; iy++) for (let ix = 0; ix < RES; ix++) grid[iy * RES + ix] = -1.5 + (3 * ix) / (RES - 1) > k / 4 ? 0.9 : 0.1;
  const act = (std, dead) => [2, 4].map((index, j) => ({ index, type: 'relu', units: 8, samples: 512, mean: 0.1, std: std / (j + 1), deadFraction: dead * j, neverPositiveFraction: dead * j }));
  return {
    classes: 2,
    train: { steps, loss: Float32Array.from(steps, (s) => (k + 1) / s), accuracy: Float32Array.from(steps, (s) => Math.min(1, s / (40 + 10 * k))) },
    test: { steps: [20, 40], loss: [0.5 + k, 0.4 + k], accuracy: [0.6, 0.7] },
    norms: { layers: [1, 3, 5], steps: [5, 10, 20, 40], norms: [1, 2, 3].map((m) => [5, 10, 20, 40].map((s) => m * (k + 1) / s)) },
    activations: { start: act(1 + k, 0), end: act(0.5 + k, 0.25 * (k + 1)), step: 40 },
    // Run a's gradients are all exactly 0 (as with all-zero weights); the others spread over [-1, 1]
    // with k / 4 of them in the middle bin (dead units).
    grads: [1, 3, 5].map(() => (k === 0 ? { step: 40, lo: 0, hi: 1, counts: [100, ...Array(39).fill(0)], min: 0, max: 0, mean: 0, std: 0 }
      : { step: 40, lo: -1, hi: 1, counts: Array.from({ length: 40 }, (_, i) => (i === 20 ? 10 * k : (40 - 10 * k) / 39)), min: -1, max: 1, mean: 0, std: 0.5 })),
    boundary: { grid, resolution: RES, extent: [-1.5, 1.5], step: 40 },
    points: { x: Float32Array.from([-1, -1, 1, 1]), labels: Uint8Array.from([0, 1]), extent: [-1.5, 1.5] },
  };
}

const EXPERIMENTS = ['a', 'b', 'c'].map((id) => ({ id, experiment: { layers: LAYERS, loss: { type: 'cross_entropy' } } }));
const RESULTS = EXPERIMENTS.map((e, k) => ({ id: e.id, label: `run ${e.id}`, color: COLORS[k], evidence: evidence(k) }));
const VIEWS = ['loss-chart', 'norm-chart', 'dead-units', 'activation-stats', 'boundary', 'grads-chart', 'weights-chart'];

const sr = (el) => el.shadowRoot;
const chartOf = (el) => sr(el).querySelector('[part="chart"]');

async function show(el, view) {
  sr(el).querySelector(`.tabs button[data-view="${view}"]`).click();
  await el.updateComplete;
  await chartOf(el)?.updateComplete;
  await frames(2);
}

/** The colours of an SVG bar chart's run bars. */
const barColors = (chart) => [...sr(chart).querySelectorAll('rect.run')].map((r) => r.getAttribute('fill'));

describe.skipIf(!inBrowser)('<nn-lesson-evidence>', () => {
  let mounted;
  beforeAll(async () => {
    const { setLanguage } = await import('../../../web/src/i18n/index.js');
    await setLanguage('en');
    await import('../../../web/src/components/nn-lesson-evidence.js');
  });
  afterEach(() => mounted?.remove());

  it('before any run: the views as buttons and a sentence saying what will be drawn', async () => {
    mounted = await mount('nn-lesson-evidence', { views: VIEWS, experiments: EXPERIMENTS, results: [] });
    const { el } = mounted;
    // weights-chart (the weight distributions of one layer) has no evidence of its own: it is left out.
    expect([...sr(el).querySelectorAll('.tabs button')].map((b) => b.textContent.trim()))
      .toEqual(['Loss', 'Gradient norms', 'Dead units', 'Activation scale', 'Decision boundary', 'Gradient histogram']);
    expect(sr(el).querySelector('.empty').textContent).toContain('Run this lesson');
    expect(el.drawnRuns).toEqual([]);
  });

  it('loss: one curve group per run, each in the run\'s colour, by default the lesson\'s first view', async () => {
    mounted = await mount('nn-lesson-evidence', { views: VIEWS, experiments: EXPERIMENTS, results: RESULTS }, 560);
    const { el, events } = mounted;
    const chart = chartOf(el);
    await chart.updateComplete;
    await frames(2);
    expect(el.view).toBe('loss-chart');
    expect(sr(el).querySelector('.tabs button[aria-pressed="true"]').dataset.view).toBe('loss-chart');
    expect(chart.localName).toBe('nn-metric-chart');
    expect(el.drawnRuns).toEqual(['run a', 'run b', 'run c']);
    expect(chart.legendGroups().map((g) => g.label)).toEqual(['run a', 'run b', 'run c']);
    const strokes = new Set(chart.plot.series.slice(1).map((s) => s.stroke()));
    for (const color of COLORS) expect([...strokes].some((s) => s.toLowerCase().startsWith(color)), color).toBe(true);
    expect(chart.pointCount).toBe(3 * (40 + 2));
    expect(sr(chart).querySelector('canvas[role="img"]').getAttribute('aria-label')).not.toBe('');
    expect(events).toEqual([]);
  });

  it('gradient norms: a line per layer per run, in the run\'s colour; the legend has a run\'s entry per run', async () => {
    mounted = await mount('nn-lesson-evidence', { views: VIEWS, experiments: EXPERIMENTS, results: RESULTS }, 560);
    const { el } = mounted;
    await show(el, 'norm-chart');
    const chart = chartOf(el);
    expect(chart.localName).toBe('nn-grad-norm-chart');
    expect(el.drawnRuns).toHaveLength(3);
    const series = chart.plot.series.slice(1);
    expect(series).toHaveLength(9);
    expect(series.map((s) => s.stroke())).toEqual(COLORS.flatMap((c) => [c, c, c]));
    // The layers of a run differ by line style, and are named as the layer rows name them.
    expect(series.slice(0, 3).map((s) => JSON.stringify(s.dash ?? null))).toHaveLength(new Set(series.slice(0, 3).map((s) => JSON.stringify(s.dash ?? null))).size);
    expect(series[1].label).toBe('run a · layer 4 · Dense');
    const [runs, layers] = chart.legendGroups();
    expect(runs.items.map((i) => [i.label, i.color])).toEqual(RESULTS.map((r) => [r.label, r.color]));
    expect(layers.items.map((i) => i.label)).toEqual(['layer 2 · Dense', 'layer 4 · Dense', 'layer 6 · Dense']);
    // Hiding a run's entry hides its three lines, and only them.
    sr(chart).querySelectorAll('[part="legend"] button')[1].click();
    expect(chart.plot.series.slice(1).map((s) => s.show)).toEqual([true, true, true, false, false, false, true, true, true]);
    expect(sr(chart).querySelector('canvas[role="img"]').getAttribute('aria-label')).toContain('run c at step 40');
  });

  it('dead units and activation scale: per layer a bar per run in its colour, with a table', async () => {
    mounted = await mount('nn-lesson-evidence', { views: VIEWS, experiments: EXPERIMENTS, results: RESULTS }, 560);
    const { el } = mounted;
    await show(el, 'dead-units');
    let chart = chartOf(el);
    expect(chart.localName).toBe('nn-dead-units-chart');
    expect(barColors(chart)).toEqual([...COLORS, ...COLORS]); // layer 3's three runs, then layer 5's
    expect(chart.pointCount).toBe(6);
    const widths = [...sr(chart).querySelectorAll('rect.run')].map((r) => Number(r.getAttribute('width')));
    expect(widths.slice(0, 3)).toEqual([0, 0, 0]);
    expect(widths[4]).toBeCloseTo(2 * widths[3], 6); // 50 % against 25 % dead
    const image = sr(chart).querySelector('[role="img"]');
    expect(image.getAttribute('aria-label')).toBe('dead units per layer at the end of each run: layer 3 · ReLU: run a 0.0 %, run b 0.0 %, run c 0.0 %; '
      + 'layer 5 · ReLU: run a 25.0 %, run b 50.0 %, run c 75.0 %');
    sr(chart).querySelector('.table-toggle').click();
    await chart.updateComplete;
    const table = sr(chart).querySelector('table.data');
    expect([...table.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual(['Layer', 'run a', 'run b', 'run c']);
    expect([...table.querySelectorAll('tbody tr')][1].textContent).toContain('75.0 %');

    await show(el, 'activation-stats');
    chart = chartOf(el);
    expect(chart.localName).toBe('nn-activation-stats-chart');
    expect(barColors(chart)).toEqual([...COLORS, ...COLORS]);
    // At step 0 by default; "at the end" shows the last measurement.
    expect(sr(chart).querySelector('[role="img"]').getAttribute('aria-label')).toContain('layer 3 · ReLU: run a 1, run b 2, run c 3');
    sr(el).querySelector('.when button[data-when="end"]').click();
    await el.updateComplete;
    await chart.updateComplete;
    expect(sr(chart).querySelector('[role="img"]').getAttribute('aria-label')).toContain('layer 3 · ReLU: run a 0.5, run b 1.5, run c 2.5');
  });

  it('gradient histogram: one layer\'s gradients at the end of each run, a line per run in its colour', async () => {
    mounted = await mount('nn-lesson-evidence', { views: VIEWS, experiments: EXPERIMENTS, results: RESULTS }, 560);
    const { el } = mounted;
    await show(el, 'grads-chart');
    const chart = chartOf(el);
    expect(chart.localName).toBe('nn-distribution-chart');
    expect(el.drawnRuns).toEqual(['run a', 'run b', 'run c']);
    expect(chart.plot.series.slice(1).map((s) => s.stroke())).toEqual(COLORS);
    expect(chart.legendGroups()[0].items.map((i) => i.label)).toEqual(['run a', 'run b', 'run c']);
    // Each line is its run's share of values per bin; run a's gradients, all 0, are one spike.
    const shares = chart.plot.data.slice(1).map((col) => col.reduce((a, b) => a + (b ?? 0), 0));
    for (const total of shares) expect(total).toBeCloseTo(1, 9);
    const label = sr(chart).querySelector('canvas[role="img"]').getAttribute('aria-label');
    expect(label).toBe('Gradients of layer 2 · Dense at the end of each run, share of values in the bin around 0: run a 100.0 %, run b 25.0 %, run c 50.0 %');
    // Another layer: the picker names the layers as the layer rows do.
    const select = sr(el).querySelector('#grads-layer');
    expect([...select.options].map((o) => o.textContent)).toEqual(['layer 2 · Dense', 'layer 4 · Dense', 'layer 6 · Dense']);
    select.value = '2';
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    await chart.updateComplete;
    await frames(2);
    expect(sr(chart).querySelector('canvas[role="img"]').getAttribute('aria-label')).toContain('Gradients of layer 6 · Dense');
  });

  it('decision boundary: one map per run side by side, each under its run\'s name and colour', async () => {
    mounted = await mount('nn-lesson-evidence', { views: VIEWS, experiments: EXPERIMENTS, results: RESULTS.slice(0, 2) }, 560);
    const { el } = mounted;
    await show(el, 'boundary');
    const maps = [...sr(el).querySelectorAll('nn-decision-boundary')];
    expect(maps).toHaveLength(2);
    await Promise.all(maps.map((m) => m.updateComplete));
    await frames(2);
    const boxes = maps.map((m) => m.getBoundingClientRect());
    expect(boxes[1].left).toBeGreaterThanOrEqual(boxes[0].right); // side by side
    expect(Math.abs(boxes[1].top - boxes[0].top)).toBeLessThan(1);
    const captions = [...sr(el).querySelectorAll('figcaption')];
    expect(captions.map((c) => c.textContent.trim())).toEqual(['run a', 'run b']);
    expect(captions.map((c) => c.querySelector('.swatch').style.background)).toEqual(['rgb(0, 114, 178)', 'rgb(230, 159, 0)']);
    expect(el.drawnRuns).toEqual(['run a', 'run b']);
    for (const m of maps) expect(m.agreement).toBe(1); // x = -1 is class 0 and x = 1 class 1 in both maps
  });
});
