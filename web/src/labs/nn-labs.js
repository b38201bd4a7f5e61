// nn-labs.js: <nn-labs>, the page's lab view (#lab=optim&...): the lab the link names, its state
// read from the link and written back to it, and what of the link could not be read.

import { LitElement, css, html, nothing } from 'lit';
import { language, localize, t, updateWhenLocaleChanges } from '../i18n/index.js';
import { labRoute } from './route.js';
import { decodeOptimState, encodeOptimState } from './optim-state.js';
import './nn-optim-lab.js';

/**
 * @element nn-labs
 *
 * The state lives in the link: the element reads location.hash when it connects and on every
 * hashchange, and replaces the hash (no new history entry) after each change in a lab.
 *
 * Read-only for tests: `linkErrors` ([{key, msg}] of the last link read).
 */
export class NnLabs extends LitElement {
  static properties = {
    _route: { state: true },
    _state: { state: true },
    _errors: { state: true },
  };

  static styles = css`
    :host {
      display: block;
      padding: 12px 16px 24px;
    }
    h2 {
      font-size: 17px;
      margin: 0 0 8px;
    }
    .broken {
      border: 1px solid #a4262c;
      border-radius: 6px;
      padding: 6px 10px;
      margin-bottom: 10px;
    }
    .broken ul {
      margin: 4px 0 0;
    }
  `;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this._route = null;
    this._state = null;
    this._errors = [];
    this._written = '';
  }

  get linkErrors() {
    return this._errors;
  }

  connectedCallback() {
    super.connectedCallback();
    window.addEventListener('hashchange', this.#read);
    this.#read();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.#read);
  }

  #read = () => {
    // The hash this element wrote itself says nothing new.
    if (location.hash === this._written) return;
    const route = labRoute(location.hash);
    if (!route) return;
    this._route = route;
    const { state, errors } = decodeOptimState(location.hash);
    this._state = state;
    this._errors = errors;
  };

  #write() {
    if (!this._route || !this._state) return;
    const hash = `#${encodeOptimState(this._state, { lang: language(), embed: this._route.embed })}`;
    this._written = hash;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  updated() {
    // After a change of state or of language (updateWhenLocaleChanges re-renders).
    this.#write();
  }

  render() {
    if (!this._route) return nothing;
    return html`
      <h2 id="h-lab">${t('labs.optim')}</h2>
      ${this._errors.length
        ? html`<div class="broken" role="alert">${t('lab.link.broken')}
            <ul>${this._errors.map((e) => html`<li>${e.key ? `${e.key}: ` : ''}${localize(e.msg)}</li>`)}</ul></div>`
        : nothing}
      <nn-optim-lab .state=${this._state} aria-labelledby="h-lab"
        @state-change=${(e) => (this._state = e.detail.state)}></nn-optim-lab>
    `;
  }
}

customElements.define('nn-labs', NnLabs);
