// nn-layer-editor.js: the layer-stack editor: add, remove, reorder (drag, buttons, Alt+Up/Down)
// and edit layers; shows the input shape, each layer's output shape and parameter count as the
// core reports them, the total, the memory nn_build would take, and the reason a stack is refused.

import { LitElement, css, html, nothing } from 'lit';
import { srOnly } from './styles.js';
import { repeat } from 'lit/directives/repeat.js';
import { LAYER_TYPES } from '../experiment/schema.js';
import { layerDefaults } from '../experiment/defaults.js';
import { formatBytes, formatInteger, localize, t, updateWhenLocaleChanges } from '../i18n/index.js';
import { formatShape } from './nn-layer-row.js';
import './nn-layer-row.js';

/**
 * @element nn-layer-editor
 * @fires layers-change - on user edits only; detail: {layers: object[], action: 'edit'|'add'|'remove'|'move'}
 * @csspart list - the <ol> of rows
 */
export class NnLayerEditor extends LitElement {
  static properties = {
    /** The layers of the experiment (schema form). */
    layers: { type: Array },
    /** The core's Description of the stack (protocol.js), or null while it is being checked. */
    description: { type: Object },
    /** Schema errors about layers: [{path: ['layers', i, field...], message, msg}] (shown with localize()). */
    errors: { type: Array },
    /** Batch size the memory estimate is for. */
    batchSize: { type: Number, attribute: 'batch-size' },
    /** Disables editing (while a homework link fixes the stack). */
    disabled: { type: Boolean, reflect: true },
    _addType: { state: true },
    /**
     * The row last clicked or edited (-1 for none): Add layer puts the new layer after it. Focus
     * alone does not choose a row: tabbing through the rows to the button passes the output layer.
     */
    _selected: { state: true },
    _dragFrom: { state: true },
    _dropAt: { state: true },
    _announce: { state: true },
  };

