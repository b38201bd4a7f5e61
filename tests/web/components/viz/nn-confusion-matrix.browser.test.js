// <nn-confusion-matrix> in Chromium: cells, accuracy, summary, cell-select on a click only.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { imageOf, inBrowser, loadViz, mount } from './helpers.js';

function matrix() {
  const c = 3;
  const m = new Int32Array(c * c);
  m.set([50, 0, 0, 3, 40, 7, 0, 2, 48]); // row = true label
  return m;
}

describe.skipIf(!inBrowser)('<nn-confusion-matrix>', () => {
  let mounted;
  beforeAll(loadViz);
  afterEach(() => mounted?.remove());

  it('draws C x C cells and reports the accuracy and the worst confusions', async () => {
    mounted = await mount('nn-confusion-matrix', { matrix: matrix(), classLabels: ['cat', 'dog', 'fox'] });
    const { el, events } = mounted;
    expect(el.pointCount).toBe(9);
    expect(el.total).toBe(150);
    expect(el.accuracy).toBeCloseTo(138 / 150, 12);
    expect(el.topConfusions(2)).toEqual([
      { trueClass: 1, predictedClass: 2, count: 7 },
      { trueClass: 1, predictedClass: 0, count: 3 },
    ]);
    expect(imageOf(el).getAttribute('aria-label')).toBe(
      'confusion matrix of 150 test samples, accuracy 92.0 %; most confused: dog taken for fox 7 times, dog taken for cat 3 times, fox taken for dog 2 times',
    );
    expect(events).toEqual([]);
  });

  it('emits cell-select with the clicked cell (row = true label)', async () => {
    mounted = await mount('nn-confusion-matrix', { matrix: matrix() });
    const { el, events } = mounted;
    const canvas = imageOf(el);
    const rect = canvas.getBoundingClientRect();
    const { left, top, cell } = el._layout;
    canvas.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: rect.left + left + cell * 2.5, clientY: rect.top + top + cell * 1.5 }));
    expect(events.map((e) => [e.type, e.detail])).toEqual([['cell-select', { trueClass: 1, predictedClass: 2, count: 7 }]]);
  });

  it('infers the class count from a square matrix and waits quietly without one', async () => {
    mounted = await mount('nn-confusion-matrix', {});
    expect(mounted.el.pointCount).toBe(0);
    expect(imageOf(mounted.el).getAttribute('aria-label')).toBe('confusion matrix: no data yet');
    mounted.el.matrix = new Int32Array(100).fill(1);
    await mounted.el.updateComplete;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    expect(mounted.el.pointCount).toBe(100);
  });
});
