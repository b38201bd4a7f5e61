// nn-draw-pad.js: <nn-draw-pad>, a canvas on which the student draws a digit (mouse, finger or
// pen); the drawing is turned into an MNIST-style 28x28 image for the model, shown as the network
// sees it, and the model's ten probabilities, handed back by the page, are drawn as bars.

import { LitElement, css, html, svg } from 'lit';
import { vizBaseStyles, mergeLabels } from './chart-base.js';
import { inkFromRgba, preprocessDigit } from './mnist-preprocess.js';
import { format } from './stats.js';

/** English defaults; the page passes translated strings through `labels`. */
export const DRAW_PAD_LABELS = {
  title: 'Draw a digit',
  hint: 'Draw with the mouse, a finger or a pen.',
  clear: 'Clear',
  pad: 'Drawing pad: draw a digit here. Press Escape or Delete to clear.',
  seen: 'What the network sees (28 × 28)',
  seenImage: 'the drawing as a 28 by 28 MNIST-style image',
  probabilities: 'Probabilities',
  prediction: 'predicted {label} with probability {p}',
  waiting: 'draw to see the prediction',
};

// The drawing's own resolution, independent of its size on screen, so the preprocessing sees the
// same stroke widths everywhere.
const PAD = 280;
// About the stroke width of an MNIST digit once the drawing is scaled to the 20-pixel box.
const BRUSH = 26;

/**
 * A drawing pad for testing the model on one's own handwriting. Pointer events cover mouse, touch
 * and pen; the canvas does not scroll the page while drawing on a touch screen.
 *
 * Preprocessing (see mnist-preprocess.js) follows how MNIST was made: crop to the ink's bounding
 * box, scale the longer side to 20 pixels keeping the aspect ratio with area-averaged (anti-aliased)
 * grey levels, and place the result in a 28x28 frame with its centre of mass at the centre.
 *
 * @element nn-draw-pad
 *
 * @property {Float32Array|number[]|null} probabilities - the model's output for the last input
 *   (10 values); set by the page after each digit-input; null hides the bars
 * @property {string[]} classLabels - names of the classes (default '0'..'9')
 * @property {number} size - the pad's side in CSS pixels (default 224)
 * @property {number} throttle - minimum milliseconds between digit-input events while drawing (default 120)
 * @property {object} labels - translated strings, see DRAW_PAD_LABELS
 *
 * @fires digit-input - {detail: {pixels: Float32Array(784)}} while the user draws (throttled) and
 *   when a stroke ends; pixels are 0..1, row-major 28x28, 0 = background, like MNIST / 255
 * @fires digit-clear - {detail: {}} when the user clears the pad (button, Escape or Delete)
 *
 * @csspart pad - the drawing canvas (role="img")
 * @csspart clear - the Clear button
 * @csspart preview - the 28x28 image the network sees
 * @csspart bars - the probability bars (SVG)
 *
 * Methods: clear() and drawStrokes(strokes) change the drawing from code without any event.
 * Read-only for tests: pixels (the last preprocessed image), empty, drawn, `data-points` (inked
 * pixels of the 28x28 image).
 */
export class NnDrawPad extends LitElement {
  static styles = [
    vizBaseStyles,
    css`
      .body {
        display: flex;
        flex-wrap: wrap;
        gap: 12px 16px;
        align-items: flex-start;
      }
      .left {
        display: flex;
        flex-direction: column;
        gap: 6px;
        align-items: flex-start;
      }
      .pad {
        display: block;
        background: #fff;
        border: 1px solid var(--nn-viz-border, #999);
        border-radius: 4px;
        touch-action: none;
        cursor: crosshair;
      }
      .row {
        display: flex;
        gap: 8px;
        align-items: center;
      }
      button {
        font: inherit;
        padding: 3px 12px;
        border: 1px solid var(--nn-viz-border, #999);
        border-radius: 4px;
        background: var(--nn-viz-bg, #fff);
        color: inherit;
        cursor: pointer;
      }
      .right {
        display: flex;
        flex-direction: column;
        gap: 6px;
        min-width: 180px;
      }
      .preview {
        width: 84px;
        height: 84px;
        image-rendering: pixelated;
        background: #000;
        display: block;
      }
      .label {
        font-size: 12px;
        color: var(--nn-viz-muted);
      }
      .bars text {
        font: 11px system-ui, sans-serif;
        fill: var(--nn-viz-fg, #222);
      }
      .bars .best text {
        font-weight: 700;
      }
    `,
  ];

