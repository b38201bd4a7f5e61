// chart-base.js: the base element of the line and band charts, which draw through uPlot.
//
// Why uPlot (1.6.x): training streams a point per step into several charts at once, for tens of
// thousands of steps, while the worker keeps the main thread busy with messages. uPlot draws to a
// canvas from flat arrays (the columnar layout our typed arrays already have), redraws 100k points
// in a few milliseconds, appends by swapping the data arrays without rebuilding the chart, and is
// about 50 KB with no dependencies. It is maintained (regular 1.6 releases) and has what these
// charts need built in: log scales, bands between series (TensorBoard's distributions), bar paths
// (histograms), gaps (sparse test points), and draw hooks (the ln C reference line). The SVG
// libraries (d3-based, Chart.js's DOM-free but object-per-point model, Plotly at ~3 MB) either
// re-create a node or an object per point or are far heavier; ECharts is capable but ~1 MB.
// uPlot's stylesheet is a static file (imported here into Lit's static styles, so it works inside
// shadow roots and under a CSP without 'unsafe-inline'), and it only ever sets styles through the
// CSSOM (element.style.x = ...), which a strict style-src allows.
//
// A subclass describes its chart with model(): {key, data, series, scales, axes, bands, points};
// the base re-creates the uPlot instance only when `key` changes (series added, a log axis
// toggled) and otherwise just hands uPlot the new arrays, at most once per animation frame.
//
// The canvas is an image to a screen reader, so every chart also has a "Table" button that shows
// its data as an HTML table under the plot (a sample of at most TABLE_ROWS rows, the first and
// the latest always in it, values formatted as in the tooltip). The table is rendered with Lit
// into its own box, apart from the element's template, and only while it is open; while the data
// streams it is re-rendered at most once every TABLE_MS, so a long run costs the main thread a
// scan of the data arrays and a dozen rows a few times a second.

import { LitElement, html, nothing, render, svg, unsafeCSS } from 'lit';
import uPlot from 'uplot';
import { TABLE_LABELS } from '../../i18n/en/viz.js';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { evenlySpaced, format } from './stats.js';
import { srOnly } from '../styles.js';
import { chartStyles, vizBaseStyles } from './chart-styles.js';

// The other viz elements import the shared styles from here, with the labels' helpers; the data
// table's rows are picked by evenlySpaced (in stats.js, where a lesson run's evidence uses it too).
export { evenlySpaced, vizBaseStyles };

/** At most this many rows in a chart's data table. */
export const TABLE_ROWS = 12;
/** While the data streams, the open table is re-rendered at most once in this many milliseconds. */
export const TABLE_MS = 400;

/**
 * English strings of the data table, which every uPlot chart has; each chart's LABELS object
 * includes them (so the page translates them with the chart's other labels).
 */
export const CHART_TABLE_LABELS = TABLE_LABELS;

/** A swatch for a legend entry: a short line (dashed for dashed series) or a filled square. */
export function swatch({ color, dash, fill, marker }) {
  if (fill) {
    return html`<svg width="14" height="10" aria-hidden="true"><rect x="1" y="1" width="12" height="8" fill=${fill} stroke=${color ?? 'none'}></rect></svg>`;
  }
  return html`<svg width="22" height="10" aria-hidden="true">
    <line x1="1" y1="5" x2="21" y2="5" stroke=${color} stroke-width="2" stroke-dasharray=${dash ? dash.join(' ') : nothing}></line>
    ${marker ? svg`<circle cx="11" cy="5" r="2.5" fill=${color}></circle>` : nothing}
  </svg>`;
}

