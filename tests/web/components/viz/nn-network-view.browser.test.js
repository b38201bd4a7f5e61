// <nn-network-view> in Chromium: the stack as blocks with shapes and parameter counts, a block's
// button opening its layer (click, Enter, Space), and one digit's outputs drawn per layer.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { blueOrange } from '../../../../web/src/components/viz/colormap.js';
import { tileGrid } from '../../../../web/src/components/viz/nn-network-view.js';
import { frames, inBrowser, loadViz, mount } from './helpers.js';

// The default MLP as the core describes it (Session's describe: outShape and params per layer).
const MLP = [
  { type: 'flatten', name: 'Flatten', outShape: [784, 1, 1], params: 0 },
  { type: 'dense', name: 'Dense', outShape: [128, 1, 1], params: 100480 },
  { type: 'relu', name: 'ReLU', outShape: [128, 1, 1], params: 0 },
  { type: 'dense', name: 'Dense', outShape: [10, 1, 1], params: 1290 },
];

/** Expects an [r, g, b] within 3 of a colour (the lookup table quantises the map to 256 steps). */
const near = (got, want) => got.forEach((x, i) => expect(Math.abs(x - want[i]), `${got} vs ${want}`).toBeLessThanOrEqual(3));
const blocks = (el) => [...el.shadowRoot.querySelectorAll('button.block')];
const pixel = (canvas, x, y) => Array.from(canvas.getContext('2d').getImageData(x * devicePixelRatio, y * devicePixelRatio, 1, 1).data.slice(0, 3));

