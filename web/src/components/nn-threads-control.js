// nn-threads-control.js: how many threads train (Settings): 1 to 8, and in words what runs now, or
// why only one thread can (a page that is not cross-origin isolated, a browser without shared
// memory, a thread that did not start). It changes no number of a run, so it is not in the link.

import { LitElement, css, html } from 'lit';
import { fieldGroups, formFields } from './styles.js';
import { t, updateWhenLocaleChanges } from '../i18n/index.js';
import { MAX_THREADS } from '../engine/threads.js';

const COUNTS = Array.from({ length: MAX_THREADS }, (_, i) => i + 1);

/**
 * @element nn-threads-control
 * @fires threads-change - on a user's choice only; detail: {threads}
 */
export class NnThreadsControl extends LitElement {
  static properties = {
    /** The count chosen (kept in this browser). */
    value: { type: Number },
    /** Threads the core's products use now. */
    running: { type: Number },
    /** MAX_THREADS where the threaded core runs, 1 where it cannot. */
    max: { type: Number },
    /** Why only one thread can run ('' when threads can): 'isolation', 'frame', 'shared', 'workers', 'memory', 'start'. */
    reason: { type: String },
  };

  static styles = [fieldGroups, formFields, css`
    p {
      font-size: 12.5px;
      color: var(--nn-muted, #444);
      margin: 4px 0 0;
      line-height: 1.4;
    }
  `];

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.value = 1;
    this.running = 1;
    this.max = MAX_THREADS;
    this.reason = '';
  }

  #note() {
    if (this.reason) return t(`threads.why.${this.reason}`, { n: this.running });
    return t(this.running > 1 ? 'threads.many' : 'threads.one', { n: this.running });
  }

  render() {
    const off = this.max <= 1;
    const value = off ? 1 : this.value;
    return html`<fieldset>
      <legend>${t('threads.title')}</legend>
      <label class="sel" for="threads">${t('threads.label')}</label>
      <select id="threads" .value=${String(value)} ?disabled=${off} aria-describedby="threads-note"
        @change=${(e) => {
          this.value = Number(e.target.value);
          this.dispatchEvent(new CustomEvent('threads-change', { detail: { threads: this.value }, bubbles: true, composed: true }));
        }}>
        ${COUNTS.map((n) => html`<option value=${n} ?selected=${n === value}>${n}</option>`)}
      </select>
      <p id="threads-note" role="status">${this.#note()} ${t('threads.about')}</p>
    </fieldset>`;
  }
}
customElements.define('nn-threads-control', NnThreadsControl);
