// layer-bars.js: what the per-layer bar charts share (<nn-dead-units-chart>,
// <nn-activation-stats-chart>): the properties {layers, step, labels}, the read-only state tests
// use, and the frame around the bars: a title with the step, then an SVG with one row per layer
// or, without rows, the summary as text. A subclass gives LABELS, values() and render().
// Several runs at once (`runs`, a lesson's) are drawn as groups of bars, one group per layer and
// one bar per run in the run's colour, with a Table button that shows the same numbers as a table.

import { LitElement, css, html, nothing, svg } from 'lit';
import { mergeLabels, vizBaseStyles } from './chart-base.js';
import { chartStyles } from './chart-styles.js';
import { srOnly } from '../styles.js';
import { format } from './stats.js';

// One run's bar in a group is RUN_BAR high, less when there are many bars (a lesson of seven runs
// over eight layers), down to RUN_BAR_MIN; under VALUE_MIN its value is left to the table.
const RUN_BAR = 15;
const RUN_BAR_MIN = 5;
const RUNS_PLOT = 260;
const VALUE_MIN = 11;
const GROUP_GAP = 9;
const RUN_LABEL_W = 120;
const RUN_TEXT_W = 92;

export class LayerBarsElement extends LitElement {
  static properties = {
    layers: { attribute: false },
    step: { type: Number },
    runs: { attribute: false },
    labels: { attribute: false },
    tableOpen: { type: Boolean, attribute: 'table-open' },
  };

  static styles = [vizBaseStyles, chartStyles, srOnly, css`
    svg {
      display: block;
      width: 100%;
      overflow: visible;
    }
    .track {
      fill: var(--nn-viz-track, #eef0f3);
    }
    text {
      font-size: 12px;
      fill: currentColor;
      dominant-baseline: middle;
    }
    .value {
      font-variant-numeric: tabular-nums;
    }
    .small {
      font-size: 11px;
    }
    .runs-legend {
      display: flex;
      flex-wrap: wrap;
      gap: 2px 12px;
      font-size: 12px;
      margin-bottom: 4px;
    }
    .run-key {
      display: inline-flex;
      align-items: center;
      gap: 4px;
    }
    .run-key svg {
      display: inline-block;
      width: 12px;
      flex: none;
    }
  `];

  /** English defaults of the subclass's strings (title, atStep, ...). */
  static LABELS = {};

  constructor() {
    super();
    this.layers = [];
    this.step = 0;
    this.runs = [];
    this.tableOpen = false;
    this.labels = undefined;
    this.pointCount = 0;
    this.drawn = false;
  }

  get _l() {
    return mergeLabels(this.constructor.LABELS, this.labels);
  }

  /** The rows drawn, one per layer (the subclass chooses which layers and what of them). */
  values() {
    return this.runs?.length ? this.groups().flatMap((g) => g.cells) : this.rowsOf(this.layers);
  }

  /** The rows of one run's `layers` that the chart draws (the subclass's choice). */
  rowsOf(_layers) {
    return [];
  }

  /**
   * The runs' rows grouped by layer (its `index`, else its label), in the order of the layers:
   * [{label, cells: [{run, row}]}]; a group whose runs name the layer differently (a ReLU in one,
   * a leaky ReLU in another) is labelled by the rows' `short` label.
   */
  groups() {
    const groups = new Map();
    for (const run of this.runs ?? []) {
      for (const row of this.rowsOf(run.layers ?? [])) {
        const key = row.index ?? row.label;
        if (!groups.has(key)) groups.set(key, { key, label: row.label, short: row.short ?? row.label, cells: [] });
        groups.get(key).cells.push({ run, row });
      }
    }
    const out = [...groups.values()].map((g) => ({ ...g, label: g.cells.every((c) => c.row.label === g.label) ? g.label : g.short }));
    return out.sort((a, b) => (Number.isFinite(a.key) && Number.isFinite(b.key) ? a.key - b.key : 0));
  }

