// nn-loss-lab.js: <nn-loss-lab>, the loss lab: cross-entropy against MSE after softmax, their
// value and their gradient for the true class's logit as functions of the predicted probability
// of that class, label smoothing and a class weight; and the lesson's claims, measured in the
// training worker (the MNIST one trains the same MLP with each loss).

import { css, html, nothing } from 'lit';
import { language, localize, t, vizLabels } from '../i18n/index.js';
import { fieldGroups, formFields } from '../components/styles.js';
import '../components/viz/nn-metric-chart.js';
import { MeasuredLab } from './measured-lab.js';
import { claimList, errorLine } from './claim-list.js';
import { CLASSES, LOSS_PRESETS, lossPresetOf, smoothedTarget } from './loss-presets.js';
import { DEFAULT_LOSS_STATE } from './loss-state.js';
import { claimStyles, labFields, labLayout } from './styles.js';

const COLORS = { ce: '#0072b2', mse: '#d55e00' };
const fmt = (v) => (Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toFixed(4));

/**
 * @element nn-loss-lab
 *
 * @property {object} state - {p, smoothing, weight, claim} (loss-state.js)
 *
 * @fires state-change - {detail: {state}} after every user change (the labs view writes the link)
 *
 * Read-only for tests: `measured`, `busy` (measured-lab.js).
 */
export class NnLossLab extends MeasuredLab {
  static defaults = DEFAULT_LOSS_STATE;
  static claimOf = lossPresetOf;
  static claimRequest = 'loss-claim';

  static styles = [
    fieldGroups,
    formFields,
    claimStyles,
    labLayout,
    labFields,
    css`
      .readout p {
        margin: 4px 0;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  #labels = { lang: '' };

  curveKey({ p, smoothing, weight }) {
    return JSON.stringify([p, smoothing, weight]);
  }

  /** The curves and the sample at p: {curves, at: {ce, mse, dce, dmse}}. */
  async loadCurve(client, { p, smoothing, weight }) {
    const r = await client.request('loss-curves', { options: { smoothing, weight }, p });
    return { curves: r.curves, at: { ce: r.at.ce[0], mse: r.at.mse[0], dce: r.at.dce[0], dmse: r.at.dmse[0] } };
  }

  #input(field, label, min, max) {
    return html`<label>${label}
      <input type="number" step="any" min=${min} max=${max} .value=${String(this.state[field])} @change=${(e) => {
        const v = Number(e.target.value);
        if (e.target.value !== '' && v >= min && v <= max) this.emit({ ...this.state, [field]: v, claim: '' });
        else e.target.value = String(this.state[field]);
      }} /></label>`;
  }

  /** The charts' runs and labels, made once per result and language (a new object redraws a chart). */
  #chart(kind) {
    if (this.#labels.lang !== language() || this.#labels.curves !== this._curve?.curves || this.#labels.mnist !== this._measured['mnist-faster']) {
      const base = vizLabels('nn-metric-chart');
      const c = this._curve?.curves;
      const run = (id, values) => ({ id, label: t(`loss.${id}`), color: COLORS[id], train: { steps: c.p, loss: values } });
      const m = this._measured['mnist-faster'];
      const acc = (id) => ({ id, label: t(`loss.${id}`), color: COLORS[id], train: { steps: m.curves[id].steps, accuracy: m.curves[id].accuracy, loss: m.curves[id].accuracy } });
      this.#labels = {
        lang: language(), curves: c, mnist: m,
        lossLabels: { ...base, step: t('loss.axis'), loss: t('loss.lossAxis') },
        gradLabels: { ...base, step: t('loss.axis'), loss: t('loss.gradAxis') },
        mnistLabels: { ...base },
        loss: c ? [run('ce', c.ce), run('mse', c.mse)] : [],
        grad: c ? [run('ce', c.dce.map(Math.abs)), run('mse', c.dmse.map(Math.abs))] : [],
        accuracy: m ? [acc('ce'), acc('mse')] : [],
      };
    }
    return this.#labels[kind];
  }

  #renderReadout() {
    const { p, smoothing, weight } = this.state;
    const target = smoothedTarget(smoothing);
    const a = this._curve?.at;
    return html`<div class="readout" aria-live="polite">
      ${a ? html`<p id="at">${t('loss.at', { p, ce: fmt(a.ce), dce: fmt(a.dce), mse: fmt(a.mse), dmse: fmt(a.dmse) })}</p>` : nothing}
      <p>${t('loss.target', { e: smoothing, true: target.true.toFixed(3), other: target.other.toFixed(3), n: CLASSES - 1 })}</p>
      <p>${t('loss.weightNote', { w: weight })}</p>
    </div>`;
  }

  #renderClaims() {
    return claimList({
      id: 'h-loss-claims', prefix: 'loss', claims: LOSS_PRESETS, current: this.state.claim, measured: this._measured,
      busy: this._busy, busyText: (c) => (c.mnist ? t('loss.training') : t('optim.running')), button: t('loss.show'), show: (id) => this.showClaim(id),
    });
  }

  render() {
    return html`
      <p class="intro">${t('loss.intro')}</p>
      ${errorLine(this._error, localize)}
      <div class="layout">
        <div>
          <fieldset>
            <legend>${t('loss.settings')}</legend>
            <div class="grid">
              ${this.#input('p', t('loss.p'), 0.001, 0.999)}
              ${this.#input('smoothing', t('loss.smoothing'), 0, 0.99)}
              ${this.#input('weight', t('loss.weight'), 0.01, 100)}
            </div>
          </fieldset>
          ${this.#renderReadout()}
          <h3>${t('loss.curves')}</h3>
          <nn-metric-chart id="loss-curves" metric="loss" no-controls log .classes=${0} .labels=${this.#chart('lossLabels')} .runs=${this.#chart('loss')}></nn-metric-chart>
          <h3>${t('loss.grads')}</h3>
          <nn-metric-chart id="grad-curves" metric="loss" no-controls log .classes=${0} .labels=${this.#chart('gradLabels')} .runs=${this.#chart('grad')}></nn-metric-chart>
        </div>
        <div>
          ${this.#renderClaims()}
          ${this._measured['mnist-faster']
            ? html`<h3>${t('loss.mnistChart')}</h3>
                <nn-metric-chart id="mnist-accuracy" metric="accuracy" no-controls .classes=${0} .labels=${this.#chart('mnistLabels')} .runs=${this.#chart('accuracy')}></nn-metric-chart>`
            : nothing}
        </div>
      </div>
    `;
  }
}

customElements.define('nn-loss-lab', NnLossLab);
