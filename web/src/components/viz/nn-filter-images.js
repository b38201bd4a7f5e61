// nn-filter-images.js: <nn-filter-images>, a first layer's learned weights drawn as images: the
// k x k kernels of a conv layer, or, for a dense layer on MNIST, each unit's 784 weights as a 28x28
// picture of what that unit looks for.

import { css, html } from 'lit';
import { CanvasElement } from './canvas-base.js';
import { vizBaseStyles, mergeLabels } from './chart-base.js';
import { blueOrange, lookupTable } from './colormap.js';
import { format, formatNumber } from './stats.js';
import VIZ_LABELS from '../../i18n/en/viz.js';

/** English defaults; the page passes translated strings through `labels`. */
export const FILTER_IMAGES_LABELS = VIZ_LABELS['nn-filter-images'];

const TABLE = lookupTable(blueOrange, true);

/**
 * Weights as images on the blue–orange diverging map (0 is white): for a conv layer with shape
 * [out][in][k][k] one k x k tile per filter and input channel (a row per filter when in > 1), for
 * a dense layer with shape [units][inputs] one tile per unit, reshaped to `imageShape` (28x28 for
 * MNIST's 784 inputs). Colours are scaled per tile (shows each filter's pattern) or with one
 * scale for all (shows which filters are large), switchable by the user.
 *
 * @element nn-filter-images
 *
 * @property {Float32Array|number[]} weights - the layer's weight tensor, row-major (as Session.tensorValues gives)
 * @property {number[]} shape - [out, in, k, k] (conv2d) or [units, inputs] (dense)
 * @property {number[]} imageShape - [height, width] of a dense unit's image (default [28, 28]
 *   for 784 inputs, else the nearest square, else one row)
 * @property {'filter'|'global'} scale - colour scale per tile or shared (attribute `scale`)
 * @property {number} max - most tiles to draw (default 64)
 * @property {number} tileSize - tile side in CSS pixels (default: fits the width, 24..72)
 * @property {object} labels - translated strings, see FILTER_IMAGES_LABELS
 *
 * @fires scale-change - {detail: {scale}} when the user switches the colour scale
 *
 * @csspart canvas - the tiles (role="img", aria-label with the shape and the range)
 *
 * Read-only for tests: pointCount (tiles drawn), drawn, drawCount, `data-points`.
 */
export class NnFilterImages extends CanvasElement {
  static styles = [
    vizBaseStyles,
    css`
      canvas {
        display: block;
      }
      .legend {
        display: flex;
        align-items: center;
        gap: 8px;
        font-size: 12px;
        color: var(--nn-viz-muted);
        margin-top: 4px;
      }
      .ramp {
        width: 120px;
        height: 10px;
        display: block;
      }
    `,
  ];

  static properties = {
    weights: { attribute: false },
    shape: { attribute: false },
    imageShape: { attribute: false },
    scale: { type: String, reflect: true },
    max: { type: Number },
    /** The layer's units (filters) when `weights` holds only its first ones: what "of N" counts. */
    units: { type: Number },
    tileSize: { type: Number, attribute: 'tile-size' },
    labels: { attribute: false },
  };

  constructor() {
    super();
    this.weights = null;
    this.shape = null;
    this.imageShape = null;
    this.scale = 'filter';
    this.max = 64;
    this.units = 0;
    this.tileSize = 0;
    this.labels = undefined;
    this._globalMax = 0;
  }

  get _l() {
    return mergeLabels(FILTER_IMAGES_LABELS, this.labels);
  }

