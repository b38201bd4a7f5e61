// nn-act-lab.js: <nn-act-lab>, the activation lab: each activation with its derivative (from the
// core's own layers), its parameter adjustable, the region where |a'(x)| < 0.05 marked, the
// pre-activations of an MNIST network drawn over the curve once the saturation claim is measured,
// and the lesson's claims with their measured numbers.

import { html, nothing } from 'lit';
import { language, localize, t, vizLabels } from '../i18n/index.js';
import { fieldGroups, formFields } from '../components/styles.js';
import '../components/viz/nn-metric-chart.js';
import { MeasuredLab } from './measured-lab.js';
import { claimList, errorLine } from './claim-list.js';
import { ACTIVATIONS, ACT_PRESETS, HISTOGRAM, SATURATED, actPresetOf, activationOf } from './act-presets.js';
import { DEFAULT_ACT_STATE } from './act-state.js';
import { claimStyles, labFields, labLayout } from './styles.js';

const COLORS = { y: '#0072b2', dy: '#d55e00', normal: '#cc79a7', default: '#009e73' };

/**
 * @element nn-act-lab
 *
 * @property {object} state - {act, param, claim} (act-state.js)
 *
 * @fires state-change - {detail: {state}} after every user change (the labs view writes the link)
 *
 * Read-only for tests: `measured`, `busy` (measured-lab.js), `flat` (the share of the drawn x
 * where |a'(x)| < 0.05).
 */
export class NnActLab extends MeasuredLab {
  static defaults = DEFAULT_ACT_STATE;
  static claimOf = actPresetOf;
  static claimRequest = 'act-claim';

  static styles = [fieldGroups, formFields, claimStyles, labLayout, labFields];

  #charts = { lang: '' };

  get flat() {
    const c = this._curve;
    if (!c) return NaN;
    return c.dy.filter((d) => Math.abs(d) < SATURATED).length / c.dy.length;
  }


  curveKey({ act, param }) {
    return JSON.stringify([act, param]);
  }

  loadCurve(client, { act, param }) {
    return client.request('act-curve', { act, param });
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
          <select .value=${act.id} @change=${(e) => this.emit({ ...this.state, act: e.target.value, param: null, claim: '' })}>
            ${ACTIVATIONS.map((a) => html`<option value=${a.id} ?selected=${a.id === act.id}>${t(`act.name.${a.id}`)}</option>`)}
          </select>
        </label>
        ${act.param === null
          ? nothing
          : html`<label>${t(`act.param.${act.id}`)}
              <input type="number" step="any" min="0" max="10" .value=${String(param)} @change=${(e) => {
                const v = Number(e.target.value);
                if (e.target.value !== '' && v >= 0 && v <= 10) this.emit({ ...this.state, param: v, claim: '' });
                else e.target.value = String(param);
              }} /></label>`}
      </div>
    </fieldset>`;
  }

  #renderClaims() {
    return claimList({
      id: 'h-act-claims', prefix: 'act', claims: ACT_PRESETS, current: this.state.claim, measured: this._measured,
      busy: this._busy, busyText: (c) => (c.mnist ? t('act.training') : t('optim.running')), button: t('loss.show'), show: (id) => this.showClaim(id),
    });
  }

  render() {
    const flat = this.flat;
    return html`
      <p class="intro">${t('act.intro')}</p>
      ${errorLine(this._error, localize)}
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
