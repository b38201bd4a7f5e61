// <nn-grad-norm-chart> in Chromium: one series per layer, log scale by default, vanishing norms kept.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { frames, imageOf, inBrowser, loadViz, mount } from './helpers.js';

function norms(layers, steps) {
  // Each layer further from the output has a gradient 10x smaller (a deep sigmoid net).
  return Array.from({ length: layers }, (_, k) => steps.map(() => 10 ** -(layers - 1 - k)));
}

describe.skipIf(!inBrowser)('<nn-grad-norm-chart>', () => {
  let mounted;
  beforeAll(loadViz);
  afterEach(() => mounted?.remove());

  it('draws one line per layer on a log axis, tiny norms included', async () => {
    const steps = [0, 10, 20, 30];
    mounted = await mount('nn-grad-norm-chart', { layers: ['dense 1', 'dense 2', 'dense 3', 'dense 4', 'dense 5', 'dense 6'], steps, norms: norms(6, steps) });
    const { el, events } = mounted;
    expect(el.log).toBe(true);
    expect(el.plot.scales.y.distr).toBe(3);
    expect(el.pointCount).toBe(24);
    expect(el.plot.scales.y.min).toBeLessThanOrEqual(1e-5);
    expect(imageOf(el).getAttribute('aria-label')).toBe('gradient L2 norm at step 30: dense 1 1.00e-5, dense 2 1.00e-4, dense 3 0.001, dense 4 0.01, dense 5 0.1, dense 6 1');
    expect([...el.shadowRoot.querySelectorAll('.legend button')].map((b) => b.textContent.trim())).toHaveLength(6);
    expect(events).toEqual([]);
  });

  it('treats zero norms as gaps on the log axis and streams through preallocated arrays', async () => {
    const steps = new Float64Array(1000);
    const layer = new Float32Array(1000);
    mounted = await mount('nn-grad-norm-chart', { layers: ['dense 1'], steps, norms: [layer], length: 0 });
    const { el } = mounted;
    expect(el.pointCount).toBe(0);
    steps.set([1, 2, 3]);
    layer.set([0.5, 0, 0.25]);
    el.length = 3;
    await el.updateComplete;
    await frames(2);
    expect(el.pointCount).toBe(2);
    el.log = false;
    await el.updateComplete;
    await frames(2);
    expect(el.pointCount).toBe(3);
  });

  it('emits log-change when the user unticks log scale', async () => {
    mounted = await mount('nn-grad-norm-chart', { layers: ['a'], steps: [1], norms: [[1]] });
    mounted.el.shadowRoot.querySelector('input[type="checkbox"]').click();
    expect(mounted.events.map((e) => [e.type, e.detail])).toEqual([['log-change', { log: false }]]);
  });
});
