// nn-distribution-chart.js: <nn-distribution-chart>, how one layer's weights (or gradients) are
// distributed, over time as percentile bands (TensorBoard's distributions view) or at one step as
// a histogram laid over the histogram at initialisation.

import { html, nothing } from 'lit';
import uPlot from 'uplot';
import { TABLE_ROWS, UplotChart, mergeLabels } from './chart-base.js';
import { toHex, toRgba, viridis } from './colormap.js';
import { BAND_PERCENTILES, format, formatNumber, formatTicks, percentilesFromHistogram, readSnapshot, rebinHistogram } from './stats.js';
import VIZ_LABELS from '../../i18n/en/viz.js';

/** English defaults; the page passes translated strings through `labels`. */
export const DISTRIBUTION_CHART_LABELS = VIZ_LABELS['nn-distribution-chart'];

const SERIES_NAMES = ['min', 'p5', 'p25', 'median', 'p75', 'p95', 'max'];

/**
 * The distribution of one tensor over training. The page hands over one histogram per logged
 * step (what the worker's tensorStats({bins}) returns); percentiles are computed from the
 * histograms here (linear inside a bin, exact min and max from the statistics).
 *
 * - view "bands": percentile bands over steps: min–max, p5–p95, p25–p75 nested, and the median;
 * - view "histogram": the histogram at one step (a slider picks it; it follows the latest step
 *   until moved) drawn as bars over the first snapshot's histogram (dashed), on a shared grid;
 * - several runs (`runs`, a lesson's): one histogram each, as the share of its values per bin on
 *   a shared grid, a line in the run's colour (a spike at 0 stands out against a bell).
 *
 * @element nn-distribution-chart
 *
 * @property {Array<Snapshot>} snapshots - ascending by step; Snapshot: {step, counts, lo, hi, min, max, mean, std}
 *   (as Session.tensorStats gives) or {step, counts, lo, hi, stats: [min, max, mean, std]}; counts are
 *   `bins` equal bins over [lo, hi] (Uint32Array or array)
 * @property {'bands'|'histogram'} view - which view to show (attribute `view`)
 * @property {object[]} runs - several runs instead: [{id, label, color, snapshot}] (one Snapshot
 *   each); then `snapshots` and `view` are not used
 * @property {number} index - snapshot shown in the histogram view; -1 (default) follows the latest
 * @property {string} tensor - the tensor's name for the title, e.g. 'layers.0.weight'
 * @property {'weights'|'gradients'} quantity - what the values are, for the title
 * @property {boolean} noControls - hides the view switch
 * @property {object} labels - translated strings, see DISTRIBUTION_CHART_LABELS
 * @property {number} height - plot height in CSS pixels
 *
 * @fires view-change - {detail: {view}} when the user switches view
 * @fires snapshot-select - {detail: {index, step}} when the user moves the histogram's step slider
 *
 * @csspart plot - holds the chart canvas (role="img", aria-label summarising the latest distribution)
 * @csspart legend - the key to the bands or to the two histograms
 *
 * Append snapshots in place and call refresh(), or assign a new array. Percentiles are cached per
 * snapshot object, so a stream of snapshots costs one computation each.
 * Read-only for tests: pointCount, drawn, drawCount, buildCount, `data-points`, percentilesAt(i).
 */
export class NnDistributionChart extends UplotChart {
  static properties = {
    ...UplotChart.properties,
    snapshots: { attribute: false },
    runs: { attribute: false },
    view: { type: String, reflect: true },
    index: { type: Number },
    tensor: { type: String },
    quantity: { type: String },
    noControls: { type: Boolean, attribute: 'no-controls' },
    labels: { attribute: false },
  };

  constructor() {
    super();
    this.snapshots = [];
    this.runs = [];
    this.view = 'bands';
    this.index = -1;
    this.tensor = '';
    this.quantity = 'weights';
    this.noControls = false;
    this.labels = undefined;
    this._cache = new WeakMap();
  }

  get _l() {
    return mergeLabels(DISTRIBUTION_CHART_LABELS, this.labels);
  }

  _read(s) {
    let r = this._cache.get(s);
    if (!r) {
      r = readSnapshot(s);
      r.percentiles = percentilesFromHistogram(r.counts, r.lo, r.hi, BAND_PERCENTILES, r.min, r.max);
      this._cache.set(s, r);
    }
    return r;
  }

  /** [min, p5, p25, median, p75, p95, max] of snapshot i (for tests and tooltips). */
  percentilesAt(i) {
    const s = (this.snapshots ?? [])[i];
    return s ? this._read(s).percentiles : null;
  }

  /** The index the histogram view shows. */
  get shownIndex() {
    const n = (this.snapshots ?? []).length;
    if (!n) return -1;
    return this.index >= 0 && this.index < n ? this.index : n - 1;
  }

