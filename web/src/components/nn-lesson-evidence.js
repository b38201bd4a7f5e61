// nn-lesson-evidence.js: beside a lesson's text, the chart its "look at" names, drawing every run
// of the lesson in that run's colour (the colour of the run list and the loss chart): loss or
// accuracy curves, the gradient norm of each layer, one layer's gradient histogram, the dead units
// and the activation scale per layer, or one decision boundary per run side by side. Where the lesson names several views, a
// row of buttons switches between them. It draws what each finished run recorded (LiveRun's
// evidence), not the live views, so a claim about several runs is checked on all of them at once.

import { LitElement, css, html, nothing } from 'lit';
import { t, updateWhenLocaleChanges, vizLabels } from '../i18n/index.js';
import { memo } from '../shell/memo.js';
import { swatch } from './styles.js';
import './viz/nn-metric-chart.js';
import './viz/nn-grad-norm-chart.js';
import './viz/nn-distribution-chart.js';
import './viz/nn-dead-units-chart.js';
import './viz/nn-activation-stats-chart.js';
import './viz/nn-decision-boundary.js';

/** The views a lesson may name that the evidence draws, in the order of lessons.json's names. */
export const EVIDENCE_VIEWS = Object.freeze(['loss-chart', 'accuracy-chart', 'norm-chart', 'grads-chart', 'dead-units', 'activation-stats', 'boundary']);

/**
 * @element nn-lesson-evidence
 *
 * @property {string[]} views - the lesson's look.views (those not in EVIDENCE_VIEWS are left out)
 * @property {object[]} experiments - the lesson's experiments ({id, experiment}), for the layers' names
 * @property {object[]} results - the lesson's finished runs: {id, label, color, evidence} (LiveRun's
 *   lessonResult), in the order they ran
 * @property {boolean} running - the lesson's runs are in progress
 *
 * The student's choice of view is its own state; it emits no event.
 * Read-only for tests: view (the view shown), drawnRuns (the labels of the runs the view draws).
 *
 * @csspart chart - the element that draws the view (one per run for the boundary)
 */
export class NnLessonEvidence extends LitElement {
  static properties = {
    views: { attribute: false },
    experiments: { attribute: false },
    results: { attribute: false },
    running: { type: Boolean },
    _view: { state: true },
    _when: { state: true },
    _tensor: { state: true },
  };

