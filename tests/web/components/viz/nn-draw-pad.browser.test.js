// <nn-draw-pad> in Chromium: pointer strokes emit MNIST-style pixels, clear, bars, no events from code.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { centerOfMass } from '../../../../web/src/components/viz/mnist-preprocess.js';
import { inBrowser, loadViz, mount } from './helpers.js';

function pointer(type, canvas, fx, fy) {
  const r = canvas.getBoundingClientRect();
  return new PointerEvent(type, { bubbles: true, pointerId: 1, pointerType: 'mouse', button: 0, buttons: 1, clientX: r.left + fx * r.width, clientY: r.top + fy * r.height });
}

describe.skipIf(!inBrowser)('<nn-draw-pad>', () => {
  let mounted;
  beforeAll(loadViz);
  afterEach(() => mounted?.remove());

  it('emits digit-input with a centred 28x28 image when the user draws', async () => {
    mounted = await mount('nn-draw-pad', { throttle: 0 });
    const { el, events } = mounted;
    const pad = el.shadowRoot.querySelector('canvas.pad');
    // A vertical stroke far to the left of the pad.
    pad.dispatchEvent(pointer('pointerdown', pad, 0.15, 0.2));
    for (let y = 0.25; y <= 0.8; y += 0.05) pad.dispatchEvent(pointer('pointermove', pad, 0.15, y));
    pad.dispatchEvent(pointer('pointerup', pad, 0.15, 0.8));
    const inputs = events.filter((e) => e.type === 'digit-input');
    expect(inputs.length).toBeGreaterThanOrEqual(1);
    const { pixels } = inputs.at(-1).detail;
    expect(pixels).toBeInstanceOf(Float32Array);
    expect(pixels).toHaveLength(784);
    const c = centerOfMass(pixels, 28, 28);
    expect(Math.abs(c.x - 14)).toBeLessThan(0.3);
    expect(Math.abs(c.y - 14)).toBeLessThan(0.3);
    expect(el.empty).toBe(false);
    expect(Number(el.getAttribute('data-points'))).toBeGreaterThan(20);
  });

  it('throttles digit-input while drawing', async () => {
    mounted = await mount('nn-draw-pad', { throttle: 10_000 });
    const { el, events } = mounted;
    const pad = el.shadowRoot.querySelector('canvas.pad');
    pad.dispatchEvent(pointer('pointerdown', pad, 0.5, 0.2));
    for (let y = 0.25; y <= 0.8; y += 0.01) pad.dispatchEvent(pointer('pointermove', pad, 0.5, y));
    expect(events.filter((e) => e.type === 'digit-input')).toHaveLength(0);
    pad.dispatchEvent(pointer('pointerup', pad, 0.5, 0.8));
    expect(events.filter((e) => e.type === 'digit-input')).toHaveLength(1);
  });

  it('shows the probabilities it is given as ten bars, the best marked', async () => {
    mounted = await mount('nn-draw-pad', {});
    const { el, events } = mounted;
    el.drawStrokes([[[0.5, 0.2], [0.5, 0.8]]]);
    const p = new Float32Array(10).fill(0.01);
    p[1] = 0.91;
    el.probabilities = p;
    await el.updateComplete;
    const bars = el.shadowRoot.querySelector('svg.bars');
    expect(bars.querySelectorAll('g')).toHaveLength(10);
    expect(bars.querySelector('g.best').textContent).toContain('1');
    expect(bars.getAttribute('aria-label')).toBe('predicted 1 with probability 91.0 %');
    // drawStrokes and setting probabilities are code, not the user: no events.
    expect(events).toEqual([]);
    expect(el.pixels.some((v) => v > 0)).toBe(true);
  });

  it('clears with the button and with Escape, emitting digit-clear; clear() from code emits nothing', async () => {
    mounted = await mount('nn-draw-pad', {});
    const { el, events } = mounted;
    el.drawStrokes([[[0.3, 0.3], [0.7, 0.7]]]);
    el.clear();
    expect(events).toEqual([]);
    expect(el.empty).toBe(true);
    el.drawStrokes([[[0.3, 0.3], [0.7, 0.7]]]);
    el.shadowRoot.querySelector('button[part="clear"]').click();
    expect(el.empty).toBe(true);
    expect(el.pixels.every((v) => v === 0)).toBe(true);
    el.drawStrokes([[[0.3, 0.3], [0.7, 0.7]]]);
    const pad = el.shadowRoot.querySelector('canvas.pad');
    pad.focus();
    pad.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(events.map((e) => e.type)).toEqual(['digit-clear', 'digit-clear']);
    expect(el.getAttribute('data-points')).toBe('0');
  });
});
