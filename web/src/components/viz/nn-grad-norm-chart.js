// nn-grad-norm-chart.js: <nn-grad-norm-chart>, the L2 norm of each layer's gradient over steps, on
// a log axis by default so that vanishing gradients (deep sigmoid nets) show as lines sinking
// decades below the others instead of a flat line at zero.

import { html, nothing } from 'lit';
import uPlot from 'uplot';
import { UplotChart, mergeLabels } from './chart-base.js';
import { viridisSteps } from './colormap.js';
import { alignSeries, format, formatNumber, formatTicks, positiveOnly } from './stats.js';
import VIZ_LABELS from '../../i18n/en/viz.js';

/** English defaults; the page passes translated strings through `labels`. */
export const GRAD_NORM_CHART_LABELS = VIZ_LABELS['nn-grad-norm-chart'];

/** Line styles that tell the layers of one run apart when several runs share the chart (input layer solid). */
const DASHES = [null, [8, 3], [2, 3], [10, 3, 2, 3], [4, 4], [1, 2], [12, 2, 2, 2, 2, 2], [16, 4], [6, 2, 1, 2, 1, 2], [3, 6], [14, 3, 3, 3]];
const dashOf = (k) => DASHES[k % DASHES.length];

/** Log-axis tick labels: the powers of ten only ("0.01", "1e-4"), the ticks between them unlabelled. */
function decadeTicks(vals) {
  return vals.map((v) => {
    const e = Math.round(Math.log10(v));
    if (!(v > 0) || Math.abs(Math.log10(v) - e) > 1e-6) return '';
    return Math.abs(e) >= 3 ? `1e${e}` : String(10 ** e);
  });
}

/**
 * One line per layer: the L2 norm of that layer's gradient (nn_l2_norm over its weight gradient)
 * at each logged step. Layers are coloured along viridis from the input (dark) to the output
 * (light), so depth reads as a gradient of colour.
 *
 * @element nn-grad-norm-chart
 *
 * @property {string[]} layers - one label per layer, input first (e.g. 'dense 1', 'layers.0.weight')
 * @property {ArrayLike<number>} steps - the logged steps, ascending
 * @property {Array<ArrayLike<number>>} norms - per layer, the norm at each step (same order as layers)
 * @property {number|undefined} length - how many entries of steps/norms to use (for preallocated arrays)
 * @property {object[]} runs - several runs at once instead (a lesson's): [{id, label, color, layers,
 *   steps, norms}], each as the properties above; every line of a run in its colour, the layers told
 *   apart by line style (the first layer solid, the thickest); the legend has one entry per run and one
 *   per layer. Empty (the default): the properties above, coloured by depth.
 * @property {boolean} log - log-scale y axis, default true (attribute `log`; set `.log=${false}` to turn off)
 * @property {boolean} noControls - hides the log-scale box
 * @property {object} labels - translated strings, see GRAD_NORM_CHART_LABELS
 * @property {number} height - plot height in CSS pixels
 *
 * @fires log-change - {detail: {log}} when the user toggles the log-scale box
 *
 * @csspart plot - holds the chart canvas (role="img", aria-label with the latest norms)
 * @csspart legend - one entry per layer; clicking hides or shows it
 *
 * Append in place and call refresh(), or assign new arrays; at most one redraw per frame.
 * Read-only for tests: pointCount, drawn, drawCount, buildCount, `data-points` on the host.
 */
export class NnGradNormChart extends UplotChart {
  static properties = {
    ...UplotChart.properties,
    layers: { attribute: false },
    steps: { attribute: false },
    norms: { attribute: false },
    runs: { attribute: false },
    length: { type: Number },
    log: { type: Boolean, reflect: true },
    noControls: { type: Boolean, attribute: 'no-controls' },
    labels: { attribute: false },
  };

  constructor() {
    super();
    this.layers = [];
    this.steps = [];
    this.norms = [];
    this.runs = [];
    this.length = undefined;
    this.log = true;
    this.noControls = false;
    this.labels = undefined;
  }

  get _l() {
    return mergeLabels(GRAD_NORM_CHART_LABELS, this.labels);
  }

  _count() {
    const steps = this.steps ?? [];
    let n = this.length ?? steps.length;
    n = Math.min(n, steps.length);
    for (const col of this.norms ?? []) n = Math.min(n, col?.length ?? 0);
    return Math.max(0, n);
  }