  static styles = [swatch, css`
    :host {
      display: block;
      min-width: 0;
    }
    h4 {
      margin: 0 0 4px;
      font-size: 13.5px;
    }
    .tabs {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
      margin-bottom: 6px;
    }
    button {
      font: inherit;
      font-size: 12.5px;
      padding: 2px 10px;
      min-height: 28px;
      border: 1px solid var(--nn-border, #b8bcc4);
      border-radius: 14px;
      background: var(--nn-button, #f6f7f9);
      color: inherit;
      cursor: pointer;
    }
    button[aria-pressed='true'] {
      background: var(--nn-accent, #1a73e8);
      border-color: var(--nn-accent, #1a73e8);
      color: #fff;
    }
    button:focus-visible {
      outline: 2px solid var(--nn-focus, #1a73e8);
      outline-offset: 1px;
    }
    .pick {
      display: flex;
      align-items: center;
      gap: 6px;
      margin-bottom: 4px;
      font-size: 12px;
      color: var(--nn-muted, #5a5f69);
    }
    select {
      font: inherit;
      font-size: 12.5px;
      min-height: 28px;
      max-width: 100%;
    }
    .when {
      display: flex;
      align-items: center;
      gap: 4px;
      margin-bottom: 4px;
      font-size: 12px;
      color: var(--nn-muted, #5a5f69);
    }
    .note,
    .empty {
      font-size: 12px;
      color: var(--nn-muted, #5a5f69);
      margin: 4px 0 0;
    }
    .empty {
      padding: 18px 10px;
      border: 1px dashed var(--nn-border, #b8bcc4);
      border-radius: 6px;
      text-align: center;
    }
    .maps {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
      gap: 8px;
      margin: 0;
    }
    figure {
      margin: 0;
      min-width: 0;
    }
    figcaption {
      font-size: 12.5px;
      font-weight: 600;
      overflow-wrap: anywhere;
    }
  `];

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.views = [];
    this.experiments = [];
    this.results = [];
    this.running = false;
    this._view = '';
    this._when = 'start';
    this._tensor = 0;
  }

  /** The views of the lesson this element draws. */
  get #shown() {
    return (this.views ?? []).filter((v) => EVIDENCE_VIEWS.includes(v));
  }

  /** The view shown: the one chosen, else the lesson's first. */
  get view() {
    const shown = this.#shown;
    return shown.includes(this._view) ? this._view : shown[0] ?? '';
  }

  /** The labels of the runs the view shown draws (those that recorded what it needs). */
  get drawnRuns() {
    return this.#runsFor(this.view).map((r) => r.label);
  }

  /** The finished runs with their evidence. */
  get #runs() {
    return (this.results ?? []).filter((r) => r.evidence);
  }

  /** "layer 2 · ReLU", as the layer rows and the network drawing number it (layer N is layers[N-1]). */
  #layerLabel(result, index, type) {
    const layers = this.experiments?.find((e) => e.id === result.id)?.experiment.layers;
    const kind = type ?? layers?.[index]?.type;
    return kind ? t('chart.tensor', { n: index + 1, name: t(`layer.${kind}`) }) : t('evidence.layer', { n: index + 1 });
  }

  #metricRuns = memo((results) => results.map((r) => ({
    id: r.id, label: r.label, color: r.color, train: r.evidence.train, test: r.evidence.test,
  })));

  #normRuns = memo((results) => results.filter((r) => r.evidence.norms.steps.length).map((r) => ({
    id: r.id, label: r.label, color: r.color, steps: r.evidence.norms.steps, norms: r.evidence.norms.norms,
    layers: r.evidence.norms.layers.map((index) => this.#layerLabel(r, index)),
  })));

  #layerRuns = memo((results, when) => results.filter((r) => r.evidence.activations[when].length).map((r) => ({
    id: r.id, label: r.label, color: r.color, step: when === 'start' ? 0 : r.evidence.activations.step,
    layers: r.evidence.activations[when].map((a) => ({
      ...a, label: this.#layerLabel(r, a.index, a.type), short: t('evidence.layer', { n: a.index + 1 }),
    })),
  })));

  #gradRuns = memo((results, k) => results.filter((r) => r.evidence.grads?.[k]).map((r) => ({
    id: r.id, label: r.label, color: r.color, snapshot: r.evidence.grads[k],
  })));

  /** The weight tensors whose gradients the runs kept: [{index (the layer's place), label}], the first run's. */
  #weightLayers() {
    const first = this.#runs.find((r) => r.evidence.grads?.length);
    return first ? first.evidence.norms.layers.map((index) => ({ index, label: this.#layerLabel(first, index) })) : [];
  }

  #runsFor(view) {
    const runs = this.#runs;
    switch (view) {
      case 'grads-chart': return this.#gradRuns(runs, this._tensor);
      case 'loss-chart':
      case 'accuracy-chart': return this.#metricRuns(runs);
      case 'norm-chart': return this.#normRuns(runs);
      case 'dead-units': return this.#layerRuns(runs, 'end');
      case 'activation-stats': return this.#layerRuns(runs, this._when);
      case 'boundary': return runs.filter((r) => r.evidence.boundary);
      default: return [];
    }
  }

  render() {
    const shown = this.#shown;
    if (!shown.length) return nothing;
    const view = this.view;
    return html`<section aria-labelledby="evidence-title">
      <h4 id="evidence-title">${t('evidence.title')}</h4>
      ${shown.length > 1 ? html`<div class="tabs" role="group" aria-label=${t('evidence.views')}>
        ${shown.map((v) => html`<button type="button" data-view=${v} aria-pressed=${v === view ? 'true' : 'false'}
          @click=${() => { this._view = v; }}>${t(`evidence.view.${v}`)}</button>`)}
      </div>` : nothing}
      ${this.#runs.length ? this.#renderView(view) : html`<p class="empty">${t(this.running ? 'evidence.running' : 'evidence.empty')}</p>`}
    </section>`;
  }

  #renderView(view) {
    const runs = this.#runsFor(view);
    const lossKind = this.experiments?.[0]?.experiment.loss?.type ?? 'cross_entropy';
    const classes = this.#runs[0]?.evidence.classes ?? 0;
    switch (view) {
      case 'loss-chart':
      case 'accuracy-chart':
        return html`<nn-metric-chart part="chart" data-view=${view} metric=${view === 'loss-chart' ? 'loss' : 'accuracy'} .runs=${runs}
          .classes=${classes} .lossKind=${lossKind} .height=${180} .labels=${vizLabels('nn-metric-chart')}></nn-metric-chart>`;
      case 'norm-chart':
        return html`<nn-grad-norm-chart part="chart" data-view=${view} .runs=${runs} .height=${240}
          .labels=${vizLabels('nn-grad-norm-chart')}></nn-grad-norm-chart>
          <p class="note">${t('evidence.normNote')}</p>`;
      case 'grads-chart': {
        const layers = this.#weightLayers();
        const k = Math.min(this._tensor, Math.max(0, layers.length - 1));
        return html`<div class="pick"><label for="grads-layer">${t('chart.layer')}</label>
            <select id="grads-layer" .value=${String(k)} @change=${(e) => { this._tensor = Number(e.target.value); }}>
              ${layers.map((layer, i) => html`<option value=${i} ?selected=${i === k}>${layer.label}</option>`)}
            </select></div>
          <nn-distribution-chart part="chart" data-view=${view} quantity="gradients" .tensor=${layers[k]?.label ?? ''} .runs=${runs} .height=${200}
            .labels=${vizLabels('nn-distribution-chart')}></nn-distribution-chart>
          <p class="note">${t('evidence.gradsNote')}</p>`;
      }
      case 'dead-units':
        return html`<nn-dead-units-chart part="chart" data-view=${view} .runs=${runs}
          .labels=${{ ...vizLabels('nn-dead-units-chart'), atStep: t('evidence.atEndStep') }}></nn-dead-units-chart>`;
      case 'activation-stats':
        return html`<div class="when" role="group" aria-label=${t('evidence.when')}>${t('evidence.when')}
            ${['start', 'end'].map((w) => html`<button type="button" data-when=${w} aria-pressed=${w === this._when ? 'true' : 'false'}
              @click=${() => { this._when = w; }}>${t(w === 'start' ? 'evidence.atStart' : 'evidence.atEnd')}</button>`)}</div>
          <nn-activation-stats-chart part="chart" data-view=${view} .runs=${runs} .step=${this._when === 'start' ? 0 : NaN}
            .labels=${{ ...vizLabels('nn-activation-stats-chart'), ...(this._when === 'end' ? { atStep: t('evidence.atEndStep') } : {}) }}></nn-activation-stats-chart>`;
      case 'boundary':
        return html`<div class="maps">${runs.map((r) => this.#renderBoundary(r))}</div>
          <p class="note">${t('evidence.boundaryNote')}</p>`;
      default:
        return nothing;
    }
  }

  #renderBoundary(r) {
    const { boundary, points } = r.evidence;
    // The caption names the run beside its colour; the map's own title and legend would repeat it.
    const labels = { ...vizLabels('nn-decision-boundary'), title: '', legend: '' };
    return html`<figure data-run=${r.id}>
      <figcaption><span class="swatch" aria-hidden="true" .style=${`background: ${r.color}`}></span>${r.label}</figcaption>
      <nn-decision-boundary part="chart" data-view="boundary" .grid=${boundary.grid} .resolution=${boundary.resolution} .extent=${boundary.extent}
        .points=${points?.x ?? null} .pointLabels=${points?.labels ?? null} .labels=${labels}></nn-decision-boundary>
    </figure>`;
  }
}

customElements.define('nn-lesson-evidence', NnLessonEvidence);
