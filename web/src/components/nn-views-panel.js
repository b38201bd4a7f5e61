// nn-views-panel.js: the views below the loss and accuracy charts: the weight and gradient
// distributions of a chosen layer, the gradient norms, dead units and activation scale, the
// confusion matrix, and per data set the digit grid, the draw pad and the first layer's filters
// (MNIST) or the decision boundary (2-D sets). It draws the live run (shell/live-run.js) through
// the page's view scheduler, whose gate() says which value each view shows now.
//
// It renders into the page's own shadow root, not a shadow root of its own: the page's
// IntersectionObserver watches its [data-view] sections and the scheduler redraws its charts in
// place, and its sections are cards laid out by the page's grid.

import { LitElement, html } from 'lit';
import { formatInteger, language, t, updateWhenLocaleChanges, vizLabels } from '../i18n/index.js';
import { memo } from '../shell/memo.js';
import './viz/nn-distribution-chart.js';
import './viz/nn-grad-norm-chart.js';
import './viz/nn-confusion-matrix.js';
import './viz/nn-digit-grid.js';
import './viz/nn-draw-pad.js';
import './viz/nn-filter-images.js';
import './viz/nn-decision-boundary.js';
import './viz/nn-dead-units-chart.js';
import './viz/nn-activation-stats-chart.js';

const EMPTY = Object.freeze([]);

/**
 * @element nn-views-panel
 *
 * @property {LiveRun} run - the live run (updated in place: `frame` says when to look again)
 * @property {number} frame - the scheduler's frame count
 * @property {object} info - the worker's answer for the run (tensors, classes, the digit grid, the points)
 * @property {object} experiment - the experiment in use (its layers name the tensors)
 * @property {object} scheduler - the page's ViewScheduler (gate(view, value))
 * @property {number} tensor - the index of the weight tensor whose distributions show
 * @property {Float32Array} padProbs - the draw pad's predicted probabilities, or null
 *
 * @fires tensor-change - the user picked a layer; detail {index}
 * @fires digit-input - a drawing (or a test digit put on the pad) to predict; detail {pixels}
 * @fires digit-clear - the draw pad was cleared
 */
