// nn-act-lab.js: <nn-act-lab>, the activation lab: each activation with its derivative (from the
// core's own layers), its parameter adjustable, the region where |a'(x)| < 0.05 marked, the
// pre-activations of an MNIST network drawn over the curve once the saturation claim is measured,
// and the lesson's claims with their measured numbers.

import { html, nothing } from 'lit';
import { language, localize, t, vizLabels } from '../i18n/index.js';
import { fieldGroups, formFields } from '../components/styles.js';
import './nn-lab-chart.js';
import { MeasuredLab } from './measured-lab.js';
import { labWorker } from './lab-client.js';
import { claimList, errorLine } from './claim-list.js';
import { ACTIVATIONS, ACT_PRESETS, HISTOGRAM, SATURATED, actPresetOf, activationOf } from './act-presets.js';
import { DEFAULT_ACT_STATE } from './act-state.js';
import { claimStyles, labFields, labLayout } from './styles.js';

const COLORS = { y: '#0072b2', dy: '#d55e00', normal: '#cc79a7', default: '#009e73', live: '#000000' };
/** How often the live histogram of the playground's run is read while the lab is open. */
const LIVE_MS = 1500;
const histogramCenters = () => {
  const { lo, hi, bins } = HISTOGRAM;
  return Float64Array.from({ length: bins }, (_, i) => lo + ((i + 0.5) * (hi - lo)) / bins);
};

/**
 * @element nn-act-lab
 *
 * @property {object} state - {act, param, claim} (act-state.js)
 *
 * @fires state-change - {detail: {state}} after every user change (the labs view writes the link)
 *
 * Read-only for tests: `measured`, `busy` (measured-lab.js), `flat` (the share of the drawn x
 * where |a'(x)| < 0.05), `live` (the playground's run: {layers, index, type, step, histogram,
 * share}, or null before it has one), `liveHistory` ([{step, share}] of the layer read).
 */
export class NnActLab extends MeasuredLab {
  static defaults = DEFAULT_ACT_STATE;
  static claimOf = actPresetOf;
  static claimRequest = 'act-claim';
  static properties = { ...MeasuredLab.properties, _live: { state: true } };

  #timer = 0;
  #liveLayer = null;
  liveHistory = [];

  get live() {
    return this._live ?? null;
  }

  connectedCallback() {
    super.connectedCallback();
    this.#timer = setInterval(() => this.#readLive(), LIVE_MS);
    this.#readLive();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  /** The pre-activations of the playground's run now (it trains in the same worker). */
  async #readLive() {
    if (document.hidden) return;
    try {
      const { client, ready } = labWorker();
      await ready;
      const live = await client.request('act-live', { layer: this.#liveLayer });
      if (live?.index !== this._live?.index) this.liveHistory = [];
      const last = this.liveHistory.at(-1);
      if (live?.histogram && (!last || last.step !== live.step)) this.liveHistory = [...this.liveHistory, { step: live.step, share: live.share }];
      this._live = live;
    } catch {
      // The page's worker restarting: the next read tries again.
    }
  }

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
    const live = this._live?.histogram ? this._live : null;
    if (this.#charts.lang !== language() || this.#charts.curve !== c || this.#charts.sat !== sat || this.#charts.showHist !== showHist
      || this.#charts.live !== live) {
      const runs = [];
      if (c) {
        runs.push({ id: 'y', label: t('act.y'), color: COLORS.y, train: { steps: c.x, loss: c.y } });
        runs.push({ id: 'dy', label: t('act.dy'), color: COLORS.dy, train: { steps: c.x, loss: c.dy } });
      }
      // The histograms drawn over the curve: each bin's share, scaled so the fullest bin is 1.
      const scaled = (h) => {
        const top = Math.max(...h) || 1;
        return h.map((v) => v / top);
      };
      if (showHist) {
        for (const which of ['normal', 'default']) {
          runs.push({ id: which, label: t(`act.hist.${which}`), color: COLORS[which], train: { steps: histogramCenters(), loss: scaled(sat.histograms[which]) } });
        }
      }
      if (live) {
        // Layers are counted from 1 here, as the layer editor's rows and errors count them.
        runs.push({ id: 'live', label: t('act.hist.live', { index: live.index + 1, type: live.type }), color: COLORS.live, train: { steps: histogramCenters(), loss: scaled(live.histogram) } });
      }
      const history = this.liveHistory.length > 1
        ? [{ id: 'share', label: t('act.live.share'), color: COLORS.live, train: { steps: Float64Array.from(this.liveHistory, (h) => h.step), loss: Float64Array.from(this.liveHistory, (h) => 100 * h.share) } }]
        : [];
      this.#charts = {
        lang: language(), curve: c, sat, showHist, live, runs, history,
        labels: { ...vizLabels('nn-metric-chart'), step: 'x', loss: t('act.axis') },
        historyLabels: { ...vizLabels('nn-metric-chart'), loss: t('act.live.share') },
      };
    }
    return this.#charts[kind];
  }

  #renderSettings() {
    const act = activationOf(this.state.act);
    const param = this.state.param ?? act.param;
    return html`<fieldset>
      <legend>${t('act.settings')}</legend>
      <div class="grid">
        <label class="activation">${t('act.activation')}
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

  /** The playground's run as it trains: which activation layer, how much of it is saturated. */
  #renderLive() {
    const live = this._live;
    return html`<h3 id="h-live">${t('act.live.title')}</h3>
      <div aria-live="polite" id="live">${!live?.histogram
        ? html`<p>${t('act.live.none')}</p>`
        : html`<label>${t('act.live.layer')}
              <select .value=${String(live.index)} @change=${(e) => {
                this.#liveLayer = Number(e.target.value);
                this.#readLive();
              }}>
                ${live.layers.map((l) => html`<option value=${l.index} ?selected=${l.index === live.index}>${t('act.live.option', { index: l.index + 1, type: l.type })}</option>`)}
              </select></label>
            <p id="live-share">${t('act.live.at', { step: live.step, share: (100 * live.share).toFixed(1), index: live.index + 1, type: live.type })}</p>`}</div>
      ${this.#chart('history').length
        ? html`<nn-lab-chart id="live-history" metric="loss" no-controls .classes=${0} .labels=${this.#chart('historyLabels')} .runs=${this.#chart('history')}></nn-lab-chart>`
        : nothing}`;
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
          <nn-lab-chart id="act-curve" metric="loss" no-controls .classes=${0} .labels=${this.#chart('labels')} .runs=${this.#chart('runs')}></nn-lab-chart>
          ${Number.isFinite(flat) ? html`<p id="flat">${t('act.flat', { share: (100 * flat).toFixed(1) })}</p>` : nothing}
          ${this._measured.saturation && this.state.act === 'sigmoid' ? html`<p>${t('act.histNote')}</p>` : nothing}
          ${this.#renderLive()}
        </div>
        <div>${this.#renderClaims()}</div>
      </div>
    `;
  }
}

customElements.define('nn-act-lab', NnActLab);
