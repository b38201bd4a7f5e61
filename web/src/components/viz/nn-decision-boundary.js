// nn-decision-boundary.js: <nn-decision-boundary>, for the 2-D teaching sets (XOR, circles,
// spirals, gaussians): the model's P(class 1) over the plane as a heat map, with the data points
// on top, as TensorFlow Playground draws it.

import { css, html } from 'lit';
import { CanvasElement } from './canvas-base.js';
import { vizBaseStyles, mergeLabels } from './chart-base.js';
import { blueOrange, CATEGORICAL } from './colormap.js';
import { format } from './stats.js';
import { isoline } from './contour.js';
import VIZ_LABELS from '../../i18n/en/viz.js';

/** English defaults; the page passes translated strings through `labels`. */
export const DECISION_BOUNDARY_LABELS = VIZ_LABELS['nn-decision-boundary'];

/**
 * The points at which the page evaluates the model for `grid`: res x res points over
 * [lo, hi]^2, x varying fastest, the first row at y = lo (the bottom of the picture), corners
 * included. Returns Float32Array [res * res][2].
 */
export function decisionGridPoints(res, extent = [-1.5, 1.5]) {
  const [lo, hi] = extent;
  const out = new Float32Array(res * res * 2);
  const step = res > 1 ? (hi - lo) / (res - 1) : 0;
  for (let iy = 0; iy < res; iy++) {
    for (let ix = 0; ix < res; ix++) {
      const k = (iy * res + ix) * 2;
      out[k] = lo + ix * step;
      out[k + 1] = lo + iy * step;
    }
  }
  return out;
}

// Each side of P = 0.5 is tinted at least MIN_TINT of the way to its class's full colour: a
// network that is barely sure (the linear one on XOR: P between 0.49 and 0.58) still shows two
// regions and the straight line between them, where the plain map would be white everywhere.
const MIN_TINT = 0.3;

/** The tint of P(class 1) = p on the diverging map's scale -1..1: its side, then how sure. */
export function tintOf(p) {
  const d = Math.max(-1, Math.min(1, 2 * p - 1));
  return d === 0 ? 0 : Math.sign(d) * (MIN_TINT + (1 - MIN_TINT) * Math.abs(d));
}

// The background is a lighter version of the diverging map, so the points stay readable on it.
function backgroundColor(p) {
  const [r, g, b] = blueOrange(tintOf(p));
  const mix = 0.35;
  return [r + (255 - r) * mix, g + (255 - g) * mix, b + (255 - b) * mix];
}

const CLASS_COLORS = ['#08519c', '#d95f02', ...CATEGORICAL.slice(2)];

/**
 * @element nn-decision-boundary
 *
 * @property {Float32Array|number[]} grid - res x res values of P(class 1) in 0..1 at
 *   decisionGridPoints(res, extent) (x fastest, first row at the bottom)
 * @property {number} resolution - res (default: the square root of grid.length)
 * @property {number[]} extent - [lo, hi] of both axes (default [-1.5, 1.5])
 * @property {Float32Array|number[]} points - n points, [n][2] flat (x, y)
 * @property {Uint8Array|number[]} pointLabels - n class labels (0/1; more classes get more colours)
 * @property {number} size - side of the square plot in CSS pixels (default: the width, at most 360)
 * @property {object} labels - translated strings, see DECISION_BOUNDARY_LABELS
 *
 * @csspart canvas - the plot (role="img", aria-label with the share of points on their side)
 *
 * Read-only for tests: pointCount (points drawn), drawn, drawCount, `data-points`, agreement
 * (share of points whose class the grid's nearest cell predicts, NaN without both).
 * Class 0 is drawn as blue circles, class 1 as orange diamonds: shape and colour both differ.
 */
export class NnDecisionBoundary extends CanvasElement {
  static styles = [
    vizBaseStyles,
    css`
      canvas {
        display: block;
      }
    `,
  ];

  static properties = {
    grid: { attribute: false },
    resolution: { type: Number },
    extent: { attribute: false },
    points: { attribute: false },
    pointLabels: { attribute: false },
    size: { type: Number },
    labels: { attribute: false },
  };

  constructor() {
    super();
    this.grid = null;
    this.resolution = 0;
    this.extent = [-1.5, 1.5];
    this.points = null;
    this.pointLabels = null;
    this.size = 0;
    this.labels = undefined;
    this.agreement = NaN;
  }

  get _l() {
    return mergeLabels(DECISION_BOUNDARY_LABELS, this.labels);
  }

  get _res() {
    if (this.resolution > 0) return this.resolution;
    const n = this.grid?.length ?? 0;
    const r = Math.round(Math.sqrt(n));
    return r * r === n ? r : 0;
  }

  /** P(class 1) of the grid cell nearest to (x, y), or NaN. */
  probabilityAt(x, y) {
    const res = this._res;
    if (!res || !this.grid) return NaN;
    const [lo, hi] = this.extent;
    const ix = Math.round(((x - lo) / (hi - lo)) * (res - 1));
    const iy = Math.round(((y - lo) / (hi - lo)) * (res - 1));
    if (ix < 0 || iy < 0 || ix >= res || iy >= res) return NaN;
    return this.grid[iy * res + ix];
  }