export class NnViewsPanel extends LitElement {
  static properties = {
    run: { attribute: false },
    frame: { type: Number },
    info: { attribute: false },
    experiment: { attribute: false },
    scheduler: { attribute: false },
    tensor: { type: Number },
    padProbs: { attribute: false },
  };

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.run = null;
    this.frame = 0;
    this.info = null;
    this.experiment = null;
    this.scheduler = null;
    this.tensor = 0;
    this.padProbs = null;
  }

  createRenderRoot() {
    return this;
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  #gate(view, value) {
    return this.scheduler ? this.scheduler.gate(view, value) : value;
  }

  #weights = memo((info) => (info?.tensors ?? []).filter((x) => x.role === 'weight'), (info) => [info?.tensors]);
  /** Labels of the weight tensors ("layer 2 · Dense"), the same array until the run or language changes. */
  #weightLabels = memo((weights, lang, layers) => weights.map((w) => this.#tensorLabel(w, layers)));
  /** The activation layers the worker measured, labelled like the tensors ("layer 2 · ReLU"). */
  #activationRows = memo((activations, lang, layers) => (activations?.layers ?? []).map((a) => ({
    ...a, label: layers?.[a.index] ? t('chart.tensor', { n: a.index + 1, name: t(`layer.${layers[a.index].type}`) }) : `${a.type} ${a.index + 1}`,
  })));
  /** The shape of the filters the worker sent (its first `count` units), the same array while unchanged. */
  #filterShape = memo((f, tensors) => {
    if (!f) return null;
    const tensor = tensors?.find((x) => x.name === f.name);
    return tensor ? [f.count, ...tensor.shape.slice(1)] : [f.count, f.channels * f.height * f.width];
  }, (f, tensors) => [f?.name, f?.count, tensors]);

  #tensorLabel(tensor, layers) {
    const layer = layers?.[tensor.layer];
    return layer ? t('chart.tensor', { n: tensor.layer + 1, name: t(`layer.${layer.type}`) }) : tensor.name;
  }

  render() {
    const run = this.run;
    if (!run) return html``;
    const info = this.info;
    const weights = this.#weights(info);
    const labels = this.#weightLabels(weights, language(), this.experiment?.layers);
    const index = Math.min(this.tensor, weights.length - 1);
    const tensor = weights[index];
    const snaps = tensor ? run.snapshots.get(tensor.name) : null;
    const mnist = this.experiment?.data.set === 'mnist';
    const confusion = this.#gate('confusion', run.confusion);
    return html`<div class="more" data-part="views">
      <section class="card wide" aria-labelledby="h-dist">
        <h2 id="h-dist">${t('chart.distributions')}</h2>
        <div class="pick">
          <label for="tensor">${t('chart.layer')}</label>
          <select id="tensor" .value=${String(index)} @change=${(e) => this.#emit('tensor-change', { index: Number(e.target.value) })}>
            ${weights.map((w, i) => html`<option value=${i} ?selected=${i === index}>${labels[i]}</option>`)}
          </select>
          <span class="note">${t('chart.distributionsNote')}</span>
        </div>
        <div class="pair">
          <nn-distribution-chart id="weights-chart" data-view="weights" quantity="weights" .tensor=${labels[index] ?? ''}
            .snapshots=${snaps?.weights ?? EMPTY} .labels=${vizLabels('nn-distribution-chart')}></nn-distribution-chart>
          <nn-distribution-chart id="grads-chart" data-view="grads" quantity="gradients" .tensor=${labels[index] ?? ''}
            .snapshots=${snaps?.grads ?? EMPTY} .labels=${vizLabels('nn-distribution-chart')}></nn-distribution-chart>
        </div>
      </section>
      <section class="card" aria-label=${t('chart.gradNorms')} data-view="norms">
        <nn-grad-norm-chart id="norm-chart" .layers=${labels} .steps=${run.norms.steps} .norms=${run.norms.norms}
          .length=${this.#gate('norms', run.norms.length)} .labels=${vizLabels('nn-grad-norm-chart')}></nn-grad-norm-chart>
        <p class="note">${t('chart.gradNormsNote')}</p>
      </section>
      ${this.#renderInsight(run)}
      <section class="card" aria-label=${t('chart.confusion')} data-view="confusion">
        <nn-confusion-matrix id="confusion" .matrix=${confusion?.matrix ?? null} .classes=${info?.classes ?? 10}
          .labels=${vizLabels('nn-confusion-matrix')}></nn-confusion-matrix>
        <p class="note">${t('chart.confusionNote', { n: formatInteger(confusion?.subset ?? 0) })}</p>
      </section>
      ${mnist ? this.#renderMnistViews(run, info) : this.#renderBoundary(run, info)}
    </div>`;
  }

  /** Dead units and activation scale per layer (insight.js, measured in the worker at the stats rate). */
  #renderInsight(run) {
    const rows = this.#activationRows(run.activations, language(), this.experiment?.layers);
    const step = run.activations?.step ?? 0;
    const samples = rows[0]?.samples ?? 512;
    return html`
      <section class="card" aria-label=${t('chart.deadUnits')} data-view="dead-units">
        <nn-dead-units-chart id="dead-units" .layers=${rows} .step=${step} .labels=${vizLabels('nn-dead-units-chart')}></nn-dead-units-chart>
        <p class="note">${t('chart.deadUnitsNote', { n: formatInteger(samples) })}</p>
      </section>
      <section class="card" aria-label=${t('chart.activations')} data-view="activation-stats">
        <nn-activation-stats-chart id="activation-stats" .layers=${rows} .step=${step}
          .labels=${vizLabels('nn-activation-stats-chart')}></nn-activation-stats-chart>
        <p class="note">${t('chart.activationsNote', { n: formatInteger(samples) })}</p>
      </section>`;
  }

  #renderBoundary(run, info) {
    return html`<section class="card wide" aria-label=${t('chart.boundary')} data-view="boundary">
      <nn-decision-boundary id="boundary" .grid=${this.#gate('boundary', run.boundary?.grid ?? null)} .resolution=${run.boundary?.resolution ?? 0}
        .extent=${info?.points?.extent ?? [-1.5, 1.5]} .points=${info?.points?.x ?? null} .pointLabels=${info?.points?.labels ?? null}
        .labels=${vizLabels('nn-decision-boundary')}></nn-decision-boundary>
      <p class="note">${t('chart.boundaryNote')}</p>
    </section>`;
  }

  #renderMnistViews(run, info) {
    const filters = this.#gate('filters', run.filters);
    return html`
      <section class="card wide" aria-label=${t('chart.digits')} data-view="digits">
        <nn-digit-grid id="digits" .images=${info?.grid?.pixels ?? null} .trueLabels=${info?.grid?.labels ?? null}
          .probabilities=${this.#gate('digits', run.gridProbs)} .classes=${info?.classes ?? 10} .max=${30} tryable
          .labels=${vizLabels('nn-digit-grid')} @digit-try=${(e) => this.#tryDigit(e.detail)}></nn-digit-grid>
      </section>
      <section class="card" aria-label=${t('chart.draw')}>
        <nn-draw-pad id="draw-pad" .probabilities=${this.padProbs ?? null} .size=${196} .labels=${vizLabels('nn-draw-pad')}
          @digit-input=${(e) => { e.stopPropagation(); this.#emit('digit-input', { pixels: e.detail.pixels }); }}
          @digit-clear=${(e) => { e.stopPropagation(); this.#emit('digit-clear'); }}></nn-draw-pad>
      </section>
      <section class="card" aria-label=${t('chart.filters')} data-view="filters">
        <nn-filter-images id="filters" .weights=${filters?.values ?? null}
          .shape=${this.#filterShape(filters, info?.tensors)} .max=${32}
          .units=${info?.tensors?.find((x) => x.name === filters?.name)?.shape[0] ?? 0}
          .labels=${vizLabels('nn-filter-images')}></nn-filter-images>
        <p class="note">${t('chart.filtersNote')}</p>
      </section>`;
  }

  /** A test digit from the grid goes onto the draw pad, which takes focus, and is predicted. */
  #tryDigit({ index, truth, pixels }) {
    const pad = this.querySelector('#draw-pad');
    if (!pad) return;
    this.#emit('digit-clear');
    pad.loadDigit(pixels, { index, truth });
    pad.focus();
    this.#emit('digit-input', { pixels: pad.pixels });
  }
}
customElements.define('nn-views-panel', NnViewsPanel);
