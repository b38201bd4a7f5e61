// <nn-draw-pad> in Chromium: pointer strokes emit MNIST-style pixels, clear, bars, no events from
// code; drawing with the keyboard (real key presses), the polite announcements, and a test digit
// put on the pad and drawn over.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { centerOfMass, inkFromRgba, pixelsFromBytes, preprocessDigit } from '../../../../web/src/components/viz/mnist-preprocess.js';
import { inBrowser, loadViz, mount } from './helpers.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
/** Presses `key` (user-event syntax, e.g. 'ArrowRight' or 'Shift>}{ArrowUp}{/Shift') n times. */
const press = (key, n = 1) => userEvent.keyboard(`{${key}}`.repeat(n));
const inputs = (events) => events.filter((e) => e.type === 'digit-input');
const probs = (best, p = 0.91) => {
  const out = new Float32Array(10).fill((1 - p) / 9);
  out[best] = p;
  return out;
};

/** A made-up MNIST-like digit: a thick off-centre "7" with grey edges, bytes 0..255. */
function sevenBytes() {
  const bytes = new Uint8Array(784);
  const put = (x, y, v) => { bytes[y * 28 + x] = Math.max(bytes[y * 28 + x], v); };
  for (let x = 6; x <= 20; x++) { put(x, 5, 255); put(x, 6, 230); put(x, 4, 70); put(x, 7, 40); }
  for (let y = 7; y <= 24; y++) {
    const x = 20 - Math.round((y - 7) * 0.45);
    put(x, y, 255); put(x - 1, y, 200); put(x + 1, y, 90); put(x - 2, y, 25);
  }
  return bytes;
}

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

  it('draws with the keyboard: the arrows move a visible pen cursor, Space puts the pen down and lifts it, and the image fed to the model changes', async () => {
    mounted = await mount('nn-draw-pad', { throttle: 0 });
    const { el, events } = mounted;
    const pad = el.shadowRoot.querySelector('canvas.pad');
    const cursor = el.shadowRoot.querySelector('svg.cursor');
    const circle = () => [Number(cursor.querySelector('circle').getAttribute('cx')), Number(cursor.querySelector('circle').getAttribute('cy'))];
    // Named, described by its visible hints, a region that takes the arrows.
    expect(pad.getAttribute('role')).toBe('application');
    expect(pad.getAttribute('aria-label')).toBe('Drawing pad');
    const described = pad.getAttribute('aria-describedby').split(' ').map((id) => el.shadowRoot.getElementById(id).textContent).join(' ');
    expect(described).toMatch(/mouse.*arrows move the pen.*Shift.*Space or Enter.*Delete clears/);
    expect(getComputedStyle(cursor).display).toBe('none');
    pad.focus();
    await press('ArrowLeft', 3);
    await el.updateComplete;
    // Keyboard focus: the ring and the cursor show; the pen moved one MNIST pixel (10 of 280) a press.
    expect(pad.matches(':focus-visible')).toBe(true);
    expect(getComputedStyle(pad).outlineStyle).toBe('solid');
    expect(getComputedStyle(pad).outlineWidth).toBe('3px');
    expect(getComputedStyle(cursor).display).toBe('block');
    expect(el.pen).toEqual({ x: 110 / 280, y: 0.5, down: false });
    expect(circle()).toEqual([110, 140]);
    await press('Shift>}{ArrowUp}{/Shift');
    await el.updateComplete;
    expect(el.pen).toEqual({ x: 110 / 280, y: 100 / 280, down: false });
    expect(circle()).toEqual([110, 100]);
    // Moving with the pen up draws nothing.
    await tick();
    expect(el.empty).toBe(true);
    expect(inputs(events)).toEqual([]);
    // Pen down, eight pixels down: a vertical stroke, sent to the model while it is drawn.
    await press(' ');
    await el.updateComplete;
    expect(el.pen.down).toBe(true);
    expect(cursor.classList.contains('down')).toBe(true);
    expect(el.announcement).toBe('Pen down');
    await press('ArrowDown', 8);
    await tick();
    expect(inputs(events).length).toBeGreaterThanOrEqual(1);
    const stroke = inputs(events).at(-1).detail.pixels;
    expect(stroke.some((v) => v > 0.5)).toBe(true);
    // A free drawing is centred like MNIST's digits.
    const c = centerOfMass(stroke, 28, 28);
    expect(Math.abs(c.x - 14)).toBeLessThan(0.3);
    expect(Math.abs(c.y - 14)).toBeLessThan(0.3);
    // The same brush as a pointer stroke along the same path: the same image, up to anti-aliasing
    // where the key steps' round caps overlap.
    const same = document.createElement('nn-draw-pad');
    mounted.box.append(same);
    await same.updateComplete;
    same.drawStrokes([[[110 / 280, 100 / 280], [110 / 280, 180 / 280]]]);
    let diff = 0;
    for (let i = 0; i < 784; i++) diff = Math.max(diff, Math.abs(same.pixels[i] - stroke[i]));
    expect(diff).toBeLessThan(0.1);
    // Four pixels right, the pen still down: an "L"; the image the model gets changes.
    const before = inputs(events).length;
    await press('ArrowRight', 4);
    await tick();
    expect(inputs(events).length).toBeGreaterThan(before);
    const ell = inputs(events).at(-1).detail.pixels;
    expect(ell.some((v, i) => Math.abs(v - stroke[i]) > 0.2)).toBe(true);
    // Space again lifts the pen: the stroke's image goes out at once.
    const atLift = inputs(events).length;
    await press(' ');
    expect(el.pen.down).toBe(false);
    expect(inputs(events)).toHaveLength(atLift + 1);
    expect(el.announcement).toBe('Pen up');
    // Enter toggles too; lifted straight away, the dot is part of the drawing.
    await press('ArrowUp', 2);
    await press('Enter');
    expect(el.pen.down).toBe(true);
    await press('Enter');
    expect(el.pen.down).toBe(false);
    // The pen stays on the pad.
    await press('Shift>}{ArrowLeft}{/Shift', 10);
    expect(el.pen.x).toBe(0);
    // Delete clears (digit-clear), and says so.
    await press('Delete');
    expect(el.empty).toBe(true);
    expect(el.pixels.every((v) => v === 0)).toBe(true);
    expect(el.announcement).toBe('Pad cleared');
    expect(events.at(-1).type).toBe('digit-clear');
    // So does Backspace.
    await press(' ');
    await press('ArrowRight', 3);
    await press(' ');
    expect(el.empty).toBe(false);
    await press('Backspace');
    expect(el.empty).toBe(true);
    expect(events.filter((e) => e.type === 'digit-clear')).toHaveLength(2);
  });

  it('lifts the pen when focus leaves the pad, ending the stroke', async () => {
    mounted = await mount('nn-draw-pad', { throttle: 10_000 });
    const { el, events } = mounted;
    el.shadowRoot.querySelector('canvas.pad').focus();
    await press(' ');
    await press('ArrowDown', 5);
    // Throttled: nothing sent yet.
    expect(inputs(events)).toEqual([]);
    await userEvent.tab();
    expect(el.pen.down).toBe(false);
    expect(inputs(events)).toHaveLength(1);
    expect(inputs(events)[0].detail.pixels.some((v) => v > 0.5)).toBe(true);
  });

  it('announces the prediction politely when the predicted digit changes or a stroke ends, not at every update', async () => {
    mounted = await mount('nn-draw-pad', {});
    const { el } = mounted;
    const region = el.shadowRoot.querySelector('[aria-live="polite"]');
    // The region is there, empty, before anything is said.
    expect(region.textContent.trim()).toBe('');
    el.drawStrokes([[[0.5, 0.2], [0.5, 0.8]]]);
    el.probabilities = probs(1, 0.91);
    await el.updateComplete;
    expect(region.textContent.trim()).toBe('predicted 1 with probability 91.0 %');
    // The same digit, more or less sure: not said again.
    el.probabilities = probs(1, 0.8);
    await el.updateComplete;
    expect(region.textContent.trim()).toBe('predicted 1 with probability 91.0 %');
    // Another digit: said.
    el.probabilities = probs(7, 0.6);
    await el.updateComplete;
    expect(el.announcement).toBe('predicted 7 with probability 60.0 %');
    // A stroke ends (the pen lifted): its prediction is said even when the digit is the same.
    el.shadowRoot.querySelector('canvas.pad').focus();
    await press(' ');
    await press('ArrowRight', 2);
    await press(' ');
    el.probabilities = probs(7, 0.65);
    await el.updateComplete;
    expect(region.textContent.trim()).toBe('predicted 7 with probability 65.0 %');
    el.probabilities = probs(7, 0.7);
    await el.updateComplete;
    expect(region.textContent.trim()).toBe('predicted 7 with probability 65.0 %');
  });

  it('takes a test digit: shows it scaled up, feeds the model exactly its pixels, and drawing over it changes only what the pen touches', async () => {
    mounted = await mount('nn-draw-pad', { throttle: 0 });
    const { el, events } = mounted;
    const bytes = sevenBytes();
    const digit = pixelsFromBytes(bytes);
    el.loadDigit(digit, { index: 3, truth: 7 });
    await el.updateComplete;
    // From code: no event. The image for the model is the digit's own pixels, bit for bit.
    expect(events).toEqual([]);
    expect(el.empty).toBe(false);
    expect(el.source).toEqual({ index: 3, truth: 7 });
    expect(el.pixels).toEqual(digit);
    expect(el.shadowRoot.querySelector('[part="source"]').textContent).toBe('test digit 3 (true 7)');
    // The pad shows it, each pixel a 10 x 10 block; so does the preview of what the network sees.
    const pad = el.shadowRoot.querySelector('canvas.pad');
    const shown = pad.getContext('2d').getImageData(0, 0, 280, 280).data;
    for (const [x, y] of [[13, 5], [6, 4], [16, 15], [0, 0], [20, 7]]) {
      for (const [dx, dy] of [[0, 0], [9, 9], [4, 6]]) expect(shown[((y * 10 + dy) * 280 + x * 10 + dx) * 4 + 3]).toBe(bytes[y * 28 + x]);
    }
    const preview = el.shadowRoot.querySelector('canvas.preview').getContext('2d').getImageData(0, 0, 28, 28).data;
    expect(Array.from({ length: 784 }, (_, i) => preview[i * 4])).toEqual(Array.from(bytes));
    // What the free-drawing recipe would have made of it: re-cropped, scaled, re-centred.
    const recentred = preprocessDigit(inkFromRgba(shown, 280, 280), 280, 280);
    expect(recentred.some((v, i) => Math.abs(v - digit[i]) > 0.3)).toBe(true);
    // Its prediction is said with the digit's name.
    el.probabilities = probs(9, 0.55);
    await el.updateComplete;
    expect(el.announcement).toBe('test digit 3 (true 7) is on the pad: predicted 9 with probability 55.0 %');
    // A bar across the middle, with the keyboard: from pad x 80 to 150 at y 140, so columns 8 to 15
    // of rows 13 and 14, and their neighbours under the brush's edge (radius 1.3 pixels).
    pad.focus();
    await press('ArrowLeft', 6);
    await press(' ');
    await press('ArrowRight', 7);
    await press(' ');
    const drawn = inputs(events).at(-1).detail.pixels;
    let changed = 0;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const i = y * 28 + x;
        if (drawn[i] !== digit[i]) {
          changed++;
          // Only under the pen's path.
          expect(y >= 12 && y <= 15 && x >= 6 && x <= 16, `pixel ${x}, ${y}`).toBe(true);
        }
      }
    }
    expect(changed).toBeGreaterThan(20);
    // Not re-centred: the digit's top bar is where it was.
    expect(drawn.slice(5 * 28, 6 * 28)).toEqual(digit.slice(5 * 28, 6 * 28));
    // Cleared, the pad is a free drawing again, centred like MNIST.
    await press('Delete');
    expect(el.source).toBe(null);
    expect(el.shadowRoot.querySelector('[part="source"]')).toBe(null);
    el.drawStrokes([[[0.15, 0.2], [0.15, 0.8]]]);
    const c = centerOfMass(el.pixels, 28, 28);
    expect(Math.abs(c.x - 14)).toBeLessThan(0.3);
    expect(() => el.loadDigit(new Float32Array(10))).toThrow(RangeError);
  });
});
