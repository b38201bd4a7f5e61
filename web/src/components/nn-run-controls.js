// nn-run-controls.js: Train, Pause, Step (one batch) and Reset (re-initialise from the seed), with
// the data download's progress, the epoch's progress, the latest numbers, speed and elapsed time.
// Train and Pause are the big pair a student looks for first; on a wide card the buttons, the
// progress and the numbers share one row, so the charts below stay on the first screen. Train
// on a finished run begins it again (the page's controller resets it first).

import { LitElement, css, html, nothing } from 'lit';
import { formatBytes, formatDuration, formatInteger, t, updateWhenLocaleChanges } from '../i18n/index.js';

/**
 * @element nn-run-controls
 * @fires run-action - a button was pressed; detail: {action: 'train' | 'pause' | 'step' | 'reset'}
 * @csspart buttons - the row of buttons
 * @csspart progress - the epoch <progress>
 */
export class NnRunControls extends LitElement {
  static properties = {
    /** 'loading' | 'ready' | 'training' | 'paused' | 'done' | 'failed' | 'invalid' */
    status: { type: String, reflect: true },
    /** Steps trained so far and the run's length. */
    step: { type: Number },
    totalSteps: { type: Number, attribute: 'total-steps' },
    stepsPerEpoch: { type: Number, attribute: 'steps-per-epoch' },
    /** Training speed and time spent training (seconds). */
    samplesPerSecond: { type: Number, attribute: 'samples-per-second' },
    elapsed: { type: Number },
    /** The data download: {loaded, total, phase} or null. */
    loading: { type: Object },
    /** Latest loss (batch), batch accuracy, and test accuracy with the number of test samples. */
    loss: { type: Number },
    trainAccuracy: { type: Number, attribute: 'train-accuracy' },
    testAccuracy: { type: Number, attribute: 'test-accuracy' },
    testCount: { type: Number, attribute: 'test-count' },
    /** Whether the test samples are 2-D points (XOR, spirals, ...) rather than MNIST's digits. */
    points: { type: Boolean },
    /** The numbers are those of the run before the experiment was changed: marked, not current. */
    stale: { type: Boolean },
    /** A sentence about why training stopped or cannot start. */
    message: { type: String },
  };

