// nn-optim-lab.js: <nn-optim-lab>, the optimizer lab: optimizers racing on a 2-D loss surface,
// computed in the training worker (labs/lab-actions.js) by the core's update rules and played back
// frame by frame here, with the lesson's claims as one-click races and their measured numbers.

import { LitElement, css, html, nothing } from 'lit';
import { language, localize, t, updateWhenLocaleChanges, vizLabels } from '../i18n/index.js';
import { labWorker } from './lab-client.js';
import { fieldGroups, formFields, srOnly, swatch } from '../components/styles.js';
import { claimStyles, labFields, labLayout } from './styles.js';
import { claimList, errorLine } from './claim-list.js';
import './nn-lab-chart.js';
import './nn-surface-map.js';
import './nn-racer-editor.js';
import { racerName } from './nn-racer-editor.js';
import { OPTIM_PRESETS, optimPresetOf } from './optim-presets.js';
import { DEFAULT_STATE, SPEEDS, raceSettings } from './optim-state.js';
import { MAX_RACERS, MAX_STEPS, RACER_COLORS, SURFACES, surfaceOf } from './surfaces.js';

/** Grid points along each side of the heat map. */
const GRID = 160;
/** An edit (typing a number, dragging the start) races once the edits pause this long. */
const EDIT_DELAY_MS = 150;

/**
 * @element nn-optim-lab
 *
 * @property {object} state - the lab's state (optim-state.js); the lab writes it back to the link
 *
 * @fires state-change - {detail: {state}} after every user change of the state (the labs view
 *   writes the link)
 *
 * Read-only for tests: `measured` ({claimId: {holds, values}}), `racing` (a race is being computed),
 * `shown` (the step drawn), `steps` (the longest path's steps), `paths`, `races` (races finished, to wait
 * for the one an edit starts), `frameTimes` (main-thread ms of
 * the last 2000 frames of playback).
 */
export class NnOptimLab extends LitElement {
  static properties = {
    state: { attribute: false },
    _paths: { state: true },
    _grid: { state: true },
    _shown: { state: true },
    _playing: { state: true },
    _racing: { state: true },
    _error: { state: true },
    _measured: { state: true },
  };

  static styles = [
    srOnly,
    swatch,
    fieldGroups,
    formFields,
    claimStyles,
    labLayout,
    css`
      /* The surface map keeps at most 560 px; the claims take the rest. */
      @media (min-width: 861px) {
        .layout {
          grid-template-columns: minmax(260px, 560px) minmax(280px, 1fr);
        }
      }
      .controls {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 10px;
        align-items: center;
        margin: 8px 0;
      }
      .controls input[type='range'] {
        flex: 1 1 160px;
      }
      .at {
        font-variant-numeric: tabular-nums;
        min-width: 12ch;
      }
      table {
        border-collapse: collapse;
        font-size: 12.5px;
        font-variant-numeric: tabular-nums;
        width: 100%;
      }
      th,
      td {
        text-align: left;
        padding: 2px 6px;
        border-bottom: 1px solid var(--nn-border-soft, #dde0e5);
        overflow-wrap: anywhere;
      }
      caption {
        text-align: left;
        font-weight: 600;
        padding: 4px 0;
      }
    `,
    labFields,
  ];

