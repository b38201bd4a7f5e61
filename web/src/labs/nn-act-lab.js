// nn-act-lab.js: <nn-act-lab>, the activation lab: each activation with its derivative (from the
// core's own layers), its parameter adjustable, the region where |a'(x)| < 0.05 marked, the
// pre-activations of an MNIST network drawn over the curve once the saturation claim is measured,
// and the lesson's claims with their measured numbers.

import { LitElement, css, html, nothing } from 'lit';
import { language, localize, t, updateWhenLocaleChanges, vizLabels } from '../i18n/index.js';
import { fieldGroups, formFields } from '../components/styles.js';
import '../components/viz/nn-metric-chart.js';
import { labWorker } from './lab-client.js';
import { ACTIVATIONS, SATURATED, activationOf } from './activation-curves.js';
import { ACTIVATION_CLAIMS, HISTOGRAM, activationClaimOf } from './activation-claims.js';
import { DEFAULT_ACT_STATE } from './act-state.js';
import { claimStyles } from './styles.js';

const COLORS = { y: '#0072b2', dy: '#d55e00', normal: '#cc79a7', default: '#009e73' };

/**
 * @element nn-act-lab
 *
 * @property {object} state - {act, param, claim} (act-state.js)
 *
 * @fires state-change - {detail: {state}} after every user change (the labs view writes the link)
 *
 * Read-only for tests: `measured` ({claimId: {holds, values}}), `busy` (a claim being measured),
 * `flat` (the share of the drawn x where |a'(x)| < 0.05).
 */
