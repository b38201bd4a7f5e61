// nn-surface-map.js: <nn-surface-map>, a 2-D loss surface as a heat map with contour bands, the
// optimizers' paths over it up to the step being shown, a start point to drag (pointer or arrow
// keys) and a read-out of the point under the pointer.

import { css, html } from 'lit';
import { CanvasElement } from '../components/viz/canvas-base.js';
import { lookupTable, viridis } from '../components/viz/colormap.js';
import { srOnly } from '../components/styles.js';

/** English defaults; the lab passes translated strings through `labels` ({...} are filled in). */
export const SURFACE_MAP_LABELS = {
  map: 'Loss surface',
  start: 'Start point at x {x}, y {y}: arrow keys move it (Shift: ten times further)',
  hover: 'x {x}, y {y}: loss ≈ {loss}',
  hint: 'Drag the white ring, or focus it and use the arrow keys, to move the start.',
};
const fill = (text, params) => text.replace(/\{(\w+)\}/g, (m, k) => (k in params ? params[k] : m));
const BANDS = 24; // contour bands over the colour range
const TABLE = lookupTable(viridis);

/**
 * @element nn-surface-map
 *
 * @property {Float32Array} grid - the loss on gridWidth x gridHeight points over `view`, row 0 at the top
 * @property {number} gridWidth
 * @property {number} gridHeight
 * @property {number[]} view - [x0, x1, y0, y1]
 * @property {boolean} log - colours follow log10 of the loss (above its minimum)
 * @property {Array<{x: Float32Array, y: Float32Array}|null>} paths - one per racer
 * @property {string[]} colors - the racers' colours
 * @property {number} shown - the last step drawn of every path
 * @property {number[]} start - [x, y] of the start point
 * @property {number[][]} minima - points to mark with a cross
 * @property {object} labels - see SURFACE_MAP_LABELS
 *
 * @fires start-change - {detail: {start: [x, y]}} when the user drags the start or moves it with the keys
 *
 * Read-only for tests: `segmentsDrawn` (path segments painted since the last full redraw).
 */
export class NnSurfaceMap extends CanvasElement {
  static properties = {
    grid: { attribute: false },
    gridWidth: { type: Number },
    gridHeight: { type: Number },
    view: { attribute: false },
    log: { type: Boolean },
    paths: { attribute: false },
    colors: { attribute: false },
    shown: { type: Number },
    start: { attribute: false },
    minima: { attribute: false },
    labels: { attribute: false },
    _hover: { state: true },
  };