  static styles = [srOnly, css`
    :host {
      display: block;
    }
    .input {
      font-size: 12.5px;
      color: var(--nn-muted, #555);
      margin: 0 0 6px 48px;
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 6px;
    }
    .add {
      display: flex;
      gap: 6px;
      align-items: end;
      margin-top: 8px;
      flex-wrap: wrap;
    }
    li[data-selected] {
      box-shadow: inset 3px 0 0 var(--nn-accent, #1a73e8);
    }
    .add label {
      display: block;
      font-size: 12px;
      color: var(--nn-muted, #555);
      margin-bottom: 2px;
    }
    select,
    button {
      font: inherit;
      padding: 3px 8px;
      border: 1px solid var(--nn-border, #b8bcc4);
      border-radius: 4px;
      background: var(--nn-input-bg, #fff);
      color: inherit;
    }
    button {
      background: var(--nn-button, #f6f7f9);
      cursor: pointer;
      min-height: 28px;
    }
    select:focus-visible,
    button:focus-visible {
      outline: 2px solid var(--nn-focus, #1a73e8);
      outline-offset: 1px;
    }
    .hint {
      font-size: 12px;
      color: var(--nn-muted, #555);
      margin-left: auto;
    }
    .total {
      margin-top: 10px;
      padding: 6px 8px;
      border-radius: 6px;
      background: var(--nn-soft, #f1f3f6);
      font-size: 13px;
      font-variant-numeric: tabular-nums;
    }
    .total.bad {
      background: var(--nn-error-bg, #fdecea);
      color: var(--nn-error, #c5221f);
    }
  `];

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.layers = [];
    this.description = null;
    this.errors = [];
    this.batchSize = 64;
    this.disabled = false;
    this._addType = 'dense';
    this._selected = -1;
    this._dragFrom = -1;
    this._dropAt = -1;
    this._announce = '';
  }

  #emit(layers, action) {
    this.layers = layers;
    this.dispatchEvent(new CustomEvent('layers-change', { detail: { layers, action }, bubbles: true, composed: true }));
  }

  #onChange(event) {
    event.stopPropagation();
    const { index, layer } = event.detail;
    this._selected = index;
    this.#emit(this.layers.map((l, i) => (i === index ? layer : l)), 'edit');
  }

  #onRemove(event) {
    event.stopPropagation();
    const { index } = event.detail;
    this._announce = t('layers.removed', { n: index + 1, name: t(`layer.${this.layers[index].type}`) });
    this._selected = -1;
    this.#emit(this.layers.filter((_, i) => i !== index), 'remove');
    this.updateComplete.then(() => this.#rows()[Math.min(index, this.layers.length - 1)]?.focusRow());
  }

  #move(from, to) {
    if (from === to || to < 0 || to >= this.layers.length) return;
    const layers = [...this.layers];
    const [moved] = layers.splice(from, 1);
    layers.splice(to, 0, moved);
    this._announce = t('layers.moved', { name: t(`layer.${moved.type}`), n: to + 1 });
    this._selected = to;
    this.#emit(layers, 'move');
  }

  #onMove(event) {
    event.stopPropagation();
    const { index, to } = event.detail;
    this.#move(index, to);
    // Focus follows the moved row, so Alt+Up can be pressed again.
    this.updateComplete.then(() => this.#rows()[to]?.focusRow());
  }

  /**
   * Where Add layer puts the new layer: after the row last chosen, else before the output layer
   * (the last dense layer, whose units are the classes), else at the end.
   */
  addIndex() {
    const n = this.layers.length;
    if (this._selected >= 0 && this._selected < n) return this._selected + 1;
    return n > 0 && this.layers[n - 1].type === 'dense' ? n - 1 : n;
  }

  #onAdd() {
    const at = this.addIndex();
    const layers = [...this.layers];
    layers.splice(at, 0, layerDefaults(this._addType));
    this._announce = t('layers.added', { name: t(`layer.${this._addType}`), n: at + 1 });
    this._selected = at;
    this.#emit(layers, 'add');
    this.updateComplete.then(() => this.#rows()[at]?.focusRow());
  }

  #rows() {
    return [...this.renderRoot.querySelectorAll('nn-layer-row')];
  }

  /** Brings layer `index`'s row into view and focuses it (the page's network drawing asks for a layer). */
  focusLayer(index) {
    const row = this.#rows()[index];
    row?.scrollIntoView({ block: 'nearest' });
    row?.focusRow();
  }

  // ---- drag and drop: the handle starts it, a row under the pointer takes the drop ----

  #onDragStart(event, index) {
    if (this.disabled) {
      event.preventDefault();
      return;
    }
    this._dragFrom = index;
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData('text/plain', String(index));
  }

  #onDragOver(event, index) {
    if (this._dragFrom < 0) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    this._dropAt = index;
  }

  #onDrop(event, index) {
    if (this._dragFrom < 0) return;
    event.preventDefault();
    const from = this._dragFrom;
    this._dragFrom = this._dropAt = -1;
    this.#move(from, index);
  }

  #onDragEnd() {
    this._dragFrom = this._dropAt = -1;
  }

  /** Schema errors of layer i as [{field, message}] ('' = the layer itself), message in the page's language. */
  #errorsOf(i) {
    return (this.errors ?? [])
      .filter((e) => e.path[0] === 'layers' && e.path[1] === i)
      .map((e) => ({ field: e.path.slice(2).join('.'), message: localize(e) }));
  }

  render() {
    const d = this.description;
    const listError = (this.errors ?? []).find((e) => e.path[0] === 'layers' && e.path.length === 1);
    return html`
      <div class="input">${d ? t('layers.input', { shape: formatShape(d.inputShape) }) : ''}</div>
      <ol part="list" aria-label=${t('layers.title')}>
        ${repeat(
          this.layers,
          (_, i) => i,
          (layer, i) => html`<li ?data-selected=${i === this._selected} @pointerdown=${() => { this._selected = i; }}>
            <nn-layer-row
              .layer=${layer}
              .index=${i}
              .count=${this.layers.length}
              .description=${d?.layers?.[i] ?? null}
              .errors=${this.#errorsOf(i)}
              .dropTarget=${this._dropAt === i && this._dragFrom !== i}
              ?disabled=${this.disabled}
              @layer-change=${this.#onChange}
              @layer-move=${this.#onMove}
              @layer-remove=${this.#onRemove}
              @dragstart=${(e) => this.#onDragStart(e, i)}
              @dragover=${(e) => this.#onDragOver(e, i)}
              @drop=${(e) => this.#onDrop(e, i)}
              @dragend=${this.#onDragEnd}
            ></nn-layer-row>
          </li>`,
        )}
      </ol>
      ${this.disabled ? html`<p class="hint" data-locked>${t('layers.locked')}</p>` : html`<div class="add">
        <div>
          <label for="add-type">${t('layers.addKind')}</label>
          <select id="add-type" .value=${this._addType} @change=${(e) => { this._addType = e.target.value; }}>
            ${LAYER_TYPES.map((k) => html`<option value=${k} ?selected=${k === this._addType}>${t(`layer.${k}`)}</option>`)}
          </select>
        </div>
        <button type="button" id="add-layer" aria-describedby="add-at" @click=${this.#onAdd}>${t('layers.add')}</button>
        <span class="hint" id="add-at">${t('layers.addAt', { n: this.addIndex() + 1 })}</span>
        <span class="hint">${t('layers.reorderHint')}</span>
      </div>`}
      ${this.#renderTotal(d, listError)}
      <div class="sr" aria-live="polite">${this._announce}</div>
    `;
  }

  #renderTotal(d, listError) {
    if (listError) return html`<div class="total bad" role="alert">${localize(listError)}</div>`;
    if (!d) return html`<div class="total">${t('layers.checking')}</div>`;
    if (!d.ok) {
      const where = d.error.layer >= 0 ? t('layers.failsAt', { n: d.error.layer + 1 }) : t('layers.fails');
      return html`<div class="total bad" role="alert" data-error-layer=${d.error.layer}>${where} ${localize(d.error)}</div>`;
    }
    return html`<div class="total">${t('layers.total', {
      params: formatInteger(d.params), memory: formatBytes(d.bytes), batch: this.batchSize,
    })}</div>`;
  }
}
customElements.define('nn-layer-editor', NnLayerEditor);
