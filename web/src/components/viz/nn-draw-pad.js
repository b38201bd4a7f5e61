// nn-draw-pad.js: <nn-draw-pad>, a canvas on which the student draws a digit (mouse, finger, pen
// or the keyboard's arrows); the drawing is turned into an MNIST-style 28x28 image for the model,
// shown as the network sees it, and the model's ten probabilities, handed back by the page, are
// drawn as bars and announced. A test digit can be put on the pad to be drawn over.

import { LitElement, css, html, nothing, svg } from 'lit';
import { vizBaseStyles, mergeLabels } from './chart-base.js';
import { framePixels, inkFromRgba, preprocessDigit } from './mnist-preprocess.js';
import { format } from './stats.js';
import { srOnly } from '../styles.js';
import VIZ_LABELS from '../../i18n/en/viz.js';

/** English defaults; the page passes translated strings through `labels`. */
export const DRAW_PAD_LABELS = VIZ_LABELS['nn-draw-pad'];

// The drawing's own resolution, independent of its size on screen, so the preprocessing sees the
// same stroke widths everywhere.
const PAD = 280;
// About the stroke width of an MNIST digit once the drawing is scaled to the 20-pixel box.
const BRUSH = 26;
// The keyboard pen's step: one pixel of the 28x28 image when a test digit fills the pad (and about
// one once a free drawing is scaled to MNIST's 20-pixel box); Shift moves it four times as far.
const STEP = PAD / 28;
const BIG_STEP = 4 * STEP;
const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/**
 * A drawing pad for testing the model on one's own handwriting. Pointer events cover mouse, touch
 * and pen; the canvas does not scroll the page while drawing on a touch screen. With the keyboard,
 * the focused pad shows a pen cursor: the arrow keys move it by one MNIST pixel (Shift: four),
 * Space or Enter puts the pen down or lifts it (moving with the pen down draws with the mouse's
 * brush), Delete, Backspace or Escape clears; leaving the pad lifts the pen. The pad is
 * role="application" (a screen reader passes the arrows through), named, and described by the
 * visible hints. Its live region says the pen's state, and the prediction when the predicted
 * digit changes, a stroke ends or a digit is put on the pad (never on every pixel).
 *
 * Preprocessing (see mnist-preprocess.js) follows how MNIST was made: crop to the ink's bounding
 * box, scale the longer side to 20 pixels keeping the aspect ratio with area-averaged (anti-aliased)
 * grey levels, and place the result in a 28x28 frame with its centre of mass at the centre.
 * A test digit put on the pad (loadDigit) is already in that frame: it fills the pad, 10 x 10 pad
 * pixels to one of its pixels, and until the pad is cleared the image is each block's mean
 * (framePixels), not re-cropped or re-centred, so the model sees exactly the digit's pixels until
 * the student draws, and afterwards only the pixels the pen touched change.
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
 * @fires digit-clear - {detail: {}} when the user clears the pad (button, Escape, Delete or Backspace)
 *
 * @csspart pad - the drawing canvas (role="application")
 * @csspart cursor - the keyboard pen's cursor (SVG over the pad, shown while the pad has keyboard focus)
 * @csspart clear - the Clear button
 * @csspart preview - the 28x28 image the network sees
 * @csspart bars - the probability bars (SVG)
 *
 * Methods: clear(), drawStrokes(strokes) and loadDigit(pixels, source) change the drawing from code
 * without any event; focus() focuses the pad.
 * Read-only for tests: pixels (the last preprocessed image), empty, drawn, pen ({x, y, down} in 0..1
 * pad coordinates), source (the loaded digit's {index, truth}, or null), announcement (the live
 * region's text), `data-points` (inked pixels of the 28x28 image).
 */