  model() {
    if (this.runs?.length) return this._runsModel();
    return this.view === 'histogram' ? this._histogramModel() : this._bandsModel();
  }

  /** The runs with a histogram, each read once: [{run, read}]. */
  _runReads() {
    return (this.runs ?? []).filter((run) => run.snapshot?.counts?.length).map((run) => ({ run, read: this._read(run.snapshot) }));
  }

  /**
   * Several runs' histograms on one grid over all their values (a tensor whose values are all
   * equal, such as gradients that are all 0, is one value, not its histogram's unit range), each
   * as the share of its values in each bin.
   */
  _runsModel() {
    const l = this._l;
    const reads = this._runReads();
    const bins = Math.max(1, ...reads.map(({ read }) => read.counts.length));
    const single = (r) => r.min === r.max;
    let lo = Math.min(...reads.map(({ read }) => (single(read) ? read.min : read.lo)));
    let hi = Math.max(...reads.map(({ read }) => (single(read) ? read.max : read.hi)));
    if (!Number.isFinite(lo)) [lo, hi] = [-1, 1];
    if (!(hi > lo)) [lo, hi] = [lo - 0.5, lo + 0.5];
    const width = (hi - lo) / bins;
    const x = Float64Array.from({ length: bins }, (_, i) => lo + (i + 0.5) * width);
    const columns = reads.map(({ read }) => {
      const counts = single(read) ? new Float64Array(bins) : rebinHistogram(read.counts, read.lo, read.hi, lo, hi, bins);
      if (single(read)) counts[Math.min(bins - 1, Math.max(0, Math.floor((read.min - lo) / width)))] = read.total;
      const total = counts.reduce((a, b) => a + b, 0);
      return Array.from(counts, (c) => (total > 0 ? c / total : null));
    });
    const series = reads.map(({ run }) => ({ label: run.label, stroke: run.color, width: 1.75, points: { show: false }, legendKey: `run:${run.id}` }));
    return {
      key: ['runs', this.height, series.map((r) => `${r.label}|${r.stroke}`).join('\u0001'), JSON.stringify(l)].join(';'),
      data: [x, ...columns],
      series,
      scales: {
        x: { time: false, range: () => [lo, hi] },
        y: { range: (u, min, max) => [0, Number.isFinite(max) && max > 0 ? Math.min(1, max * 1.08) : 1] },
      },
      axes: [
        this.axis({ label: l.value, labelSize: 18, size: 34, values: (u, vals) => formatTicks(vals, 2) }),
        this.axis({ size: 48, values: (u, vals) => vals.map((v) => `${Math.round(100 * v)} %`) }),
      ],
      padding: [12, 24, 0, 0],
      // The histogram's table (bins added up) serves: every series is a run's.
      meta: { view: 'histogram', shown: 1, lo, width, runs: true },
    };
  }

  _bandsModel() {
    const l = this._l;
    const snaps = this.snapshots ?? [];
    const n = snaps.length;
    const x = new Float64Array(n);
    const cols = SERIES_NAMES.map(() => new Array(n));
    for (let i = 0; i < n; i++) {
      const r = this._read(snaps[i]);
      x[i] = Number.isFinite(r.step) ? r.step : i;
      for (let k = 0; k < cols.length; k++) cols[k][i] = Number.isFinite(r.percentiles[k]) ? r.percentiles[k] : null;
    }
    const base = viridis(0.3);
    const line = toHex(base);
    const faint = toRgba(base, 0.45);
    const names = [l.min, format(l.percentile, { p: 5 }), format(l.percentile, { p: 25 }), l.median, format(l.percentile, { p: 75 }), format(l.percentile, { p: 95 }), l.max];
    const series = names.map((label, k) => ({
      label,
      stroke: k === 3 ? line : faint,
      width: k === 3 ? 2 : 0.75,
      spanGaps: true,
      points: { show: false },
    }));
    // Each band is filled on its own, so the inner ones (drawn over the outer) come out darker.
    return {
      key: ['bands', this.height, JSON.stringify(l)].join(';'),
      data: [x, ...cols],
      series,
      bands: [
        { series: [7, 1], fill: toRgba(base, 0.1) },
        { series: [6, 2], fill: toRgba(base, 0.2) },
        { series: [5, 3], fill: toRgba(base, 0.3) },
      ],
      scales: { x: { time: false }, y: { range: (u, min, max) => (Number.isFinite(min) ? uPlot.rangeNum(min, max, 0.1, true) : [-1, 1]) } },
      axes: [this.axis({ label: l.step, labelSize: 18, size: 34 }), this.axis({ size: 56, values: (u, vals) => formatTicks(vals, 2) })],
      padding: [12, 24, 0, 0],
      // Points: one per snapshot and percentile drawn.
      meta: { view: 'bands' },
    };
  }

