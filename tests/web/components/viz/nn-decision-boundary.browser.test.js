// <nn-decision-boundary> in Chromium: the grid convention, the heat map and the points.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decisionGridPoints } from '../../../../web/src/components/viz/nn-decision-boundary.js';
import { imageOf, inBrowser, loadViz, mount } from './helpers.js';

describe.skipIf(!inBrowser)('<nn-decision-boundary>', () => {
  let mounted;
  beforeAll(loadViz);
  afterEach(() => mounted?.remove());

  it('evaluates the grid at res x res points over [-1.5, 1.5]^2, x fastest, bottom row first', () => {
    const pts = decisionGridPoints(3);
    expect(Array.from(pts)).toEqual([-1.5, -1.5, 0, -1.5, 1.5, -1.5, -1.5, 0, 0, 0, 1.5, 0, -1.5, 1.5, 0, 1.5, 1.5, 1.5]);
  });

  it('draws the points over P(class 1) and counts those on their side', async () => {
    const res = 21;
    const pts = decisionGridPoints(res);
    const grid = new Float32Array(res * res);
    for (let i = 0; i < res * res; i++) grid[i] = pts[2 * i] > 0 ? 0.95 : 0.05; // class 1 on the right
    const points = Float32Array.from([1, 0, -1, 0, 1, 1, -1, 1]);
    const pointLabels = Uint8Array.from([1, 0, 0, 0]); // the third point is on the wrong side
    mounted = await mount('nn-decision-boundary', { grid, points, pointLabels, size: 220 });
    const { el, events } = mounted;
    expect(el.pointCount).toBe(4);
    expect(el.agreement).toBeCloseTo(0.75, 12);
    expect(el.probabilityAt(1.2, -1)).toBeCloseTo(0.95, 6);
    expect(imageOf(el).getAttribute('aria-label')).toBe('decision boundary over 4 points; 75 % lie on the side of their own class');
    // Right half orange, left half blue: compare red channels near the top corners.
    const ctx = imageOf(el).getContext('2d');
    const r = devicePixelRatio;
    const right = ctx.getImageData(210 * r, 5 * r, 1, 1).data;
    const left = ctx.getImageData(30 * r, 5 * r, 1, 1).data;
    expect(right[0]).toBeGreaterThan(left[0] + 60);
    expect(left[2]).toBeGreaterThan(right[2] + 60);
    expect(events).toEqual([]);
  });
});
