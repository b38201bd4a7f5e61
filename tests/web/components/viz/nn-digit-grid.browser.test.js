// <nn-digit-grid> in Chromium: mistakes first by confidence, marks, probabilities, subsets.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inBrowser, loadViz, mount } from './helpers.js';

function data(n = 6) {
  const images = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) images.fill(40 * i, i * 784, i * 784 + 392);
  return {
    images,
    trueLabels: Uint8Array.from([0, 1, 2, 3, 4, 5]),
    predictions: Uint8Array.from([0, 7, 2, 8, 4, 5]), // 1 and 3 are wrong
    confidences: Float32Array.from([0.99, 0.6, 0.9, 0.95, 0.8, 0.7]),
  };
}

describe.skipIf(!inBrowser)('<nn-digit-grid>', () => {
  let mounted;
  beforeAll(loadViz);
  afterEach(() => mounted?.remove());

  it('puts the surest mistakes first and marks them', async () => {
    mounted = await mount('nn-digit-grid', data());
    const { el, events } = mounted;
    expect(el.shownIndices).toEqual([3, 1, 0, 2, 4, 5]);
    expect(el.pointCount).toBe(6);
    expect(el.wrongCount).toBe(2);
    const cells = [...el.shadowRoot.querySelectorAll('figure')];
    expect(cells.map((c) => c.classList.contains('wrong'))).toEqual([true, true, false, false, false, false]);
    expect(cells[0].textContent.replace(/\s+/g, ' ').trim()).toBe('✗ predicted 8 95% true 3');
    expect(cells[0].querySelector('canvas').getAttribute('aria-label')).toBe('test digit 3: true 3, predicted 8 (95 %), wrong');
    // The pixels reached the canvas.
    const px = cells[0].querySelector('canvas').getContext('2d').getImageData(0, 0, 1, 1).data;
    expect(px[0]).toBe(120);
    expect(events).toEqual([]);
  });

  it('derives predictions and confidences from probabilities, limits and filters', async () => {
    const { images, trueLabels } = data();
    const probabilities = new Float32Array(6 * 10).fill(0.01);
    for (let i = 0; i < 6; i++) probabilities[i * 10 + ((i * 3) % 10)] = 0.91;
    mounted = await mount('nn-digit-grid', { images, trueLabels, probabilities, max: 3, indices: [0, 1, 2, 3] });
    const { el } = mounted;
    // Predicted 0, 3, 6, 9 for samples 0..3: only sample 0 is right.
    expect(el.shownIndices).toEqual([1, 2, 3]);
    expect(el.getAttribute('data-points')).toBe('3');
  });

  it('emits digit-select on click and Enter', async () => {
    mounted = await mount('nn-digit-grid', data());
    const { el, events } = mounted;
    const cell = el.shadowRoot.querySelector('figure');
    cell.click();
    cell.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(events.map((e) => [e.type, e.detail])).toEqual([['digit-select', { index: 3 }], ['digit-select', { index: 3 }]]);
  });

  it('reads float images 0..1 as well as bytes', async () => {
    const d = data(6);
    const images = Float32Array.from(d.images, (v) => v / 255);
    mounted = await mount('nn-digit-grid', { ...d, images });
    const px = mounted.el.shadowRoot.querySelector('canvas').getContext('2d').getImageData(0, 0, 1, 1).data;
    expect(px[0]).toBe(120);
  });
});
