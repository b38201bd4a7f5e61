// nn-confusion-matrix.js: <nn-confusion-matrix>, the C x C counts of (true label, predicted label)
// from nn_evaluate, coloured by the share of each true class, with counts on the cells and the
// accuracy of every class beside its row.

import { css, html } from 'lit';
import { CanvasElement } from './canvas-base.js';
import { vizBaseStyles, mergeLabels } from './chart-base.js';
import { textColorOn, toHex, viridis } from './colormap.js';
import { format } from './stats.js';
import VIZ_LABELS from '../../i18n/en/viz.js';

/** English defaults; the page passes translated strings through `labels`. */
export const CONFUSION_MATRIX_LABELS = VIZ_LABELS['nn-confusion-matrix'];

/**
 * The confusion matrix of an evaluation: row = true label, column = predicted label (as nn.h's
 * nn_evaluate fills it). Each cell's colour is its count as a share of its row (viridis, square
 * root so small confusions still show), empty cells stay blank, the count is written on the cell,
 * and a last column gives each class's accuracy (the diagonal over the row's total).
 *
 * @element nn-confusion-matrix
 *
 * @property {Int32Array|number[]} matrix - classes x classes counts, row-major, row = true label
 * @property {number} classes - number of classes (default: the square root of matrix.length)
 * @property {string[]} classLabels - names of the classes (default '0', '1', ...)
 * @property {object} labels - translated strings, see CONFUSION_MATRIX_LABELS
 *
 * @fires cell-select - {detail: {trueClass, predictedClass, count}} when the user clicks a cell
 *   (the page can then show those digits in <nn-digit-grid>)
 *
 * @csspart canvas - the matrix (role="img", aria-label with the accuracy and the worst confusions)
 *
 * Read-only for tests: pointCount (cells drawn), drawn, drawCount, `data-points`, accuracy, total.
 */
export class NnConfusionMatrix extends CanvasElement {
  static styles = [
    vizBaseStyles,
    css`
      .wrap {
        position: relative;
      }
      canvas {
        display: block;
        cursor: pointer;
      }
      .tooltip {
        position: absolute;
        pointer-events: none;
        background: var(--nn-viz-tooltip-bg, rgba(255, 255, 255, 0.95));
        border: 1px solid var(--nn-viz-border, #bbb);
        border-radius: 4px;
        padding: 3px 6px;
        font-size: 12px;
        white-space: nowrap;
      }
      .tooltip[hidden] {
        display: none;
      }
    `,
  ];

  static properties = {
    matrix: { attribute: false },
    classes: { type: Number },
    classLabels: { attribute: false },
    labels: { attribute: false },
  };

  constructor() {
    super();
    this.matrix = null;
    this.classes = 0;
    this.classLabels = null;
    this.labels = undefined;
    this._layout = null;
  }

  get _l() {
    return mergeLabels(CONFUSION_MATRIX_LABELS, this.labels);
  }

  get _c() {
    if (this.classes > 0) return this.classes;
    const n = this.matrix?.length ?? 0;
    const c = Math.round(Math.sqrt(n));
    return c * c === n ? c : 0;
  }

  _name(i) {
    return this.classLabels?.[i] ?? String(i);
  }

  /** Samples counted. */
  get total() {
    const m = this.matrix;
    const c = this._c;
    let t = 0;
    for (let i = 0; i < c * c; i++) t += m[i];
    return t;
  }

  /** Overall accuracy (trace / total), NaN when empty. */
  get accuracy() {
    const m = this.matrix;
    const c = this._c;
    let hit = 0;
    for (let i = 0; i < c; i++) hit += m[i * c + i];
    return hit / this.total;
  }

