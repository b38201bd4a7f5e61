// nn-num-field.js: a labelled number input that keeps what the user types (including "1e-" or an
// empty box while typing) and reports every edit as a number, or NaN when the text is not one.

import { LitElement, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';

const NUMBER_RE = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

/** Text -> number, or NaN for anything that is not a plain decimal number. */
export function parseNumberText(text) {
  return NUMBER_RE.test(text) ? Number(text) : NaN;
}

/**
 * A number field with its label, a one-line hint and an error.
 *
 * @element nn-num-field
 * @fires value-change - on user input only; detail: {value: number} (NaN when the text is not a number)
 * @csspart input - the <input>
 * @csspart label - the <label>
 */
export class NnNumField extends LitElement {
  static properties = {
    /** The label text. */
    label: { type: String },
    /** The value to show (a number; NaN shows the text being typed). */
    value: { type: Number },
    /** A one-line explanation under the field. */
    hint: { type: String },
    /** An error sentence; marks the field invalid. */
    error: { type: String },
    /** Whether the value must be an integer (input mode numeric instead of decimal). */
    integer: { type: Boolean },
    disabled: { type: Boolean, reflect: true },
    _text: { state: true },
  };

  static styles = css`
    :host {
      display: block;
      min-width: 0;
    }
    label {
      display: block;
      font-size: 12px;
      color: var(--nn-muted, #555);
      margin-bottom: 2px;
    }
    input {
      box-sizing: border-box;
      width: 100%;
      font: inherit;
      font-variant-numeric: tabular-nums;
      padding: 3px 6px;
      border: 1px solid var(--nn-border, #b8bcc4);
      border-radius: 4px;
      background: var(--nn-input-bg, #fff);
      color: inherit;
    }
    input:focus-visible {
      outline: 2px solid var(--nn-focus, #1a73e8);
      outline-offset: 1px;
    }
    input[aria-invalid='true'] {
      border-color: var(--nn-error, #c5221f);
      background: var(--nn-error-bg, #fdecea);
    }
    .hint {
      font-size: 11.5px;
      color: var(--nn-muted, #555);
      margin-top: 2px;
      line-height: 1.35;
    }
    .error {
      font-size: 12px;
      color: var(--nn-error, #c5221f);
      margin-top: 2px;
    }
  `;

  constructor() {
    super();
    this.label = '';
    this.value = NaN;
    this.hint = '';
    this.error = '';
    this.integer = false;
    this.disabled = false;
    this._text = null;
  }

  willUpdate(changed) {
    // A value set from code replaces the typed text unless it is the number that text means.
    if (changed.has('value') && this._text !== null && !Object.is(parseNumberText(this._text), this.value)) this._text = null;
  }

  #onInput(event) {
    this._text = event.target.value;
    const value = parseNumberText(this._text);
    this.value = value;
    this.dispatchEvent(new CustomEvent('value-change', { detail: { value }, bubbles: true, composed: true }));
  }

  #onBlur() {
    if (!Number.isNaN(parseNumberText(this._text ?? ''))) this._text = null;
  }

  render() {
    const shown = this._text ?? (Number.isFinite(this.value) ? String(this.value) : '');
    return html`
      <label part="label" for="f">${this.label}</label>
      <input
        part="input"
        id="f"
        type="text"
        inputmode=${this.integer ? 'numeric' : 'decimal'}
        autocomplete="off"
        spellcheck="false"
        .value=${live(shown)}
        ?disabled=${this.disabled}
        aria-invalid=${this.error ? 'true' : 'false'}
        aria-describedby=${[this.hint ? 'hint' : '', this.error ? 'err' : ''].filter(Boolean).join(' ') || nothing}
        @input=${this.#onInput}
        @blur=${this.#onBlur}
      />
      ${this.hint ? html`<div class="hint" id="hint">${this.hint}</div>` : nothing}
      ${this.error ? html`<div class="error" id="err" role="alert">${this.error}</div>` : nothing}
    `;
  }
}
customElements.define('nn-num-field', NnNumField);