  static styles = [
    srOnly,
    css`
      :host {
        display: block;
        position: relative;
      }
      .stack {
        position: relative;
        touch-action: none;
      }
      canvas {
        display: block;
        position: absolute;
        left: 0;
        top: 0;
      }
      .handle {
        position: absolute;
        left: 0;
        top: 0;
        width: 18px;
        height: 18px;
        margin: -9px 0 0 -9px;
        border-radius: 50%;
        border: 0;
        padding: 0;
        background: transparent;
        cursor: grab;
      }
      .handle:focus-visible {
        outline: 3px solid #ffbf00;
        outline-offset: 2px;
      }
      .readout {
        min-height: 1.4em;
        font-size: 12.5px;
        color: var(--nn-muted, #5a5f69);
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  constructor() {
    super();
    this.grid = null;
    this.gridWidth = 0;
    this.gridHeight = 0;
    this.view = [-1, 1, -1, 1];
    this.log = true;
    this.paths = [];
    this.colors = [];
    this.shown = 0;
    this.start = [0, 0];
    this.minima = [];
    this.labels = {};
    this._hover = null;
    this.segmentsDrawn = 0;
    this._heat = null; // the heat map at grid resolution, redrawn when the grid changes
    this._heatDrawn = null; // [heat image, side] last drawn into the bottom canvas
    this._trailsSide = 0; // the side the trail canvas was last cleared at (0: clear it)
    this._trailKey = null;
    this._trailShown = 0;
    this._dragging = false;
  }

  get _labels() {
    return { ...SURFACE_MAP_LABELS, ...this.labels };
  }

  /** The square's side in CSS pixels. */
  get _side() {
    return Math.max(200, Math.min(this.availableWidth(), 560));
  }

  // ---- coordinates ----
  _toPixel(x, y, side = this._side) {
    const [x0, x1, y0, y1] = this.view;
    return [((x - x0) / (x1 - x0)) * side, ((y1 - y) / (y1 - y0)) * side];
  }

  _toPoint(px, py, side = this._side) {
    const [x0, x1, y0, y1] = this.view;
    return [x0 + (px / side) * (x1 - x0), y1 - (py / side) * (y1 - y0)];
  }

  /** The loss at (x, y) read from the grid (bilinear): the read-out says ≈. */
  valueAt(x, y) {
    const { grid, gridWidth: w, gridHeight: h } = this;
    if (!grid || w < 2 || h < 2) return NaN;
    const [x0, x1, y0, y1] = this.view;
    const c = Math.min(w - 1.001, Math.max(0, ((x - x0) / (x1 - x0)) * (w - 1)));
    const r = Math.min(h - 1.001, Math.max(0, ((y1 - y) / (y1 - y0)) * (h - 1)));
    const c0 = Math.floor(c);
    const r0 = Math.floor(r);
    const fc = c - c0;
    const fr = r - r0;
    const at = (rr, cc) => grid[rr * w + cc];
    return (at(r0, c0) * (1 - fc) + at(r0, c0 + 1) * fc) * (1 - fr) + (at(r0 + 1, c0) * (1 - fc) + at(r0 + 1, c0 + 1) * fc) * fr;
  }

  willUpdate(changed) {
    if (changed.has('grid') || changed.has('log')) this._heat = null;
    const key = [this.paths, this.view, this.colors];
    if (!this._trailKey || key.some((k, i) => k !== this._trailKey[i]) || this.shown < this._trailShown) {
      this._trailKey = key;
      this._trailsSide = 0;
    }
  }

  /** The grid as an image of contour bands, once per grid. */
  _heatImage() {
    const { grid, gridWidth: w, gridHeight: h } = this;
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    const image = ctx.createImageData(w, h);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of grid) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    // Log colours: log10 of the height above the lowest point, from a millionth of the range up.
    const floor = 1e-6 * (hi - lo) + 1e-30;
    const logLo = Math.log10(floor);
    const logSpan = Math.log10(hi - lo + floor) - logLo || 1;
    const t = new Float32Array(grid.length);
    for (let i = 0; i < grid.length; i++) {
      t[i] = this.log ? (Math.log10(grid[i] - lo + floor) - logLo) / logSpan : (grid[i] - lo) / (hi - lo || 1);
    }
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const i = r * w + c;
        const band = Math.floor(t[i] * BANDS);
        // A pixel whose band differs from its right or lower neighbour lies on a contour line.
        const edge = (c + 1 < w && Math.floor(t[i + 1] * BANDS) !== band) || (r + 1 < h && Math.floor(t[i + w] * BANDS) !== band);
        const k = 3 * Math.max(0, Math.min(255, Math.round(t[i] * 255)));
        const shade = edge ? 0.72 : 1;
        image.data[4 * i] = TABLE[k] * shade;
        image.data[4 * i + 1] = TABLE[k + 1] * shade;
        image.data[4 * i + 2] = TABLE[k + 2] * shade;
        image.data[4 * i + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
    return canvas;
  }

  /** Draws the segments of every path from the last step drawn to `shown` into the trail canvas. */
  _extendTrails(canvas, side) {
    if (this._trailsSide !== side) {
      this.sizeCanvas(canvas, side, side).clearRect(0, 0, side, side);
      this._trailsSide = side;
      this._trailShown = 0;
      this.segmentsDrawn = 0;
    }
    const ctx = canvas.getContext('2d');
    ctx.lineWidth = 2;
    ctx.lineJoin = 'round';
    this.paths.forEach((p, k) => {
      if (!p?.x) return;
      const from = Math.min(this._trailShown, p.x.length - 1);
      const to = Math.min(this.shown, p.x.length - 1);
      if (to <= from) return;
      ctx.strokeStyle = this.colors[k] ?? '#fff';
      ctx.beginPath();
      ctx.moveTo(...this._toPixel(p.x[from], p.y[from], side));
      for (let i = from + 1; i <= to; i++) ctx.lineTo(...this._toPixel(p.x[i], p.y[i], side));
      ctx.stroke();
      this.segmentsDrawn += to - from;
    });
    this._trailShown = this.shown;
  }

  /**
   * Three canvases stacked: the heat map (drawn when the grid or the size changes), the trails
   * (only the new segments of each frame are drawn) and the markers (cleared and drawn each frame:
   * a few shapes). A frame of playback touches no full-size image.
   */
  paint() {
    const [heat, trails, marks] = this.renderRoot.querySelectorAll('canvas');
    if (!heat || !this.grid) return 0;
    const side = this._side;
    this._heat ??= this._heatImage();
    if (this._heatDrawn?.[0] !== this._heat || this._heatDrawn[1] !== side) {
      const ctx = this.sizeCanvas(heat, side, side);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(this._heat, 0, 0, side, side);
      this._heatDrawn = [this._heat, side];
    }
    this._extendTrails(trails, side);
    const ctx = this.sizeCanvas(marks, side, side);
    ctx.clearRect(0, 0, side, side);
    ctx.lineWidth = 2;
    for (const [mx, my] of this.minima) {
      const [px, py] = this._toPixel(mx, my, side);
      ctx.strokeStyle = '#fff';
      ctx.beginPath();
      ctx.moveTo(px - 5, py - 5);
      ctx.lineTo(px + 5, py + 5);
      ctx.moveTo(px + 5, py - 5);
      ctx.lineTo(px - 5, py + 5);
      ctx.stroke();
    }
    // Where each racer is now: a dot in its colour.
    this.paths.forEach((p, k) => {
      if (!p?.x?.length) return;
      const i = Math.min(this.shown, p.x.length - 1);
      const [px, py] = this._toPixel(p.x[i], p.y[i], side);
      ctx.fillStyle = this.colors[k] ?? '#fff';
      ctx.strokeStyle = '#000';
      ctx.beginPath();
      ctx.arc(px, py, 4.5, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    });
    const [sx, sy] = this._toPixel(this.start[0], this.start[1], side);
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 2.5;
    ctx.beginPath();
    ctx.arc(sx, sy, 7, 0, 2 * Math.PI);
    ctx.stroke();
    const handle = this.renderRoot.querySelector('.handle');
    if (handle) handle.style.transform = `translate(${sx}px, ${sy}px)`;
    const stack = this.renderRoot.querySelector('.stack');
    if (stack.style.height !== `${side}px`) stack.style.height = `${side}px`;
    return this.grid.length;
  }

  // ---- the start point: pointer and keys ----
  #emitStart(start) {
    const [x0, x1, y0, y1] = this.view;
    const clamped = [Math.min(x1, Math.max(x0, start[0])), Math.min(y1, Math.max(y0, start[1]))].map((v) => +v.toFixed(4));
    this.start = clamped;
    this.dispatchEvent(new CustomEvent('start-change', { detail: { start: clamped }, bubbles: true, composed: true }));
  }

  #pointerPoint(event) {
    const rect = this.renderRoot.querySelector('canvas').getBoundingClientRect();
    return this._toPoint(event.clientX - rect.left, event.clientY - rect.top, rect.width);
  }

  #onPointerDown = (event) => {
    if (event.button !== 0) return;
    this._dragging = true;
    event.currentTarget.setPointerCapture?.(event.pointerId);
    this.renderRoot.querySelector('.handle')?.focus();
    this.#emitStart(this.#pointerPoint(event));
  };

  #onPointerMove = (event) => {
    const [x, y] = this.#pointerPoint(event);
    this._hover = { x, y, loss: this.valueAt(x, y) };
    if (this._dragging) this.#emitStart([x, y]);
  };

  #onPointerUp = () => {
    this._dragging = false;
  };

  #onKey = (event) => {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const [x0, x1, y0, y1] = this.view;
    const step = (event.shiftKey ? 0.1 : 0.01);
    this.#emitStart([this.start[0] + move[0] * step * (x1 - x0), this.start[1] + move[1] * step * (y1 - y0)]);
  };

  render() {
    const l = this._labels;
    const fmt = (v) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(3));
    const h = this._hover;
    return html`
      <div class="stack" @pointerdown=${this.#onPointerDown} @pointermove=${this.#onPointerMove} @pointerup=${this.#onPointerUp}
        @pointercancel=${this.#onPointerUp} @pointerleave=${() => (this._hover = null)}>
        <canvas role="img" aria-label=${l.map}></canvas>
        <canvas aria-hidden="true"></canvas>
        <canvas aria-hidden="true"></canvas>
        <button type="button" class="handle" aria-label=${fill(l.start, { x: fmt(this.start[0]), y: fmt(this.start[1]) })}
          @keydown=${this.#onKey}></button>
      </div>
      <div class="readout" aria-live="off">${h ? fill(l.hover, { x: fmt(h.x), y: fmt(h.y), loss: fmt(h.loss) }) : l.hint}</div>
    `;
  }
}

customElements.define('nn-surface-map', NnSurfaceMap);