  /** {tiles, h, w, rows, cols, groups, perGroup, conv} describing the tiling, or null. */
  _layout() {
    const shape = this.shape;
    const weights = this.weights;
    if (!weights || !shape || !shape.length) return null;
    if (shape.length === 4) {
      const [out, inC, kh, kw] = shape;
      const perGroup = Math.min(inC, 16);
      const groups = Math.min(out, Math.max(1, Math.floor(this.max / perGroup)));
      return { conv: true, h: kh, w: kw, groups, perGroup, inC, out, total: Math.max(out, this.units || 0) * inC };
    }
    const units = shape[0];
    const inputs = shape.length > 1 ? shape.slice(1).reduce((a, b) => a * b, 1) : 1;
    let [h, w] = this.imageShape ?? [];
    if (!(h * w === inputs)) {
      const side = Math.round(Math.sqrt(inputs));
      [h, w] = side * side === inputs ? [side, side] : [1, inputs];
    }
    return { conv: false, h, w, groups: Math.min(units, this.max), perGroup: 1, inC: 1, out: units, total: Math.max(units, this.units || 0), inputs };
  }

  paint() {
    const canvas = this.renderRoot.querySelector('canvas.tiles');
    if (!canvas) return 0;
    const l = this._l;
    const lay = this._layout();
    const weights = this.weights;
    const width = this.availableWidth();
    if (!lay) {
      const ctx = this.sizeCanvas(canvas, width, 24);
      ctx.clearRect(0, 0, width, 24);
      canvas.setAttribute('aria-label', l.noData);
      return 0;
    }
    const { h, w, groups, perGroup, conv } = lay;
    const gap = conv && perGroup > 1 ? 2 : 3;
    // In a conv layer with several input channels, one row of tiles per filter; else a grid.
    const tilesPerRow = conv && perGroup > 1 ? perGroup : null;
    const aspect = w / h;
    // A grid a little wider than tall, tiles as large as fit (up to 96 px), unless the page
    // fixed the tile size.
    const n = groups * perGroup;
    const cols = tilesPerRow ?? gridColumns(n);
    let tile = this.tileSize || Math.max(12, Math.min(96, Math.floor((width - gap * (cols - 1)) / cols / aspect)));
    if (tilesPerRow) tile = Math.max(8, Math.min(tile, Math.floor((width - gap * (perGroup - 1)) / perGroup / aspect)));
    const rows = tilesPerRow ? groups : Math.ceil(groups / cols);
    const tileW = Math.round(tile * aspect);
    const cssW = cols * tileW + (cols - 1) * gap;
    const cssH = rows * tile + (rows - 1) * gap;
    const ctx = this.sizeCanvas(canvas, cssW, cssH);
    ctx.clearRect(0, 0, cssW, cssH);
    ctx.imageSmoothingEnabled = false;
    const count = n;
    const stride = h * w;
    // The shared scale covers the tiles drawn; per-tile scale each tile's own max |w|.
    let globalMax = 0;
    let min = Infinity;
    let max = -Infinity;
    const tileIndex = (g, c) => (conv ? g * lay.inC + c : g);
    for (let g = 0; g < groups; g++) {
      for (let c = 0; c < perGroup; c++) {
        const base = tileIndex(g, c) * stride;
        for (let p = 0; p < stride; p++) {
          const v = weights[base + p];
          if (v < min) min = v;
          if (v > max) max = v;
          const a = Math.abs(v);
          if (a > globalMax) globalMax = a;
        }
      }
    }
    this._globalMax = globalMax;
    const scratch = document.createElement('canvas');
    scratch.width = w;
    scratch.height = h;
    const sctx = scratch.getContext('2d');
    const img = sctx.createImageData(w, h);
    for (let g = 0; g < groups; g++) {
      for (let c = 0; c < perGroup; c++) {
        const base = tileIndex(g, c) * stride;
        let m = globalMax;
        if (this.scale !== 'global') {
          m = 0;
          for (let p = 0; p < stride; p++) m = Math.max(m, Math.abs(weights[base + p]));
        }
        const inv = m > 0 ? 1 / m : 0;
        for (let p = 0; p < stride; p++) {
          const t = Math.max(-1, Math.min(1, weights[base + p] * inv));
          const k = Math.round((t + 1) * 127.5) * 3;
          img.data[p * 4] = TABLE[k];
          img.data[p * 4 + 1] = TABLE[k + 1];
          img.data[p * 4 + 2] = TABLE[k + 2];
          img.data[p * 4 + 3] = 255;
        }
        sctx.putImageData(img, 0, 0);
        const slot = tilesPerRow ? g * perGroup + c : g;
        const col = tilesPerRow ? c : slot % cols;
        const row = tilesPerRow ? g : Math.floor(slot / cols);
        const x = col * (tileW + gap);
        const y = row * (tile + gap);
        ctx.drawImage(scratch, x, y, tileW, tile);
        ctx.strokeStyle = 'rgba(0,0,0,0.25)';
        ctx.lineWidth = 1;
        ctx.strokeRect(x + 0.5, y + 0.5, tileW - 1, tile - 1);
      }
    }
    const range = { min: formatNumber(min, 2), max: formatNumber(max, 2) };
    const summary = conv
      ? format(l.summaryConv, { count: Math.max(lay.out, this.units || 0), k: h === w ? h : `${h}×${w}`, channels: lay.inC, ...range })
      : format(l.summaryDense, { count: Math.max(lay.out, this.units || 0), h, w, ...range });
    canvas.setAttribute('aria-label', summary);
    this._paintRamp();
    this.renderRoot.querySelector('.range').textContent =
      this.scale === 'global' ? format(l.range, { max: formatNumber(globalMax, 2) }) : '';
    this.renderRoot.querySelector('.shown').textContent = count < lay.total ? format(l.shown, { shown: count, total: lay.total }) : '';
    return count;
  }