export class NnDrawPad extends LitElement {
  static styles = [
    vizBaseStyles,
    srOnly,
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
        /* As wide as the pad: the hints wrap under it. */
        width: min-content;
      }
      .stage {
        position: relative;
      }
      .pad {
        display: block;
        background: #fff;
        border: 1px solid var(--nn-viz-border, #999);
        border-radius: 4px;
        touch-action: none;
        cursor: crosshair;
      }
      .pad:focus-visible {
        outline: 3px solid var(--nn-viz-accent, #0072b2);
        outline-offset: 2px;
      }
      /* The keyboard pen: shown while the pad has keyboard focus, never in the pointer's way. */
      .cursor {
        display: none;
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
        pointer-events: none;
        overflow: visible;
      }
      .pad:focus-visible + .cursor {
        display: block;
      }
      .cursor circle {
        fill: none;
        stroke: var(--nn-viz-accent, #0072b2);
        stroke-width: 3;
        stroke-dasharray: 6 4;
      }
      .cursor.down circle {
        fill: rgba(0, 114, 178, 0.25);
        stroke-dasharray: none;
      }
      .cursor line {
        stroke: var(--nn-viz-accent, #0072b2);
        stroke-width: 2;
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
        margin: 0;
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
    _pen: { state: true },
    _source: { state: true },
    _said: { state: true },
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
    /** The keyboard pen, in pad pixels; it starts in the middle, lifted. */
    this._pen = { x: PAD / 2, y: PAD / 2, down: false };
    /** True while a loaded digit is on the pad: the image is then read in its frame, not re-centred. */
    this._framed = false;
    /** The loaded digit's {index, truth} when the caller named it, else null. */
    this._source = null;
    /** The live region's text. */
    this._said = '';
    /** The next probabilities are announced whatever they predict (a stroke ended, a digit was put on the pad). */
    this._announceNext = false;
    this._announcePrefix = '';
    this._lastBest = -1;
  }

  get _l() {
    return mergeLabels(DRAW_PAD_LABELS, this.labels);
  }

  /** True when nothing is drawn. */
  get empty() {
    return this._empty;
  }

  /** The keyboard pen: {x, y} in 0..1 pad coordinates, down while it draws. */
  get pen() {
    return { x: this._pen.x / PAD, y: this._pen.y / PAD, down: this._pen.down };
  }

  /** The test digit on the pad ({index, truth}), or null. */
  get source() {
    return this._source;
  }

  /** What the live region says now. */
  get announcement() {
    return this._said;
  }

  get _pad() {
    return this.renderRoot.querySelector('canvas.pad');
  }

  /** Focuses the pad (the canvas in the shadow root). */
  focus(options) {
    this._pad?.focus(options);
  }

  firstUpdated() {
    this._sizePad();
    this._updatePreview();
  }

  willUpdate(changed) {
    if (changed.has('probabilities')) this._announcePrediction();
  }

  updated(changed) {
    if (changed.has('size')) this._sizePad();
  }

  // Sizes go through the CSSOM, which a strict CSP allows (a style attribute would not be).
  _sizePad() {
    const pad = this._pad;
    if (!pad) return;
    pad.style.width = `${this.size}px`;
    pad.style.height = `${this.size}px`;
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this._timer);
    this._timer = 0;
  }

  /** Clears the drawing (from code: no event) and lifts the pen; a loaded digit goes too. */
  clear() {
    const pad = this._pad;
    pad?.getContext('2d', { willReadFrequently: true }).clearRect(0, 0, PAD, PAD);
    clearTimeout(this._timer);
    this._timer = 0;
    this._empty = true;
    this._framed = false;
    this._source = null;
    this._pen = { ...this._pen, down: false };
    this._announceNext = false;
    this._lastBest = -1;
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

  /**
   * Puts a 28x28 image on the pad in place of the drawing (from code: no event), e.g. a test digit
   * the student wants to edit: pixels are 784 grey levels 0..1 (0 = background), row-major, as the
   * model sees them (MNIST's bytes × 1/255). Each fills 10 x 10 pad pixels; until the pad is
   * cleared, `pixels` is the pad read back block by block (no re-centring), so an image made by
   * pixelsFromBytes (MNIST's bytes as the core scales them) comes back bit for bit. source ({index, truth}) names it above the pad and in the
   * announcement of its prediction. Call it once the element has rendered.
   */
  loadDigit(pixels, source = null) {
    if (!pixels || pixels.length !== 784) throw new RangeError('loadDigit: 784 grey levels (28 x 28) expected');
    const ctx = this._ctx();
    const img = ctx.createImageData(PAD, PAD);
    const block = PAD / 28;
    const rowBytes = PAD * 4;
    const data = img.data;
    for (let py = 0; py < 28; py++) {
      // One pad row of this image row, then copied to the block's other rows.
      const start = py * block * rowBytes;
      for (let x = 0; x < PAD; x++) {
        const v = Number(pixels[py * 28 + ((x / block) | 0)]);
        const o = start + x * 4;
        // The brush's colour, with the grey level as its ink (alpha), like a drawn stroke.
        data[o] = 17;
        data[o + 1] = 17;
        data[o + 2] = 17;
        data[o + 3] = v > 0 ? Math.min(255, Math.round(v * 255)) : 0;
      }
      for (let dy = 1; dy < block; dy++) data.copyWithin(start + dy * rowBytes, start, start + rowBytes);
    }
    clearTimeout(this._timer);
    this._timer = 0;
    ctx.putImageData(img, 0, 0);
    this._framed = true;
    this._source = source ? { index: source.index, truth: source.truth } : null;
    this._pen = { ...this._pen, down: false };
    this._empty = false;
    this._process();
    this._announceNext = true;
    this._announcePrefix = this._sourceText();
  }

  _sourceText() {
    const s = this._source;
    if (!s) return '';
    return format(this._l.loaded, { index: s.index, truth: this._name(s.truth) });
  }

  _name(k) {
    return this.classLabels?.[k] ?? String(k);
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
    this._endStroke();
  }

  // A stroke ended (pointer up, pen lifted): its image goes out now, and its prediction is announced.
  _endStroke() {
    clearTimeout(this._timer);
    this._timer = 0;
    this._announceNext = true;
    this._announcePrefix = '';
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
    // A test digit on the pad is in MNIST's frame already: read it back as it is, not re-centred.
    this.pixels = this._framed ? framePixels(img.data, PAD, PAD) : preprocessDigit(inkFromRgba(img.data, PAD, PAD), PAD, PAD);
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
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'Escape' || e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      this._userClear();
      return;
    }
    if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      // A held key toggles once.
      if (!e.repeat) this._togglePen();
      return;
    }
    const d = ARROWS[e.key];
    if (!d) return;
    e.preventDefault();
    const step = e.shiftKey ? BIG_STEP : STEP;
    this._movePen(d[0] * step, d[1] * step);
  }

  _togglePen() {
    const l = this._l;
    if (this._pen.down) {
      this._pen = { ...this._pen, down: false };
      this._said = l.penUp;
      this._endStroke();
      return;
    }
    this._pen = { ...this._pen, down: true };
    this._said = l.penDown;
    const p = [this._pen.x, this._pen.y];
    this._segment(this._ctx(), p, p);
    this._empty = false;
    this._schedule();
  }

  _movePen(dx, dy) {
    const clamp = (v) => Math.min(PAD, Math.max(0, v));
    const from = [this._pen.x, this._pen.y];
    const to = [clamp(from[0] + dx), clamp(from[1] + dy)];
    this._pen = { x: to[0], y: to[1], down: this._pen.down };
    if (!this._pen.down || (to[0] === from[0] && to[1] === from[1])) return;
    this._segment(this._ctx(), from, to);
    this._schedule();
  }

  // Leaving the pad with the pen down ends the stroke.
  _onBlur() {
    if (this._pen.down) this._togglePen();
  }

  _userClear() {
    this.clear();
    this._said = this._l.cleared;
    this.dispatchEvent(new CustomEvent('digit-clear', { detail: {}, bubbles: true, composed: true }));
  }

  _best(p) {
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
    return best;
  }

  _predictionText(p, best) {
    return format(this._l.prediction, { label: this._name(best), p: `${(p[best] * 100).toFixed(1)} %` });
  }

  // New probabilities: said when the predicted digit changed (not in the middle of a pointer
  // stroke, whose end says it), when a stroke has just ended, or for a digit just put on the pad.
  _announcePrediction() {
    const p = this.probabilities;
    if (!p || !p.length || this._empty) return;
    const best = this._best(p);
    if (!this._announceNext && (best === this._lastBest || this._drawing)) return;
    const prediction = this._predictionText(p, best);
    this._said = this._announcePrefix ? format(this._l.loadedAnnounce, { digit: this._announcePrefix, prediction }) : prediction;
    this._announceNext = false;
    this._announcePrefix = '';
    this._lastBest = best;
  }

  _bars() {
    const l = this._l;
    const p = this.probabilities;
    if (this._empty || !p || !p.length) return html`<div class="label">${l.waiting}</div>`;
    const n = p.length;
    const best = this._best(p);
    const rowH = 16;
    const width = 190;
    const barX = 18;
    const barW = 120;
    const summary = this._predictionText(p, best);
    return html`<svg class="bars" part="bars" width=${width} height=${n * rowH} role="img" aria-label=${summary}>
      ${Array.from(p, (v, k) => {
        const value = Math.min(1, Math.max(0, v));
        const y = k * rowH;
        return svg`<g class=${k === best ? 'best' : ''}>
          <text x="0" y=${y + 12}>${this._name(k)}</text>
          <rect x=${barX} y=${y + 3} width=${barW} height="10" fill="#eeeeee"></rect>
          <rect x=${barX} y=${y + 3} width=${Math.max(0.5, value * barW)} height="10" fill=${k === best ? '#0072b2' : '#8fb8d8'}></rect>
          <text x=${barX + barW + 6} y=${y + 12}>${(v * 100).toFixed(1)}%</text>
        </g>`;
      })}
    </svg>`;
  }

  _cursor() {
    const { x, y, down } = this._pen;
    const r = BRUSH / 2;
    return html`<svg class="cursor ${down ? 'down' : ''}" part="cursor" viewBox="0 0 ${PAD} ${PAD}" aria-hidden="true">
      <circle cx=${x} cy=${y} r=${r}></circle>
      <line x1=${x - r - 6} y1=${y} x2=${x - r + 4} y2=${y}></line>
      <line x1=${x + r - 4} y1=${y} x2=${x + r + 6} y2=${y}></line>
      <line x1=${x} y1=${y - r - 6} x2=${x} y2=${y - r + 4}></line>
      <line x1=${x} y1=${y + r - 4} x2=${x} y2=${y + r + 6}></line>
    </svg>`;
  }

  render() {
    const l = this._l;
    const source = this._sourceText();
    return html`<div class="head"><span class="title">${l.title}</span>${source ? html`<span class="note" part="source">${source}</span>` : nothing}</div>
      <div class="body">
        <div class="left">
          <div class="stage">
            <canvas class="pad" part="pad" width=${PAD} height=${PAD} role="application" tabindex="0" aria-label=${l.pad}
              aria-describedby="hint keys"
              @pointerdown=${this._onDown} @pointermove=${this._onMove} @pointerup=${this._onUp} @pointercancel=${this._onUp}
              @keydown=${this._onKey} @blur=${this._onBlur}></canvas>${this._cursor()}
          </div>
          <div class="row">
            <button type="button" part="clear" @click=${this._userClear}>${l.clear}</button>
          </div>
          <p class="label" id="hint">${l.hint}</p>
          <p class="label" id="keys">${l.keys}</p>
        </div>
        <div class="right">
          <span class="label">${l.seen}</span>
          <canvas class="preview" part="preview" width="28" height="28" role="img" aria-label=${l.seenImage}></canvas>
          <span class="label">${l.probabilities}</span>
          ${this._bars()}
        </div>
      </div>
      <div class="sr" aria-live="polite" aria-atomic="true">${this._said}</div>`;
  }
}

customElements.define('nn-draw-pad', NnDrawPad);
