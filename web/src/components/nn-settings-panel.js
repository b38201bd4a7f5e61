// nn-settings-panel.js: every setting of the experiment besides the layers: data set, loss,
// optimizer (torch.optim's hyper-parameters, with torch's defaults and a line from the lesson on
// each), the global weight init, batch size, epochs, shuffling and the seed.

import { LitElement, css, html, nothing } from 'lit';
import { DATA_SETS, OPTIMIZER_TYPES, LOSS_TYPES } from '../experiment/schema.js';
import { dataDefaults, lossDefaults, optimizerDefaults } from '../experiment/defaults.js';
import { fieldGroups, formFields } from './styles.js';
import { has, localize, t, updateWhenLocaleChanges } from '../i18n/index.js';
import { controlOfPath } from '../experiment/url.js';
import './nn-num-field.js';
import './nn-init-editor.js';

/** The fields of each optimizer in the order torch.optim lists them; kind: number | bool | betas. */
const OPTIMIZER_FIELDS = {
  sgd: [['lr', 'number'], ['momentum', 'number'], ['dampening', 'number'], ['weight_decay', 'number'], ['nesterov', 'bool'], ['maximize', 'bool']],
  adagrad: [['lr', 'number'], ['lr_decay', 'number'], ['weight_decay', 'number'], ['initial_accumulator_value', 'number'], ['eps', 'number'], ['maximize', 'bool']],
  rmsprop: [['lr', 'number'], ['alpha', 'number'], ['eps', 'number'], ['weight_decay', 'number'], ['momentum', 'number'], ['centered', 'bool'], ['maximize', 'bool']],
  adam: [['lr', 'number'], ['betas', 'betas'], ['eps', 'number'], ['weight_decay', 'number'], ['amsgrad', 'bool'], ['maximize', 'bool']],
  adamw: [['lr', 'number'], ['betas', 'betas'], ['eps', 'number'], ['weight_decay', 'number'], ['amsgrad', 'bool'], ['maximize', 'bool']],
};
const SYNTH_SETS = new Set(['xor', 'circles', 'spirals', 'gaussians']);

/**
 * Controls (url.js CONTROLS: a homework link's lock= and hide=) are named by their hash key: a
 * locked one is shown disabled with a lock, a hidden one is not shown at all, and a section
 * whose every control is hidden is left out.
 *
 * @element nn-settings-panel
 * @fires experiment-change - on user edits only; detail: {experiment, field} (field: 'data', 'data.set', 'loss', 'optimizer', 'init', 'batch_size', ...)
 */
export class NnSettingsPanel extends LitElement {
  static properties = {
    /** The experiment being edited (may be invalid while the user types). */
    experiment: { type: Object },
    /** Schema errors: [{path, message, msg}]; those not about layers are shown at their field (localize()). */
    errors: { type: Array },
    /** Controls shown but not editable (e.g. ['opt', 'lr']). */
    locked: { type: Array },
    /** Controls not shown. */
    hidden: { type: Array },
  };

