// <nn-distribution-chart> in Chromium: percentile bands over steps and the histogram view.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { frames, imageOf, inBrowser, loadViz, mount } from './helpers.js';

// Uniform values over [-w, w] in 20 bins, as the session's tensorStats reports them.
function snapshot(step, w) {
  return { step, counts: new Uint32Array(20).fill(50), lo: -w, hi: w, min: -w, max: w, mean: 0, std: w / Math.sqrt(3) };
}

describe.skipIf(!inBrowser)('<nn-distribution-chart>', () => {
  let mounted;
  beforeAll(loadViz);
  afterEach(() => mounted?.remove());

  it('draws seven percentile series with three bands over the steps', async () => {
    const snapshots = [snapshot(0, 0.1), snapshot(100, 0.2), snapshot(200, 0.4)];
    mounted = await mount('nn-distribution-chart', { snapshots, tensor: 'layers.0.weight' });
    const { el, events } = mounted;
    expect(el.pointCount).toBe(3 * 7);
    expect(el.plot.series).toHaveLength(8);
    expect(el.plot.bands).toHaveLength(3);
    const [min, p5, p25, median, p75, p95, max] = el.percentilesAt(2);
    expect([min, p5, p25, median, p75, p95, max].map((v) => +v.toFixed(6))).toEqual([-0.4, -0.36, -0.2, 0, 0.2, 0.36, 0.4]);
    expect(imageOf(el).getAttribute('aria-label')).toBe('Weights of layers.0.weight at step 200: median 0, 90 % between -0.36 and 0.36, min -0.4, max 0.4');
    expect(el.shadowRoot.querySelector('.title').textContent).toBe('Weights · layers.0.weight');
    expect(events).toEqual([]);
  });

  it('computes each snapshot\'s percentiles once while snapshots stream in', async () => {
    const snapshots = [snapshot(0, 0.1)];
    mounted = await mount('nn-distribution-chart', { snapshots });
    const { el } = mounted;
    const first = el.percentilesAt(0);
    snapshots.push(snapshot(10, 0.3));
    el.refresh();
    await frames(2);
    expect(el.percentilesAt(0)).toBe(first);
    expect(el.pointCount).toBe(14);
  });

  it('shows the latest histogram over the first one, and a slider to go back', async () => {
    const snapshots = [snapshot(0, 0.1), snapshot(100, 0.2), snapshot(200, 0.4)];
    mounted = await mount('nn-distribution-chart', { snapshots, view: 'histogram', quantity: 'gradients', tensor: 'layers.2.weight' });
    const { el, events } = mounted;
    expect(el.shownIndex).toBe(2);
    expect(el.pointCount).toBe(20);
    expect(el.plot.series).toHaveLength(3);
    expect(imageOf(el).getAttribute('aria-label')).toMatch(/^Gradients of layers\.2\.weight at step 200: 1000 values/);
    const slider = el.shadowRoot.querySelector('input[type="range"]');
    slider.value = '1';
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    await el.updateComplete;
    await frames(2);
    expect(el.shownIndex).toBe(1);
    expect(events.map((e) => [e.type, e.detail])).toEqual([['snapshot-select', { index: 1, step: 100 }]]);
  });

  it('switches view on a click and says so, but not when the page sets it', async () => {
    mounted = await mount('nn-distribution-chart', { snapshots: [snapshot(0, 1)] });
    const { el, events } = mounted;
    el.view = 'histogram';
    await el.updateComplete;
    expect(events).toEqual([]);
    el.shadowRoot.querySelector('.seg button').click(); // "over time"
    await el.updateComplete;
    expect(el.view).toBe('bands');
    expect(events.map((e) => [e.type, e.detail])).toEqual([['view-change', { view: 'bands' }]]);
  });
});
