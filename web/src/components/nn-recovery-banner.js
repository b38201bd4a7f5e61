// nn-recovery-banner.js: the banner that follows a crashed worker or an interrupted run: what
// happened, and the way on (restart from the last checkpoint, resume, or start afresh).

import { LitElement, css, html, nothing } from 'lit';
import { banner, controls } from './styles.js';
import { formatAgo } from '../runs/checkpoints.js';
import { formatInteger, language, localize, t, updateWhenLocaleChanges } from '../i18n/index.js';

/**
 * @element nn-recovery-banner
 *
 * @property {object} recovery - {kind: 'crashed' | 'interrupted', message, record}: record is the
 *   checkpoint to continue from (null: none, so only a fresh start is offered)
 *
 * @fires recover - the user chose to go on; detail {record} (null: start the experiment afresh)
 * @fires dismiss - the user dismissed an interrupted run's offer
 */
export class NnRecoveryBanner extends LitElement {
  static properties = {
    recovery: { attribute: false },
  };

  static styles = [controls, banner, css`
    :host {
      display: block;
      margin: 10px 16px 0;
    }
  `];

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.recovery = null;
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  render() {
    const r = this.recovery;
    if (!r) return nothing;
    const record = r.record;
    const name = record ? record.name || t('runs.defaultName', { n: record.number ?? 0 }) : '';
    const text = r.kind === 'crashed'
      ? t('recover.crashed', { message: localize(r.message) })
      : t('recover.interrupted', { name, step: formatInteger(record.step), ago: formatAgo(record.savedAt, language()) });
    return html`<div class="banner recovery" role="alert" data-kind=${r.kind}>
      <div class="text">
        <strong>${text}</strong>
        ${r.kind === 'crashed' && !record ? html`<div>${t('recover.noCheckpoint')}</div>` : nothing}
      </div>
      ${record
        ? html`<button type="button" class="restart" @click=${() => this.#emit('recover', { record })}>
            ${r.kind === 'crashed' ? t('recover.restart', { step: formatInteger(record.step) }) : t('recover.resume')}
          </button>`
        : html`<button type="button" class="restart" @click=${() => this.#emit('recover', { record: null })}>${t('recover.fresh')}</button>`}
      ${r.kind === 'crashed' ? nothing : html`<button type="button" @click=${() => this.#emit('dismiss')}>${t('link.dismiss')}</button>`}
    </div>`;
  }
}
customElements.define('nn-recovery-banner', NnRecoveryBanner);