export class NnActLab extends LitElement {
  static properties = {
    state: { attribute: false },
    _curve: { state: true },
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
    `,
  ];

  #curveKey = '';
  #claimKey = '';
  #charts = { lang: '' };

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.state = DEFAULT_ACT_STATE;
    this._curve = null;
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
  get flat() {
    const c = this._curve;
    if (!c) return NaN;
    return c.dy.filter((d) => Math.abs(d) < SATURATED).length / c.dy.length;
  }

  connectedCallback() {
    super.connectedCallback();
    // Back after the view closed (its worker stopped): compute again.
    this.#curveKey = '';
    this.#claimKey = '';
    if (this.hasUpdated) this.requestUpdate('state');
  }

  updated(changed) {
    if (!changed.has('state')) return;
    const { act, param, claim } = this.state;
    const key = JSON.stringify([act, param]);
    if (key !== this.#curveKey) {
      this.#curveKey = key;
      this.#loadCurve(key);
    }
    if (claim && claim !== this.#claimKey) this.#measure(claim);
    this.#claimKey = claim;
  }

  async #loadCurve(key) {
    const { act, param } = this.state;
    try {
      const { client, ready } = labWorker();
      await ready;
      const curve = await client.request('act-curve', { act, param });
      if (key === this.#curveKey) this._curve = curve;
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
      const r = await client.request('act-claim', { claim: id });
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

  /** A claim's preset: its activation and its measurement. */
  showClaim(id) {
    const claim = activationClaimOf(id);
    if (claim) this.#emit({ ...DEFAULT_ACT_STATE, ...claim.state, claim: id });
  }

  /** The chart's runs and labels, made once per curve, measurement and language. */
  #chart(kind) {
    const sat = this._measured.saturation;
    const c = this._curve;
    const showHist = Boolean(sat) && this.state.act === 'sigmoid';
    if (this.#charts.lang !== language() || this.#charts.curve !== c || this.#charts.sat !== sat || this.#charts.showHist !== showHist) {
      const runs = [];
      if (c) {
        runs.push({ id: 'y', label: t('act.y'), color: COLORS.y, train: { steps: c.x, loss: c.y } });
        runs.push({ id: 'dy', label: t('act.dy'), color: COLORS.dy, train: { steps: c.x, loss: c.dy } });
      }
      if (showHist) {
        // The histograms drawn over the curve: each bin's share, scaled so the fullest bin is 1.
        const { lo, hi, bins } = HISTOGRAM;
        const centers = Float64Array.from({ length: bins }, (_, i) => lo + ((i + 0.5) * (hi - lo)) / bins);
        for (const which of ['normal', 'default']) {
          const h = sat.histograms[which];
          const top = Math.max(...h) || 1;
          runs.push({ id: which, label: t(`act.hist.${which}`), color: COLORS[which], train: { steps: centers, loss: h.map((v) => v / top) } });
        }
      }
      this.#charts = { lang: language(), curve: c, sat, showHist, runs, labels: { ...vizLabels('nn-metric-chart'), step: 'x', loss: t('act.axis') } };
    }
    return this.#charts[kind];
  }

  #renderSettings() {
    const act = activationOf(this.state.act);
    const param = this.state.param ?? act.param;
    return html`<fieldset>
      <legend>${t('act.settings')}</legend>
      <div class="grid">
        <label>${t('act.activation')}
          <select .value=${act.id} @change=${(e) => this.#emit({ ...this.state, act: e.target.value, param: null, claim: '' })}>
            ${ACTIVATIONS.map((a) => html`<option value=${a.id} ?selected=${a.id === act.id}>${t(`act.name.${a.id}`)}</option>`)}
          </select>
        </label>
        ${act.param === null
          ? nothing
          : html`<label>${t(`act.param.${act.id}`)}
              <input type="number" step="any" min="0" max="10" .value=${String(param)} @change=${(e) => {
                const v = Number(e.target.value);
                if (e.target.value !== '' && v >= 0 && v <= 10) this.#emit({ ...this.state, param: v, claim: '' });
                else e.target.value = String(param);
              }} /></label>`}
      </div>
    </fieldset>`;
  }

  #renderClaims() {
    return html`<h3 id="h-act-claims">${t('optim.claims')}</h3>
      <ul class="claims" aria-labelledby="h-act-claims">
        ${ACTIVATION_CLAIMS.map((c) => {
          const m = this._measured[c.id];
          return html`<li data-claim=${c.id} aria-current=${this.state.claim === c.id ? 'true' : 'false'}>
            <div class="claim-title">${t(`act.claim.${c.id}`)}</div>
            <p class="why">${t(`act.claim.${c.id}.why`)}</p>
            <button type="button" class="show" ?disabled=${Boolean(this._busy)} @click=${() => (this.state.claim === c.id ? this.#measure(c.id) : this.showClaim(c.id))}>${t('loss.show')}</button>
            <p class="measured" aria-live="polite">${this._busy === c.id
              ? html`<span class="none">${c.mnist ? t('act.training') : t('optim.running')}</span>`
              : m
                ? html`<span class="numbers">${t(`act.claim.${c.id}.measured`, m.values)}</span>
                    <span class="verdict ${m.holds ? 'holds' : 'fails'}" data-holds=${m.holds ? 'true' : 'false'}>${m.holds ? t('optim.holds') : t('optim.fails')}</span>`
                : html`<span class="none">${t('optim.notRun')}</span>`}</p>
          </li>`;
        })}
      </ul>`;
  }

  render() {
    const flat = this.flat;
    return html`
      <p class="intro">${t('act.intro')}</p>
      ${this._error ? html`<p class="error" role="alert">${localize(this._error)}</p>` : nothing}
      <div class="layout">
        <div>
          ${this.#renderSettings()}
          <h3>${t('act.curve')}</h3>
          <nn-metric-chart id="act-curve" metric="loss" no-controls .classes=${0} .labels=${this.#chart('labels')} .runs=${this.#chart('runs')}></nn-metric-chart>
          ${Number.isFinite(flat) ? html`<p id="flat">${t('act.flat', { share: (100 * flat).toFixed(1) })}</p>` : nothing}
          ${this._measured.saturation && this.state.act === 'sigmoid' ? html`<p>${t('act.histNote')}</p>` : nothing}
        </div>
        <div>${this.#renderClaims()}</div>
      </div>
    `;
  }
}

customElements.define('nn-act-lab', NnActLab);
