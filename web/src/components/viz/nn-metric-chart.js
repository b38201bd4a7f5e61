// nn-metric-chart.js: <nn-metric-chart>, train and test loss (or accuracy) over steps for one or
// more runs, with EMA smoothing, a log axis, and the expected initial cross-entropy ln C.

import { css, html, nothing } from 'lit';
import uPlot from 'uplot';
import { UplotChart, mergeLabels } from './chart-base.js';
import { CATEGORICAL } from './colormap.js';
import { SeriesAligner, emaSmooth, format, formatNumber, formatTicks, positiveOnly, seriesLength, summarizeRows } from './stats.js';
import VIZ_LABELS from '../../i18n/en/viz.js';

/** English defaults; the page passes translated strings through `labels` ({...} are filled in). */
export const METRIC_CHART_LABELS = VIZ_LABELS['nn-metric-chart'];

/**
 * Past this many rows per pixel of the plot's width, the chart draws the M4 summary of its rows
 * (stats.js's summarizeRows, one run of rows a pixel column) instead of every row. uPlot's own
 * path still visits every row: at some 65,000 steps of the default MLP (50 s on 2 threads), a
 * redraw of the loss chart cost the page's main thread about 12 ms, and it grew with the run.
 */
export const SUMMARY_ROWS_PER_PX = 4;

/**
 * Whether a few values tower over the rest (a lone spike: under 1 % of the points lie above a
 * tenth of the highest), so that on a linear axis every other curve is pressed flat at the bottom.
 */
export function hasLoneSpike(columns) {
  let max = 0;
  let count = 0;
  for (const col of columns) {
    for (const v of col) {
      if (!Number.isFinite(v)) continue;
      count++;
      if (v > max) max = v;
    }
  }
  if (count < 20 || !(max > 0)) return false;
  let high = 0;
  for (const col of columns) for (const v of col) if (v > max / 10) high++;
  return high <= Math.max(1, count / 100);
}

/**
 * Loss or accuracy over training steps: a solid line per run for training (every step), a dashed
 * line with points for the test set (sparser), optional EMA smoothing (the raw curve stays, faint,
 * behind the smoothed one, as in TensorBoard), an optional log y axis, and for cross-entropy loss
 * a dashed reference line at ln(classes), the loss of a network that predicts uniformly, labelled
 * next to the measured first loss. Several runs overlay in one chart, grouped by run in the legend.
 *
 * Data stays in the page's arrays: either assign a new `runs` array, or append to the arrays in
 * place and call `refresh()`; both redraw at most once per animation frame, and the chart is only
 * rebuilt when the set of series changes (a run added, log scale or smoothing switched on/off).
 *
 * @element nn-metric-chart
 *
 * @property {'loss'|'accuracy'} metric - which metric of the runs to draw (default 'loss')
 * @property {Array<MetricRun>} runs - MetricRun: {id, label?, color?, train: MetricLog, test?: MetricLog};
 *   MetricLog: {steps, loss, accuracy, length?} with steps ascending; arrays or typed arrays;
 *   accuracy as a fraction 0..1; `length` (optional) limits how much of preallocated arrays is used
 * @property {boolean} log - log-scale y axis (attribute `log`)
 * @property {number} smoothing - EMA weight in [0, 0.99]; 0 draws the raw values only
 * @property {number} classes - number of classes, for the ln(classes) reference (0: none)
 * @property {'cross_entropy'|'mse'} lossKind - the reference line is drawn for cross-entropy only
 * @property {boolean} noControls - hides the log and smoothing controls (attribute `no-controls`)
 * @property {object} labels - translated strings, see METRIC_CHART_LABELS
 * @property {number} height - plot height in CSS pixels
 *
 * @fires log-change - {detail: {log}} when the user toggles the log-scale box
 * @fires smoothing-change - {detail: {smoothing}} when the user moves the smoothing slider
 *
 * @csspart plot - holds the chart canvas (role="img", aria-label with the latest values)
 * @csspart legend - runs and their train/test series; clicking an entry hides or shows it
 * @csspart reference - the line of text giving the expected and the measured initial loss
 * @csspart warning - shown when a run's first loss is more than `initTolerance` away from ln C
 *
 * Read-only for tests: pointCount, drawn, drawCount, buildCount, `data-points` on the host,
 * referenceLoss (ln C or null), firstLoss (first train loss of the first run or null),
 * initWarnings ([{label, value, diff}] for each run whose first loss is that far from ln C).
 */
export class NnMetricChart extends UplotChart {
  static styles = [...UplotChart.styles, css`
    .spike-hint {
      font-size: 12px;
      color: var(--nn-viz-warning, #b06000);
    }
    .warning {
      color: var(--nn-error, #b3261e);
      font-weight: 600;
    }
    .warning:empty {
      display: none;
    }
  `];