/**
 * Base class of the uPlot charts. Subclasses implement model() and may override renderControls(),
 * renderFooter(), legendGroups(), summary() and formatTooltipValue(); for the data table,
 * tableCaption() (what the chart is), and where the generic table would be wrong, tableModel(m).
 * Their labels (a `labels` property over their own LABELS) include CHART_TABLE_LABELS.
 *
 * Read-only state for tests: `pointCount` (finite y values in the last drawn data), `drawn` (true
 * once a frame with at least one point has been drawn), `drawCount` (frames drawn), `buildCount`
 * (uPlot instances created), `tableCount` (times the data table was rendered); the host carries
 * `data-points` = pointCount after every draw.
 *
 * @property {boolean} tableOpen - the data table is shown (attribute `table-open`); the header's
 *   Table button toggles it
 *
 * @csspart plot - the element that holds uPlot's canvas (the canvas has role="img" and an
 *   aria-label summarising the latest values)
 * @csspart legend - the legend under the chart
 * @csspart table - the box under the chart that holds the data table while it is open
 * @cssprop --nn-viz-fg - text and axis colour
 * @cssprop --nn-viz-grid - grid line colour
 */
export class UplotChart extends LitElement {
  static styles = [unsafeCSS(uplotCss), vizBaseStyles, srOnly, chartStyles];

  static properties = {
    /** Plot height in CSS pixels (the width follows the element). */
    height: { type: Number },
    tableOpen: { type: Boolean, attribute: 'table-open' },
  };

  constructor() {
    super();
    this.height = 220;
    this.tableOpen = false;
    this.pointCount = 0;
    this.drawn = false;
    this.drawCount = 0;
    this.buildCount = 0;
    this.tableCount = 0;
    this._plot = null;
    this._key = null;
    this._frame = 0;
    this._hidden = new Set();
    this._resizeObserver = null;
    this._series = [];
    this._model = null;
    this._tableAt = -Infinity;
    this._tableTimer = 0;
  }

  /** The chart's strings; subclasses merge their own LABELS (which include CHART_TABLE_LABELS). */
  get _l() {
    return mergeLabels(CHART_TABLE_LABELS, this.labels);
  }

  /** Schedules one redraw in the next animation frame (call after appending to the arrays in place). */
  refresh() {
    if (this._frame || !this.isConnected) return;
    this._frame = requestAnimationFrame(() => {
      this._frame = 0;
      this._draw();
    });
  }

  /** The uPlot instance, for tests and for the page's advanced uses (read-only). */
  get plot() {
    return this._plot;
  }

  connectedCallback() {
    super.connectedCallback();
    if (this.hasUpdated) this.refresh();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    if (this._frame) cancelAnimationFrame(this._frame);
    this._frame = 0;
    clearTimeout(this._tableTimer);
    this._tableTimer = 0;
    this._resizeObserver?.disconnect();
    this._resizeObserver = null;
    this._plot?.destroy();
    this._plot = null;
    this._key = null;
  }

  updated(changed) {
    if (changed.has('tableOpen')) {
      if (this.tableOpen) this._renderTable();
      else this._closeTable();
    }
    this.refresh();
  }

  firstUpdated() {
    const box = this.renderRoot.querySelector('.plot');
    this._resizeObserver = new ResizeObserver(() => {
      const width = this._width();
      if (this._plot && width !== this._plot.width) this._plot.setSize({ width, height: this.height });
    });
    this._resizeObserver.observe(box);
  }

  _width() {
    const box = this.renderRoot.querySelector('.plot');
    const w = box?.clientWidth || this.clientWidth;
    return Math.max(120, Math.floor(w || 400));
  }

  _theme() {
    const cs = getComputedStyle(this);
    const read = (name, fallback) => cs.getPropertyValue(name).trim() || fallback;
    return { fg: read('--nn-viz-fg', '#222'), grid: read('--nn-viz-grid', 'rgba(0,0,0,0.08)'), muted: read('--nn-viz-muted', '#666') };
  }

  /** Axis defaults in the theme's colours; subclasses pass overrides. */
  axis(overrides = {}) {
    const t = this._theme();
    return {
      stroke: t.fg,
      font: '11px system-ui, sans-serif',
      labelFont: '12px system-ui, sans-serif',
      grid: { stroke: t.grid, width: 1 },
      ticks: { stroke: t.grid, width: 1, size: 4 },
      ...overrides,
    };
  }

