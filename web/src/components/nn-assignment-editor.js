// nn-assignment-editor.js: the instructor's side of a homework link: a goal (test accuracy or
// test loss and its target), budgets (epochs, steps, parameters), the goal in words in both
// languages, and for each control of the experiment whether students may change it, see it
// locked, or not see it at all. The page turns the result into the homework link shown here.

import { LitElement, css, html, nothing } from 'lit';
import { languageTag, t, updateWhenLocaleChanges } from '../i18n/index.js';
import { GOAL_METRICS, GOAL_TEXT_MAX } from '../experiment/url.js';
import { fieldGroups, formFields } from './styles.js';
import './nn-num-field.js';

const STATES = ['free', 'lock', 'hide'];

/**
 * @element nn-assignment-editor
 * @fires assignment-change - on user edits only; detail: {assignment} (url.js's form: metric,
 *   target, max_epochs, max_steps, max_params, lock, hide, text: {en, zh}; absent = none)
 */
export class NnAssignmentEditor extends LitElement {
  static properties = {
    /** The assignment being built. */
    assignment: { attribute: false },
    /** The controls of the experiment now (url.js CONTROLS that apply to it), in order. */
    controls: { attribute: false },
    /** The homework link the page made of it, and why it cannot be made ('' when it can). */
    link: { type: String },
    linkError: { type: String, attribute: 'link-error' },
    /** How many classes the experiment's data has (the chance a goal is checked against). */
    classes: { type: Number },
    _copied: { state: true },
    /** What the accuracy target's field holds as typed (null once set from code). */
    _typed: { state: true },
  };

