// nn-network-view.js: <nn-network-view>, the layer stack drawn as a row of blocks, each with its
// kind, output shape and parameter count, and, once a run has started, what that layer made of one
// test digit: a conv layer's feature maps as small images, a flat layer's units as a strip of
// cells coloured by their activation. It is the page's first picture; a block is a button that
// asks the page to open that layer's editor.

import { LitElement, css, html, nothing } from 'lit';
import { vizBaseStyles, mergeLabels } from './chart-base.js';
import { blueOrange, lookupTable } from './colormap.js';
import { format } from './stats.js';
import VIZ_LABELS from '../../i18n/en/viz.js';

/** English defaults; the page passes translated strings through `labels`. */
export const NETWORK_VIEW_LABELS = VIZ_LABELS['nn-network-view'];

const TABLE = lookupTable(blueOrange, true);
// Every language the page has groups thousands with commas ("100,480").
const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const PICTURE_H = 52; // CSS pixels: a block's picture is as wide as the block and this tall
const MAX_MAPS = 8; // feature maps drawn per conv layer
const MAX_CELL = 14; // a unit's cell in a strip at most (10 output units stay a readable row)

/**
 * n squares in a w x h box, `gap` apart: the column count that makes them largest (ties: the
 * fewest empty places, then more columns), as {cols, rows, size}; size is capped at `cap`.
 */
export function tileGrid(n, w, h, gap, cap = Infinity) {
  let best = { cols: 1, rows: n, size: 0 };
  for (let cols = n; cols >= 1; cols--) {
    const rows = Math.ceil(n / cols);
    const size = Math.floor(Math.min((w - gap * (cols - 1)) / cols, (h - gap * (rows - 1)) / rows, cap));
    const waste = (c) => Math.ceil(n / c) * c - n;
    if (size > best.size || (size === best.size && waste(cols) < waste(best.cols))) best = { cols, rows, size };
  }
  return best;
}

/** [c, h, w] -> the words of a shape: "128 units" for flat features, "8 maps of 28×28" otherwise. */
function shapeWords(l, shape) {
  if (!shape) return '—';
  const [c, h, w] = shape;
  return h === 1 && w === 1 ? format(l.units, { n: INTEGER.format(c) }) : format(l.maps, { c, h, w });
}

/** The largest |v| of values (at least a tiny number, so a layer of zeros divides safely). */
function maxAbs(values) {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m || 1e-12;
}

/**
 * @element nn-network-view
 *
 * @property {object[]} layers - the stack, one entry a layer: {type, name (the kind in words;
 *   default: type), outShape: [c, h, w] or null when unchecked, params, error (true: cannot be built)}
 * @property {number[]} inputShape - [c, h, w] of one sample
 * @property {object} example - one test sample through the network (the worker's STATS `example`):
 *   {step, input: Float32Array, layers: [{index, shape: [c, h, w], values: Float32Array}]}, or null
 * @property {object} labels - translated strings, see NETWORK_VIEW_LABELS
 *
 * @fires layer-open - {detail: {index}} when the user clicks a block (or presses Enter or Space on it)
 *
 * @csspart block - each layer's button
 *
 * Read-only for tests: `pictures` (pictures drawn in the last update), `data-pictures`.
 */
export class NnNetworkView extends LitElement {
  static styles = [
    vizBaseStyles,
    css`
      :host {
        container-type: inline-size;
      }
      .caption {
        display: flex;
        flex-wrap: wrap;
        gap: 2px 12px;
        align-items: baseline;
        margin-bottom: 6px;
      }
      .title {
        font-weight: 600;
      }
      .note {
        color: var(--nn-viz-muted);
        font-size: 12px;
      }
      ol {
        display: flex;
        gap: 18px;
        margin: 0;
        padding: 2px 2px 4px;
        list-style: none;
        overflow-x: auto;
      }
      li {
        position: relative;
        flex: 1 1 0;
        min-width: 124px;
        max-width: 210px;
      }
      li + li::before {
        content: '→';
        position: absolute;
        left: -15px;
        top: 40%;
        color: var(--nn-viz-muted);
      }
      .block {
        display: flex;
        flex-direction: column;
        gap: 1px;
        width: 100%;
        height: 100%;
        box-sizing: border-box;
        padding: 5px 8px 6px;
        border: 1px solid #b8bfc8;
        border-radius: 6px;
        background: #fff;
        color: inherit;
        font: inherit;
        font-size: 12px;
        text-align: left;
        line-height: 1.3;
        overflow: hidden;
      }
      button.block {
        cursor: pointer;
      }
      button.block:hover {
        border-color: var(--nn-focus, #1a73e8);
        background: #f4f8fe;
      }
      button.block:focus-visible {
        outline: 2px solid var(--nn-focus, #1a73e8);
        outline-offset: 2px;
      }
      .block.input {
        background: #f6f7f9;
      }
      .block.error {
        border-color: #b3261e;
      }
      .kind {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .num {
        color: var(--nn-viz-muted);
        overflow-wrap: anywhere;
      }
      canvas {
        display: block;
        margin-top: 4px;
      }
      /* A phone: narrower blocks, and the row scrolls inside itself (the page never sideways). */
      @container (max-width: 560px) {
        li {
          flex: 0 0 100px;
          min-width: 0;
        }
      }
    `,
  ];