  /**
   * The several runs' picture: per layer group its label, then a bar per run of `width(row)` in
   * the run's colour, with `text(row)` after it; `axis({height, left, bar})`, when given, draws
   * under the bars in `axisHeight` more pixels. Returns {body, height, width}.
   */
  runBars(groups, { width: barOf, text, axis = null, axisHeight = 0 }) {
    const width = 440;
    const bar = width - RUN_LABEL_W - RUN_TEXT_W;
    const count = groups.reduce((n, g) => n + g.cells.length, 0);
    const h = Math.max(RUN_BAR_MIN, Math.min(RUN_BAR, Math.floor(RUNS_PLOT / Math.max(1, count))));
    let y = 0;
    const body = groups.map((g) => {
      const top = y;
      y += g.cells.length * h + GROUP_GAP;
      return svg`<g class="group">
        <text x="0" y=${top + (g.cells.length * h) / 2}>${g.label}</text>
        ${g.cells.map(({ run, row }, i) => svg`
          <rect class="track" x=${RUN_LABEL_W} y=${top + i * h + 1} width=${bar} height=${h - 2}></rect>
          <rect class="run" data-run=${run.id} x=${RUN_LABEL_W} y=${top + i * h + 1} width=${Math.max(0, Math.min(bar, barOf(row, bar)))}
            height=${h - 2} fill=${run.color}></rect>
          ${h >= VALUE_MIN ? svg`<text class="value small" x=${RUN_LABEL_W + bar + 6} y=${top + i * h + h / 2}>${text(row)}</text>` : nothing}`)}
      </g>`;
    });
    return { body: svg`${axis ? axis({ height: y, left: RUN_LABEL_W, bar }) : nothing}${body}`, height: y + axisHeight, width };
  }

  /** The runs' values in words, layer by layer (`text(row)` of each run), for the picture's aria-label. */
  runsInWords(groups, text) {
    const l = this._l;
    return groups.map((g) => format(l.runsRow, { layer: g.label, parts: g.cells.map((c) => `${c.run.label} ${text(c.row)}`).join(l.runSeparator) }))
      .join(l.separator);
  }

  /** The table of the several runs: a row per layer, a column per run (`text(row)` in each cell). */
  renderRunsTable(groups, text) {
    const l = this._l;
    const runs = this.runs ?? [];
    if (!groups.length) return html`<p class="note">${l.tableEmpty}</p>`;
    return html`<div class="table-scroll" role="region" tabindex="0" aria-labelledby="table-caption">
      <table class="data">
        <caption id="table-caption">${l.title}</caption>
        <thead><tr><th scope="col">${l.layerHead}</th>${runs.map((r) => html`<th scope="col">${r.label}</th>`)}</tr></thead>
        <tbody>${groups.map((g) => html`<tr><th scope="row">${g.label}</th>${runs.map((run) => {
          const found = g.cells.find((c) => c.run === run);
          return found ? html`<td>${text(found.row)}</td>` : html`<td><span aria-hidden="true">–</span><span class="sr">${l.tableMissing}</span></td>`;
        })}</tr>`)}</tbody>
      </table>
    </div>`;
  }

  /**
   * The several runs' frame: the title and a Table button, the SVG (role img, labelled by
   * `summary`), and the table while it is open.
   */
  frameRuns({ groups, summary, note = '', width, height, body, text }) {
    const l = this._l;
    return html`
      <div class="head"><span class="title">${l.title}</span>${note ? html`<span class="note">${note}</span>` : nothing}
        <button type="button" class="table-toggle" aria-expanded=${this.tableOpen ? 'true' : 'false'} aria-controls="table-box"
          @click=${() => { this.tableOpen = !this.tableOpen; }}>${l.table}<span class="sr"> · ${l.title}</span></button></div>
      <div class="runs-legend" part="legend">${(this.runs ?? []).map((r) => html`<span class="run-key"><svg width="12" height="10" aria-hidden="true"><rect width="12" height="10" fill=${r.color}></rect></svg>${r.label}</span>`)}</div>
      ${groups.length
        ? html`<svg part="plot" role="img" aria-label=${summary} viewBox=${`0 0 ${width} ${height}`} preserveAspectRatio="xMinYMin meet">${body}</svg>`
        : html`<div class="empty" role="img" aria-label=${summary}>${summary}</div>`}
      <div class="table-box" id="table-box" part="table" ?hidden=${!this.tableOpen}>${this.tableOpen ? this.renderRunsTable(groups, text) : nothing}</div>
    `;
  }

  updated() {
    const n = this.values().length;
    this.pointCount = n;
    this.drawn = this.drawn || n > 0;
    this.setAttribute('data-points', String(n));
  }

  /**
   * The title (with the step and `note` when there are rows), then the SVG of `width` x `height`
   * holding `body` (role img, labelled by `summary`), or the summary alone without rows.
   */
  frame({ rows, summary, note = '', width, height, body }) {
    const l = this._l;
    return html`
      <div class="head"><span class="title">${l.title}</span>
        ${rows.length ? html`<span class="note">${format(l.atStep, { step: this.step })}${note}</span>` : nothing}</div>
      ${rows.length
        ? html`<svg part="plot" role="img" aria-label=${summary} viewBox=${`0 0 ${width} ${height}`} preserveAspectRatio="xMinYMin meet">${body}</svg>`
        : html`<div class="empty" role="img" aria-label=${summary}>${summary}</div>`}
    `;
  }
}
