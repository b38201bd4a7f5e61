// nn-digit-grid.js: <nn-digit-grid>, test digits with the model's prediction and the true label,
// mistakes first (most confident mistakes first) and marked, so students see what the model gets
// wrong and how sure it was.

import { LitElement, css, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { vizBaseStyles, mergeLabels } from './chart-base.js';
import { pixelsFromBytes } from './mnist-preprocess.js';
import { format } from './stats.js';
import VIZ_LABELS from '../../i18n/en/viz.js';

/** English defaults; the page passes translated strings through `labels`. */
export const DIGIT_GRID_LABELS = VIZ_LABELS['nn-digit-grid'];

/**
 * A grid of test digits, each with its predicted label, the probability the model gave it, and
 * (for mistakes) the true label. Mistakes come first, sorted by how confident the model was, and
 * are outlined in orange with a ✗ so they stand out without relying on colour alone. The grid is
 * one Tab stop: the arrow keys, Home and End move between its digits. With `tryable`, a button
 * after the grid (the next Tab stop) hands the current digit (the one last focused or clicked,
 * marked aria-current; at first the surest mistake) to the page for the draw pad, and so does
 * Enter on a digit (a line under the button says so, and describes every digit).
 *
 * @element nn-digit-grid
 *
 * @property {Uint8Array|Float32Array} images - n images of size x size pixels, row-major, bytes 0..255
 *   (as MNIST stores them) or floats 0..1
 * @property {Uint8Array|number[]} trueLabels - n true labels
 * @property {Uint8Array|number[]} predictions - n predicted labels (nn_evaluate's predictions)
 * @property {Float32Array|number[]} confidences - optional, n probabilities of the predicted class
 * @property {Float32Array} probabilities - optional, [n][classes] softmax outputs; used when
 *   confidences is not given (and to find the prediction when predictions is not given)
 * @property {number} classes - number of classes in `probabilities` (default 10)
 * @property {ArrayLike<number>} indices - optional subset of sample indices to consider (e.g. one
 *   confusion-matrix cell); default all
 * @property {number} max - how many digits to show (default 48)
 * @property {boolean} mistakesFirst - sort mistakes to the front (default true; attribute `mistakes-first`)
 * @property {number} size - image side in pixels (default 28)
 * @property {string[]} classLabels - names of the classes (default '0', '1', ...)
 * @property {object} labels - translated strings, see DIGIT_GRID_LABELS
 * @property {boolean} tryable - show the "Try test digit … in the draw pad" button (attribute `tryable`)
 *
 * @fires digit-select - {detail: {index}} when the user clicks (or presses Enter or Space on) a digit
 * @fires digit-try - {detail: {index, truth, predicted, pixels}} when the user presses the try
 *   button: the current digit, its pixels as the model sees them (Float32Array, 0..1; bytes are
 *   scaled exactly as the core scales them, see pixelsFromBytes)
 *
 * @csspart grid - the grid container
 * @csspart cell - one digit (also `cell wrong` for mistakes)
 * @csspart try - the try button
 *
 * Read-only for tests: pointCount (digits shown), wrongCount, drawn, `data-points`, shownIndices.
 */
export class NnDigitGrid extends LitElement {
  static styles = [
    vizBaseStyles,
    css`
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(64px, 1fr));
        gap: 6px;
      }
      .cell {
        margin: 0;
        padding: 3px;
        border: 2px solid transparent;
        border-radius: 4px;
        background: var(--nn-viz-bg, #fff);
        text-align: center;
        cursor: pointer;
        font-size: 11px;
        line-height: 1.25;
        position: relative;
      }
      .cell:focus-visible {
        outline: 2px solid var(--nn-viz-accent, #0072b2);
        outline-offset: 2px;
      }
      /* The digit the try button acts on. */
      .cell.current {
        box-shadow: 0 0 0 2px var(--nn-viz-accent, #0072b2);
      }
      .actions {
        margin-top: 8px;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 4px 10px;
      }
      .keys {
        font-size: 11.5px;
        color: var(--nn-viz-muted, #666);
      }
      .actions button {
        font: inherit;
        font-size: 12px;
        padding: 3px 10px;
        border: 1px solid var(--nn-viz-border, #999);
        border-radius: 4px;
        background: var(--nn-viz-bg, #fff);
        color: inherit;
        cursor: pointer;
      }
      .cell.wrong {
        border-color: #d55e00;
        background: #fff4ec;
      }
      .mark {
        position: absolute;
        top: 0;
        right: 3px;
        color: #b34700;
        font-weight: 700;
        font-size: 12px;
      }
      canvas {
        width: 56px;
        height: 56px;
        image-rendering: pixelated;
        display: block;
        margin: 0 auto 2px;
        background: #000;
      }
      .pred {
        font-weight: 600;
      }
      .truth {
        /* The mistake's orange, darkened for text: 5:1 on the cell's tint (WCAG AA asks 4.5:1). */
        color: #b34700;
        font-weight: 600;
      }
      .prob {
        color: var(--nn-viz-muted);
      }
    `,
  ];

  static properties = {
    images: { attribute: false },
    trueLabels: { attribute: false },
    predictions: { attribute: false },
    confidences: { attribute: false },
    probabilities: { attribute: false },
    classes: { type: Number },
    indices: { attribute: false },
    max: { type: Number },
    mistakesFirst: { type: Boolean, attribute: 'mistakes-first' },
    size: { type: Number },
    classLabels: { attribute: false },
    labels: { attribute: false },
    tryable: { type: Boolean },
    _focusIndex: { state: true },
  };

  constructor() {
    super();
    this.images = null;
    this.trueLabels = null;
    this.predictions = null;
    this.confidences = null;
    this.probabilities = null;
    this.classes = 10;
    this.indices = null;
    this.max = 48;
    this.mistakesFirst = true;
    this.size = 28;
    this.classLabels = null;
    this.labels = undefined;
    this.tryable = false;
    this.pointCount = 0;
    this.wrongCount = 0;
    this.drawn = false;
    this.shownIndices = [];
    /** The sample index of the digit that has (or last had) focus: the grid's one Tab stop. */
    this._focusIndex = -1;
  }

  get _l() {
    return mergeLabels(DIGIT_GRID_LABELS, this.labels);
  }

  _name(k) {
    return this.classLabels?.[k] ?? String(k);
  }

  _prediction(i) {
    if (this.predictions) return this.predictions[i];
    const p = this.probabilities;
    if (!p) return undefined;
    const c = this.classes;
    let best = 0;
    for (let k = 1; k < c; k++) if (p[i * c + k] > p[i * c + best]) best = k;
    return best;
  }

  _confidence(i) {
    if (this.confidences) return this.confidences[i];
    const p = this.probabilities;
    const pred = this._prediction(i);
    return p && pred !== undefined ? p[i * this.classes + pred] : undefined;
  }

  /** The digits to show, in display order: [{index, truth, predicted, confidence, wrong}]. */
  _items() {
    const labels = this.trueLabels;
    if (!this.images || !labels) return [];
    const pixels = this.size * this.size;
    const count = Math.min(labels.length, Math.floor(this.images.length / pixels));
    const pool = this.indices ? Array.from(this.indices).filter((i) => i >= 0 && i < count) : Array.from({ length: count }, (_, i) => i);
    const items = [];
    for (const index of pool) {
      const predicted = this._prediction(index);
      if (predicted === undefined) continue;
      const truth = labels[index];
      items.push({ index, truth, predicted, confidence: this._confidence(index), wrong: predicted !== truth });
    }
    if (this.mistakesFirst) {
      // Stable: mistakes first by confidence (surest first), the rest keep their order.
      items.sort((a, b) => (a.wrong === b.wrong ? (a.wrong ? (b.confidence ?? 0) - (a.confidence ?? 0) : 0) : a.wrong ? -1 : 1));
    }
    return items.slice(0, Math.max(0, this.max));
  }

  render() {
    const l = this._l;
    const items = this._items();
    this._shown = items;
    const wrong = items.filter((x) => x.wrong).length;
    // One Tab stop for the whole grid (the digit last focused, else the first); arrows move in it.
    const current = Math.max(0, items.findIndex((it) => it.index === this._focusIndex));
    if (!items.length) {
      return html`<div class="head"><span class="title">${l.title}</span></div><div class="empty">${l.noData}</div>`;
    }
    return html`<div class="head">
        <span class="title">${l.title}</span><span class="note">${format(l.mistakes, { wrong, shown: items.length })}</span>
      </div>
      <div class="grid" part="grid" role="list" aria-label=${format(l.summary, { shown: items.length, wrong })}>
        ${repeat(
          items,
          (it) => it.index,
          (it, k) => html`<figure class="cell ${it.wrong ? 'wrong' : ''} ${this.tryable && k === current ? 'current' : ''}"
              part=${it.wrong ? 'cell wrong' : 'cell'} role="listitem" aria-current=${this.tryable && k === current ? 'true' : nothing}
              tabindex=${k === current ? '0' : '-1'} aria-describedby=${this.tryable ? 'try-keys' : nothing}
              data-index=${it.index} @focus=${() => { this._focusIndex = it.index; }}
              @click=${() => this._select(it.index)} @keydown=${(e) => this._onKey(e, it.index)}>
              ${it.wrong ? html`<span class="mark" aria-hidden="true">✗</span>` : nothing}
              <canvas width=${this.size} height=${this.size} role="img" aria-label=${this._describe(it)}></canvas>
              <figcaption>
                <span class="pred">${format(l.predicted, { label: this._name(it.predicted) })}</span>
                ${Number.isFinite(it.confidence) ? html`<span class="prob">${Math.round(it.confidence * 100)}%</span>` : nothing}
                ${it.wrong ? html`<br /><span class="truth">${format(l.truth, { label: this._name(it.truth) })}</span>` : nothing}
              </figcaption>
            </figure>`,
        )}
      </div>
      ${this.tryable
        ? html`<div class="actions">
            <button type="button" part="try" data-index=${items[current].index} @click=${() => this._try(items[current])}>
              ${format(l.tryDigit, { digit: items[current].truth, index: items[current].index })}
            </button>
            <span class="keys" id="try-keys">${l.tryKeys}</span>
          </div>`
        : nothing}`;
  }

  _describe(it) {
    const l = this._l;
    const probability = Number.isFinite(it.confidence) ? ` (${Math.round(it.confidence * 100)} %)` : '';
    return format(l.digit, { index: it.index, truth: this._name(it.truth), predicted: this._name(it.predicted), probability, verdict: it.wrong ? l.wrong : l.right });
  }

  updated(changed) {
    // A new current digit changes no image.
    if (changed.size === 1 && changed.has('_focusIndex')) return;
    // Paints every shown digit now: they are a few dozen 28x28 images, cheaper than a frame's wait.
    const items = this._shown ?? [];
    const canvases = this.renderRoot.querySelectorAll('figure.cell canvas');
    const size = this.size;
    const pixels = size * size;
    const floats = !(this.images instanceof Uint8Array || this.images instanceof Uint8ClampedArray);
    items.forEach((it, k) => {
      const canvas = canvases[k];
      if (!canvas) return;
      const ctx = canvas.getContext('2d');
      const img = ctx.createImageData(size, size);
      const base = it.index * pixels;
      for (let p = 0; p < pixels; p++) {
        const raw = this.images[base + p];
        const v = floats ? Math.round(Math.min(1, Math.max(0, raw)) * 255) : raw;
        img.data[p * 4] = v;
        img.data[p * 4 + 1] = v;
        img.data[p * 4 + 2] = v;
        img.data[p * 4 + 3] = 255;
      }
      ctx.putImageData(img, 0, 0);
    });
    this.pointCount = items.length;
    this.wrongCount = items.filter((x) => x.wrong).length;
    this.shownIndices = items.map((x) => x.index);
    this.drawn = this.drawn || items.length > 0;
    this.setAttribute('data-points', String(items.length));
  }

  _select(index) {
    this.dispatchEvent(new CustomEvent('digit-select', { detail: { index }, bubbles: true, composed: true }));
  }

  /** The pixels of sample `index` as the model sees them: Float32Array(size * size), 0..1. */
  _pixels(index) {
    const n = this.size * this.size;
    const raw = this.images.subarray ? this.images.subarray(index * n, (index + 1) * n) : this.images.slice(index * n, (index + 1) * n);
    if (this.images instanceof Uint8Array || this.images instanceof Uint8ClampedArray) return pixelsFromBytes(raw);
    return Float32Array.from(raw, (v) => Math.min(1, Math.max(0, v)));
  }

  _try(it) {
    const detail = { index: it.index, truth: it.truth, predicted: it.predicted, pixels: this._pixels(it.index) };
    this.dispatchEvent(new CustomEvent('digit-try', { detail, bubbles: true, composed: true }));
  }

  _onKey(e, index) {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this._select(index);
      const it = this.tryable && e.key === 'Enter' ? this._shown?.find((x) => x.index === index) : null;
      if (it) this._try(it);
      return;
    }
    const cells = [...this.renderRoot.querySelectorAll('figure.cell')];
    const k = cells.findIndex((c) => Number(c.dataset.index) === index);
    // Digits per row, as laid out now: the cells level with the first.
    const columns = Math.max(1, cells.filter((c) => c.offsetTop === cells[0].offsetTop).length);
    const to = { ArrowLeft: k - 1, ArrowRight: k + 1, ArrowUp: k - columns, ArrowDown: k + columns, Home: 0, End: cells.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = cells[Math.min(cells.length - 1, Math.max(0, to))];
    for (const c of cells) c.tabIndex = c === next ? 0 : -1;
    next.focus();
  }
}

customElements.define('nn-digit-grid', NnDigitGrid);
