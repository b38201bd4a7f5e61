// <nn-dead-units-chart>, <nn-activation-stats-chart> and nn-metric-chart's initial-loss warning in Chromium.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { imageOf, inBrowser, loadViz, mount } from './helpers.js';

const LAYERS = [
  { label: 'layer 2 · ReLU', type: 'relu', units: 128, deadFraction: 0.5, neverPositiveFraction: 0.5, mean: 0.3, std: 0.6 },
  { label: 'layer 4 · leaky ReLU', type: 'leaky_relu', units: 64, deadFraction: 0, neverPositiveFraction: 0.25, mean: 0.1, std: 1e-3 },
  { label: 'layer 6 · tanh', type: 'tanh', units: 64, deadFraction: 0, neverPositiveFraction: 0, mean: 0, std: 0.2 },
  { label: 'layer 8 · softmax', type: 'softmax', units: 10, deadFraction: 0, neverPositiveFraction: 0, mean: 0.1, std: 0.2 },
];

describe.skipIf(!inBrowser)('lesson views', () => {
  let mounted;
  beforeAll(loadViz);
  afterEach(() => mounted?.remove());

  it('dead units: one bar per ReLU-like layer, the share in its label', async () => {
    mounted = await mount('nn-dead-units-chart', { layers: LAYERS, step: 40 });
    const { el, events } = mounted;
    expect(el.pointCount).toBe(2);
    expect(el.drawn).toBe(true);
    expect(el.getAttribute('data-points')).toBe('2');
    expect(imageOf(el).getAttribute('aria-label')).toBe(
      'dead units at step 40: layer 2 · ReLU: 50.0 % dead (64 of 128), 50.0 % negative for every sample; layer 4 · leaky ReLU: 0.0 % dead (0 of 64), 25.0 % negative for every sample');
    expect(el.shadowRoot.querySelectorAll('rect.dead')).toHaveLength(2);
    expect(events).toEqual([]);
  });

  it('dead units: says so when there is no ReLU layer, or no data', async () => {
    mounted = await mount('nn-dead-units-chart', { layers: LAYERS.slice(2) });
    expect(mounted.el.pointCount).toBe(0);
    expect(imageOf(mounted.el).getAttribute('aria-label')).toBe('this network has no ReLU or leaky ReLU layer');
    mounted.el.layers = [];
    await mounted.el.updateComplete;
    expect(imageOf(mounted.el).getAttribute('aria-label')).toBe('dead units: no data yet');
  });

  it('activation scale: a bar per activation layer but softmax, std on a log axis', async () => {
    mounted = await mount('nn-activation-stats-chart', { layers: LAYERS, step: 7 });
    const { el } = mounted;
    expect(el.pointCount).toBe(3);
    const widths = [...el.shadowRoot.querySelectorAll('rect.std')].map((r) => Number(r.getAttribute('width')));
    // std 0.6, 1e-3, 0.2: the 1e-3 bar is three decades shorter, not 600 times.
    expect(widths[0]).toBeGreaterThan(widths[2]);
    expect(widths[1]).toBeGreaterThan(0);
    expect(widths[0] - widths[1]).toBeGreaterThan(widths[1] * 0.5);
    expect(imageOf(el).getAttribute('aria-label')).toContain('layer 4 · leaky ReLU: mean 0.1, std 0.001');
  });

  it('activation scale: a single layer is a bar that fills its plot, not a thin line', async () => {
    mounted = await mount('nn-activation-stats-chart', { layers: LAYERS.slice(0, 1), step: 7 });
    const { el } = mounted;
    const plot = imageOf(el);
    const [, , w, h] = plot.getAttribute('viewBox').split(' ').map(Number);
    const bar = Number(el.shadowRoot.querySelector('rect.std').getAttribute('height'));
    // The plot is at least a quarter as tall as wide, and the bar a third of it.
    expect(h / w).toBeGreaterThan(0.25);
    expect(bar / h).toBeGreaterThan(0.3);
  });

  it('metric chart: warns for the run whose first loss is more than 0.5 from ln C', async () => {
    const run = (id, label, first) => ({ id, label, train: { steps: [1, 2], loss: [first, first - 0.1], accuracy: [0.1, 0.1] } });
    mounted = await mount('nn-metric-chart', { metric: 'loss', classes: 10, runs: [run('a', 'default', 2.31), run('b', 'N(0, 1)', 40)] });
    const { el } = mounted;
    expect(el.initWarnings.map((w) => w.label)).toEqual(['N(0, 1)']);
    await el.updateComplete;
    expect(el.shadowRoot.querySelector('[part="warning"]').textContent).toMatch(/N\(0, 1\): Warning: the first loss is 37\.7 away from ln 10/);
  });
});
