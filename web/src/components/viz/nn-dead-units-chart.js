// nn-dead-units-chart.js: <nn-dead-units-chart>, the share of dead units in each ReLU-like layer
// as one horizontal bar per layer (insight.js's activationStats, measured in the worker): the
// picture of "dying ReLU" that a loss curve does not show.

import { css, svg } from 'lit';
import { LayerBarsElement } from './layer-bars.js';
import { format } from './stats.js';
import VIZ_LABELS from '../../i18n/en/viz.js';

/** English defaults; the page passes translated strings through `labels`. */
export const DEAD_UNITS_CHART_LABELS = VIZ_LABELS['nn-dead-units-chart'];

/** The layer types whose units can die (or be stuck on the negative side). */
export const RECTIFIER_LIKE = Object.freeze(['relu', 'leaky_relu']);

const ROW = 26;
const LABEL_W = 128;
const TEXT_W = 112;
const pct = (x) => `${(100 * x).toFixed(1)} %`;

/**
 * @element nn-dead-units-chart
 *
 * @property {object[]} layers - activation statistics per layer, input first: {label, type, units,
 *   deadFraction, neverPositiveFraction} (other types than RECTIFIER_LIKE are skipped)
 * @property {number} step - the step they were measured at
 * @property {object[]} runs - several runs instead: [{id, label, color, layers}], each `layers` as
 *   above (with `index`, the layer's place, to group the runs' rows); a bar per run in its colour
 * @property {object} labels - translated strings, see DEAD_UNITS_CHART_LABELS
 *
 * @csspart plot - the bars (role="img", aria-label lists every layer's share)
 *
 * Read-only for tests: pointCount (layers drawn), drawn, `data-points` on the host, and
 * values() ([{label, deadFraction, neverPositiveFraction}] as drawn).
 */
export class NnDeadUnitsChart extends LayerBarsElement {
  static LABELS = DEAD_UNITS_CHART_LABELS;

  static styles = [...LayerBarsElement.styles, css`
    .negative {
      fill: var(--nn-viz-negative, #f3c4a8);
    }
    .dead {
      fill: var(--nn-viz-dead, #c0392b);
    }
  `];

  /** The rows drawn of `layers`: the rectifier layers. */
  rowsOf(layers) {
    return (layers ?? []).filter((x) => RECTIFIER_LIKE.includes(x.type))
      .map(({ index, label, short, deadFraction, neverPositiveFraction, units }) => ({ index, label, short, deadFraction, neverPositiveFraction, units }));
  }

  /** Several runs: per ReLU-like layer, a bar per run of its share of dead units. */
  #renderRuns() {
    const l = this._l;
    const groups = this.groups();
    const text = (row) => pct(row.deadFraction);
    const summary = !(this.runs ?? []).some((r) => r.layers?.length) ? l.noData
      : groups.length ? format(l.runsSummary, { parts: this.runsInWords(groups, text) }) : l.noLayers;
    const { body, height, width } = this.runBars(groups, { width: (row, bar) => bar * clamp01(row.deadFraction), text });
    return this.frameRuns({ groups, summary, note: format(l.atStep, { step: this.step }), width, height, body, text });
  }

  #summary(rows) {
    const l = this._l;
    if (!(this.layers ?? []).length) return l.noData;
    if (!rows.length) return l.noLayers;
    const parts = rows.map((r) => format(l.row, {
      layer: r.label, dead: pct(r.deadFraction), count: Math.round(r.deadFraction * r.units), units: r.units, negative: pct(r.neverPositiveFraction),
    }));
    return format(l.summary, { step: this.step, parts: parts.join(l.separator) });
  }

  render() {
    if (this.runs?.length) return this.#renderRuns();
    const rows = this.values();
    const summary = this.#summary(rows);
    const width = 420;
    const bar = width - LABEL_W - TEXT_W;
    return this.frame({
      rows, summary, width, height: rows.length * ROW,
      body: rows.map((r, i) => {
        const y = i * ROW + 4;
        const h = ROW - 8;
        return svg`<g>
          <text x="0" y=${y + h / 2}>${r.label}</text>
          <rect class="track" x=${LABEL_W} y=${y} width=${bar} height=${h} rx="2"></rect>
          <rect class="negative" x=${LABEL_W} y=${y} width=${bar * clamp01(r.neverPositiveFraction)} height=${h} rx="2"></rect>
          <rect class="dead" x=${LABEL_W} y=${y + 3} width=${bar * clamp01(r.deadFraction)} height=${h - 6} rx="2"></rect>
          <text class="value" x=${LABEL_W + bar + 8} y=${y + h / 2}>${pct(r.deadFraction)}</text>
        </g>`;
      }),
    });
  }
}

function clamp01(x) {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

customElements.define('nn-dead-units-chart', NnDeadUnitsChart);