  _paintRamp() {
    const ramp = this.renderRoot.querySelector('canvas.ramp');
    if (!ramp || ramp.dataset.painted) return;
    ramp.width = 120;
    ramp.height = 1;
    const ctx = ramp.getContext('2d');
    const img = ctx.createImageData(120, 1);
    for (let x = 0; x < 120; x++) {
      const k = Math.round((x / 119) * 255) * 3;
      img.data.set([TABLE[k], TABLE[k + 1], TABLE[k + 2], 255], x * 4);
    }
    ctx.putImageData(img, 0, 0);
    ramp.dataset.painted = '1';
  }

  _setScale(scale) {
    if (scale === this.scale) return;
    this.scale = scale;
    this.dispatchEvent(new CustomEvent('scale-change', { detail: { scale }, bubbles: true, composed: true }));
  }

  render() {
    const l = this._l;
    return html`<div class="head">
        <span class="title">${l.title}</span>
        <div class="controls">
          <span class="seg" role="group" aria-label=${l.scaleGroup}>
            <button type="button" aria-pressed=${this.scale !== 'global' ? 'true' : 'false'} @click=${() => this._setScale('filter')}>${l.perFilter}</button>
            <button type="button" aria-pressed=${this.scale === 'global' ? 'true' : 'false'} @click=${() => this._setScale('global')}>${l.global}</button>
          </span>
        </div>
      </div>
      <canvas class="tiles" part="canvas" role="img" aria-label=""></canvas>
      <div class="legend"><canvas class="ramp" aria-hidden="true"></canvas><span>${l.scaleLegend}</span><span class="range"></span><span class="shown"></span></div>`;
  }
}

/** Columns for n tiles: between square and twice as wide as tall, leaving the fewest empty slots. */
function gridColumns(n) {
  let best = Math.max(1, Math.ceil(Math.sqrt(n)));
  let bestWaste = Infinity;
  for (let c = best; c <= Math.max(best, Math.ceil(Math.sqrt(n * 2))); c++) {
    const waste = Math.ceil(n / c) * c - n;
    if (waste < bestWaste) {
      best = c;
      bestWaste = waste;
    }
  }
  return Math.min(n, best);
}

customElements.define('nn-filter-images', NnFilterImages);
