// nn-layer-row.js: one layer of the stack editor: its kind, its settings, the output shape and
// parameter count the core reports for it, and the core's reason when it cannot be built.

import { LitElement, css, html, nothing } from 'lit';
import { formFields, srOnly } from './styles.js';
import { BIAS_INIT_TYPES, LAYER_TYPES } from '../experiment/schema.js';
import { layerDefaults } from '../experiment/defaults.js';
import { formatInteger, localize, t, updateWhenLocaleChanges } from '../i18n/index.js';
import './nn-num-field.js';
import './nn-init-editor.js';

/** The number fields of each layer kind: [field, integer?]. */
const FIELDS = {
  dense: [['units', true]],
  conv2d: [['filters', true], ['kernel', true], ['stride', true], ['padding', true]],
  maxpool: [['kernel', true], ['stride', true], ['padding', true]],
  avgpool: [['kernel', true], ['stride', true], ['padding', true]],
  dropout: [['p', false]],
  batchnorm: [['eps', false], ['momentum', false]],
  leaky_relu: [['negative_slope', false]],
  elu: [['alpha', false]],
};
const HAS_BIAS = new Set(['dense', 'conv2d']);

/** [c, h, w] -> "128" for flat features, "8×28×28" otherwise. */
export function formatShape(shape) {
  if (!shape) return '';
  const [c, h, w] = shape;
  return h === 1 && w === 1 ? String(c) : `${c}×${h}×${w}`;
}

/**
 * @element nn-layer-row
 * @fires layer-change - the user edited this layer; detail: {index, layer}
 * @fires layer-move - the user asked to move it (buttons or Alt+Up/Down); detail: {index, to}
 * @fires layer-remove - the user removed it; detail: {index}
 * @csspart row - the row's box
 * @csspart handle - the drag handle
 */
export class NnLayerRow extends LitElement {
  static properties = {
    /** The layer, as the experiment schema has it. */
    layer: { type: Object },
    /** Its position in the stack (0-based). */
    index: { type: Number },
    /** Number of layers in the stack (disables moves past the ends). */
    count: { type: Number },
    /** The core's description of this layer ({outShape, params, error}), or null when not checked. */
    description: { type: Object },
    /** Errors of the schema about this layer: [{field, message}] (field '' for the layer; message in words already). */
    errors: { type: Array },
    /** Set by the editor while another row is dragged over this one. */
    dropTarget: { type: Boolean, reflect: true, attribute: 'drop-target' },
    /** Read-only: shown, not editable (a homework link fixes the stack). */
    disabled: { type: Boolean, reflect: true },
    _showInit: { state: true },
  };