describe.skipIf(!inBrowser)('<nn-network-view>', () => {
  let mounted;
  beforeAll(loadViz);
  afterEach(() => mounted?.remove());

  it('draws one block per layer with its kind, output shape and parameter count', async () => {
    mounted = await mount('nn-network-view', { layers: MLP, inputShape: [1, 28, 28] }, 900);
    const { el, events } = mounted;
    const list = blocks(el);
    const names = [
      'Layer 1 · Flatten, 784 units, no parameters',
      'Layer 2 · Dense, 128 units, 100,480 parameters',
      'Layer 3 · ReLU, 128 units, no parameters',
      'Layer 4 · Dense, 10 units, 1,290 parameters',
    ];
    expect(names.map((_, i) => el.blockName(i))).toEqual(names);
    // Each button is found by its accessible name, and shows the same words on three lines.
    for (const [i, name] of names.entries()) expect(page.getByRole('button', { name, exact: true }).element()).toBe(list[i]);
    expect([...list[1].querySelectorAll('span')].map((s) => s.textContent)).toEqual(['Layer 2 · Dense', '128 units', '100,480 parameters']);
    expect(el.shadowRoot.querySelector('.block.input').textContent).toMatch(/Input\s+1×28×28/);
    // One row at laptop width: every block's top is the same.
    expect(new Set(list.map((b) => Math.round(b.getBoundingClientRect().top))).size).toBe(1);
    expect(el.pictures).toBe(0); // nothing trained yet: no pictures
    expect(events).toEqual([]);
  });

  it('follows an edit of the stack, and marks a layer that cannot be built', async () => {
    mounted = await mount('nn-network-view', { layers: MLP, inputShape: [1, 28, 28] }, 900);
    const { el } = mounted;
    el.layers = [{ type: 'conv2d', name: 'Conv2d', outShape: [8, 26, 26], params: 80 }, { type: 'dense', name: 'Dense', outShape: null, params: 0, error: true }];
    await el.updateComplete;
    expect(blocks(el).map((b) => b.getAttribute('aria-label'))).toEqual([
      'Layer 1 · Conv2d, 8 maps of 26×26, 80 parameters',
      'Layer 2 · Dense, not built',
    ]);
    expect(blocks(el)[1].classList.contains('error')).toBe(true);
  });

  it('asks to open a layer on a click, Enter or Space, and never on its own', async () => {
    mounted = await mount('nn-network-view', { layers: MLP, inputShape: [1, 28, 28] }, 900);
    const { el, events } = mounted;
    el.example = null; // set from code: no event
    await el.updateComplete;
    expect(events).toEqual([]);
    blocks(el)[1].click();
    blocks(el)[3].focus();
    await userEvent.keyboard('{Enter}');
    blocks(el)[0].focus();
    await userEvent.keyboard(' ');
    expect(events.map((e) => [e.type, e.detail, e.bubbles, e.composed])).toEqual([
      ['layer-open', { index: 1 }, true, true],
      ['layer-open', { index: 3 }, true, true],
      ['layer-open', { index: 0 }, true, true],
    ]);
  });

  it('draws a conv layer\'s feature maps and a dense layer\'s units from one example', async () => {
    const layers = [
      { type: 'conv2d', name: 'Conv2d', outShape: [2, 4, 4], params: 20 },
      { type: 'flatten', name: 'Flatten', outShape: [32, 1, 1], params: 0 },
      { type: 'dense', name: 'Dense', outShape: [3, 1, 1], params: 99 },
    ];
    const maps = new Float32Array(32);
    maps[0] = -2; // map 0, top-left: the most negative value
    maps[16] = 2; // map 1, top-left: the most positive
    const example = {
      step: 40,
      input: new Float32Array(16).fill(0),
      layers: [
        { index: 0, shape: [2, 4, 4], values: maps },
        { index: 2, shape: [3, 1, 1], values: new Float32Array([1, 0, -0.5]) },
      ],
    };
    example.input[0] = 1;
    mounted = await mount('nn-network-view', { layers, inputShape: [1, 4, 4], example }, 900);
    const { el } = mounted;
    await frames(1);
    expect(el.pictures).toBe(3); // the input, the conv maps and the dense strip (flatten sent none)
    expect(el.getAttribute('data-pictures')).toBe('3');
    expect(el.shadowRoot.querySelector('.caption .note').textContent).toMatch(/step 40/);
    const conv = el.shadowRoot.querySelector('canvas[data-layer="0"]');
    // Two maps side by side (the block is wide enough), each tile as tall as the picture.
    const tile = conv.getBoundingClientRect().height;
    expect(tile).toBe(52);
    expect(conv.getBoundingClientRect().width).toBe(2 * tile + 2);
    expect(pixel(conv, 2, 2)).toEqual(blueOrange(-1));
    expect(pixel(conv, tile + 2 + 2, 2)).toEqual(blueOrange(1));
    near(pixel(conv, tile / 2, tile / 2), blueOrange(0));
    const strip = el.shadowRoot.querySelector('canvas[data-layer="2"]');
    const cell = strip.getBoundingClientRect().width / 3;
    expect(strip.getBoundingClientRect().height).toBe(cell); // one row of three units
    [1, 0, -0.5].forEach((v, u) => near(pixel(strip, u * cell + cell / 2, cell / 2), blueOrange(v)));
    const input = el.shadowRoot.querySelector('canvas[data-input]');
    expect(pixel(input, 2, 2)).toEqual([0, 0, 0]); // the brightest pixel is ink
    expect(pixel(input, 40, 40)).toEqual([255, 255, 255]);
    expect(el.shadowRoot.querySelector('canvas[data-layer="1"]').width).toBe(Math.round(devicePixelRatio));
  });

  it('drops a picture whose layer the stack no longer has', async () => {
    const example = { step: 5, input: new Float32Array(784), layers: [{ index: 0, shape: [8, 28, 28], values: new Float32Array(8 * 784).fill(1) }] };
    mounted = await mount('nn-network-view', { layers: [{ type: 'conv2d', name: 'Conv2d', outShape: [8, 28, 28], params: 80 }], inputShape: [1, 28, 28], example }, 900);
    const { el } = mounted;
    expect(el.pictures).toBe(2);
    el.layers = [{ type: 'flatten', name: 'Flatten', outShape: [784, 1, 1], params: 0 }];
    await el.updateComplete;
    expect(el.pictures).toBe(1); // the input digit only
  });

  it('keeps one row on a phone-wide box, scrolling inside itself, with no text cut off', async () => {
    mounted = await mount('nn-network-view', { layers: MLP, inputShape: [1, 28, 28] }, 350);
    const { el } = mounted;
    expect(el.getBoundingClientRect().width).toBe(350);
    expect(el.scrollWidth).toBeLessThanOrEqual(350); // the element does not grow the page
    const list = el.shadowRoot.querySelector('ol');
    expect(list.scrollWidth).toBeGreaterThan(list.clientWidth); // the row scrolls instead
    expect(new Set(blocks(el).map((b) => Math.round(b.getBoundingClientRect().top))).size).toBe(1);
    for (const b of blocks(el)) expect(b.scrollWidth, b.textContent).toBeLessThanOrEqual(b.clientWidth);
    blocks(el)[3].focus(); // the keyboard brings a block scrolled out of sight into view
    expect(blocks(el)[3].getBoundingClientRect().right).toBeLessThanOrEqual(list.getBoundingClientRect().right + 0.5);
  });

  it('sizes maps and strips to fill their box: the largest squares, the fewest empty places on a tie', () => {
    expect(tileGrid(10, 190, 52, 0, 14)).toEqual({ cols: 10, rows: 1, size: 14 });
    expect(tileGrid(128, 190, 52, 0, 14)).toEqual({ cols: 22, rows: 6, size: 8 });
    expect(tileGrid(8, 190, 52, 2)).toEqual({ cols: 4, rows: 2, size: 25 }); // not 7 + 1
    expect(tileGrid(16, 82, 52, 2)).toEqual({ cols: 6, rows: 3, size: 12 });
  });
});