  static properties = {
    probabilities: { attribute: false },
    classLabels: { attribute: false },
    size: { type: Number },
    throttle: { type: Number },
    labels: { attribute: false },
    _empty: { state: true },
  };

  constructor() {
    super();
    this.probabilities = null;
    this.classLabels = null;
    this.size = 224;
    this.throttle = 120;
    this.labels = undefined;
    this._empty = true;
    this._drawing = false;
    this._last = null;
    this._timer = 0;
    this._lastEmit = 0;
    this.pixels = new Float32Array(784);
    this.drawn = false;
  }

  get _l() {
    return mergeLabels(DRAW_PAD_LABELS, this.labels);
  }

  /** True when nothing is drawn. */
  get empty() {
    return this._empty;
  }

  get _pad() {
    return this.renderRoot.querySelector('canvas.pad');
  }

  firstUpdated() {
    const pad = this._pad;
    pad.style.width = `${this.size}px`;
    pad.style.height = `${this.size}px`;
    this._updatePreview();
  }

  updated(changed) {
    if (changed.has('size') && this._pad) {
      this._pad.style.width = `${this.size}px`;
      this._pad.style.height = `${this.size}px`;
    }
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this._timer);
    this._timer = 0;
  }

  /** Clears the drawing (from code: no event). */
  clear() {
    const pad = this._pad;
    pad?.getContext('2d').clearRect(0, 0, PAD, PAD);
    clearTimeout(this._timer);
    this._timer = 0;
    this._empty = true;
    this.pixels = new Float32Array(784);
    this._updatePreview();
  }

  /**
   * Draws strokes from code (demos, tests): strokes = [[[x, y], ...], ...] in 0..1 pad coordinates.
   * Emits no event; the preprocessed image is in `pixels` afterwards.
   */
  drawStrokes(strokes) {
    const ctx = this._ctx();
    for (const stroke of strokes) {
      if (!stroke.length) continue;
      const pts = stroke.map(([x, y]) => [x * PAD, y * PAD]);
      this._segment(ctx, pts[0], pts[0]);
      for (let i = 1; i < pts.length; i++) this._segment(ctx, pts[i - 1], pts[i]);
    }
    this._empty = false;
    this._process();
  }

  _ctx() {
    const ctx = this._pad.getContext('2d', { willReadFrequently: true });
    ctx.strokeStyle = '#111';
    ctx.fillStyle = '#111';
    ctx.lineWidth = BRUSH;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    return ctx;
  }

  _segment(ctx, a, b) {
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0] + (a[0] === b[0] && a[1] === b[1] ? 0.01 : 0), b[1]);
    ctx.stroke();
  }

  _point(e) {
    const rect = this._pad.getBoundingClientRect();
    return [((e.clientX - rect.left) / rect.width) * PAD, ((e.clientY - rect.top) / rect.height) * PAD];
  }

  _onDown(e) {
    if (e.button !== undefined && e.button > 0) return;
    e.preventDefault();
    this._pad.setPointerCapture?.(e.pointerId);
    this._drawing = true;
    const p = this._point(e);
    this._segment(this._ctx(), p, p);
    this._last = p;
    this._empty = false;
    this._schedule();
  }

  _onMove(e) {
    if (!this._drawing) return;
    e.preventDefault();
    const ctx = this._ctx();
    const events = e.getCoalescedEvents?.() ?? [];
    for (const ev of events.length ? events : [e]) {
      const p = this._point(ev);
      this._segment(ctx, this._last, p);
      this._last = p;
    }
    this._schedule();
  }

  _onUp(e) {
    if (!this._drawing) return;
    this._drawing = false;
    this._pad.releasePointerCapture?.(e.pointerId);
    clearTimeout(this._timer);
    this._timer = 0;
    this._emit();
  }

  // While drawing, at most one digit-input every `throttle` ms, and one at the end of the wait.
  _schedule() {
    if (this._timer) return;
    const wait = Math.max(0, this.throttle - (performance.now() - this._lastEmit));
    this._timer = setTimeout(() => {
      this._timer = 0;
      this._emit();
    }, wait);
  }

  _emit() {
    this._lastEmit = performance.now();
    this._process();
    this.dispatchEvent(new CustomEvent('digit-input', { detail: { pixels: this.pixels.slice() }, bubbles: true, composed: true }));
  }

  _process() {
    const img = this._pad.getContext('2d', { willReadFrequently: true }).getImageData(0, 0, PAD, PAD);
    this.pixels = preprocessDigit(inkFromRgba(img.data, PAD, PAD), PAD, PAD);
    this._updatePreview();
  }

  _updatePreview() {
    const preview = this.renderRoot.querySelector('canvas.preview');
    if (!preview) return;
    const ctx = preview.getContext('2d');
    const img = ctx.createImageData(28, 28);
    let inked = 0;
    for (let i = 0; i < 784; i++) {
      const v = Math.round(this.pixels[i] * 255);
      if (v > 0) inked += 1;
      img.data[i * 4] = v;
      img.data[i * 4 + 1] = v;
      img.data[i * 4 + 2] = v;
      img.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    this.drawn = this.drawn || inked > 0;
    this.setAttribute('data-points', String(inked));
  }

  _onKey(e) {
    if (e.key === 'Escape' || e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      this._userClear();
    }
  }

  _userClear() {
    this.clear();
    this.dispatchEvent(new CustomEvent('digit-clear', { detail: {}, bubbles: true, composed: true }));
  }

  _bars() {
    const l = this._l;
    const p = this.probabilities;
    if (this._empty || !p || !p.length) return html`<div class="label">${l.waiting}</div>`;
    const n = p.length;
    let best = 0;
    for (let k = 1; k < n; k++) if (p[k] > p[best]) best = k;
    const rowH = 16;
    const width = 190;
    const barX = 18;
    const barW = 120;
    const name = (k) => this.classLabels?.[k] ?? String(k);
    const summary = format(l.prediction, { label: name(best), p: `${(p[best] * 100).toFixed(1)} %` });
    return html`<svg class="bars" part="bars" width=${width} height=${n * rowH} role="img" aria-label=${summary}>
      ${Array.from(p, (v, k) => {
        const value = Math.min(1, Math.max(0, v));
        const y = k * rowH;
        return svg`<g class=${k === best ? 'best' : ''}>
          <text x="0" y=${y + 12}>${name(k)}</text>
          <rect x=${barX} y=${y + 3} width=${barW} height="10" fill="#eeeeee"></rect>
          <rect x=${barX} y=${y + 3} width=${Math.max(0.5, value * barW)} height="10" fill=${k === best ? '#0072b2' : '#8fb8d8'}></rect>
          <text x=${barX + barW + 6} y=${y + 12}>${(v * 100).toFixed(1)}%</text>
        </g>`;
      })}
    </svg>`;
  }

  render() {
    const l = this._l;
    return html`<div class="head"><span class="title">${l.title}</span></div>
      <div class="body">
        <div class="left">
          <canvas class="pad" part="pad" width=${PAD} height=${PAD} role="img" tabindex="0" aria-label=${l.pad}
            @pointerdown=${this._onDown} @pointermove=${this._onMove} @pointerup=${this._onUp} @pointercancel=${this._onUp}
            @keydown=${this._onKey}></canvas>
          <div class="row">
            <button type="button" part="clear" @click=${this._userClear}>${l.clear}</button>
            <span class="label">${l.hint}</span>
          </div>
        </div>
        <div class="right">
          <span class="label">${l.seen}</span>
          <canvas class="preview" part="preview" width="28" height="28" role="img" aria-label=${l.seenImage}></canvas>
          <span class="label">${l.probabilities}</span>
          ${this._bars()}
        </div>
      </div>`;
  }
}

customElements.define('nn-draw-pad', NnDrawPad);
