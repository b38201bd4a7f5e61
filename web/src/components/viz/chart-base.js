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

import { LitElement, css, html, nothing, svg, unsafeCSS } from 'lit';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';

/** Styles every viz element shares (colours come from custom properties the page can set). */
export const vizBaseStyles = css`
  :host {
    display: block;
    position: relative;
    font: 13px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', 'PingFang SC',
      'Microsoft YaHei', sans-serif;
    color: var(--nn-viz-fg, #222);
    --nn-viz-muted: #666;
  }
  :host([hidden]) {
    display: none;
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 12px;
    min-height: 24px;
    margin-bottom: 4px;
  }
  .title {
    font-weight: 600;
    margin-right: auto;
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 12px;
    font-size: 12px;
  }
  .controls label {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    cursor: pointer;
  }
  .controls input[type='range'] {
    width: 90px;
  }
  .seg {
    display: inline-flex;
    border: 1px solid var(--nn-viz-border, #bbb);
    border-radius: 4px;
    overflow: hidden;
  }
  .seg button {
    font: inherit;
    font-size: 12px;
    border: 0;
    padding: 2px 8px;
    background: var(--nn-viz-bg, #fff);
    color: inherit;
    cursor: pointer;
  }
  .seg button[aria-pressed='true'] {
    background: var(--nn-viz-accent, #0072b2);
    color: #fff;
  }
  button:focus-visible,
  input:focus-visible,
  canvas:focus-visible {
    outline: 2px solid var(--nn-viz-accent, #0072b2);
    outline-offset: 1px;
  }
  .empty {
    color: var(--nn-viz-muted);
    font-size: 12px;
  }
  .note {
    color: var(--nn-viz-muted);
    font-size: 12px;
    margin-top: 2px;
  }
`;

const chartStyles = css`
  .plot {
    position: relative;
    width: 100%;
    min-height: 60px;
  }
  .uplot {
    width: 100%;
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    gap: 2px 14px;
    font-size: 12px;
    margin-top: 2px;
  }
  .legend-group {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 2px 8px;
  }
  .legend-group-label {
    font-weight: 600;
  }
  .legend button {
    font: inherit;
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: 1px 2px;
    border: 0;
    background: none;
    color: inherit;
    cursor: pointer;
  }
  .legend button[aria-pressed='false'] {
    opacity: 0.4;
    text-decoration: line-through;
  }
  .tooltip {
    position: absolute;
    pointer-events: none;
    z-index: 2;
    background: var(--nn-viz-tooltip-bg, rgba(255, 255, 255, 0.95));
    border: 1px solid var(--nn-viz-border, #bbb);
    border-radius: 4px;
    padding: 4px 6px;
    font-size: 12px;
    white-space: nowrap;
    box-shadow: 0 1px 4px rgba(0, 0, 0, 0.15);
  }
  .tooltip[hidden] {
    display: none;
  }
  .tooltip .sw {
    display: inline-block;
    width: 10px;
    height: 3px;
    margin-right: 4px;
    vertical-align: middle;
  }
`;

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
 * renderFooter(), legendGroups(), summary() and formatTooltipValue().
 *
 * Read-only state for tests: `pointCount` (finite y values in the last drawn data), `drawn` (true
 * once a frame with at least one point has been drawn), `drawCount` (frames drawn), `buildCount`
 * (uPlot instances created); the host carries `data-points` = pointCount after every draw.
 *
 * @csspart plot - the element that holds uPlot's canvas (the canvas has role="img" and an
 *   aria-label summarising the latest values)
 * @csspart legend - the legend under the chart
 * @cssprop --nn-viz-fg - text and axis colour
 * @cssprop --nn-viz-grid - grid line colour
 */
export class UplotChart extends LitElement {
  static styles = [unsafeCSS(uplotCss), vizBaseStyles, chartStyles];

  static properties = {
    /** Plot height in CSS pixels (the width follows the element). */
    height: { type: Number },
  };

  constructor() {
    super();
    this.height = 220;
    this.pointCount = 0;
    this.drawn = false;
    this.drawCount = 0;
    this.buildCount = 0;
    this._plot = null;
    this._key = null;
    this._frame = 0;
    this._hidden = new Set();
    this._resizeObserver = null;
    this._series = [];
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
    this._resizeObserver?.disconnect();
    this._resizeObserver = null;
    this._plot?.destroy();
    this._plot = null;
    this._key = null;
  }

  updated() {
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
    const height = this.height;
    if (!this._plot || m.key !== this._key || this._plot.height !== height) {
      this._plot?.destroy();
      const opts = {
        width: this._width(),
        height,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { size: 6 } },
        scales: m.scales,
        axes: m.axes,
        series: [{}, ...m.series.map((s, i) => ({ ...s, show: !this._hidden.has(s.legendKey ?? i) }))],
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
      for (const i of item.series) this._plot.setSeries(i + 1, { show: hidden });
    }
    this.requestUpdate();
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
      <div class="head">${this.renderTitle()}<div class="controls">${this.renderControls()}</div></div>
      <div class="plot" part="plot"><div class="tooltip" hidden></div></div>
      ${this.renderLegend()} ${this.renderFooter()}
    `;
  }
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