  static styles = [fieldGroups, formFields, css`
    :host {
      display: block;
    }
    .full {
      grid-column: 1 / -1;
    }
    .about {
      font-size: 12.5px;
      color: var(--nn-muted, #444);
      margin: 4px 0 8px;
      line-height: 1.4;
    }
    .check {
      display: grid;
      grid-template-columns: auto 1fr;
      gap: 0 6px;
      align-items: start;
      font-size: 13px;
    }
    .check input {
      margin: 3px 0 0;
    }
    .check .hint {
      grid-column: 2;
      font-size: 11.5px;
      color: var(--nn-muted, #555);
      line-height: 1.35;
    }
    .error {
      font-size: 12px;
      color: var(--nn-error, #c5221f);
      margin-top: 2px;
    }
  `];

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.experiment = null;
    this.errors = [];
    this.locked = [];
    this.hidden = [];
  }

  /** 'hide', 'lock' or 'free' for the control of an experiment path. */
  #stateOf(...path) {
    const control = controlOfPath(path);
    if (this.hidden?.includes(control)) return 'hide';
    if (this.locked?.includes(control)) return 'lock';
    return 'free';
  }

  #label(text, ...path) {
    return this.#stateOf(...path) === 'lock' ? `${text} ${t('lock.marker')}` : text;
  }

  #emit(experiment, field) {
    this.experiment = experiment;
    this.dispatchEvent(new CustomEvent('experiment-change', { detail: { experiment, field }, bubbles: true, composed: true }));
  }

  #set(section, field, value) {
    const e = this.experiment;
    if (section) this.#emit({ ...e, [section]: { ...e[section], [field]: value } }, `${section}.${field}`);
    else this.#emit({ ...e, [field]: value }, field);
  }

  #error(...path) {
    return (this.errors ?? [])
      .filter((e) => e.path.length >= path.length && path.every((k, i) => e.path[i] === k))
      .map((e) => localize(e))
      .join(t('error.separator'));
  }

  #num(section, field, { integer = false, label, hint } = {}) {
    const value = section ? this.experiment[section][field] : this.experiment[field];
    const path = section ? [section, field] : [field];
    const state = this.#stateOf(...path);
    if (state === 'hide') return nothing;
    return html`<nn-num-field
      data-field=${path.join('.')}
      .label=${this.#label(label ?? t(`setting.${field}`), ...path)}
      .value=${value}
      ?integer=${integer}
      ?disabled=${state === 'lock'}
      .hint=${hint ?? ''}
      .error=${this.#error(...path)}
      @value-change=${(ev) => this.#set(section, field, ev.detail.value)}
    ></nn-num-field>`;
  }

  #check(section, field, label, hint) {
    const value = section ? this.experiment[section][field] : this.experiment[field];
    const path = section ? [section, field] : [field];
    const id = path.join('-');
    const state = this.#stateOf(...path);
    if (state === 'hide') return nothing;
    return html`<div>
      <div class="check">
        <input type="checkbox" id=${id} data-field=${path.join('.')} .checked=${Boolean(value)} aria-describedby="${id}-hint"
          ?disabled=${state === 'lock'} @change=${(ev) => this.#set(section, field, ev.target.checked)} />
        <label for=${id}>${this.#label(label, ...path)}</label>
        ${hint ? html`<span class="hint" id="${id}-hint">${hint}</span>` : nothing}
      </div>
      ${this.#error(...path) ? html`<div class="error" role="alert">${this.#error(...path)}</div>` : nothing}
    </div>`;
  }

  #select(id, label, value, options, labelOf, onChange, path) {
    const state = this.#stateOf(...path);
    if (state === 'hide') return nothing;
    return html`<div>
      <label class="sel" for=${id}>${this.#label(label, ...path)}</label>
      <select id=${id} .value=${value} ?disabled=${state === 'lock'} @change=${(ev) => onChange(ev.target.value)}>
        ${options.map((o) => html`<option value=${o} ?selected=${o === value}>${labelOf(o)}</option>`)}
      </select>
    </div>`;
  }

  render() {
    if (!this.experiment) return nothing;
    return html`${this.#renderData()}${this.#renderLoss()}${this.#renderOptimizer()}${this.#renderInit()}${this.#renderTraining()}`;
  }

  #renderData() {
    const data = this.experiment.data;
    const synth = SYNTH_SETS.has(data.set);
    if (this.#stateOf('data') === 'hide') return nothing;
    return html`<fieldset>
      <legend>${t('section.data')}</legend>
      <div class="grid">
        ${this.#select('data-set', t('setting.dataset'), data.set, DATA_SETS, (s) => t(`data.${s}`),
          (set) => this.#emit({ ...this.experiment, data: dataDefaults(set) }, 'data.set'), ['data', 'set'])}
        ${synth
          ? html`${this.#dataNum('count', true)}${this.#dataNum('noise', false)}`
          : html`${this.#num('data', 'train_samples', { integer: true })}${this.#num('data', 'test_samples', { integer: true })}`}
      </div>
      <p class="about">${t(`data.${data.set}.about`)}</p>
    </fieldset>`;
  }

  /** count and noise of a 2-D set; the test split follows count unless set apart. */
  #dataNum(field, integer) {
    const data = this.experiment.data;
    return html`<nn-num-field
      data-field="data.${field}"
      .label=${this.#label(t(`setting.${field}`), 'data', field)}
      .value=${data[field]}
      ?integer=${integer}
      ?disabled=${this.#stateOf('data') === 'lock'}
      .error=${this.#error('data', field)}
      @value-change=${(ev) => {
        const next = { ...data, [field]: ev.detail.value };
        if (field === 'count' && data.test_count === data.count) next.test_count = ev.detail.value;
        this.#emit({ ...this.experiment, data: next }, `data.${field}`);
      }}
    ></nn-num-field>`;
  }

  #renderLoss() {
    const loss = this.experiment.loss;
    if (this.#stateOf('loss') === 'hide') return nothing;
    return html`<fieldset>
      <legend>${t('section.loss')}</legend>
      <div class="grid">
        ${this.#select('loss-type', t('setting.loss'), loss.type, LOSS_TYPES, (k) => t(`loss.${k}`),
          (type) => this.#emit({ ...this.experiment, loss: lossDefaults(type) }, 'loss.type'), ['loss', 'type'])}
        ${this.#select('loss-reduction', t('setting.reduction'), loss.reduction ?? 'mean', ['mean', 'sum'], (k) => k,
          (r) => this.#set('loss', 'reduction', r), ['loss', 'reduction'])}
        ${loss.type === 'cross_entropy' ? this.#num('loss', 'label_smoothing', { hint: t('hint.label_smoothing') }) : nothing}
      </div>
      <p class="about">${t(`loss.${loss.type}.about`)}</p>
      ${this.#error('loss', 'type') ? html`<div class="error">${this.#error('loss', 'type')}</div>` : nothing}
    </fieldset>`;
  }

  #renderOptimizer() {
    const o = this.experiment.optimizer;
    const fields = OPTIMIZER_FIELDS[o.type] ?? [];
    const hint = (field) => (has(`hint.${o.type}.${field}`) ? t(`hint.${o.type}.${field}`) : t(`hint.${field}`));
    const objectError = (this.errors ?? []).find((e) => e.path[0] === 'optimizer' && e.path.length === 1);
    const visible = [['type'], ...fields].some(([field]) => this.#stateOf('optimizer', field) !== 'hide');
    if (!visible) return nothing;
    return html`<fieldset>
      <legend>${t('section.optimizer')}</legend>
      <div class="grid">
        <div class="full">
          ${this.#select('opt-type', t('setting.optimizer'), o.type, OPTIMIZER_TYPES, (k) => t(`opt.${k}`),
            (type) => this.#emit({ ...this.experiment, optimizer: optimizerDefaults(type) }, 'optimizer.type'), ['optimizer', 'type'])}
          ${this.#stateOf('optimizer', 'type') === 'hide' ? nothing : html`<p class="about">${t(`opt.${o.type}.about`)}</p>`}
        </div>
        ${fields.map(([field, kind]) => {
          if (kind === 'bool') return this.#check('optimizer', field, t(`setting.${field}`), hint(field));
          if (kind === 'betas') return this.#betas(o, hint(field));
          return this.#num('optimizer', field, { hint: hint(field) });
        })}
      </div>
      ${objectError ? html`<div class="error" role="alert">${objectError.message}</div>` : nothing}
    </fieldset>`;
  }

  #betas(o, hint) {
    const state = this.#stateOf('optimizer', 'betas');
    if (state === 'hide') return nothing;
    const betas = o.betas ?? [0.9, 0.999];
    const field = (i) => html`<nn-num-field
      data-field="optimizer.betas.${i}"
      .label=${this.#label(i ? 'β2' : 'β1', 'optimizer', 'betas')}
      .value=${betas[i]}
      ?disabled=${state === 'lock'}
      .hint=${i ? '' : hint}
      .error=${this.#error('optimizer', 'betas', i) || (i ? '' : this.#error('optimizer', 'betas'))}
      @value-change=${(ev) => this.#set('optimizer', 'betas', i ? [betas[0], ev.detail.value] : [ev.detail.value, betas[1]])}
    ></nn-num-field>`;
    return html`${field(0)}${field(1)}`;
  }

  #renderInit() {
    const errors = (this.errors ?? [])
      .filter((e) => e.path[0] === 'init')
      .map((e) => ({ field: e.path[1] ?? '', message: e.message }));
    const state = this.#stateOf('init');
    if (state === 'hide') return nothing;
    return html`<fieldset>
      <legend>${t('section.init')}</legend>
      <nn-init-editor every-layer .label=${this.#label(t('setting.init'), 'init')} ?disabled=${state === 'lock'} .value=${this.experiment.init} .errors=${errors}
        @init-change=${(ev) => this.#emit({ ...this.experiment, init: ev.detail.value }, 'init')}></nn-init-editor>
      <p class="about">${t('init.about')}</p>
    </fieldset>`;
  }

  #renderTraining() {
    if (['batch_size', 'epochs', 'seed', 'shuffle'].every((f) => this.#stateOf(f) === 'hide')) return nothing;
    return html`<fieldset>
      <legend>${t('section.training')}</legend>
      <div class="grid">
        ${this.#num(null, 'batch_size', { integer: true, hint: t('hint.batch_size') })}
        ${this.#num(null, 'epochs', { integer: true, hint: t('hint.epochs') })}
        ${this.#num(null, 'seed', { integer: true, hint: t('hint.seed') })}
        ${this.#check(null, 'shuffle', t('setting.shuffle'), t('hint.shuffle'))}
      </div>
    </fieldset>`;
  }
}
customElements.define('nn-settings-panel', NnSettingsPanel);
