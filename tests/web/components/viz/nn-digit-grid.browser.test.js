// <nn-digit-grid> in Chromium: mistakes first by confidence, marks, probabilities, subsets, and
// the button that hands the current digit to the draw pad.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { pixelsFromBytes } from '../../../../web/src/components/viz/mnist-preprocess.js';
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

  it('names the digit the try button hands over, not only the test image\'s number', async () => {
    // Test image 0 is a 5 here: the button says "this 5", as the student sees it.
    mounted = await mount('nn-digit-grid', { ...data(), trueLabels: Uint8Array.from([5, 1, 2, 3, 4, 5]), tryable: true });
    const button = mounted.el.shadowRoot.querySelector('button[part="try"]');
    expect(button.textContent.trim()).toBe('Try this 5 (test image 0) in the draw pad');
  });

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

  it('has no try button unless asked, and Enter on a digit then only selects it', async () => {
    mounted = await mount('nn-digit-grid', data());
    expect(mounted.el.shadowRoot.querySelector('button')).toBe(null);
    expect(mounted.el.shadowRoot.querySelector('[aria-current]')).toBe(null);
    expect(mounted.el.shadowRoot.querySelector('[aria-describedby]')).toBe(null);
    mounted.el.shadowRoot.querySelector('figure').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(mounted.events.map((e) => e.type)).toEqual(['digit-select']);
  });

  it('with tryable, a button after the digits sends the current digit (first the surest mistake, then the one chosen with the keys or the mouse) with its pixels as the model sees them', async () => {
    const d = data();
    // Digit 3 gets every byte value, so the pixels check covers the whole scale.
    for (let k = 0; k < 784; k++) d.images[3 * 784 + k] = k & 255;
    mounted = await mount('nn-digit-grid', { ...d, tryable: true });
    const { el, events } = mounted;
    const button = () => el.shadowRoot.querySelector('button[part="try"]');
    const current = () => [...el.shadowRoot.querySelectorAll('figure[aria-current="true"]')].map((c) => Number(c.dataset.index));
    // It follows the digits in the Tab order (the grid's one stop, then the button).
    const cells = [...el.shadowRoot.querySelectorAll('figure.cell')];
    expect(cells.filter((c) => c.tabIndex === 0)).toHaveLength(1);
    expect(cells[0].compareDocumentPosition(button()) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(button().textContent.trim()).toBe('Try this 3 (test image 3) in the draw pad');
    expect(current()).toEqual([3]);
    button().click();
    const tries = () => events.filter((e) => e.type === 'digit-try');
    expect(tries()).toHaveLength(1);
    const first = tries()[0].detail;
    expect({ index: first.index, truth: first.truth, predicted: first.predicted }).toEqual({ index: 3, truth: 3, predicted: 8 });
    expect(first.pixels).toBeInstanceOf(Float32Array);
    expect(first.pixels).toEqual(pixelsFromBytes(d.images.subarray(3 * 784, 4 * 784)));
    // With the keyboard: the grid's stop, an arrow to the next digit, Tab to the button, Enter.
    cells[0].focus();
    await userEvent.keyboard('{ArrowRight}');
    await el.updateComplete;
    expect(current()).toEqual([1]);
    expect(button().textContent.trim()).toBe('Try this 1 (test image 1) in the draw pad');
    await userEvent.tab();
    expect(el.shadowRoot.activeElement).toBe(button());
    await userEvent.keyboard('{Enter}');
    expect(tries().at(-1).detail.index).toBe(1);
    expect(tries().at(-1).detail.pixels).toEqual(pixelsFromBytes(d.images.subarray(784, 2 * 784)));
    // With the mouse: a click on a digit makes it the current one (and still selects it).
    await userEvent.click(el.shadowRoot.querySelector('figure[data-index="4"]'));
    await el.updateComplete;
    expect(current()).toEqual([4]);
    expect(events.filter((e) => e.type === 'digit-select').at(-1).detail).toEqual({ index: 4 });
    await userEvent.click(button());
    expect(tries().at(-1).detail.index).toBe(4);
    expect(tries()).toHaveLength(3);
    // Enter on a digit tries it at once (Space only selects); every digit is described by the keys' line.
    const keys = el.shadowRoot.querySelector('#try-keys');
    expect(keys.textContent.trim()).toBe('Arrow keys choose a digit; Enter tries it in the draw pad.');
    expect(cells.every((c) => c.getAttribute('aria-describedby') === 'try-keys')).toBe(true);
    el.shadowRoot.querySelector('figure[data-index="2"]').focus();
    await userEvent.keyboard(' ');
    expect(tries()).toHaveLength(3);
    await userEvent.keyboard('{Enter}');
    expect(tries()).toHaveLength(4);
    expect(tries().at(-1).detail.index).toBe(2);
    expect(tries().at(-1).detail.pixels).toEqual(pixelsFromBytes(d.images.subarray(2 * 784, 3 * 784)));
  });

  it('sends float images as they are, clamped to 0..1', async () => {
    const d = data(6);
    const images = Float32Array.from(d.images, (v) => v / 255);
    images[3 * 784] = 1.5;
    mounted = await mount('nn-digit-grid', { ...d, images, tryable: true });
    mounted.el.shadowRoot.querySelector('button[part="try"]').click();
    const { pixels } = mounted.events.find((e) => e.type === 'digit-try').detail;
    expect(pixels[0]).toBe(1);
    expect(pixels[1]).toBe(Math.fround(120 / 255));
  });
});
