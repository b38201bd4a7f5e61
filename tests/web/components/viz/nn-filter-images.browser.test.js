// <nn-filter-images> in Chromium: conv kernels and dense units as tiles, the diverging scale.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { blueOrange } from '../../../../web/src/components/viz/colormap.js';
import { frames, imageOf, inBrowser, loadViz, mount } from './helpers.js';

describe.skipIf(!inBrowser)('<nn-filter-images>', () => {
  let mounted;
  beforeAll(loadViz);
  afterEach(() => mounted?.remove());

  it('draws one k x k tile per conv filter on the blue-orange map', async () => {
    const weights = new Float32Array(6 * 1 * 3 * 3);
    weights[0] = -1; // filter 0, top-left: the most negative value
    weights[1] = 1;
    mounted = await mount('nn-filter-images', { weights, shape: [6, 1, 3, 3], tileSize: 30 });
    const { el, events } = mounted;
    expect(el.pointCount).toBe(6);
    expect(imageOf(el).getAttribute('aria-label')).toBe('6 filters of 3 × 3 over 1 input channels, weights from -1 to 1');
    const ctx = imageOf(el).getContext('2d');
    const ratio = devicePixelRatio;
    const px = ctx.getImageData(5 * ratio, 5 * ratio, 1, 1).data;
    expect(Array.from(px.slice(0, 3))).toEqual(blueOrange(-1));
    expect(events).toEqual([]);
  });

  it('lays conv filters with several input channels out as one row per filter', async () => {
    mounted = await mount('nn-filter-images', { weights: new Float32Array(4 * 3 * 5 * 5).fill(0.1), shape: [4, 3, 5, 5] });
    expect(mounted.el.pointCount).toBe(12);
  });

  it('draws dense units on MNIST as 28x28 images and caps the count', async () => {
    mounted = await mount('nn-filter-images', { weights: new Float32Array(100 * 784).fill(0.01), shape: [100, 784], max: 36 });
    const { el } = mounted;
    expect(el.pointCount).toBe(36);
    expect(imageOf(el).getAttribute('aria-label')).toMatch(/^100 units, each weight image 28 × 28/);
    expect(el.shadowRoot.querySelector('.shown').textContent).toBe('showing 36 of 100');
  });

  it('counts the layer\'s units, not the first ones the worker sent, in "showing n of N"', async () => {
    // A 128-unit layer: the worker sends its first 64 units and the page draws 32.
    mounted = await mount('nn-filter-images', { weights: new Float32Array(64 * 784).fill(0.01), shape: [64, 784], max: 32, units: 128 });
    const { el } = mounted;
    expect(el.pointCount).toBe(32);
    expect(el.shadowRoot.querySelector('.shown').textContent).toBe('showing 32 of 128');
    expect(imageOf(el).getAttribute('aria-label')).toMatch(/^128 units, each weight image 28 × 28/);
  });

  it('switches to one scale on a click and emits scale-change', async () => {
    mounted = await mount('nn-filter-images', { weights: new Float32Array(2 * 9).fill(0.5), shape: [2, 1, 3, 3] });
    const { el, events } = mounted;
    el.shadowRoot.querySelectorAll('.seg button')[1].click();
    await el.updateComplete;
    await frames(2);
    expect(el.scale).toBe('global');
    expect(el.shadowRoot.querySelector('.range').textContent).toBe('±0.5');
    expect(events.map((e) => [e.type, e.detail])).toEqual([['scale-change', { scale: 'global' }]]);
  });
});
