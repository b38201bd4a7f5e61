// nn-activation-stats-chart.js: <nn-activation-stats-chart>, the scale of each activation layer's
// output (mean and standard deviation over a fixed set of test samples, insight.js's
// activationStats): with a poor initialisation the std shrinks or grows layer after layer, which
// the log axis shows as bars stepping down or up by decades.

import { LitElement, css, html, nothing, svg } from 'lit';
import { mergeLabels, vizBaseStyles } from './chart-base.js';
import { format, formatNumber } from './stats.js';

/** English defaults; the page passes translated strings through `labels`. */
export const ACTIVATION_STATS_CHART_LABELS = {
  title: 'Activation scale per layer',
  atStep: 'step {step}',
  std: 'std (log axis)',
  row: '{layer}: mean {mean}, std {std}',
  summary: 'activations at step {step}: {parts}',
  noData: 'activation statistics: no data yet',
  separator: '; ',
};

/** The std axis: 10^LO .. 10^HI (a std outside is drawn at the edge). */
const LO = -4;
const HI = 2;
const ROW = 24;
const LABEL_W = 128;
const TEXT_W = 150;
const AXIS_H = 18;

/**
 * @element nn-activation-stats-chart
 *
 * @property {object[]} layers - per activation layer, input first: {label, type, mean, std}
 *   (softmax outputs are skipped: their scale is fixed by construction)
 * @property {number} step - the step they were measured at
 * @property {object} labels - translated strings, see ACTIVATION_STATS_CHART_LABELS
 *
 * @csspart plot - the bars (role="img", aria-label lists every layer's mean and std)
 *
 * Read-only for tests: pointCount (layers drawn), drawn, `data-points` on the host, values().
 */
export class NnActivationStatsChart extends LitElement {
  static properties = {
    layers: { attribute: false },
    step: { type: Number },
    labels: { attribute: false },
  };

  static styles = [vizBaseStyles, css`
    svg {
      display: block;
      width: 100%;
      overflow: visible;
    }
    .track {
      fill: var(--nn-viz-track, #eef0f3);
    }
    .std {
      fill: var(--nn-viz-accent, #0072b2);
    }
    .tick {
      stroke: var(--nn-viz-muted, #666);
      stroke-width: 0.5;
      stroke-dasharray: 2 2;
    }
    text {
      font-size: 12px;
      fill: currentColor;
      dominant-baseline: middle;
    }
    .axis {
      font-size: 10.5px;
      fill: var(--nn-viz-muted, #666);
      text-anchor: middle;
    }
    .value {
      font-variant-numeric: tabular-nums;
    }
  `];

  constructor() {
    super();
    this.layers = [];
    this.step = 0;
    this.labels = undefined;
    this.pointCount = 0;
    this.drawn = false;
  }

  get _l() {
    return mergeLabels(ACTIVATION_STATS_CHART_LABELS, this.labels);
  }

  values() {
    return (this.layers ?? []).filter((x) => x.type !== 'softmax').map(({ label, type, mean, std }) => ({ label, type, mean, std }));
  }

  updated() {
    const n = this.values().length;
    this.pointCount = n;
    this.drawn = this.drawn || n > 0;
    this.setAttribute('data-points', String(n));
  }

  render() {
    const l = this._l;
    const rows = this.values();
    const parts = rows.map((r) => format(l.row, { layer: r.label, mean: formatNumber(r.mean, 3), std: formatNumber(r.std, 3) }));
    const summary = rows.length ? format(l.summary, { step: this.step, parts: parts.join(l.separator) }) : l.noData;
    const width = 440;
    const bar = width - LABEL_W - TEXT_W;
    const x = (std) => LABEL_W + bar * (Math.min(HI, Math.max(LO, Math.log10(Math.max(std, 1e-30)))) - LO) / (HI - LO);
    const height = rows.length * ROW + AXIS_H;
    const ticks = [];
    for (let e = LO; e <= HI; e += 2) ticks.push(e);
    return html`
      <div class="head"><span class="title">${l.title}</span>
        ${rows.length ? html`<span class="note">${format(l.atStep, { step: this.step })} · ${l.std}</span>` : nothing}</div>
      ${rows.length
        ? html`<svg part="plot" role="img" aria-label=${summary} viewBox=${`0 0 ${width} ${height}`} preserveAspectRatio="xMinYMin meet">
            ${ticks.map((e) => svg`<line class="tick" x1=${x(10 ** e)} x2=${x(10 ** e)} y1="0" y2=${rows.length * ROW}></line>
              <text class="axis" x=${x(10 ** e)} y=${rows.length * ROW + AXIS_H / 2 + 2}>${e === 0 ? '1' : `1e${e}`}</text>`)}
            ${rows.map((r, i) => {
              const y = i * ROW + 4;
              const h = ROW - 8;
              return svg`<g>
                <text x="0" y=${y + h / 2}>${r.label}</text>
                <rect class="std" x=${LABEL_W} y=${y} width=${Math.max(0, x(r.std) - LABEL_W)} height=${h} rx="2"></rect>
                <text class="value" x=${LABEL_W + bar + 8} y=${y + h / 2}>${formatNumber(r.mean, 2)} ± ${formatNumber(r.std, 2)}</text>
              </g>`;
            })}
          </svg>`
        : html`<div class="empty" role="img" aria-label=${summary}>${summary}</div>`}
    `;
  }
}

customElements.define('nn-activation-stats-chart', NnActivationStatsChart);
