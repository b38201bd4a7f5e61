// nn-loss-lab.js: <nn-loss-lab>, the loss lab: cross-entropy against MSE after softmax, their
// value and their gradient for the true class's logit as functions of the predicted probability
// of that class, label smoothing and a class weight; and the lesson's claims, measured in the
// labs' worker (the MNIST one trains the same MLP with each loss).

import { LitElement, css, html, nothing } from 'lit';
import { language, localize, t, updateWhenLocaleChanges, vizLabels } from '../i18n/index.js';
import { fieldGroups, formFields } from '../components/styles.js';
import '../components/viz/nn-metric-chart.js';
import { labWorker } from './lab-client.js';
import { LOSS_CLAIMS, lossClaimOf } from './loss-claims.js';
import { CLASSES, smoothedTarget } from './loss-curves.js';
import { DEFAULT_LOSS_STATE } from './loss-state.js';
import { claimStyles } from './styles.js';

const COLORS = { ce: '#0072b2', mse: '#d55e00' };
const fmt = (v) => (Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toFixed(4));

/**
 * @element nn-loss-lab
 *
 * @property {object} state - {p, smoothing, weight, claim} (loss-state.js)
 *
 * @fires state-change - {detail: {state}} after every user change (the labs view writes the link)
 *
 * Read-only for tests: `measured` ({claimId: {holds, values}}), `busy` (a claim is being measured).
 */
export class NnLossLab extends LitElement {
  static properties = {
    state: { attribute: false },
    _curves: { state: true },
    _at: { state: true },
    _measured: { state: true },
    _busy: { state: true },
    _error: { state: true },
  };

  static styles = [
    fieldGroups,
    formFields,
    claimStyles,
    css`
      :host {
        display: block;
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(280px, 1fr) minmax(280px, 1fr);
        gap: 16px;
        align-items: start;
      }
      @media (max-width: 860px) {
        .layout {
          grid-template-columns: 1fr;
        }
      }
      .grid label {
        display: flex;
        flex-direction: column;
        font-size: 12px;
        color: var(--nn-muted, #5a5f69);
      }
      input[type='number'] {
        width: 7em;
      }
      .readout p {
        margin: 4px 0;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  #curvesKey = '';
  #claimKey = '';
  #labels = { lang: '' };

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.state = DEFAULT_LOSS_STATE;
    this._curves = null;
    this._at = null;
    this._measured = {};
    this._busy = '';
    this._error = null;
  }

  get measured() {
    return this._measured;
  }
  get busy() {
    return this._busy;
  }

  connectedCallback() {
    super.connectedCallback();
    // Back after the view closed (its worker stopped): compute again.
    this.#curvesKey = '';
    this.#claimKey = '';
    if (this.hasUpdated) this.requestUpdate('state');
  }

  updated(changed) {
    if (!changed.has('state')) return;
    const { p, smoothing, weight, claim } = this.state;
    const key = JSON.stringify([p, smoothing, weight]);
    if (key !== this.#curvesKey) {
      this.#curvesKey = key;
      this.#loadCurves(key);
    }
    if (claim && claim !== this.#claimKey) this.#measure(claim);
    this.#claimKey = claim;
  }

  async #loadCurves(key) {
    const { p, smoothing, weight } = this.state;
    try {
      const { client, ready } = labWorker();
      await ready;
      const r = await client.request('loss-curves', { options: { smoothing, weight }, p });
      if (key !== this.#curvesKey) return;
      this._curves = r.curves;
      this._at = { ce: r.at.ce[0], mse: r.at.mse[0], dce: r.at.dce[0], dmse: r.at.dmse[0] };
    } catch (err) {
      this._error = err;
    }
  }

  async #measure(id) {
    this._busy = id;
    this._error = null;
    try {
      const { client, ready } = labWorker();
      await ready;
      const r = await client.request('loss-claim', { claim: id });
      this._measured = { ...this._measured, [id]: r };
    } catch (err) {
      this._error = err;
    } finally {
      if (this._busy === id) this._busy = '';
    }
  }

  #emit(state) {
    this.state = state;
    this.dispatchEvent(new CustomEvent('state-change', { detail: { state }, bubbles: true, composed: true }));
  }

  /** A claim's preset: its curves and its measurement. */
  showClaim(id) {
    const claim = lossClaimOf(id);
    if (claim) this.#emit({ ...DEFAULT_LOSS_STATE, ...claim.state, claim: id });
  }

  #input(field, label, min, max) {
    return html`<label>${label}
      <input type="number" step="any" min=${min} max=${max} .value=${String(this.state[field])} @change=${(e) => {
        const v = Number(e.target.value);
        if (e.target.value !== '' && v >= min && v <= max) this.#emit({ ...this.state, [field]: v, claim: '' });
        else e.target.value = String(this.state[field]);
      }} /></label>`;
  }

  /** The charts' runs and labels, made once per result and language (a new object redraws a chart). */
  #chart(kind) {
    if (this.#labels.lang !== language() || this.#labels.curves !== this._curves || this.#labels.mnist !== this._measured['mnist-faster']) {
      const base = vizLabels('nn-metric-chart');
      const c = this._curves;
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
    const a = this._at;
    return html`<div class="readout" aria-live="polite">
      ${a ? html`<p id="at">${t('loss.at', { p, ce: fmt(a.ce), dce: fmt(a.dce), mse: fmt(a.mse), dmse: fmt(a.dmse) })}</p>` : nothing}
      <p>${t('loss.target', { e: smoothing, true: target.true.toFixed(3), other: target.other.toFixed(3), n: CLASSES - 1 })}</p>
      <p>${t('loss.weightNote', { w: weight })}</p>
    </div>`;
  }

  #renderClaims() {
    return html`<h3 id="h-loss-claims">${t('optim.claims')}</h3>
      <ul class="claims" aria-labelledby="h-loss-claims">
        ${LOSS_CLAIMS.map((c) => {
          const m = this._measured[c.id];
          return html`<li data-claim=${c.id} aria-current=${this.state.claim === c.id ? 'true' : 'false'}>
            <div class="claim-title">${t(`loss.claim.${c.id}`)}</div>
            <p class="why">${t(`loss.claim.${c.id}.why`)}</p>
            <button type="button" class="show" ?disabled=${Boolean(this._busy)} @click=${() => (this.state.claim === c.id ? this.#measure(c.id) : this.showClaim(c.id))}>${t('loss.show')}</button>
            <p class="measured" aria-live="polite">${this._busy === c.id
              ? html`<span class="none">${c.mnist ? t('loss.training') : t('optim.running')}</span>`
              : m
                ? html`<span class="numbers">${t(`loss.claim.${c.id}.measured`, m.values)}</span>
                    <span class="verdict ${m.holds ? 'holds' : 'fails'}" data-holds=${m.holds ? 'true' : 'false'}>${m.holds ? t('optim.holds') : t('optim.fails')}</span>`
                : html`<span class="none">${t('optim.notRun')}</span>`}</p>
          </li>`;
        })}
      </ul>`;
  }

  render() {
    return html`
      <p class="intro">${t('loss.intro')}</p>
      ${this._error ? html`<p class="error" role="alert">${localize(this._error)}</p>` : nothing}
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