  static styles = [srOnly, formFields, css`
    :host {
      display: block;
    }
    .row {
      display: grid;
      grid-template-columns: 18px 22px minmax(120px, 170px) 1fr auto;
      align-items: start;
      gap: 6px 8px;
      padding: 6px 8px;
      border: 1px solid var(--nn-border-soft, #dde0e5);
      border-radius: 6px;
      background: var(--nn-panel, #fff);
    }
    :host([drop-target]) .row {
      border-top: 3px solid var(--nn-focus, #1a73e8);
    }
    .row.bad {
      border-color: var(--nn-error, #c5221f);
      background: var(--nn-error-bg, #fdecea);
    }
    .handle {
      cursor: grab;
      color: var(--nn-muted, #777);
      user-select: none;
      padding-top: 22px;
      text-align: center;
    }
    .num {
      padding-top: 22px;
      color: var(--nn-muted, #777);
      font-variant-numeric: tabular-nums;
      text-align: right;
    }
    .fields {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(74px, 1fr));
      gap: 6px;
      align-items: start;
    }
    .check {
      display: flex;
      align-items: center;
      gap: 4px;
      font-size: 12px;
      padding-top: 20px;
    }
    .out {
      text-align: right;
      font-size: 12px;
      line-height: 1.5;
      white-space: nowrap;
      font-variant-numeric: tabular-nums;
    }
    .out .shape {
      font-weight: 600;
      font-size: 13px;
    }
    .out .params {
      color: var(--nn-muted, #555);
    }
    .buttons {
      display: flex;
      gap: 2px;
      justify-content: flex-end;
      margin-top: 4px;
    }
    button {
      font: inherit;
      font-size: 12px;
      min-width: 26px;
      min-height: 24px;
      padding: 0 5px;
      border: 1px solid var(--nn-border, #b8bcc4);
      border-radius: 4px;
      background: var(--nn-button, #f6f7f9);
      color: inherit;
      cursor: pointer;
    }
    button:disabled {
      opacity: 0.4;
      cursor: default;
    }
    button:focus-visible {
      outline: 2px solid var(--nn-focus, #1a73e8);
      outline-offset: 1px;
    }
    .message {
      grid-column: 3 / -1;
      font-size: 12.5px;
      color: var(--nn-error, #c5221f);
    }
    .more-init {
      grid-column: 3 / -1;
    }
    .unchecked {
      grid-column: 3 / -1;
      font-size: 12px;
      color: var(--nn-muted, #777);
    }
    .inits {
      grid-column: 3 / -1;
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 8px;
    }
    .link {
      border: 0;
      background: none;
      padding: 0;
      min-height: 0;
      color: var(--nn-link, #1a5fb4);
      text-decoration: underline;
      cursor: pointer;
      font-size: 12px;
    }
    @media (max-width: 900px) {
      .row {
        grid-template-columns: 18px 22px 1fr auto;
      }
      .fields {
        grid-column: 3 / -1;
        grid-row: 2;
      }
      .inits {
        grid-template-columns: 1fr;
      }
    }
  `];

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.layer = { type: 'relu' };
    this.index = 0;
    this.count = 1;
    this.description = null;
    this.errors = [];
    this.dropTarget = false;
    this.disabled = false;
    this._showInit = false;
  }

  /** Moves keyboard focus to this row's kind picker (after a keyboard move). */
  focusRow() {
    this.renderRoot.querySelector('select')?.focus();
  }

  #emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  #change(patch) {
    const layer = { ...this.layer, ...patch };
    // torch's pool stride defaults to its kernel: keep them together until the user splits them.
    if ((layer.type === 'maxpool' || layer.type === 'avgpool') && 'kernel' in patch && this.layer.stride === this.layer.kernel) {
      layer.stride = patch.kernel;
    }
    if (patch.bias === false && layer.init?.bias) {
      layer.init = { ...layer.init };
      delete layer.init.bias;
      if (!layer.init.weight) delete layer.init;
    }
    this.#emit('layer-change', { index: this.index, layer });
  }

  #onType(event) {
    this.#emit('layer-change', { index: this.index, layer: layerDefaults(event.target.value) });
  }

  #onInit(role, value) {
    const init = { ...this.layer.init };
    if (value) init[role] = value;
    else delete init[role];
    const layer = { ...this.layer, init };
    if (!init.weight && !init.bias) delete layer.init;
    this.#emit('layer-change', { index: this.index, layer });
  }

  #onKeydown(event) {
    if (this.disabled || !event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    const to = this.index + (event.key === 'ArrowUp' ? -1 : 1);
    event.preventDefault();
    if (to < 0 || to >= this.count) return;
    this.#emit('layer-move', { index: this.index, to });
  }

  #error(field) {
    return this.errors?.filter((e) => e.field === field).map((e) => e.message).join(t('error.separator')) ?? '';
  }

  #initErrors(role) {
    return (this.errors ?? [])
      .filter((e) => e.field === `init.${role}` || e.field.startsWith(`init.${role}.`))
      .map((e) => ({ field: e.field.split('.')[2] ?? '', message: e.message }));
  }

  render() {
    const { layer, index, description: d } = this;
    const fields = FIELDS[layer.type] ?? [];
    // The core's reason (errorMsg: a message of i18n/errors.js when the JavaScript side gave one).
    const layerError = [localize(d?.errorMsg ?? d?.error), this.#error('')].filter(Boolean).join(t('error.separator'));
    const bad = Boolean(layerError || this.errors?.length);
    const name = t(`layer.${layer.type}`);
    return html`
      <div class="row ${bad ? 'bad' : ''}" part="row" role="group" aria-label=${t('layers.row', { n: index + 1, name })}
        @keydown=${this.#onKeydown}>
        <span class="handle" part="handle" draggable=${this.disabled ? 'false' : 'true'} title=${this.disabled ? '' : t('layers.drag')} aria-hidden="true">${this.disabled ? '' : '⋮⋮'}</span>
        <span class="num">${index + 1}</span>
        <div>
          <label class="sel" for="kind">${t('layers.kind')}</label>
          <select id="kind" .value=${layer.type} ?disabled=${this.disabled} @change=${this.#onType}>
            ${LAYER_TYPES.map((k) => html`<option value=${k} ?selected=${k === layer.type}>${t(`layer.${k}`)}</option>`)}
          </select>
        </div>
        <div class="fields">
          ${fields.map(([field, integer]) => html`<nn-num-field
            .label=${t(`field.${field}`)}
            .value=${layer[field]}
            ?integer=${integer}
            ?disabled=${this.disabled}
            .error=${this.#error(field)}
            @value-change=${(e) => this.#change({ [field]: e.detail.value })}
          ></nn-num-field>`)}
          ${HAS_BIAS.has(layer.type)
            ? html`<label class="check"><input type="checkbox" .checked=${layer.bias !== false} ?disabled=${this.disabled}
                @change=${(e) => this.#change({ bias: e.target.checked })} />${t('field.bias')}</label>`
            : nothing}
        </div>
        <div class="out">
          <span class="sr">${t('layers.output')}</span>
          <div class="shape">${d?.outShape ? html`<span aria-hidden="true">→ </span>${formatShape(d.outShape)}` : '—'}</div>
          <div class="params">${d && !d.error ? t('layers.params', { n: formatInteger(d.params) }) : ''}</div>
          <div class="buttons">
            <button type="button" aria-label=${t('layers.up', { n: index + 1 })} title=${t('layers.upHint')}
              ?disabled=${this.disabled || index === 0} @click=${() => this.#emit('layer-move', { index, to: index - 1 })}>↑</button>
            <button type="button" aria-label=${t('layers.down', { n: index + 1 })} title=${t('layers.downHint')}
              ?disabled=${this.disabled || index >= this.count - 1} @click=${() => this.#emit('layer-move', { index, to: index + 1 })}>↓</button>
            <button type="button" aria-label=${t('layers.remove', { n: index + 1 })} title=${t('layers.remove', { n: index + 1 })}
              ?disabled=${this.disabled || this.count <= 1} @click=${() => this.#emit('layer-remove', { index })}>✕</button>
          </div>
        </div>
        ${layerError ? html`<div class="message" role="alert">${layerError}</div>` : nothing}
        ${!d && !layerError ? html`<div class="unchecked">${t('layers.unchecked')}</div>` : nothing}
        ${HAS_BIAS.has(layer.type) ? this.#renderInit() : nothing}
      </div>
    `;
  }

  #renderInit() {
    const open = this._showInit || Boolean(this.layer.init);
    if (!open && this.disabled) return nothing;
    if (!open) {
      return html`<div class="more-init">
        <button type="button" class="link" @click=${() => { this._showInit = true; }}>${t('layers.initOverride')}</button>
      </div>`;
    }
    return html`<div class="inits">
      <nn-init-editor .label=${t('layers.weightInit')} inherit ?disabled=${this.disabled} .value=${this.layer.init?.weight ?? null}
        .errors=${this.#initErrors('weight')} @init-change=${(e) => this.#onInit('weight', e.detail.value)}></nn-init-editor>
      ${this.layer.bias !== false
        ? html`<nn-init-editor .label=${t('layers.biasInit')} inherit .types=${BIAS_INIT_TYPES} ?disabled=${this.disabled} .value=${this.layer.init?.bias ?? null}
            .errors=${this.#initErrors('bias')} @init-change=${(e) => this.#onInit('bias', e.detail.value)}></nn-init-editor>`
        : nothing}
    </div>`;
  }
}
customElements.define('nn-layer-row', NnLayerRow);