  /** The largest off-diagonal counts: [{trueClass, predictedClass, count}], most first. */
  topConfusions(k = 3) {
    const m = this.matrix;
    const c = this._c;
    const pairs = [];
    for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) if (i !== j && m[i * c + j] > 0) pairs.push({ trueClass: i, predictedClass: j, count: m[i * c + j] });
    pairs.sort((a, b) => b.count - a.count);
    return pairs.slice(0, k);
  }

  paint() {
    const canvas = this.renderRoot.querySelector('canvas');
    const l = this._l;
    const c = this._c;
    if (!canvas) return 0;
    const m = this.matrix;
    const width = Math.min(this.availableWidth(), 560);
    if (!c || !m) {
      const ctx = this.sizeCanvas(canvas, width, 40);
      ctx.clearRect(0, 0, width, 40);
      canvas.setAttribute('aria-label', l.noData);
      this._layout = null;
      return 0;
    }
    const fg = getComputedStyle(this).getPropertyValue('--nn-viz-fg').trim() || '#222';
    // Margins: row labels and the axis title on the left, column labels and title on top, the
    // per-class accuracy column on the right.
    const left = 44;
    const top = 40;
    const accWidth = 58;
    const cell = Math.max(14, Math.min(44, Math.floor((width - left - accWidth - 8) / c)));
    const gridSize = cell * c;
    const cssW = left + gridSize + accWidth + 4;
    const cssH = top + gridSize + 24;
    const ctx = this.sizeCanvas(canvas, cssW, cssH);
    ctx.clearRect(0, 0, cssW, cssH);
    const fontSize = Math.max(8, Math.min(12, Math.floor(cell * 0.34)));
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    let total = 0;
    let hits = 0;
    for (let i = 0; i < c; i++) {
      let rowTotal = 0;
      for (let j = 0; j < c; j++) rowTotal += m[i * c + j];
      total += rowTotal;
      hits += m[i * c + i];
      for (let j = 0; j < c; j++) {
        const count = m[i * c + j];
        const x = left + j * cell;
        const y = top + i * cell;
        if (count > 0) {
          const share = rowTotal > 0 ? count / rowTotal : 0;
          // Reversed viridis: more samples, more ink; the square root lifts the rare confusions,
          // and rare ones are also washed towards white so a single sample does not glare.
          const s = Math.sqrt(share);
          const rgb = towardWhite(viridis(1 - s), Math.min(1, 0.3 + s));
          ctx.fillStyle = toHex(rgb);
          ctx.fillRect(x, y, cell, cell);
          if (cell >= 16) {
            ctx.fillStyle = textColorOn(rgb);
            ctx.font = `${fontSize}px system-ui, sans-serif`;
            const full = String(count);
            ctx.fillText(ctx.measureText(full).width <= cell - 4 ? full : compact(count), x + cell / 2, y + cell / 2 + 0.5);
          }
        } else {
          ctx.fillStyle = '#f3f3f3';
          ctx.fillRect(x, y, cell, cell);
        }
      }
      // Per-class accuracy, coloured on the same scale.
      const acc = rowTotal > 0 ? m[i * c + i] / rowTotal : NaN;
      const y = top + i * cell;
      if (Number.isFinite(acc)) {
        // A bar under the text: its length is the class's accuracy.
        const barX = left + gridSize + 6;
        const barW = accWidth - 8;
        ctx.fillStyle = '#eeeeee';
        ctx.fillRect(barX, y + 2, barW, cell - 4);
        ctx.fillStyle = '#c6dbef';
        ctx.fillRect(barX, y + 2, barW * acc, cell - 4);
        ctx.fillStyle = fg;
        ctx.font = `${Math.min(11, fontSize)}px system-ui, sans-serif`;
        ctx.fillText(`${(acc * 100).toFixed(acc >= 0.9995 ? 0 : 1)}%`, barX + barW / 2, y + cell / 2 + 0.5);
      }
    }
    // Thin white lines between cells, then the diagonal outlined so the eye finds it.
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let k = 1; k < c; k++) {
      ctx.moveTo(left + k * cell + 0.5, top);
      ctx.lineTo(left + k * cell + 0.5, top + gridSize);
      ctx.moveTo(left, top + k * cell + 0.5);
      ctx.lineTo(left + gridSize, top + k * cell + 0.5);
    }
    ctx.stroke();
    ctx.strokeStyle = fg;
    ctx.globalAlpha = 0.55;
    for (let k = 0; k < c; k++) ctx.strokeRect(left + k * cell + 0.5, top + k * cell + 0.5, cell - 1, cell - 1);
    ctx.globalAlpha = 1;
    // Class names and axis titles.
    ctx.fillStyle = fg;
    ctx.font = `${Math.min(12, fontSize + 1)}px system-ui, sans-serif`;
    for (let k = 0; k < c; k++) {
      ctx.fillText(this._name(k), left + k * cell + cell / 2, top - 9);
      ctx.textAlign = 'right';
      ctx.fillText(this._name(k), left - 6, top + k * cell + cell / 2);
      ctx.textAlign = 'center';
    }
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillText(l.predicted, left + gridSize / 2, 12);
    ctx.fillText(l.perClass, left + gridSize + 6 + (accWidth - 8) / 2, top - 9);
    ctx.save();
    ctx.translate(12, top + gridSize / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(l.trueLabel, 0, 0);
    ctx.restore();
    ctx.textAlign = 'left';
    const accuracy = total > 0 ? hits / total : NaN;
    ctx.fillText(format(l.overall, { value: pct(accuracy), total }), left, top + gridSize + 14);
    this._layout = { left, top, cell, c };
    canvas.setAttribute('aria-label', this._summary(accuracy, total));
    return c * c;
  }

  _summary(accuracy, total) {
    const l = this._l;
    const pairs = this.topConfusions(3).map((p) => format(l.summaryPair, { true: this._name(p.trueClass), predicted: this._name(p.predictedClass), count: p.count }));
    return format(l.summary, { total, accuracy: pct(accuracy), pairs: pairs.join(l.separator) || '–' });
  }

  _cellAt(e) {
    const lay = this._layout;
    if (!lay) return null;
    const rect = e.target.getBoundingClientRect();
    const x = e.clientX - rect.left - lay.left;
    const y = e.clientY - rect.top - lay.top;
    const j = Math.floor(x / lay.cell);
    const i = Math.floor(y / lay.cell);
    if (i < 0 || j < 0 || i >= lay.c || j >= lay.c) return null;
    return { i, j, x: e.clientX - rect.left, y: e.clientY - rect.top };
  }

  _onMove(e) {
    const tip = this.renderRoot.querySelector('.tooltip');
    const hit = this._cellAt(e);
    if (!hit) {
      tip.hidden = true;
      return;
    }
    const c = this._c;
    const m = this.matrix;
    let rowTotal = 0;
    for (let j = 0; j < c; j++) rowTotal += m[hit.i * c + j];
    const count = m[hit.i * c + hit.j];
    tip.textContent = format(this._l.cell, { true: this._name(hit.i), predicted: this._name(hit.j), count, share: pct(rowTotal ? count / rowTotal : NaN) });
    tip.hidden = false;
    tip.style.left = `${hit.x + 12}px`;
    tip.style.top = `${hit.y + 12}px`;
  }

  _onLeave() {
    this.renderRoot.querySelector('.tooltip').hidden = true;
  }

  _onClick(e) {
    const hit = this._cellAt(e);
    if (!hit) return;
    const count = this.matrix[hit.i * this._c + hit.j];
    this.dispatchEvent(new CustomEvent('cell-select', { detail: { trueClass: hit.i, predictedClass: hit.j, count }, bubbles: true, composed: true }));
  }

  render() {
    return html`<div class="head"><span class="title">${this._l.title}</span></div>
      <div class="wrap">
        <canvas part="canvas" role="img" aria-label="" @pointermove=${this._onMove} @pointerleave=${this._onLeave} @click=${this._onClick}></canvas>
        <div class="tooltip" hidden></div>
      </div>`;
  }
}

function towardWhite([r, g, b], amount) {
  return [r, g, b].map((c) => Math.round(255 + (c - 255) * amount));
}

function pct(v) {
  return Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : '–';
}

function compact(n) {
  if (n >= 10000) return `${Math.round(n / 1000)}k`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)}k`;
  return String(n);
}

customElements.define('nn-confusion-matrix', NnConfusionMatrix);