  static styles = css`
    :host {
      display: block;
      container-type: inline-size;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 10px 16px;
    }
    .buttons {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 6px;
    }
    .row > .bar {
      flex: 1 1 220px;
      margin: 0;
    }
    .row > .readout {
      flex: 1 1 100%;
      margin: 0;
    }
    .row > .stale {
      flex: 1 1 100%;
      margin: 0;
    }
    /* A phone's card: the four buttons share one row, and the numbers are smaller. */
    @container (max-width: 480px) {
      .buttons {
        flex: 1 1 100%;
        flex-wrap: nowrap;
      }
      .buttons button {
        flex: 1 1 auto;
        min-width: 0;
        padding: 0 8px;
      }
      .buttons button.big {
        flex-grow: 2;
        min-width: 0;
        min-height: 42px;
        font-size: 16px;
      }
      .readout {
        grid-template-columns: repeat(3, minmax(0, 1fr));
        gap: 4px;
      }
      .readout div {
        padding: 3px 6px;
      }
      .readout dd {
        font-size: 15px;
      }
    }
    /* A wide card: the numbers take the rest of the buttons' row. */
    @container (min-width: 1000px) {
      .row > .readout {
        flex: 3 1 520px;
        grid-template-columns: repeat(5, minmax(0, 1fr));
      }
    }
    button {
      font: inherit;
      font-weight: 600;
      min-width: 76px;
      min-height: 34px;
      padding: 0 14px;
      border-radius: 6px;
      border: 1px solid var(--nn-border, #b8bcc4);
      background: var(--nn-button, #f6f7f9);
      color: inherit;
      cursor: pointer;
    }
    button.primary {
      background: var(--nn-accent, #1a73e8);
      border-color: var(--nn-accent, #1a73e8);
      color: #fff;
    }
    button.big {
      min-width: 112px;
      min-height: 46px;
      font-size: 17px;
      border-radius: 23px;
      padding: 0 22px;
    }
    button:disabled {
      opacity: 0.45;
      cursor: default;
    }
    button:focus-visible {
      outline: 2px solid var(--nn-focus, #1a73e8);
      outline-offset: 2px;
    }
    .bar {
      margin-top: 10px;
    }
    .bar label {
      display: flex;
      justify-content: space-between;
      gap: 8px;
      font-size: 12.5px;
      color: var(--nn-muted, #555);
      margin-bottom: 3px;
      font-variant-numeric: tabular-nums;
    }
    progress {
      width: 100%;
      height: 10px;
      accent-color: var(--nn-accent, #1a73e8);
    }
    .readout {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(100px, 1fr));
      gap: 6px;
      margin-top: 10px;
    }
    .readout div {
      background: var(--nn-soft, #f1f3f6);
      border-radius: 6px;
      padding: 4px 8px;
    }
    .readout dt {
      font-size: 11.5px;
      color: var(--nn-muted, #555);
    }
    .readout dd {
      margin: 0;
      font-size: 17px;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
    }
    .stale {
      margin: 4px 0 0;
      font-size: 12px;
      color: var(--nn-muted, #5a5f69);
    }
    /* Struck through in the muted colour, which keeps the contrast a dimmed opacity would lose. */
    dl.is-stale dd {
      color: var(--nn-muted, #5a5f69);
      text-decoration: line-through;
    }
    dl {
      margin: 0;
    }
    .status {
      margin-top: 8px;
      font-size: 13px;
      min-height: 1.4em;
    }
    :host([status='failed']) .status,
    :host([status='invalid']) .status {
      color: var(--nn-error, #c5221f);
    }
  `;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.status = 'loading';
    this.step = 0;
    this.totalSteps = 0;
    this.stepsPerEpoch = 0;
    this.samplesPerSecond = 0;
    this.elapsed = 0;
    this.loading = null;
    this.loss = NaN;
    this.trainAccuracy = NaN;
    this.testAccuracy = NaN;
    this.testCount = 0;
    this.points = false;
    this.stale = false;
    this.message = '';
  }

  /** Moves keyboard focus to the first enabled button (the page's "skip to the run controls"). */
  focusButtons() {
    this.renderRoot.querySelector('button:not([disabled])')?.focus();
  }

  #act(action) {
    this.dispatchEvent(new CustomEvent('run-action', { detail: { action }, bubbles: true, composed: true }));
  }

  /** Set while a status change may disable the button that has focus (see updated). */
  #keepFocus = false;

  willUpdate(changed) {
    if (changed.has('status') && this.renderRoot.activeElement) this.#keepFocus = true;
  }

  /**
   * A button that had focus and is now disabled (Train once training, Pause once paused) hands
   * focus to the button that comes next, so a keyboard or screen-reader user keeps their place:
   * Pause while training, Train when ready, paused or done, Reset when stopped. While every
   * button is disabled (the data or the network being prepared) it waits for the next status,
   * unless focus went elsewhere in the page meanwhile.
   */
  updated() {
    if (!this.#keepFocus) return;
    const active = this.renderRoot.activeElement;
    const page = document.activeElement;
    if ((active && !active.disabled) || (!active && page && page !== document.body)) {
      this.#keepFocus = false;
      return;
    }
    const buttons = [...this.renderRoot.querySelectorAll('button')];
    const next = { training: 'pause', ready: 'train', paused: 'train', done: 'train', failed: 'reset' }[this.status];
    const target = buttons.find((b) => b.dataset.action === next && !b.disabled) ?? buttons.find((b) => !b.disabled);
    if (!target) return;
    this.#keepFocus = false;
    target.focus();
  }

  render() {
    const s = this.status;
    const ready = s === 'ready' || s === 'paused';
    // A finished run is trained again from fresh weights: Train stays a live button.
    const trainable = ready || s === 'done';
    const training = s === 'training';
    const configured = ready || training || s === 'done' || s === 'failed';
    const epochs = this.stepsPerEpoch ? Math.max(1, Math.round(this.totalSteps / this.stepsPerEpoch)) : 0;
    const epoch = this.stepsPerEpoch ? Math.min(epochs, Math.floor(Math.max(0, this.step - 1) / this.stepsPerEpoch) + 1) : 0;
    const inEpoch = this.stepsPerEpoch ? this.step - (epoch - 1) * this.stepsPerEpoch : 0;
    const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '—');
    return html`
      <div class="row">
      <div class="buttons" part="buttons">
        <button type="button" class="primary big" ?disabled=${!trainable} data-action="train" @click=${() => this.#act('train')}>${t('run.train')}</button>
        <button type="button" class="big" ?disabled=${!training} data-action="pause" @click=${() => this.#act('pause')}>${t('run.pause')}</button>
        <button type="button" ?disabled=${!(ready || training)} data-action="step" @click=${() => this.#act('step')}>${t('run.step')}</button>
        <button type="button" ?disabled=${!configured} data-action="reset" @click=${() => this.#act('reset')}>${t('run.reset')}</button>
      </div>
      ${this.loading ? this.#renderLoading() : nothing}
      <div class="bar">
        <label for="epoch">
          <span>${epochs ? t('run.epoch', { epoch, epochs, step: formatInteger(inEpoch), steps: formatInteger(this.stepsPerEpoch) }) : t('run.noRun')}</span>
          <span>${t('run.total', { step: formatInteger(this.step), total: formatInteger(this.totalSteps) })}</span>
        </label>
        <progress id="epoch" part="progress" max=${this.stepsPerEpoch || 1} .value=${inEpoch}></progress>
      </div>
      ${this.stale ? html`<p class="stale" data-stale>${t('run.stale')}</p>` : nothing}
      <dl class="readout ${this.stale ? 'is-stale' : ''}">
        <div><dt>${t('run.loss')}</dt><dd data-readout="loss">${Number.isFinite(this.loss) ? this.loss.toFixed(4) : '—'}</dd></div>
        <div><dt>${t('run.trainAccuracy')}</dt><dd>${pct(this.trainAccuracy)}</dd></div>
        <div><dt>${t(this.points ? 'run.testAccuracyPoints' : 'run.testAccuracy', { n: formatInteger(this.testCount) })}</dt><dd data-readout="test-accuracy">${pct(this.testAccuracy)}</dd></div>
        <div><dt>${t('run.speed')}</dt><dd>${this.samplesPerSecond ? formatInteger(this.samplesPerSecond) : '—'}</dd></div>
        <div><dt>${t('run.elapsed')}</dt><dd>${formatDuration(this.elapsed)}</dd></div>
      </dl>
      </div>
      <div class="status" role="status" aria-live="polite">${this.#statusText()}</div>
    `;
  }

  #renderLoading() {
    const { loaded, total, phase } = this.loading;
    const text = phase === 'verify'
      ? t('run.verifying')
      : t('run.downloading', { loaded: formatBytes(loaded), total: formatBytes(total) });
    return html`<div class="bar">
      <label for="download"><span>${text}</span><span>${total ? `${Math.floor((100 * loaded) / total)} %` : ''}</span></label>
      <progress id="download" max=${total || 1} .value=${loaded}></progress>
    </div>`;
  }

  #statusText() {
    const key = `status.${this.status}`;
    const base = t(key);
    return this.message ? `${base} ${this.message}` : base;
  }
}
customElements.define('nn-run-controls', NnRunControls);