  static properties = {
    layers: { attribute: false },
    inputShape: { attribute: false },
    example: { attribute: false },
    labels: { attribute: false },
  };

  /** The canvas each picture is put into before it is scaled onto its block (#blit). */
  #scratch = null;

  constructor() {
    super();
    this.layers = [];
    this.inputShape = null;
    this.example = null;
    this.labels = undefined;
    this.pictures = 0;
  }

  get _l() {
    return mergeLabels(NETWORK_VIEW_LABELS, this.labels);
  }

  /** Block i's lines: its number and kind, its output shape, its parameters (all but the first empty when it cannot be built). */
  #lines(i) {
    const l = this._l;
    const layer = this.layers[i];
    const head = format(l.layer, { n: i + 1, kind: layer.name ?? layer.type });
    if (layer.error || !layer.outShape) return [head, l.unchecked];
    return [head, shapeWords(l, layer.outShape), layer.params ? format(l.params, { n: INTEGER.format(layer.params) }) : l.noParams];
  }

  /** The accessible name of block i, its visible lines joined: "Layer 2 · Dense, 128 units, 100,480 parameters". */
  blockName(i) {
    return this.#lines(i).join(this._l.separator);
  }

  #open(index) {
    this.dispatchEvent(new CustomEvent('layer-open', { detail: { index }, bubbles: true, composed: true }));
  }

  render() {
    const l = this._l;
    const layers = this.layers ?? [];
    const step = this.example?.step;
    return html`
      <div class="caption">
        <span class="title">${l.title}</span>
        <span class="note">${step === undefined ? l.hintIdle : format(l.hintExample, { step: INTEGER.format(step) })}</span>
      </div>
      <ol aria-label=${l.title}>
        ${this.inputShape
          ? html`<li><div class="block input">
              <span class="kind">${l.input}</span>
              <span class="num">${this.inputShape.join('×')}</span>
              <canvas data-input aria-hidden="true"></canvas>
            </div></li>`
          : nothing}
        ${layers.map((layer, i) => {
          const bad = layer.error || !layer.outShape;
          // The name holds the visible lines' words in order (a voice-control user says what they see).
          const spans = this.#lines(i).map((text, k) => html`<span class=${k ? 'num' : 'kind'} aria-hidden="true">${text}</span> `);
          return html`<li><button type="button" part="block" class="block ${bad ? 'error' : ''}" data-index=${i}
            aria-label=${this.blockName(i)} @click=${() => this.#open(i)}>${spans}<canvas data-layer=${i} aria-hidden="true"></canvas>
          </button></li>`;
        })}
      </ol>
    `;
  }

  updated() {
    let drawn = 0;
    const example = this.example;
    const input = this.renderRoot.querySelector('canvas[data-input]');
    if (input) drawn += this.#paintInput(input, example?.input) ? 1 : 0;
    for (const canvas of this.renderRoot.querySelectorAll('canvas[data-layer]')) {
      const i = Number(canvas.dataset.layer);
      const out = example?.layers?.find((x) => x.index === i);
      // A picture only while the stack is the one that produced it (an edit shifts the layers).
      const fits = out && this.layers[i]?.outShape && out.shape[1] === this.layers[i].outShape[1] && out.shape[2] === this.layers[i].outShape[2];
      drawn += this.#paintLayer(canvas, fits ? out : null) ? 1 : 0;
    }
    this.pictures = drawn;
    this.setAttribute('data-pictures', String(drawn));
  }

  /** Sizes a canvas in CSS pixels at the device pixel ratio; returns its context or null to leave it empty. */
  #size(canvas, w, h) {
    const ratio = globalThis.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.round(w * ratio));
    canvas.height = Math.max(1, Math.round(h * ratio));
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.imageSmoothingEnabled = false;
    return ctx;
  }

  /** The example digit in grey (its pixels as the network reads them, scaled to their range). */
  #paintInput(canvas, values) {
    const [c, h, w] = this.inputShape;
    if (!values || c !== 1 || h * w < 4 || values.length < h * w) {
      this.#size(canvas, 1, 1);
      return false;
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (let p = 0; p < h * w; p++) {
      lo = Math.min(lo, values[p]);
      hi = Math.max(hi, values[p]);
    }
    const span = hi - lo || 1;
    const img = new ImageData(w, h);
    for (let p = 0; p < h * w; p++) {
      const g = 255 - Math.round((255 * (values[p] - lo)) / span); // ink dark on white
      img.data.set([g, g, g, 255], p * 4);
    }
    this.#blit(this.#size(canvas, PICTURE_H, PICTURE_H), img, 0, 0, PICTURE_H, PICTURE_H);
    return true;
  }

  /** A layer's output: up to MAX_MAPS feature maps, or its units in rows; blue < 0, white 0, orange > 0. */
  #paintLayer(canvas, out) {
    if (!out) {
      this.#size(canvas, 1, 1);
      return false;
    }
    const [c, h, w] = out.shape;
    const values = out.values;
    const scale = 1 / maxAbs(values);
    const colour = (v, data, at) => {
      const k = Math.round((Math.max(-1, Math.min(1, v * scale)) + 1) * 127.5) * 3;
      data[at] = TABLE[k];
      data[at + 1] = TABLE[k + 1];
      data[at + 2] = TABLE[k + 2];
      data[at + 3] = 255;
    };
    // As wide as the block's content box (its padding and border left out).
    const width = Math.max(40, (canvas.parentElement?.clientWidth ?? 120) - 18);
    if (h * w > 1) {
      const maps = Math.min(c, MAX_MAPS);
      const gap = 2;
      const { cols, rows, size: tile } = tileGrid(maps, width, PICTURE_H, gap);
      const ctx = this.#size(canvas, cols * tile + (cols - 1) * gap, rows * tile + (rows - 1) * gap);
      for (let m = 0; m < maps; m++) {
        const img = new ImageData(w, h);
        for (let p = 0; p < h * w; p++) colour(values[m * h * w + p], img.data, p * 4);
        this.#blit(ctx, img, (m % cols) * (tile + gap), Math.floor(m / cols) * (tile + gap), tile, tile);
      }
      return true;
    }
    const { cols, rows, size: cell } = tileGrid(c, width, PICTURE_H, 0, MAX_CELL);
    const img = new ImageData(cols, rows);
    img.data.fill(255);
    for (let u = 0; u < c; u++) colour(values[u], img.data, u * 4);
    const ctx = this.#size(canvas, cols * Math.max(1, cell), rows * Math.max(1, cell));
    this.#blit(ctx, img, 0, 0, cols * Math.max(1, cell), rows * Math.max(1, cell));
    ctx.strokeStyle = 'rgba(0,0,0,0.25)';
    ctx.strokeRect(0.5, 0.5, cols * Math.max(1, cell) - 1, rows * Math.max(1, cell) - 1);
    return true;
  }

  /** Draws an image scaled to w x h at (x, y) with hard pixel edges. */
  #blit(ctx, img, x, y, w, h) {
    // One scratch canvas for every picture (drawImage copies it at once): the drawing repaints
    // twice a second while training, and a new canvas per feature map cost the page's main
    // thread a context each.
    const scratch = (this.#scratch ??= document.createElement('canvas'));
    if (scratch.width !== img.width || scratch.height !== img.height) Object.assign(scratch, { width: img.width, height: img.height });
    scratch.getContext('2d').putImageData(img, 0, 0);
    ctx.drawImage(scratch, x, y, w, h);
  }
}

customElements.define('nn-network-view', NnNetworkView);
