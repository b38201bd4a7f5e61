// nn-init-editor.js: picks an initialiser (torch.nn.init's, plus the lesson's MSRA formula as it
// is written) and edits its arguments. Used for the experiment's global init and per-layer overrides.

import { LitElement, css, html, nothing } from 'lit';
import { INIT_SETS_BIASES, INIT_TYPES, NONLINEARITIES } from '../experiment/schema.js';
import { initDefaults } from '../experiment/defaults.js';
import { formFields } from './styles.js';
import { t, updateWhenLocaleChanges } from '../i18n/index.js';
import './nn-num-field.js';

/** The number arguments of each initialiser, in the order they are shown. */
const NUMBER_ARGS = {
  constant: ['value'],
  uniform: ['a', 'b'],
  normal: ['mean', 'std'],
  xavier_uniform: ['gain'],
  xavier_normal: ['gain'],
  kaiming_uniform: ['a'],
  kaiming_normal: ['a'],
};
const KAIMING = new Set(['kaiming_uniform', 'kaiming_normal']);

let uid = 0;

/**
 * @element nn-init-editor
 * @fires init-change - on user edits only; detail: {value: object | null} (null: "same as the global init")
 * @csspart select - the initialiser <select>
 */
export class NnInitEditor extends LitElement {
  static properties = {
    /** The initialiser ({type, ...args}) or null when inheriting. */
    value: { type: Object },
    /** The label of the picker. */
    label: { type: String },
    /** Offer "same as the global init" (null) as the first choice. */
    inherit: { type: Boolean },
    /** Errors about this initialiser: [{field, message}] (field '' for the whole). */
    errors: { type: Array },
    /** Show the one-line formula under the picker. */
    explain: { type: Boolean },
    /** The initialisers to offer (a bias takes fewer: BIAS_INIT_TYPES). */
    types: { type: Array },
    /** The experiment's own initialiser (every layer's): also say what it does to the biases. */
    everyLayer: { type: Boolean, attribute: 'every-layer' },
    /** Read-only (a homework link fixes it). */
    disabled: { type: Boolean, reflect: true },
  };

  static styles = [formFields, css`
    :host {
      display: block;
    }
    .args {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(90px, 1fr));
      gap: 6px;
      margin-top: 6px;
    }
    .explain {
      font-size: 11.5px;
      color: var(--nn-muted, #555);
      margin-top: 3px;
      line-height: 1.35;
    }
    .error {
      font-size: 12px;
      color: var(--nn-error, #c5221f);
      margin-top: 2px;
    }
  `];

  #id = `init-${++uid}`;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.value = null;
    this.label = '';
    this.inherit = false;
    this.errors = [];
    this.explain = true;
    this.everyLayer = false;
    this.types = INIT_TYPES;
    this.disabled = false;
  }

  #emit(value) {
    this.value = value;
    this.dispatchEvent(new CustomEvent('init-change', { detail: { value }, bubbles: true, composed: true }));
  }

  #onType(event) {
    const type = event.target.value;
    this.#emit(type === '' ? null : initDefaults(type));
  }

  #onArg(field, value) {
    this.#emit({ ...this.value, [field]: value });
  }

  #error(field) {
    return this.errors?.find((e) => e.field === field)?.message ?? '';
  }

  render() {
    const v = this.value;
    const type = v?.type ?? '';
    return html`
      <label class="sel" for=${this.#id}>${this.label}</label>
      <select part="select" id=${this.#id} .value=${type} ?disabled=${this.disabled} @change=${this.#onType}>
        ${this.inherit ? html`<option value="" ?selected=${type === ''}>${t('init.inherit')}</option>` : nothing}
        ${this.types.map((k) => html`<option value=${k} ?selected=${type === k}>${t(`init.${k}`)}</option>`)}
      </select>
      ${v && this.explain ? html`<div class="explain">${t(`init.${type}.formula`)}</div>` : nothing}
      ${v && this.explain && this.everyLayer
        ? html`<div class="explain biases">${t(INIT_SETS_BIASES.includes(type) ? 'init.biases.same' : 'init.biases.default')}</div>`
        : nothing}
      ${this.#error('') ? html`<div class="error" role="alert">${this.#error('')}</div>` : nothing}
      ${v && (NUMBER_ARGS[type] || KAIMING.has(type))
        ? html`<div class="args">
            ${(NUMBER_ARGS[type] ?? []).map(
              (field) => html`<nn-num-field
                .label=${t(`init.arg.${KAIMING.has(type) && field === 'a' ? 'slope' : field}`)}
                .value=${v[field]}
                ?disabled=${this.disabled}
                .error=${this.#error(field)}
                @value-change=${(e) => this.#onArg(field, e.detail.value)}
              ></nn-num-field>`,
            )}
            ${KAIMING.has(type) ? this.#kaimingSelects(v) : nothing}
          </div>`
        : nothing}
    `;
  }

  #kaimingSelects(v) {
    const select = (field, options) => html`<div>
      <label class="sel" for="${this.#id}-${field}">${t(`init.arg.${field}`)}</label>
      <select id="${this.#id}-${field}" .value=${v[field]} ?disabled=${this.disabled} @change=${(e) => this.#onArg(field, e.target.value)}>
        ${options.map((o) => html`<option value=${o} ?selected=${v[field] === o}>${o}</option>`)}
      </select>
    </div>`;
    return html`${select('mode', ['fan_in', 'fan_out'])}${select('nonlinearity', NONLINEARITIES)}`;
  }
}
customElements.define('nn-init-editor', NnInitEditor);