  get #several() {
    return (this.runs ?? []).length > 0;
  }

  /** The y range: log decades around the data, or from 0. */
  #range() {
    return (u, min, max) => {
      if (!Number.isFinite(min) || !Number.isFinite(max)) return this.log ? [1e-4, 10] : [0, 1];
      if (this.log) return uPlot.rangeLog(Math.max(min, 1e-30), Math.max(max, 1e-30), 10, true);
      const [a, b] = uPlot.rangeNum(min, max, 0.1, true);
      return [Math.max(0, a), b];
    };
  }

  /** The several runs' model: their lines aligned on the union of their steps. */
  #runsModel() {
    const l = this._l;
    const runs = this.runs;
    const inputs = [];
    const series = [];
    runs.forEach((run) => (run.layers ?? []).forEach((layer, k) => {
      const n = Math.min(run.steps?.length ?? 0, run.norms?.[k]?.length ?? 0);
      inputs.push({ x: run.steps, y: Array.from({ length: n }, (_, i) => (Number.isFinite(run.norms[k][i]) ? run.norms[k][i] : null)), length: n });
      series.push({ label: format(l.runLayer, { run: run.label, layer }), stroke: run.color, dash: dashOf(k) ?? undefined,
        width: k === 0 ? 2.25 : 1.5, spanGaps: true, points: { show: false }, legendKey: `run:${run.id}`, layerKey: `layer:${k}` });
    }));
    const { x, ys } = alignSeries(inputs);
    const columns = ys.map((col) => (this.log ? positiveOnly(col) : col));
    return {
      key: ['runs', this.log, this.height, series.map((s) => `${s.label}|${s.stroke}`).join('\u0001'), JSON.stringify(l)].join(';'),
      data: [Float64Array.from(x), ...columns],
      series,
      scales: { x: { time: false }, y: this.log ? { distr: 3, log: 10, range: this.#range() } : { range: this.#range() } },
      axes: [
        this.axis({ label: l.step, labelSize: 18, size: 34 }),
        this.axis({ size: 48, values: (u, vals) => (this.log ? decadeTicks(vals) : formatTicks(vals, 2)) }),
      ],
      padding: [12, 24, 0, 0],
      meta: { n: x.length },
    };
  }

  /** The series of the several runs' model hidden through either legend (a run's or a layer's entry). */
  seriesShown(m, i) {
    if (!this.#several) return super.seriesShown(m, i);
    const s = m.series[i];
    return !this._hidden.has(s?.legendKey) && !this._hidden.has(s?.layerKey);
  }

  model() {
    if (this.#several) return this.#runsModel();
    const l = this._l;
    const layers = this.layers ?? [];
    const colors = viridisSteps(layers.length);
    const n = this._count();
    const x = Float64Array.from({ length: n }, (_, i) => this.steps[i]);
    const columns = layers.map((_, k) => {
      const src = this.norms?.[k] ?? [];
      const col = new Array(n);
      for (let i = 0; i < n; i++) col[i] = Number.isFinite(src[i]) ? src[i] : null;
      return this.log ? positiveOnly(col) : col;
    });
    const series = layers.map((label, k) => ({ label, stroke: colors[k], width: 1.5, spanGaps: true, points: { show: false }, legendKey: `layer:${k}:${label}` }));
    const range = (u, min, max) => {
      if (!Number.isFinite(min) || !Number.isFinite(max)) return this.log ? [1e-4, 10] : [0, 1];
      if (this.log) return uPlot.rangeLog(Math.max(min, 1e-30), Math.max(max, 1e-30), 10, true);
      const [a, b] = uPlot.rangeNum(min, max, 0.1, true);
      return [Math.max(0, a), b];
    };
    return {
      key: [this.log, this.height, layers.join('\u0001'), JSON.stringify(l)].join(';'),
      data: [x, ...columns],
      series,
      scales: { x: { time: false }, y: this.log ? { distr: 3, log: 10, range } : { range } },
      axes: [
        this.axis({ label: l.step, labelSize: 18, size: 34 }),
        this.axis({ size: 58, values: (u, vals) => formatTicks(vals, 2) }),
      ],
      padding: [12, 24, 0, 0],
      meta: { n },
    };
  }

  formatTooltipX(x) {
    return `${this._l.step} ${x}`;
  }

  tableCaption() {
    return this._l.title;
  }

  summary(m) {
    const l = this._l;
    const n = m.meta.n;
    if (!n) return l.noData;
    if (this.#several) {
      const parts = this.runs.map((run) => format(l.runSummary, {
        run: run.label, step: run.steps?.at(-1) ?? '–',
        parts: (run.layers ?? []).map((name, k) => `${name} ${formatNumber(run.norms?.[k]?.at(-1), 3)}`).join(l.separator),
      }));
      return parts.join(l.runSeparator);
    }
    const parts = (this.layers ?? []).map((name, k) => `${name} ${formatNumber(this.norms?.[k]?.[n - 1], 3)}`);
    return format(l.summary, { step: this.steps[n - 1], parts: parts.join(l.separator) });
  }

  legendGroups() {
    if (this.#several) {
      const l = this._l;
      const perRun = [];
      const perLayer = [];
      let index = 0;
      for (const run of this.runs) {
        const count = (run.layers ?? []).length;
        perRun.push({ key: `run:${run.id}`, label: run.label, color: run.color, series: Array.from({ length: count }, (_, k) => index + k) });
        for (let k = 0; k < count; k++) (perLayer[k] ??= []).push(index + k);
        index += count;
      }
      const deepest = Math.max(0, ...this.runs.map((r) => (r.layers ?? []).length));
      const layers = (this.runs.find((r) => r.layers?.length === deepest)?.layers ?? []).map((label, k) => ({
        key: `layer:${k}`, label, color: 'currentColor', dash: dashOf(k) ?? undefined, series: perLayer[k],
      }));
      return [{ label: l.runsGroup, items: perRun }, { label: l.layersGroup, items: layers }];
    }
    const colors = viridisSteps((this.layers ?? []).length);
    return [{ items: (this.layers ?? []).map((label, k) => ({ key: `layer:${k}:${label}`, label, color: colors[k], series: [k] })) }];
  }

  renderTitle() {
    return html`<span class="title">${this._l.title}</span>`;
  }

  renderControls() {
    if (this.noControls) return nothing;
    return html`<label><input type="checkbox" .checked=${this.log} @change=${this._onLog} />${this._l.logScale}</label>`;
  }

  _onLog(e) {
    this.log = e.target.checked;
    this.dispatchEvent(new CustomEvent('log-change', { detail: { log: this.log }, bubbles: true, composed: true }));
  }
}

customElements.define('nn-grad-norm-chart', NnGradNormChart);