  _histogramModel() {
    const l = this._l;
    const snaps = this.snapshots ?? [];
    const shown = this.shownIndex;
    let x = new Float64Array(0);
    let current = [];
    let initial = [];
    let currentStep = null;
    let initialStep = null;
    let lo = 0;
    let width = 1;
    if (shown >= 0) {
      const cur = this._read(snaps[shown]);
      const first = this._read(snaps[0]);
      const bins = Math.max(cur.counts.length, first.counts.length, 1);
      lo = Math.min(cur.lo, first.lo);
      const hi = Math.max(cur.hi, first.hi);
      width = hi > lo ? (hi - lo) / bins : 1;
      x = Float64Array.from({ length: bins }, (_, i) => lo + (i + 0.5) * width);
      current = Array.from(rebinHistogram(cur.counts, cur.lo, cur.hi, lo, hi > lo ? hi : lo + 1, bins));
      currentStep = cur.step ?? shown;
      if (shown !== 0) {
        initial = Array.from(rebinHistogram(first.counts, first.lo, first.hi, lo, hi > lo ? hi : lo + 1, bins));
        initialStep = first.step ?? 0;
      } else {
        initial = new Array(bins).fill(null);
      }
    }
    const barColor = viridis(0.55);
    const series = [
      {
        label: format(l.current, { step: currentStep ?? '' }),
        stroke: toHex(barColor),
        fill: toRgba(barColor, 0.55),
        width: 1,
        paths: uPlot.paths.bars({ size: [1, Infinity], gap: 0 }),
        points: { show: false },
        legendKey: 'current',
      },
      {
        label: format(l.initial, { step: initialStep ?? '' }),
        stroke: '#555555',
        width: 1.25,
        dash: [4, 3],
        spanGaps: false,
        points: { show: false },
        legendKey: 'initial',
      },
    ];
    return {
      key: ['histogram', this.height, JSON.stringify(l)].join(';'),
      data: [x, current, initial],
      series,
      scales: {
        x: { time: false, range: (u, min, max) => (Number.isFinite(min) ? pad(min, max, x) : [-1, 1]) },
        y: { range: (u, min, max) => [0, Number.isFinite(max) && max > 0 ? max * 1.08 : 1] },
      },
      axes: [
        this.axis({ label: l.value, labelSize: 18, size: 34, values: (u, vals) => formatTicks(vals, 2) }),
        this.axis({ size: 56, values: (u, vals) => formatTicks(vals, 3) }),
      ],
      padding: [12, 24, 0, 0],
      points: shown >= 0 ? current.length : 0,
      // The grid of the bins (for the data table): bin i is [lo + i width, lo + (i + 1) width].
      meta: { view: 'histogram', shown, lo, width },
    };
  }

  formatTooltipX(x) {
    return this.view === 'histogram' ? `${this._l.value} ≈ ${formatNumber(x, 3)}` : `${this._l.step} ${x}`;
  }

  formatTooltipValue(_i, v) {
    return this.runs?.length ? `${(100 * v).toFixed(1)} %` : formatNumber(v, 4);
  }

  tableCaption() {
    const l = this._l;
    return `${this._title()} · ${this.view === 'histogram' ? l.histogram : l.bands}`;
  }

  /**
   * The histogram's table is over bins, not steps: a row per value range, with the count of each
   * histogram shown in it. With more bins than TABLE_ROWS, neighbouring bins are added up (every
   * value stays counted), rather than some bins left out.
   */
  tableModel(m) {
    if (m.meta.view !== 'histogram') return super.tableModel(m);
    const l = this._l;
    const [x, ...counts] = m.data;
    const bins = x.length;
    // The first histogram is a series only when another step is shown.
    const indices = m.series.map((_, i) => i).filter((i) => this.seriesShown(m, i) && (i === 0 || m.meta.shown > 0));
    const merge = Math.max(1, Math.ceil(bins / TABLE_ROWS));
    const { lo, width } = m.meta;
    const rows = [];
    for (let j = 0; j < bins; j += merge) {
      const end = Math.min(bins, j + merge);
      rows.push({
        x: format(l.binRange, { from: formatNumber(lo + j * width, 3), to: formatNumber(lo + end * width, 3) }),
        cells: indices.map((i) => {
          let sum = 0;
          for (let b = j; b < end; b++) sum += counts[i][b] ?? 0;
          return this.formatTooltipValue(i, sum);
        }),
      });
    }
    return {
      caption: this.tableCaption(),
      head: [l.bin, ...indices.map((i) => format(m.meta.runs ? l.shareAt : l.countAt, { series: m.series[i].label }))],
      rows,
      note: bins ? format(merge > 1 ? l.tableNoteBins : l.tableNoteAllBins, { bins, merge }) : '',
    };
  }