  static properties = {
    ...UplotChart.properties,
    metric: { type: String },
    runs: { attribute: false },
    log: { type: Boolean, reflect: true },
    smoothing: { type: Number },
    classes: { type: Number },
    lossKind: { type: String, attribute: 'loss-kind' },
    noControls: { type: Boolean, attribute: 'no-controls' },
    labels: { attribute: false },
    initTolerance: { type: Number, attribute: 'init-tolerance' },
    /** Whether a few points far above the rest squash the curves (then the log scale is suggested). */
    _spike: { state: true },
  };

  constructor() {
    super();
    this.initTolerance = 0.5;
    this.metric = 'loss';
    this.runs = [];
    this.log = false;
    this.smoothing = 0;
    this.classes = 0;
    this.lossKind = 'cross_entropy';
    this.noControls = false;
    this.labels = undefined;
    this._aligner = new SeriesAligner();
    this._spike = false;
  }

  get _l() {
    return mergeLabels(METRIC_CHART_LABELS, this.labels);
  }

  /** ln(classes) when the reference line applies, else null. */
  get referenceLoss() {
    return this.metric === 'loss' && this.lossKind === 'cross_entropy' && this.classes > 1 ? Math.log(this.classes) : null;
  }

  /** {step, value} of the first finite train value of the first run, or null. */
  get firstPoint() {
    const run = (this.runs ?? [])[0];
    const log = run?.train;
    if (!log) return null;
    const values = log[this.metric];
    const n = seriesLength(log.steps, values, log.length);
    for (let i = 0; i < n; i++) if (Number.isFinite(values[i])) return { step: log.steps[i], value: values[i] };
    return null;
  }

  /** The runs whose first training loss is more than initTolerance from ln C: [{label, value, diff}]. */
  get initWarnings() {
    const reference = this.referenceLoss;
    if (reference === null) return [];
    const out = [];
    for (const run of this.runs ?? []) {
      const log = run?.train;
      if (!log) continue;
      const n = seriesLength(log.steps, log.loss, log.length);
      let value = null;
      for (let i = 0; i < n && value === null; i++) if (Number.isFinite(log.loss[i])) value = log.loss[i];
      if (value !== null && Math.abs(value - reference) > this.initTolerance) {
        out.push({ label: run.label ?? '', value, diff: Math.abs(value - reference) });
      }
    }
    return out;
  }

  get firstLoss() {
    return this.metric === 'loss' ? this.firstPoint?.value ?? null : null;
  }

  _colors(run, k) {
    const single = (this.runs ?? []).length <= 1;
    const base = run.color ?? CATEGORICAL[k % CATEGORICAL.length];
    return { train: base, test: single && !run.color ? CATEGORICAL[1] : base };
  }