  paint() {
    const canvas = this.renderRoot.querySelector('canvas');
    if (!canvas) return 0;
    const l = this._l;
    const side = this.size || Math.max(120, Math.min(360, this.availableWidth()));
    const margin = 22;
    const plot = side - margin;
    const ctx = this.sizeCanvas(canvas, side, side);
    ctx.clearRect(0, 0, side, side);
    const [lo, hi] = this.extent;
    const toX = (v) => margin + ((v - lo) / (hi - lo)) * plot;
    const toY = (v) => plot - ((v - lo) / (hi - lo)) * plot;
    const res = this._res;
    if (res && this.grid) {
      const scratch = document.createElement('canvas');
      scratch.width = res;
      scratch.height = res;
      const sctx = scratch.getContext('2d');
      const img = sctx.createImageData(res, res);
      for (let iy = 0; iy < res; iy++) {
        for (let ix = 0; ix < res; ix++) {
          const [r, g, b] = backgroundColor(this.grid[iy * res + ix]);
          const k = ((res - 1 - iy) * res + ix) * 4;
          img.data[k] = r;
          img.data[k + 1] = g;
          img.data[k + 2] = b;
          img.data[k + 3] = 255;
        }
      }
      sctx.putImageData(img, 0, 0);
      // Grid values are at cell corners: the image's pixel centres span [lo, hi] exactly when
      // drawn half a cell wider on each side, then clipped to the plot.
      const cellW = plot / (res - 1 || 1);
      ctx.save();
      ctx.beginPath();
      ctx.rect(margin, 0, plot, plot);
      ctx.clip();
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(scratch, margin - cellW / 2, -cellW / 2, plot + cellW, plot + cellW);
      // The boundary itself, P(class 1) = 0.5, as a line: sharp where the image is smoothed.
      ctx.strokeStyle = 'rgba(20, 20, 20, 0.85)';
      ctx.lineWidth = 2;
      ctx.lineCap = 'round';
      ctx.beginPath();
      for (const [[x0, y0], [x1, y1]] of isoline(this.grid, res, this.extent).segments) {
        ctx.moveTo(toX(x0), toY(y0));
        ctx.lineTo(toX(x1), toY(y1));
      }
      ctx.stroke();
      ctx.restore();
    } else {
      ctx.fillStyle = '#f4f4f4';
      ctx.fillRect(margin, 0, plot, plot);
    }
    // Frame and ticks.
    const fg = getComputedStyle(this).getPropertyValue('--nn-viz-fg').trim() || '#222';
    ctx.strokeStyle = 'rgba(0,0,0,0.35)';
    ctx.lineWidth = 1;
    ctx.strokeRect(margin + 0.5, 0.5, plot - 1, plot - 1);
    ctx.fillStyle = fg;
    ctx.font = '10px system-ui, sans-serif';
    for (let t = Math.ceil(lo); t <= Math.floor(hi); t++) {
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      ctx.fillText(String(t), toX(t), plot + 4);
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      ctx.fillText(String(t), margin - 4, toY(t));
    }
    // Points.
    const pts = this.points;
    const labels = this.pointLabels;
    let n = 0;
    let agree = 0;
    let judged = 0;
    if (pts && labels) {
      n = Math.min(labels.length, Math.floor(pts.length / 2));
      const radius = n > 600 ? 2.5 : 3.5;
      ctx.lineWidth = 1;
      ctx.strokeStyle = '#ffffff';
      for (let i = 0; i < n; i++) {
        const x = pts[2 * i];
        const y = pts[2 * i + 1];
        const c = labels[i];
        const px = toX(x);
        const py = toY(y);
        ctx.fillStyle = CLASS_COLORS[c % CLASS_COLORS.length];
        ctx.beginPath();
        if (c === 1) {
          const d = radius * 1.3;
          ctx.moveTo(px, py - d);
          ctx.lineTo(px + d, py);
          ctx.lineTo(px, py + d);
          ctx.lineTo(px - d, py);
          ctx.closePath();
        } else {
          ctx.arc(px, py, radius, 0, 2 * Math.PI);
        }
        ctx.fill();
        ctx.stroke();
        const p = this.probabilityAt(x, y);
        if (Number.isFinite(p) && c <= 1) {
          judged += 1;
          if ((p >= 0.5 ? 1 : 0) === c) agree += 1;
        }
      }
    }
    this.agreement = judged ? agree / judged : NaN;
    canvas.setAttribute(
      'aria-label',
      n || res ? format(l.summary, { n, share: judged ? `${((agree / judged) * 100).toFixed(0)} %` : '–' }) : l.noData,
    );
    // Points drawn, or the heat map's cells when there are no points yet.
    return n > 0 ? n : res * res;
  }

  render() {
    const l = this._l;
    return html`<div class="head"><span class="title">${l.title}</span></div>
      <canvas part="canvas" role="img" aria-label=""></canvas>
      <div class="note">${l.legend}</div>`;
  }
}

customElements.define('nn-decision-boundary', NnDecisionBoundary);