  _draw() {
    const box = this.renderRoot.querySelector('.plot');
    if (!box) return;
    const m = this.model();
    this._series = m.series;
    this._model = m;
    const height = this.height;
    const rebuild = !this._plot || m.key !== this._key || this._plot.height !== height;
    if (rebuild) {
      this._plot?.destroy();
      const opts = {
        width: this._width(),
        height,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { size: 6 } },
        scales: m.scales,
        axes: m.axes,
        series: [{}, ...m.series.map((s, i) => ({ ...s, show: this.seriesShown(m, i) }))],
        bands: m.bands,
        hooks: {
          setCursor: [(u) => this._tooltip(u)],
          draw: [(u) => this.drawOverlay(u)],
        },
        padding: m.padding,
      };
      this._plot = new uPlot(opts, m.data, box);
      this._key = m.key;
      this.buildCount += 1;
    } else {
      this._plot.setData(m.data);
    }
    const points = m.points ?? countPoints(m.data);
    this.pointCount = points;
    this.drawn = this.drawn || points > 0;
    this.drawCount += 1;
    this.setAttribute('data-points', String(points));
    // The canvas itself carries the summary (a new canvas comes with each rebuilt chart).
    const canvas = this._plot.ctx.canvas;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', this.summary(m));
    // A changed chart (other series, another view) shows in the table at once; new data in turn.
    if (this.tableOpen) this._scheduleTable(rebuild);
    this.afterDraw?.(m);
  }

  /** Canvas drawing after the series (reference lines, labels); u.ctx is in device pixels. */
  drawOverlay(_u) {}

  /** The aria-label of the plot: one sentence about the latest values. */
  summary(_m) {
    return '';
  }

  /** Tooltip text of one value; subclasses format percentages etc. */
  formatTooltipValue(_seriesIndex, v) {
    return formatTooltip(v);
  }

  /** The x value's line in the tooltip. */
  formatTooltipX(x) {
    return String(x);
  }

  _tooltip(u) {
    const tip = this.renderRoot.querySelector('.tooltip');
    if (!tip) return;
    const idx = u.cursor.idx;
    if (idx === null || idx === undefined || u.cursor.left < 0) {
      tip.hidden = true;
      return;
    }
    const lines = [];
    for (let i = 1; i < u.series.length; i++) {
      const s = u.series[i];
      if (!s.show || s.tooltip === false) continue;
      const v = u.data[i][idx];
      if (v === null || v === undefined) continue;
      lines.push({ color: this._series[i - 1]?.stroke ?? '#888', text: `${s.label}: ${this.formatTooltipValue(i - 1, v)}` });
    }
    if (!lines.length) {
      tip.hidden = true;
      return;
    }
    tip.replaceChildren();
    const head = document.createElement('div');
    head.textContent = this.formatTooltipX(u.data[0][idx]);
    tip.append(head);
    for (const line of lines) {
      const row = document.createElement('div');
      const sw = document.createElement('span');
      sw.className = 'sw';
      sw.style.background = line.color;
      row.append(sw, document.createTextNode(line.text));
      tip.append(row);
    }
    tip.hidden = false;
    const plotBox = u.over.getBoundingClientRect();
    const hostBox = this.renderRoot.querySelector('.plot').getBoundingClientRect();
    const x = plotBox.left - hostBox.left + u.cursor.left;
    const y = plotBox.top - hostBox.top + u.cursor.top;
    const flip = x > hostBox.width * 0.6;
    tip.style.left = `${flip ? x - tip.offsetWidth - 12 : x + 12}px`;
    tip.style.top = `${Math.max(0, y - tip.offsetHeight - 8)}px`;
  }

  /** Legend groups: [{label?, items: [{key, label, color, dash, fill, marker, series: [indices]}]}]. */
  legendGroups() {
    return [];
  }

  _toggle(item) {
    const hidden = this._hidden.has(item.key);
    if (hidden) this._hidden.delete(item.key);
    else this._hidden.add(item.key);
    if (this._plot) {
      // A series may answer to two legend entries (a run's and a layer's): it shows while neither hides it.
      for (const i of item.series) this._plot.setSeries(i + 1, { show: this._model ? this.seriesShown(this._model, i) : hidden });
    }
    if (this.tableOpen) this._renderTable();
    this.requestUpdate();
  }

  /** Whether series i of the model is shown (not hidden through the legend). */
  seriesShown(m, i) {
    return !this._hidden.has(m.series[i]?.legendKey ?? i);
  }

  /** What the data table is of, for its caption and the Table button's name (e.g. the title). */
  tableCaption() {
    return '';
  }

  /** The text of an x value in the table's first column (the tooltip's, without its label). */
  formatTableX(x) {
    return String(x);
  }

  /**
   * The data table of model m: {caption, head: [x label, ...series labels], rows: [{x, cells}],
   * note}, a cell null where the series has no value. The generic table has a column per series
   * shown in the legend that the tooltip shows, and at most TABLE_ROWS of the rows where one of
   * them has a value, evenly spaced, the first and the latest always in; the others each move to
   * the nearest row within half a spacing where more series have a value (so a sparse series,
   * the test points among the train steps, shows in the table too).
   */
  tableModel(m) {
    const l = this._l;
    const data = m.data;
    const xs = data[0] ?? [];
    const indices = m.series.map((_, i) => i).filter((i) => m.series[i].tooltip !== false && this.seriesShown(m, i));
    const cols = indices.map((i) => data[i + 1]);
    // The rows with a value, in a buffer kept while the table is open (one pass; a row's test
    // usually stops at its first column).
    if (!this._tableRows || this._tableRows.length < xs.length) this._tableRows = new Uint32Array(Math.max(64, Math.ceil(xs.length * 1.5)));
    const withData = this._tableRows;
    let total = 0;
    for (let r = 0; r < xs.length; r++) if (valuesIn(cols, r) > 0) withData[total++] = r;
    const ranks = nudge(evenlySpaced(total, TABLE_ROWS), total, (rank) => valuesIn(cols, withData[rank]), cols.length);
    const rows = ranks.map((rank) => {
      const r = withData[rank];
      return {
        x: this.formatTableX(xs[r]),
        cells: indices.map((i) => (Number.isFinite(data[i + 1][r]) ? this.formatTooltipValue(i, data[i + 1][r]) : null)),
      };
    });
    return {
      caption: this.tableCaption(m),
      head: [m.axes?.[0]?.label ?? '', ...indices.map((i) => m.series[i].label)],
      rows,
      note: total ? format(rows.length < total ? l.tableNote : l.tableNoteAll, { total, shown: rows.length }) : '',
    };
  }

  /** Renders the table now (when `now`, or none was rendered for TABLE_MS) or once that is over. */
  _scheduleTable(now) {
    if (now) {
      this._renderTable();
      return;
    }
    if (this._tableTimer) return;
    const wait = this._tableAt + TABLE_MS - performance.now();
    if (wait <= 0) {
      this._renderTable();
      return;
    }
    this._tableTimer = setTimeout(() => {
      this._tableTimer = 0;
      this._renderTable();
    }, wait);
  }

  _renderTable() {
    clearTimeout(this._tableTimer);
    this._tableTimer = 0;
    const box = this.renderRoot?.querySelector?.('.table-box');
    if (!box || !this.tableOpen || !this._model) return;
    this._tableAt = performance.now();
    this.tableCount += 1;
    // Lit renders into the box (its own part, apart from the element's template): text only.
    render(this._tableTemplate(this.tableModel(this._model)), box);
  }

  _closeTable() {
    clearTimeout(this._tableTimer);
    this._tableTimer = 0;
    this._tableAt = -Infinity;
    this._tableRows = null;
    const box = this.renderRoot?.querySelector?.('.table-box');
    if (box) render(nothing, box);
  }

  _tableTemplate(t) {
    const l = this._l;
    if (!t.rows.length) return html`<p class="note">${l.tableEmpty}</p>`;
    return html`<div class="table-scroll" role="region" tabindex="0" aria-labelledby="table-caption">
        <table class="data">
          <caption id="table-caption">${t.caption}</caption>
          <thead><tr>${t.head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
          <tbody>${t.rows.map((row) => html`<tr><th scope="row">${row.x}</th>${row.cells.map((c) => (c === null
            ? html`<td><span aria-hidden="true">–</span><span class="sr">${l.tableMissing}</span></td>`
            : html`<td>${c}</td>`))}</tr>`)}</tbody>
        </table>
      </div>
      ${t.note ? html`<p class="note">${t.note}</p>` : nothing}`;
  }

  _onTableToggle() {
    this.tableOpen = !this.tableOpen;
  }

  renderTableToggle() {
    const caption = this.tableCaption();
    return html`<button type="button" class="table-toggle" aria-expanded=${this.tableOpen ? 'true' : 'false'} aria-controls="table-box"
      @click=${this._onTableToggle}>${this._l.table}${caption ? html`<span class="sr"> · ${caption}</span>` : nothing}</button>`;
  }

  renderLegend() {
    const groups = this.legendGroups();
    if (!groups.length) return nothing;
    return html`<div class="legend" part="legend">
      ${groups.map(
        (g) => html`<span class="legend-group">
          ${g.label ? html`<span class="legend-group-label">${g.label}</span>` : nothing}
          ${g.items.map(
            (item) => html`<button type="button" aria-pressed=${this._hidden.has(item.key) ? 'false' : 'true'} @click=${() => this._toggle(item)}>
              ${swatch(item)}<span>${item.label}</span>
            </button>`,
          )}
        </span>`,
      )}
    </div>`;
  }

  renderTitle() {
    return nothing;
  }

  renderControls() {
    return nothing;
  }

  renderFooter() {
    return nothing;
  }

  render() {
    return html`
      <div class="head">${this.renderTitle()}<div class="controls">${this.renderControls()}${this.renderTableToggle()}</div></div>
      <div class="plot" part="plot"><div class="tooltip" hidden></div></div>
      ${this.renderLegend()} ${this.renderFooter()}
      <div class="table-box" id="table-box" part="table" ?hidden=${!this.tableOpen}></div>
    `;
  }
}