  model() {
    const l = this._l;
    const metric = this.metric === 'accuracy' ? 'accuracy' : 'loss';
    const runs = this.runs ?? [];
    const smooth = this.smoothing > 0;
    const inputs = [];
    const series = [];
    const multi = runs.length > 1;
    runs.forEach((run, k) => {
      const colors = this._colors(run, k);
      const prefix = multi || run.label ? `${run.label ?? run.id} · ` : '';
      const train = run.train;
      if (train) {
        const n = seriesLength(train.steps, train[metric], train.length);
        if (smooth) {
          inputs.push({ x: train.steps, y: train[metric], length: n, smooth: true });
          series.push({ label: `${prefix}${l.train}`, stroke: colors.train, width: 1.75, spanGaps: true, points: { show: false }, legendKey: `${run.id}:train` });
          inputs.push({ x: train.steps, y: train[metric], length: n });
          series.push({ label: `${prefix}${l.train} (${l.raw})`, stroke: fade(colors.train), width: 1, spanGaps: true, points: { show: false }, legendKey: `${run.id}:train`, tooltip: false });
        } else {
          inputs.push({ x: train.steps, y: train[metric], length: n });
          series.push({ label: `${prefix}${l.train}`, stroke: colors.train, width: 1.5, spanGaps: true, points: { show: false }, legendKey: `${run.id}:train` });
        }
      }
      const test = run.test;
      if (test) {
        inputs.push({ x: test.steps, y: test[metric], length: seriesLength(test.steps, test[metric], test.length) });
        series.push({
          label: `${prefix}${l.test}`, stroke: colors.test, width: 1.75, dash: [6, 4], spanGaps: true,
          points: { show: true, size: 6, fill: colors.test, stroke: colors.test }, legendKey: `${run.id}:test`,
        });
      }
    });
    // Train and test logs only grow while a run streams in: join just the new points.
    const { x, ys } = this._aligner.update(inputs);
    const columns = ys.map((y, i) => {
      let col = inputs[i].smooth ? emaSmooth(y, this.smoothing) : y;
      if (this.log) col = positiveOnly(col);
      return col;
    });
    const width = this._width();
    const summary = x.length > SUMMARY_ROWS_PER_PX * width ? summarizeRows(x, columns, width) : null;
    const spike = metric === 'loss' && hasLoneSpike(ys);
    if (spike !== this._spike) this._spike = spike;
    const reference = this.referenceLoss;
    const isAcc = metric === 'accuracy';
    const yRange = (u, min, max) => {
      let lo = min;
      let hi = max;
      if (reference !== null && Number.isFinite(lo)) {
        lo = Math.min(lo, reference);
        hi = Math.max(hi, reference);
      }
      if (!Number.isFinite(lo) || !Number.isFinite(hi)) return this.log ? [0.1, 10] : [0, 1];
      if (this.log) return uPlot.rangeLog(Math.max(lo, 1e-12), Math.max(hi, 1e-12), 10, true);
      const [a, b] = uPlot.rangeNum(lo, hi, 0.1, true);
      // Accuracy never exceeds 100 %; loss is never negative.
      return isAcc ? [Math.max(0, a), Math.min(1, b)] : [Math.max(0, a), b];
    };
    const key = [
      metric, this.log, smooth, reference, this.height,
      runs.map((r, k) => `${r.id}|${r.label}|${this._colors(r, k).train}|${!!r.train}|${!!r.test}`).join(','),
      JSON.stringify(l),
    ].join(';');
    return {
      key,
      data: summary ? [summary.x, ...summary.columns] : [x, ...columns],
      points: summary?.points,
      series,
      scales: { x: { time: false }, y: this.log ? { distr: 3, log: 10, range: yRange } : { range: yRange } },
      axes: [
        this.axis({ label: l.step, labelSize: 18, size: 34 }),
        this.axis({
          size: 52,
          values: isAcc ? (u, vals) => vals.map((v) => `${+(v * 100).toFixed(1)} %`) : (u, vals) => formatTicks(vals, 3),
        }),
      ],
      padding: [12, 24, 0, 0],
      meta: { runs, metric },
    };
  }

  formatTooltipX(x) {
    return `${this._l.step} ${x}`;
  }

  formatTooltipValue(_i, v) {
    return this.metric === 'accuracy' ? `${(v * 100).toFixed(2)} %` : formatNumber(v, 4);
  }

  tableCaption() {
    return this.metric === 'accuracy' ? this._l.accuracy : this._l.loss;
  }

