// nn-activation-stats-chart.js: <nn-activation-stats-chart>, the scale of each activation layer's
// output (mean and standard deviation over a fixed set of test samples, insight.js's
// activationStats): with a poor initialisation the std shrinks or grows layer after layer, which
// the log axis shows as bars stepping down or up by decades.

import { css, svg } from 'lit';
import { LayerBarsElement } from './layer-bars.js';
import { format, formatNumber } from './stats.js';
import VIZ_LABELS from '../../i18n/en/viz.js';

/** English defaults; the page passes translated strings through `labels`. */
export const ACTIVATION_STATS_CHART_LABELS = VIZ_LABELS['nn-activation-stats-chart'];

/** The std axis: 10^LO .. 10^HI (a std outside is drawn at the edge). */
const LO = -4;
const HI = 2;
const ROW = 24;
// A stack of one or two activation layers would be a thin line in its card: its rows grow, up
// to ROW_MAX, until the bars fill MIN_PLOT.
const ROW_MAX = 96;
const MIN_PLOT = 144;
const LABEL_W = 128;
const TEXT_W = 150;
const AXIS_H = 18;

/**
 * @element nn-activation-stats-chart
 *
 * @property {object[]} layers - per activation layer, input first: {label, type, mean, std}
 *   (softmax outputs are skipped: their scale is fixed by construction)
 * @property {number} step - the step they were measured at
 * @property {object[]} runs - several runs instead: [{id, label, color, layers}], each `layers` as
 *   above (with `index`, the layer's place, to group the runs' rows); a bar per run in its colour
 * @property {object} labels - translated strings, see ACTIVATION_STATS_CHART_LABELS
 *
 * @csspart plot - the bars (role="img", aria-label lists every layer's mean and std)
 *
 * Read-only for tests: pointCount (layers drawn), drawn, `data-points` on the host, values().
 */
export class NnActivationStatsChart extends LayerBarsElement {
  static LABELS = ACTIVATION_STATS_CHART_LABELS;

  static styles = [...LayerBarsElement.styles, css`
    .std {
      fill: var(--nn-viz-accent, #0072b2);
    }
    .tick {
      stroke: var(--nn-viz-muted, #666);
      stroke-width: 0.5;
      stroke-dasharray: 2 2;
    }
    .axis {
      font-size: 10.5px;
      fill: var(--nn-viz-muted, #666);
      text-anchor: middle;
    }
  `];

  rowsOf(layers) {
    return (layers ?? []).filter((x) => x.type !== 'softmax').map(({ index, label, short, type, mean, std }) => ({ index, label, short, type, mean, std }));
  }

  /** Several runs: per activation layer, a bar per run of its output's std on the log axis. */
  #renderRuns() {
    const l = this._l;
    const groups = this.groups();
    const text = (row) => formatNumber(row.std, 2);
    const summary = groups.length ? format(l.runsSummary, { when: format(l.atStep, { step: this.step }), parts: this.runsInWords(groups, text) }) : l.noData;
    const scale = (std, bar) => (bar * (Math.min(HI, Math.max(LO, Math.log10(Math.max(std, 1e-30)))) - LO)) / (HI - LO);
    const ticks = [];
    for (let e = LO; e <= HI; e += 2) ticks.push(e);
    const axis = ({ height: top, left, bar }) => svg`${ticks.map((e) => svg`<line class="tick" x1=${left + scale(10 ** e, bar)} x2=${left + scale(10 ** e, bar)} y1="0" y2=${top}></line>
      <text class="axis" x=${left + scale(10 ** e, bar)} y=${top + AXIS_H / 2 + 2}>${e === 0 ? '1' : `1e${e}`}</text>`)}`;
    const { body, height, width } = this.runBars(groups, { width: (row, bar) => scale(row.std, bar), text, axis, axisHeight: AXIS_H });
    return this.frameRuns({ groups, summary, note: `${format(l.atStep, { step: this.step })} · ${l.std}`, width, height, body, text });
  }

  render() {
    if (this.runs?.length) return this.#renderRuns();
    const l = this._l;
    const rows = this.values();
    const parts = rows.map((r) => format(l.row, { layer: r.label, mean: formatNumber(r.mean, 3), std: formatNumber(r.std, 3) }));
    const summary = rows.length ? format(l.summary, { step: this.step, parts: parts.join(l.separator) }) : l.noData;
    const width = 440;
    const bar = width - LABEL_W - TEXT_W;
    const x = (std) => LABEL_W + bar * (Math.min(HI, Math.max(LO, Math.log10(Math.max(std, 1e-30)))) - LO) / (HI - LO);
    const rowH = rows.length ? Math.max(ROW, Math.min(ROW_MAX, Math.floor(MIN_PLOT / rows.length))) : ROW;
    const height = rows.length * rowH + AXIS_H;
    const ticks = [];
    for (let e = LO; e <= HI; e += 2) ticks.push(e);
    return this.frame({
      rows, summary, note: ` · ${l.std}`, width, height,
      body: svg`${ticks.map((e) => svg`<line class="tick" x1=${x(10 ** e)} x2=${x(10 ** e)} y1="0" y2=${rows.length * rowH}></line>
              <text class="axis" x=${x(10 ** e)} y=${rows.length * rowH + AXIS_H / 2 + 2}>${e === 0 ? '1' : `1e${e}`}</text>`)}
            ${rows.map((r, i) => {
              const y = i * rowH + 4;
              const h = rowH - 8;
              return svg`<g>
                <text x="0" y=${y + h / 2}>${r.label}</text>
                <rect class="std" x=${LABEL_W} y=${y} width=${Math.max(0, x(r.std) - LABEL_W)} height=${h} rx="2"></rect>
                <text class="value" x=${LABEL_W + bar + 8} y=${y + h / 2}>${formatNumber(r.mean, 2)} ± ${formatNumber(r.std, 2)}</text>
              </g>`;
            })}`,
    });
  }
}

customElements.define('nn-activation-stats-chart', NnActivationStatsChart);