/** How many of the columns have a finite value in row r (null, undefined and NaN are gaps). */
function valuesIn(cols, r) {
  let n = 0;
  for (let c = 0; c < cols.length; c++) if (Number.isFinite(cols[c][r])) n += 1;
  return n;
}

/**
 * Moves each of the evenly spaced ranks but the first and the last to the nearest rank within
 * half a spacing (the windows never overlap, so the order stays) where score() is higher, up to
 * `best`; ties go to the nearer, the earlier. Returns the ranks (changed in place).
 */
export function nudge(ranks, total, score, best) {
  if (ranks.length < 3 || ranks.length >= total) return ranks;
  // Ranks are at least floor(spacing) apart: windows of 2w + 1 <= floor(spacing) are disjoint.
  const w = Math.floor(((total - 1) / (ranks.length - 1) - 1) / 2);
  for (let k = 1; k < ranks.length - 1; k++) {
    const t = ranks[k];
    let pick = t;
    let most = score(t);
    for (let d = 1; d <= w && most < best; d++) {
      const before = score(t - d);
      const after = score(t + d);
      if (before > most || after > most) {
        pick = after > before ? t + d : t - d;
        most = Math.max(before, after);
      }
    }
    ranks[k] = pick;
  }
  return ranks;
}

/** Finite values in the y columns of uPlot data. */
export function countPoints(data) {
  let n = 0;
  for (let s = 1; s < data.length; s++) {
    const col = data[s];
    for (let i = 0; i < col.length; i++) if (col[i] !== null && Number.isFinite(col[i])) n += 1;
  }
  return n;
}

function formatTooltip(v) {
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3);
  return Number(v.toPrecision(4)).toString();
}

/** Merges a partial labels object over defaults (so the page may translate some strings only). */
export function mergeLabels(defaults, labels) {
  return labels ? { ...defaults, ...labels } : defaults;
}
