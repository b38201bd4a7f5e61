// nn-racer-editor.js: <nn-racer-editor>, one optimizer of the race: its type and every option
// torch.optim gives that type (the link's r1..r6 carry the same fields).

import { LitElement, css, html, nothing } from 'lit';
import { t, updateWhenLocaleChanges } from '../i18n/index.js';
import { formFields, swatch } from '../components/styles.js';
import { optimizerDefaults } from '../experiment/defaults.js';
import { BOOLEAN_FIELDS, RACER_FIELDS } from './optim-state.js';
import { OPTIMIZER_TYPES } from './surfaces.js';

/** A racer's name as the lab shows it: "SGD + momentum", "Nesterov", "Adam"... with its lr. */
export function racerName(racer) {
  let key = racer.type;
  if (racer.type === 'sgd' && racer.momentum) key = racer.nesterov ? 'nesterov' : 'momentum';
  return `${t(`optim.name.${key}`)} (lr ${racer.lr})`;
}

/**
 * @element nn-racer-editor
 *
 * @property {object} racer - {type, lr, ...} as the experiment schema's optimizer
 * @property {string} color - the racer's colour in the map
 * @property {boolean} removable - shows the remove button
 *
 * @fires racer-change - {detail: {racer}} when the user changes the type or an option
 * @fires racer-remove - when the user presses remove
 */
export class NnRacerEditor extends LitElement {
  static properties = {
    racer: { attribute: false },
    color: { type: String },
    removable: { type: Boolean },
  };

  static styles = [
    formFields,
    swatch,
    css`
      :host {
        display: block;
      }
      fieldset {
        border: 1px solid var(--nn-border-soft, #dde0e5);
        border-radius: 6px;
        margin: 0 0 8px;
        padding: 6px 8px 8px;
      }
      legend {
        font-weight: 600;
        font-size: 13px;
      }
      .fields {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 12px;
        align-items: end;
      }
      label {
        display: flex;
        flex-direction: column;
        font-size: 12px;
        color: var(--nn-muted, #5a5f69);
      }
      label.check {
        flex-direction: row;
        align-items: center;
        gap: 4px;
      }
      input[type='number'] {
        width: 6.5em;
      }
    `,
  ];

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.racer = { type: 'sgd', lr: 0.01 };
    this.color = '#000';
    this.removable = false;
  }

  #emit(racer) {
    this.racer = racer;
    this.dispatchEvent(new CustomEvent('racer-change', { detail: { racer }, bubbles: true, composed: true }));
  }

  #onType(type) {
    // A new type keeps the learning rate and takes torch's defaults for the rest.
    this.#emit({ type, lr: this.racer.lr });
  }

  #onField(name, value) {
    const racer = { ...this.racer };
    if (value === undefined || Number.isNaN(value)) delete racer[name];
    else racer[name] = value;
    this.#emit(racer);
  }

  #numberField(name, value, label, onValue) {
    return html`<label>${label}
      <input type="number" step="any" min="0" .value=${value === undefined ? '' : String(value)}
        @change=${(e) => onValue(e.target.value === '' ? undefined : Number(e.target.value))} /></label>`;
  }

  render() {
    const { racer } = this;
    const defaults = optimizerDefaults(racer.type);
    const field = (name) => {
      if (BOOLEAN_FIELDS.includes(name)) {
        return html`<label class="check"><input type="checkbox" .checked=${Boolean(racer[name])}
          @change=${(e) => this.#onField(name, e.target.checked || undefined)} />${t(`optim.field.${name}`)}</label>`;
      }
      if (name === 'betas') {
        const betas = racer.betas ?? defaults.betas ?? [0.9, 0.999];
        return html`${[0, 1].map((i) => this.#numberField(`beta${i + 1}`, betas[i], `β${i + 1}`, (v) => {
          const next = [...betas];
          next[i] = v ?? (defaults.betas ?? [0.9, 0.999])[i];
          this.#onField('betas', next);
        }))}`;
      }
      const shown = racer[name] ?? defaults[name];
      return this.#numberField(name, typeof shown === 'number' ? shown : undefined, t(`optim.field.${name}`), (v) => this.#onField(name, v));
    };
    return html`<fieldset>
      <legend><span class="swatch"></span>${racerName(racer)}</legend>
      <div class="fields">
        <label>${t('optim.type')}
          <select .value=${racer.type} @change=${(e) => this.#onType(e.target.value)}>
            ${OPTIMIZER_TYPES.map((type) => html`<option value=${type} ?selected=${type === racer.type}>${t(`optim.name.${type}`)}</option>`)}
          </select>
        </label>
        ${RACER_FIELDS[racer.type].map(field)}
        ${this.removable
          ? html`<button type="button" @click=${() => this.dispatchEvent(new CustomEvent('racer-remove', { bubbles: true, composed: true }))}>
              ${t('optim.removeRacer', { name: t(`optim.name.${racer.type}`) })}</button>`
          : nothing}
      </div>
    </fieldset>`;
  }

  updated() {
    // The swatch's colour through the CSSOM (the page's CSP allows no style attributes).
    const sw = this.renderRoot.querySelector('.swatch');
    if (sw) sw.style.background = this.color;
  }
}

customElements.define('nn-racer-editor', NnRacerEditor);
