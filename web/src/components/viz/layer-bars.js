// layer-bars.js: what the per-layer bar charts share (<nn-dead-units-chart>,
// <nn-activation-stats-chart>): the properties {layers, step, labels}, the read-only state tests
// use, and the frame around the bars: a title with the step, then an SVG with one row per layer
// or, without rows, the summary as text. A subclass gives LABELS, values() and render().

import { LitElement, css, html, nothing } from 'lit';
import { mergeLabels, vizBaseStyles } from './chart-base.js';
import { format } from './stats.js';

export class LayerBarsElement extends LitElement {
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
    text {
      font-size: 12px;
      fill: currentColor;
      dominant-baseline: middle;
    }
    .value {
      font-variant-numeric: tabular-nums;
    }
  `];

  /** English defaults of the subclass's strings (title, atStep, ...). */
  static LABELS = {};

  constructor() {
    super();
    this.layers = [];
    this.step = 0;
    this.labels = undefined;
    this.pointCount = 0;
    this.drawn = false;
  }

  get _l() {
    return mergeLabels(this.constructor.LABELS, this.labels);
  }

  /** The rows drawn, one per layer (the subclass chooses which layers and what of them). */
  values() {
    return [];
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
