// nn-lab-chart.js: <nn-lab-chart>, the labs' curves (an activation and its derivative, a loss
// against p, accuracy of two runs) drawn by the metric chart, with what a curve needs that a
// training log does not: a y range that goes below zero, a legend and tooltip that name each curve
// and nothing else (no "train" after it), and a log axis labelled per decade (chart-ticks.js).

import { NnMetricChart } from '../components/viz/nn-metric-chart.js';
import { LINEAR_STEPS, decadeLabel, decadeSplits, linearSplits, signedRange, tickLabel } from './chart-ticks.js';

export class NnLabChart extends NnMetricChart {
  model() {
    const m = super.model();
    const runs = this.runs ?? [];
    // The labs pass one train log per run and no smoothing: one series per run, named by the run.
    m.series = m.series.map((s, i) => ({ ...s, label: runs[i]?.label ?? s.label }));
    if (this.metric === 'accuracy') return m;
    if (this.log) {
      m.axes[1] = {
        ...m.axes[1],
        splits: (u) => decadeSplits(u.scales.y.min, u.scales.y.max),
        // uPlot's log filter keeps only some powers of ten by its own rule: keep every split given.
        filter: (u, splits) => splits,
        values: (u, vals) => vals.map((v) => (v > 0 ? decadeLabel(Math.round(Math.log10(v))) : '')),
      };
    } else {
      m.scales.y = { range: (u, min, max) => signedRange(min, max) };
      m.axes[1] = {
        ...m.axes[1],
        incrs: LINEAR_STEPS,
        splits: (u) => linearSplits(u.scales.y.min, u.scales.y.max),
        values: (u, vals) => vals.map(tickLabel),
      };
    }
    return m;
  }

  legendGroups() {
    return [{ label: '', items: super.legendGroups().flatMap((g) => g.items.map((item) => ({ ...item, label: g.label || item.label }))) }];
  }
}

customElements.define('nn-lab-chart', NnLabChart);