  #frame = 0;
  #lastFrame = 0;
  #editTimer = 0;
  #raceId = 0;
  #gridKey = '';
  #racedKey = '';

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.state = DEFAULT_STATE;
    this._paths = [];
    this._grid = null;
    this._shown = 0;
    this._playing = false;
    this._racing = false;
    this._error = null;
    this._measured = {};
    this.frameTimes = [];
    this.races = 0;
  }

  get measured() {
    return this._measured;
  }
  get racing() {
    return this._racing;
  }
  get shown() {
    return this._shown;
  }
  get steps() {
    return Math.max(0, ...this._paths.map((p) => p.steps ?? 0));
  }
  /** The paths of the last race (optim-race.js's runRace). */
  get paths() {
    return this._paths;
  }

  connectedCallback() {
    super.connectedCallback();
    // Back in the page after the view closed (its worker stopped): race again.
    this.#gridKey = '';
    if (this.hasUpdated) this.#race();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.#stop();
    clearTimeout(this.#editTimer);
  }

  updated(changed) {
    // A state set from outside (a link, a claim) races; the speed alone does not.
    if (changed.has('state') && !this.#editTimer && this.#raceKey(this.state) !== this.#racedKey) this.#race();
    // Colours through the CSSOM (the page's CSP allows no style attributes).
    for (const sw of this.renderRoot.querySelectorAll('.swatch[data-k]')) sw.style.background = RACER_COLORS[Number(sw.dataset.k)];
  }

  #raceKey(state) {
    return JSON.stringify([raceSettings(state), state.claim]);
  }

  // ---- racing in the worker ----

  /** Races the state (a claim's race when the state names one) and plays it from the start. */
  async #race() {
    const id = ++this.#raceId;
    const { state } = this;
    this.#racedKey = this.#raceKey(state);
    this.#stop();
    this._racing = true;
    this._error = null;
    try {
      const { client, ready } = labWorker();
      await ready;
      this.#loadGrid(client, state);
      const result = state.claim
        ? await client.request('claim', { claim: state.claim })
        : await client.request('race', { settings: raceSettings(state) });
      if (id !== this.#raceId) return;
      if (state.claim) this._measured = { ...this._measured, [state.claim]: { holds: result.holds, values: result.values } };
      this._paths = result.paths;
      this._shown = 0;
      this._racing = false;
      this.races++;
      this.#play();
    } catch (err) {
      if (id !== this.#raceId) return;
      this._racing = false;
      this._error = err;
    }
  }

  async #loadGrid(client, state) {
    const key = `${state.surface}/${state.condition}/${state.scale}`;
    if (key === this.#gridKey) return;
    this.#gridKey = key;
    try {
      const { grid } = await client.request('grid', { settings: raceSettings(state), width: GRID, height: GRID });
      if (key === this.#gridKey) this._grid = grid;
    } catch (err) {
      this._error = err;
    }
  }

  // ---- playback: one step of `speed` per animation frame ----

  #play() {
    if (this._shown >= this.steps) this._shown = 0;
    this._playing = true;
    this.#lastFrame = 0;
    this.#frame = requestAnimationFrame(this.#tick);
  }

  #stop() {
    this._playing = false;
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
  }

  #tick = () => {
    const began = performance.now();
    this._shown = Math.min(this.steps, this._shown + this.state.speed);
    if (this._shown >= this.steps) this._playing = false;
    // The frame's own work: this update and the map's paint, both in this task.
    this.updateComplete.then(() => {
      this.frameTimes.push(performance.now() - began);
      if (this.frameTimes.length > 2000) this.frameTimes.shift();
    });
    this.#frame = this._playing ? requestAnimationFrame(this.#tick) : 0;
  };

  // ---- edits ----

  /** A user's change: the state without a claim (its race is no longer the claim's). */
  #edit(patch, { now = false } = {}) {
    const state = { ...this.state, ...patch, claim: '' };
    this.state = state;
    this.dispatchEvent(new CustomEvent('state-change', { detail: { state }, bubbles: true, composed: true }));
    clearTimeout(this.#editTimer);
    // Typing a number or dragging the start races once the edits pause.
    this.#editTimer = setTimeout(() => {
      this.#editTimer = 0;
      this.#race();
    }, now ? 0 : EDIT_DELAY_MS);
  }

  /** A claim's preset: its race as the state, measured in the worker. */
  showClaim(id) {
    const claim = optimPresetOf(id);
    if (!claim) return;
    const state = { ...DEFAULT_STATE, ...claim.settings, start: claim.settings.start ?? null, speed: this.state.speed, claim: id };
    this.state = state;
    this.dispatchEvent(new CustomEvent('state-change', { detail: { state }, bubbles: true, composed: true }));
  }

  #onSurface(id) {
    this.#edit({ surface: id, start: null }, { now: true });
  }

  #numberInput(field, label, { min, max, step = 'any' }) {
    return html`<label>${label}
      <input type="number" min=${min} max=${max} step=${step} .value=${String(this.state[field])}
        @change=${(e) => {
          const v = Number(e.target.value);
          if (e.target.value !== '' && v >= min && v <= max) this.#edit({ [field]: v });
          else e.target.value = String(this.state[field]);
        }} /></label>`;
  }

  // ---- rendering ----

  #renderSettings() {
    const s = this.state;
    const start = s.start ?? surfaceOf(s.surface).start;
    return html`<fieldset>
      <legend>${t('optim.surface')}</legend>
      <div class="grid">
        <label>${t('optim.surface')}
          <select .value=${s.surface} @change=${(e) => this.#onSurface(e.target.value)}>
            ${SURFACES.map((x) => html`<option value=${x.id} ?selected=${x.id === s.surface}>${t(`optim.surface.${x.id}`)}</option>`)}
          </select>
        </label>
        ${s.surface === 'ravine' ? this.#numberInput('condition', t('optim.condition'), { min: 1, max: 1e6 }) : nothing}
        ${['saddle', 'ravine', 'sparse'].includes(s.surface) ? this.#numberInput('scale', t('optim.scale'), { min: 1e-6, max: 1e6 }) : nothing}
        ${s.surface === 'sparse' ? this.#numberInput('sparsity', t('optim.sparsity'), { min: 1e-6, max: 1 }) : nothing}
        ${this.#numberInput('noise', t('optim.noise'), { min: 0, max: 1000 })}
        ${this.#numberInput('seed', t('optim.seed'), { min: 0, max: 2 ** 32 - 1, step: 1 })}
        ${this.#numberInput('steps', t('optim.steps'), { min: 1, max: MAX_STEPS, step: 1 })}
        <div><span>${t('optim.start')}</span> <output>${start.map((v) => +v.toFixed(3)).join(', ')}</output></div>
      </div>
    </fieldset>
    <fieldset>
      <legend>${t('optim.racers')}</legend>
      ${s.racers.map((racer, i) => html`<nn-racer-editor .racer=${racer} color=${RACER_COLORS[i]} ?removable=${s.racers.length > 1}
        @racer-change=${(e) => this.#edit({ racers: s.racers.map((r, j) => (j === i ? e.detail.racer : r)) })}
        @racer-remove=${() => this.#edit({ racers: s.racers.filter((_, j) => j !== i) }, { now: true })}></nn-racer-editor>`)}
      ${s.racers.length < MAX_RACERS
        ? html`<button type="button" @click=${() => this.#edit({ racers: [...s.racers, { type: 'adam', lr: 0.01 }] }, { now: true })}>${t('optim.addRacer')}</button>`
        : nothing}
    </fieldset>`;
  }

  #renderPlayback() {
    const steps = this.steps;
    return html`<div class="controls" role="group" aria-label=${t('optim.position')}>
      <button type="button" id="play" aria-pressed=${this._playing ? 'true' : 'false'} ?disabled=${!steps}
        @click=${() => (this._playing ? this.#stop() : this.#play())}>${this._playing ? t('optim.pause') : t('optim.play')}</button>
      <button type="button" id="step" ?disabled=${!steps || this._shown >= steps}
        @click=${() => {
          this.#stop();
          this._shown = Math.min(steps, this._shown + 1);
        }}>${t('optim.step')}</button>
      <button type="button" id="restart" ?disabled=${!steps}
        @click=${() => {
          this.#stop();
          this._shown = 0;
        }}>${t('optim.restart')}</button>
      <label>${t('optim.speed')}
        <select .value=${String(this.state.speed)} @change=${(e) => {
          this.state = { ...this.state, speed: Number(e.target.value) };
          this.dispatchEvent(new CustomEvent('state-change', { detail: { state: this.state }, bubbles: true, composed: true }));
        }}>
          ${SPEEDS.map((v) => html`<option value=${v} ?selected=${v === this.state.speed}>${v}</option>`)}
        </select>
      </label>
      <input type="range" min="0" max=${steps} .value=${String(this._shown)} aria-label=${t('optim.position')}
        aria-valuetext=${t('optim.at', { step: this._shown, steps })}
        @input=${(e) => {
          this.#stop();
          this._shown = Number(e.target.value);
        }} />
      <span class="at" id="at">${this._racing ? t('optim.running') : t('optim.at', { step: this._shown, steps })}</span>
    </div>`;
  }

  #renderTable() {
    const fmt = (v) => (!Number.isFinite(v) ? '—' : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(4));
    return html`<table>
      <caption>${t('optim.table')}</caption>
      <thead><tr><th scope="col">${t('optim.col.racer')}</th><th scope="col">${t('optim.col.loss')}</th>
        <th scope="col">${t('optim.col.step')}</th><th scope="col">${t('optim.col.effective')}</th><th scope="col">${t('optim.col.point')}</th></tr></thead>
      <tbody>
        ${this._paths.map((p, k) => {
          const racer = this.state.racers[k] ?? { type: 'sgd', lr: 0 };
          const name = html`<span class="swatch" data-k=${k}></span>${racerName(racer)}`;
          if (p.error) return html`<tr><th scope="row">${name}</th><td colspan="4" class="error">${localize(p.error)}</td></tr>`;
          const i = Math.min(this._shown, p.steps);
          const step = i > 0 ? p.step[i - 1] : NaN;
          const eff = i > 0 ? `${fmt(p.effective[2 * (i - 1)])}, ${fmt(p.effective[2 * (i - 1) + 1])}` : '—';
          return html`<tr><th scope="row">${name}</th><td>${fmt(p.loss[i])}</td><td>${fmt(step)}</td><td>${eff}</td>
            <td>${fmt(p.x[i])}, ${fmt(p.y[i])}${p.stopped && this._shown >= p.steps ? html`<div class="error">${t('optim.stopped', { step: p.steps, message: localize(p.stopped) })}</div>` : nothing}</td></tr>`;
        })}
      </tbody>
    </table>`;
  }

  /** The charts are given the whole run once per race: playback does not redraw them. */
  /** metric: 'loss' (per point), 'step' (length of each step), 'effective' (x's effective step, adaptive rules only). */
  #chartRuns(metric) {
    return this._paths.map((p, k) => {
      if (!p.loss) return null;
      const values = metric === 'loss' ? p.loss : metric === 'step' ? p.step : p.effective.filter((_, i) => i % 2 === 0);
      if (metric === 'effective' && !(values.length && Number.isFinite(values[0]))) return null;
      const steps = Float64Array.from({ length: values.length }, (_, i) => (metric === 'loss' ? i : i + 1));
      const racer = this.state.racers[k] ?? { type: 'sgd', lr: 0 };
      return { id: `r${k}`, label: racerName(racer), color: RACER_COLORS[k], train: { steps, loss: values } };
    }).filter(Boolean);
  }

  #renderClaims() {
    return claimList({
      id: 'h-claims', prefix: 'optim', claims: OPTIM_PRESETS, current: this.state.claim, measured: this._measured,
      button: t('optim.show'), show: (id) => this.showClaim(id), whyParams: { sweep: 8 },
    });
  }

  render() {
    const s = this.state;
    const surface = surfaceOf(s.surface);
    const log = surface.log;
    return html`
      <p class="intro">${t('optim.intro')}</p>
      ${errorLine(this._error, localize)}
      <div class="layout">
        <div>
          <nn-surface-map .grid=${this._grid} .gridWidth=${GRID} .gridHeight=${GRID} .view=${surface.view} ?log=${log}
            .paths=${this._paths} .colors=${RACER_COLORS} .shown=${this._shown} .minima=${surface.minima}
            .start=${s.start ?? surface.start} .labels=${this.#mapLabels()}
            @start-change=${(e) => this.#edit({ start: e.detail.start })}></nn-surface-map>
          ${this.#renderPlayback()}
          ${this.#renderTable()}
        </div>
        <div>
          ${this.#renderClaims()}
        </div>
      </div>
      <div class="layout">
        <div>${this.#renderSettings()}</div>
        <div>
          <h3>${t('optim.lossChart')}</h3>
          <nn-lab-chart metric="loss" no-controls ?log=${log} .classes=${0} .labels=${this.#chartLabels('loss')} .runs=${this._racing ? [] : this.#chartRunsCached('loss')}></nn-lab-chart>
          <h3>${t('optim.stepChart')}</h3>
          <nn-lab-chart metric="loss" no-controls log .classes=${0} .labels=${this.#chartLabels('step')} .runs=${this._racing ? [] : this.#chartRunsCached('step')}></nn-lab-chart>
          ${this.#chartRunsCached('effective').length
            ? html`<h3>${t('optim.effChart')}</h3>
                <nn-lab-chart id="effective-chart" metric="loss" no-controls log .classes=${0} .labels=${this.#chartLabels('effective')} .runs=${this._racing ? [] : this.#chartRunsCached('effective')}></nn-lab-chart>`
            : nothing}
        </div>
      </div>
    `;
  }

  #mapText = { lang: '' };
  /** The surface map's texts in the page's language, one object per language (a new one redraws the map). */
  #mapLabels() {
    if (this.#mapText.lang !== language()) {
      this.#mapText = { lang: language(), labels: Object.fromEntries(['map', 'start', 'hover', 'hint'].map((k) => [k, t(`optim.map.${k}`)])) };
    }
    return this.#mapText.labels;
  }

  #labels = { lang: '', loss: null, step: null };
  /** The charts' labels, one object per language: a new object each frame would redraw the charts each frame. */
  #chartLabels(metric) {
    if (this.#labels.lang !== language()) {
      const base = vizLabels('nn-metric-chart');
      this.#labels = {
        lang: language(), loss: { ...base, loss: t('optim.col.loss') }, step: { ...base, loss: t('optim.col.step') },
        effective: { ...base, loss: t('optim.col.effectiveX') },
      };
    }
    return this.#labels[metric];
  }

  #charts = { paths: null, loss: [], step: [], effective: [] };
  /** The chart runs of the current paths, built once per race (not per frame of playback). */
  #chartRunsCached(metric) {
    if (this.#charts.paths !== this._paths) {
      this.#charts = { paths: this._paths, loss: this.#chartRuns('loss'), step: this.#chartRuns('step'), effective: this.#chartRuns('effective') };
    }
    return this.#charts[metric];
  }
}

customElements.define('nn-optim-lab', NnOptimLab);