  drawOverlay(u) {
    const reference = this.referenceLoss;
    if (reference === null) return;
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const y = Math.round(u.valToPos(reference, 'y', true)) + 0.5;
    if (!(y >= top && y <= top + height)) return;
    const px = devicePixelRatio || 1;
    const theme = this._theme();
    ctx.save();
    ctx.strokeStyle = theme.muted;
    ctx.lineWidth = px;
    ctx.setLineDash([4 * px, 4 * px]);
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(left + width, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = theme.muted;
    ctx.font = `${11 * px}px system-ui, sans-serif`;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    haloText(ctx, this._referenceText(), left + width - 4 * px, y - 3 * px, px);
    // The measured first loss, marked where it sits, so the two numbers are read side by side.
    const first = this.firstPoint;
    if (first && u.data[0].length) {
      const fx = u.valToPos(first.step, 'x', true);
      const fy = u.valToPos(first.value, 'y', true);
      if (fx >= left - 1 && fy >= top && fy <= top + height) {
        ctx.strokeStyle = theme.fg;
        ctx.lineWidth = 1.5 * px;
        ctx.beginPath();
        ctx.arc(fx, fy, 5 * px, 0, 2 * Math.PI);
        ctx.stroke();
        ctx.fillStyle = theme.fg;
        ctx.textAlign = 'left';
        ctx.textBaseline = fy < y ? 'bottom' : 'top';
        haloText(ctx, formatNumber(first.value, 3), fx + 8 * px, fy + (fy < y ? -2 : 2) * px, px);
      }
    }
    ctx.restore();
  }

  _referenceText() {
    const reference = this.referenceLoss;
    return format(this._l.expectedInit, { classes: this.classes, value: reference.toFixed(2) });
  }

  summary(m) {
    const l = this._l;
    const metricName = m.meta.metric === 'accuracy' ? l.accuracy : l.loss;
    const parts = [];
    for (const run of m.meta.runs.slice(0, 3)) {
      for (const split of ['train', 'test']) {
        const log = run[split];
        if (!log) continue;
        const values = log[m.meta.metric];
        const n = seriesLength(log.steps, values, log.length);
        if (!n) continue;
        const v = values[n - 1];
        const value = m.meta.metric === 'accuracy' ? `${(v * 100).toFixed(1)} %` : formatNumber(v, 3);
        const name = m.meta.runs.length > 1 ? `${run.label ?? run.id} ${l[split]}` : l[split];
        parts.push(format(l.summaryPart, { split: name, value, step: log.steps[n - 1] }));
      }
    }
    const text = format(l.summary, { metric: metricName, parts: parts.length ? parts.join(l.separator) : l.noData });
    const ref = this.referenceLoss;
    return ref === null ? text : `${text}; ${this._referenceText()}`;
  }

  legendGroups() {
    const l = this._l;
    const runs = this.runs ?? [];
    const groups = [];
    let index = 0;
    runs.forEach((run, k) => {
      const colors = this._colors(run, k);
      const items = [];
      if (run.train) {
        const count = this.smoothing > 0 ? 2 : 1;
        items.push({ key: `${run.id}:train`, label: l.train, color: colors.train, series: range(index, count) });
        index += count;
      }
      if (run.test) {
        items.push({ key: `${run.id}:test`, label: l.test, color: colors.test, dash: [4, 3], marker: true, series: [index] });
        index += 1;
      }
      groups.push({ label: runs.length > 1 || run.label ? run.label ?? run.id : '', items });
    });
    return groups;
  }

  renderTitle() {
    const l = this._l;
    return html`<span class="title">${this.metric === 'accuracy' ? l.accuracy : l.loss}</span>`;
  }

  renderControls() {
    if (this.noControls) return nothing;
    const l = this._l;
    return html`
      <label><input type="checkbox" .checked=${this.log} @change=${this._onLog} />${l.logScale}</label>
      ${this._spike && !this.log ? html`<span class="spike-hint" part="spike-hint">${l.spikeHint}</span>` : nothing}
      <label>${l.smoothing}
        <input type="range" min="0" max="0.99" step="0.01" .value=${String(this.smoothing)} @input=${this._onSmoothing}
          aria-valuetext=${this.smoothing.toFixed(2)} />
        <span class="value">${this.smoothing.toFixed(2)}</span>
      </label>
    `;
  }

  renderFooter() {
    const ref = this.referenceLoss;
    if (ref === null) return nothing;
    const first = this.firstPoint;
    const l = this._l;
    const warnings = this.initWarnings;
    return html`<div class="note" part="reference">
      ${this._referenceText()}${first ? html` · ${format(l.measuredFirst, { step: first.step, value: formatNumber(first.value, 3) })}` : nothing}
    </div>
    <div class="note warning" part="warning" aria-live="polite">${warnings.map((w) => html`<div>
      ${w.label ? `${w.label}: ` : ''}${format(l.initWarning, { diff: formatNumber(w.diff, 3), classes: this.classes, limit: this.initTolerance })}
    </div>`)}</div>`;
  }

  /** The footer's "measured" text depends on the data too: re-render it when data is redrawn. */
  afterDraw() {
    const first = this.firstPoint;
    const key = `${first ? `${first.step}:${first.value}` : ''}|${this.initWarnings.map((w) => `${w.label}:${w.value}`).join('|')}`;
    if (key !== this._firstKey) {
      this._firstKey = key;
      this.requestUpdate();
    }
  }

  _onLog(e) {
    this.log = e.target.checked;
    this.dispatchEvent(new CustomEvent('log-change', { detail: { log: this.log }, bubbles: true, composed: true }));
  }

  _onSmoothing(e) {
    this.smoothing = Number(e.target.value);
    this.dispatchEvent(new CustomEvent('smoothing-change', { detail: { smoothing: this.smoothing }, bubbles: true, composed: true }));
  }
}

// Text with a white outline, so it stays readable where it crosses a curve.
function haloText(ctx, text, x, y, px) {
  ctx.save();
  ctx.strokeStyle = 'rgba(255,255,255,0.9)';
  ctx.lineWidth = 3 * px;
  ctx.lineJoin = 'round';
  ctx.strokeText(text, x, y);
  ctx.restore();
  ctx.fillText(text, x, y);
}

function fade(color) {
  if (/^#[0-9a-f]{6}$/i.test(color)) return `${color}40`;
  return color;
}

function range(start, count) {
  return Array.from({ length: count }, (_, i) => start + i);
}

customElements.define('nn-metric-chart', NnMetricChart);