  static styles = [fieldGroups, formFields, css`
    :host {
      display: block;
      font-size: 13px;
    }
    .text label {
      display: block;
      font-size: 12px;
      color: var(--nn-muted, #5a5f69);
      margin-bottom: 2px;
    }
    select,
    textarea,
    input[type='text'] {
      font: inherit;
      width: 100%;
      box-sizing: border-box;
      padding: 3px 6px;
      border: 1px solid var(--nn-border, #b8bcc4);
      border-radius: 4px;
      background: #fff;
      color: inherit;
    }
    textarea {
      min-height: 48px;
      resize: vertical;
    }
    select:focus-visible,
    textarea:focus-visible,
    input:focus-visible,
    button:focus-visible,
    a:focus-visible {
      outline: 2px solid var(--nn-focus, #1a73e8);
      outline-offset: 1px;
    }
    .text {
      display: grid;
      gap: 8px;
    }
    .count {
      font-size: 11.5px;
      color: var(--nn-muted, #5a5f69);
      text-align: right;
    }
    .controls {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(180px, 1fr));
      gap: 6px 12px;
    }
    .control {
      display: grid;
      grid-template-columns: 1fr auto;
      gap: 6px;
      align-items: center;
    }
    .control select {
      width: auto;
    }
    .about {
      font-size: 12.5px;
      color: var(--nn-muted, #5a5f69);
      margin: 0 0 8px;
    }
    .out {
      display: grid;
      gap: 6px;
    }
    .out input {
      font: 12px ui-monospace, monospace;
    }
    .buttons {
      display: flex;
      gap: 8px;
      flex-wrap: wrap;
      align-items: center;
    }
    button,
    a.button {
      font: inherit;
      padding: 4px 12px;
      border: 1px solid var(--nn-border, #b8bcc4);
      border-radius: 4px;
      background: var(--nn-button, #f6f7f9);
      color: inherit;
      cursor: pointer;
      text-decoration: none;
      min-height: 30px;
      box-sizing: border-box;
      display: inline-flex;
      align-items: center;
    }
    .error,
    .warning {
      color: var(--nn-error, #b3261e);
    }
    .target-notes {
      grid-column: 1 / -1;
    }
    .target-notes p {
      margin: 2px 0;
    }
  `];

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.assignment = { lock: [], hide: [], text: {} };
    this.controls = [];
    this.link = '';
    this.linkError = '';
    this.classes = 10;
    this._copied = false;
    this._typed = null;
  }

  /**
   * The accuracy target typed in the percent field: 97 is 97 %, and 0.97, the link's own notation,
   * is 97 % too (no one sets a goal of under 1 %); 0 or over 100 is refused.
   */
  #setAccuracyTarget(value) {
    this._typed = value;
    if (!(value > 0 && value <= 100)) return;
    this.#set('target', value <= 1 ? value : value / 100);
  }

  #emitted = null;

  willUpdate(changed) {
    // An assignment set from code (a link, an undo) is shown as it is, not as it was typed.
    if (changed.has('assignment') && this.assignment !== this.#emitted) this._typed = null;
  }

  #emit(assignment) {
    this.assignment = assignment;
    this.#emitted = assignment;
    this.dispatchEvent(new CustomEvent('assignment-change', { detail: { assignment }, bubbles: true, composed: true }));
  }

  #set(field, value) {
    const next = { ...this.assignment };
    if (value === undefined || (typeof value === 'number' && !Number.isFinite(value))) delete next[field];
    else next[field] = value;
    this.#emit(next);
  }

  #setMetric(metric) {
    this._typed = null;
    const next = { ...this.assignment };
    if (!metric) {
      delete next.metric;
      delete next.target;
    } else {
      // A sensible first target: 97 % of MNIST, or a test loss of 0.1.
      if (next.metric !== metric) next.target = metric === 'test_accuracy' ? 0.97 : 0.1;
      next.metric = metric;
    }
    this.#emit(next);
  }

  #setText(lang, text) {
    this.#emit({ ...this.assignment, text: { ...this.assignment.text, [lang]: text } });
  }

  #setControl(control, state) {
    const a = this.assignment;
    const lock = a.lock.filter((c) => c !== control);
    const hide = a.hide.filter((c) => c !== control);
    if (state === 'lock') lock.push(control);
    if (state === 'hide') hide.push(control);
    this.#emit({ ...a, lock, hide });
  }

  async #copy() {
    try {
      await navigator.clipboard.writeText(this.link);
      this._copied = true;
      setTimeout(() => { this._copied = false; }, 2000);
    } catch {
      this.renderRoot.querySelector('#homework-link')?.select();
    }
  }

  render() {
    const a = this.assignment ?? { lock: [], hide: [], text: {} };
    return html`
      <p class="about">${t('assign.about')}</p>
      ${this.#renderGoal(a)}
      ${this.#renderText(a)}
      ${this.#renderControls(a)}
      <div class="out">
        <label class="sel" for="homework-link">${t('assign.link')}</label>
        <input id="homework-link" type="text" readonly .value=${this.link} @focus=${(e) => e.target.select()} />
        ${this.linkError ? html`<div class="error" role="alert">${this.linkError}</div>` : nothing}
        <div class="buttons">
          <button type="button" id="copy-homework" ?disabled=${!this.link} @click=${this.#copy}>${this._copied ? t('app.copied') : t('assign.copy')}</button>
          ${this.link ? html`<a class="button" id="open-homework" href=${this.link} target="_blank" rel="noopener">${t('assign.open')}</a>` : nothing}
        </div>
      </div>
    `;
  }

  #renderGoal(a) {
    const acc = a.metric === 'test_accuracy';
    return html`<fieldset>
      <legend>${t('assign.goal')}</legend>
      <div class="grid">
        <div>
          <label class="sel" for="goal-metric">${t('assign.metric')}</label>
          <select id="goal-metric" .value=${a.metric ?? ''} @change=${(e) => this.#setMetric(e.target.value)}>
            <option value="" ?selected=${!a.metric}>${t('assign.noGoal')}</option>
            ${GOAL_METRICS.map((m) => html`<option value=${m} ?selected=${a.metric === m}>${t(`assign.metric.${m}`)}</option>`)}
          </select>
        </div>
        ${a.metric
          ? html`<nn-num-field data-field="target" .label=${acc ? t('assign.targetPercent') : t('assign.targetLoss')}
              .value=${acc ? Math.round(a.target * 1e6) / 1e4 : a.target}
              .hint=${acc ? t('assign.targetHint') : ''}
              .error=${this.#targetError(a)}
              @value-change=${(e) => (acc ? this.#setAccuracyTarget(e.detail.value) : this.#set('target', e.detail.value))}></nn-num-field>`
          : nothing}
        ${a.metric ? this.#renderTargetNotes(a) : nothing}
        ${['max_epochs', 'max_steps', 'max_params'].map((key) => html`<nn-num-field data-field=${key} integer
          .label=${t(`assign.${key}`)} .hint=${t('assign.budgetHint')} .value=${a[key] ?? NaN}
          @value-change=${(e) => this.#set(key, e.detail.value > 0 ? Math.round(e.detail.value) : undefined)}></nn-num-field>`)}
      </div>
    </fieldset>`;
  }

  #targetError(a) {
    const typed = this._typed;
    if (a.metric !== 'test_accuracy' || typed === null || (typed > 0 && typed <= 100)) return '';
    return t('assign.targetRange');
  }

  /** How a typed fraction was read, and a goal an untrained network meets by chance. */
  #renderTargetNotes(a) {
    const notes = [];
    const pct = (x) => `${Math.round(x * 1e6) / 1e4} %`;
    if (a.metric === 'test_accuracy' && this._typed > 0 && this._typed <= 1) notes.push(html`<p class="note" id="target-read">${t('assign.targetRead', { typed: String(this._typed), pct: pct(a.target) })}</p>`);
    const classes = this.classes > 1 ? this.classes : 10;
    const chance = a.metric === 'test_accuracy' ? a.target <= 1 / classes : a.target >= Math.log(classes);
    if (Number.isFinite(a.target) && chance) {
      const key = a.metric === 'test_accuracy' ? 'assign.chanceAccuracy' : 'assign.chanceLoss';
      notes.push(html`<p class="warning" id="target-chance" role="alert">${t(key, { classes: String(classes), chance: a.metric === 'test_accuracy' ? pct(1 / classes) : (Math.round(Math.log(classes) * 1000) / 1000).toString() })}</p>`);
    }
    return notes.length ? html`<div class="target-notes">${notes}</div>` : nothing;
  }

  #renderText(a) {
    const field = (lang, label) => {
      const value = a.text?.[lang] ?? '';
      return html`<div>
        <label for="goal-${lang}">${label}</label>
        <textarea id="goal-${lang}" lang=${languageTag(lang)} maxlength=${GOAL_TEXT_MAX} .value=${value}
          aria-describedby="goal-${lang}-count" @input=${(e) => this.#setText(lang, e.target.value)}></textarea>
        <div class="count" id="goal-${lang}-count">${t('assign.chars', { n: [...value].length, max: GOAL_TEXT_MAX })}</div>
      </div>`;
    };
    return html`<fieldset class="text">
      <legend>${t('assign.text')}</legend>
      ${field('zh', t('assign.textZh'))}
      ${field('en', t('assign.textEn'))}
    </fieldset>`;
  }

  #renderControls(a) {
    const stateOf = (c) => (a.lock.includes(c) ? 'lock' : a.hide.includes(c) ? 'hide' : 'free');
    return html`<fieldset>
      <legend>${t('assign.controls')}</legend>
      <p class="about">${t('assign.controlsAbout')}</p>
      <div class="controls">
        ${(this.controls ?? []).map((c) => html`<div class="control">
          <label class="sel" for="control-${c}">${t(`control.${c}`)}</label>
          <select id="control-${c}" data-control=${c} .value=${stateOf(c)} @change=${(e) => this.#setControl(c, e.target.value)}>
            ${STATES.map((s) => html`<option value=${s} ?selected=${stateOf(c) === s}>${t(`assign.state.${s}`)}</option>`)}
          </select>
        </div>`)}
      </div>
    </fieldset>`;
  }
}
customElements.define('nn-assignment-editor', NnAssignmentEditor);
