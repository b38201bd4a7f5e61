// nn-export-bar.js: the export buttons under the run controls: the experiment as a PyTorch script
// with its weights, the weights alone, and weights loaded from a .safetensors file.

import { LitElement, css, html } from 'lit';
import { controls, srOnly } from './styles.js';
import { localize, t, updateWhenLocaleChanges } from '../i18n/index.js';

/**
 * @element nn-export-bar
 *
 * @property {boolean} ready - there is a network to export (buttons are disabled otherwise)
 * @property {boolean} busy - an export is under way
 * @property {boolean} homework - a homework is in force (its runs take no uploaded weights)
 * @property {*} message - what the last export said (what localize() takes)
 *
 * @fires export-pytorch - the user asked for the PyTorch script and weights
 * @fires download-weights - the user asked for the weights
 * @fires upload-weights - the user chose a weights file; detail {file}
 */
export class NnExportBar extends LitElement {
  static properties = {
    ready: { type: Boolean },
    busy: { type: Boolean },
    homework: { type: Boolean },
    message: { attribute: false },
  };

  static styles = [srOnly, controls, css`
    :host {
      display: block;
    }
    .exports {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
      align-items: center;
      margin-top: 10px;
      padding-top: 8px;
      border-top: 1px solid var(--nn-border-soft);
    }
    .note {
      font-size: 12.5px;
      color: var(--nn-muted);
      margin: 0;
    }
    .export-message {
      flex-basis: 100%;
    }
  `];

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.ready = false;
    this.busy = false;
    this.homework = false;
    this.message = '';
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  #upload(input) {
    const file = input.files?.[0];
    input.value = '';
    if (file) this.#emit('upload-weights', { file });
  }

  render() {
    const off = !this.ready || this.busy;
    return html`<div class="exports" role="group" aria-labelledby="exports-label">
      <span id="exports-label" class="note">${t('export.title')}</span>
      <button type="button" id="export-pytorch" ?disabled=${off} @click=${() => this.#emit('export-pytorch')}>${t('export.pytorch')}</button>
      <button type="button" id="download-weights" ?disabled=${off} @click=${() => this.#emit('download-weights')}>${t('export.weights')}</button>
      <button type="button" id="upload-weights" ?disabled=${off || this.homework}
        title=${this.homework ? t('export.uploadHomework') : ''}
        @click=${() => this.renderRoot.querySelector('#weights-file')?.click()}>${t('export.upload')}</button>
      <input type="file" id="weights-file" class="sr" accept=".safetensors" tabindex="-1" aria-hidden="true"
        @change=${(e) => this.#upload(e.target)} />
      <div class="note export-message" role="status">${localize(this.message)}</div>
    </div>`;
  }
}
customElements.define('nn-export-bar', NnExportBar);