  summary(m) {
    const l = this._l;
    const snaps = this.snapshots ?? [];
    const quantity = this.quantity === 'gradients' ? l.gradients : l.weights;
    const tensor = this.tensor || '';
    if (m.meta.runs) {
      // Per run, the share of its values in the bin that holds 0 (where dead units' gradients are).
      const zero = Math.min(m.data[0].length - 1, Math.max(0, Math.floor((0 - m.meta.lo) / m.meta.width)));
      const parts = m.series.map((s, i) => format(l.runShare, { run: s.label, share: this.formatTooltipValue(i, m.data[i + 1][zero] ?? 0) }));
      return parts.length ? format(l.summaryRuns, { quantity, tensor, parts: parts.join(l.runSeparator) }) : `${format(l.title, { quantity, tensor })}: ${l.noData}`;
    }
    if (!snaps.length) return `${format(l.title, { quantity, tensor })}: ${l.noData}`;
    if (m.meta.view === 'histogram') {
      const r = this._read(snaps[m.meta.shown]);
      return format(l.summaryHistogram, {
        quantity, tensor, step: r.step ?? m.meta.shown, count: r.total, mean: formatNumber(r.mean, 3), std: formatNumber(r.std, 3),
        min: formatNumber(r.min, 3), max: formatNumber(r.max, 3),
      });
    }
    const r = this._read(snaps[snaps.length - 1]);
    const [min, p5, , median, , p95, max] = r.percentiles.map((v) => formatNumber(v, 3));
    return format(l.summaryBands, { quantity, tensor, step: r.step ?? snaps.length - 1, median, p5, p95, min, max });
  }

  legendGroups() {
    const l = this._l;
    if (this.runs?.length) return [{ items: this._runReads().map(({ run }, i) => ({ key: `run:${run.id}`, label: run.label, color: run.color, series: [i] })) }];
    if (this.view === 'histogram') {
      const snaps = this.snapshots ?? [];
      const shown = this.shownIndex;
      const barColor = viridis(0.55);
      const items = [{ key: 'current', label: format(l.current, { step: shown >= 0 ? snaps[shown].step ?? shown : '' }), color: toHex(barColor), fill: toRgba(barColor, 0.55), series: [0] }];
      if (shown > 0) items.push({ key: 'initial', label: format(l.initial, { step: snaps[0].step ?? 0 }), color: '#555555', dash: [4, 3], series: [1] });
      return [{ items }];
    }
    return [];
  }

  _title() {
    const l = this._l;
    const quantity = this.quantity === 'gradients' ? l.gradients : l.weights;
    return this.tensor ? format(l.title, { quantity, tensor: this.tensor }) : quantity;
  }

  renderTitle() {
    return html`<span class="title">${this._title()}</span>`;
  }

  renderControls() {
    if (this.runs?.length) return nothing;
    const l = this._l;
    const snaps = this.snapshots ?? [];
    const shown = this.shownIndex;
    const slider =
      this.view === 'histogram' && snaps.length > 1
        ? html`<label>${format(l.atStep, { step: snaps[shown]?.step ?? shown })}
            <input type="range" min="0" max=${snaps.length - 1} step="1" .value=${String(shown)} @input=${this._onIndex} aria-label=${l.step} />
          </label>`
        : nothing;
    if (this.noControls) return slider;
    return html`${slider}
      <span class="seg" role="group" aria-label=${l.viewGroup}>
        <button type="button" aria-pressed=${this.view !== 'histogram' ? 'true' : 'false'} @click=${() => this._setView('bands')}>${l.bands}</button>
        <button type="button" aria-pressed=${this.view === 'histogram' ? 'true' : 'false'} @click=${() => this._setView('histogram')}>${l.histogram}</button>
      </span>`;
  }

  renderFooter() {
    return this.view === 'histogram' || this.runs?.length ? nothing : html`<div class="note">${this._l.bandsLegend}</div>`;
  }

  _setView(view) {
    if (view === this.view) return;
    this.view = view;
    this.dispatchEvent(new CustomEvent('view-change', { detail: { view }, bubbles: true, composed: true }));
  }

  _onIndex(e) {
    const n = (this.snapshots ?? []).length;
    const i = Number(e.target.value);
    // Back at the end means "follow the latest step" again.
    this.index = i >= n - 1 ? -1 : i;
    this.dispatchEvent(new CustomEvent('snapshot-select', { detail: { index: i, step: this.snapshots[i]?.step }, bubbles: true, composed: true }));
  }
}

function pad(min, max, centres) {
  const half = centres.length > 1 ? (centres[1] - centres[0]) / 2 : 0.5;
  return [min - half, max + half];
}

customElements.define('nn-distribution-chart', NnDistributionChart);
