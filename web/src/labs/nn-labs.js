// nn-labs.js: <nn-labs>, the page's lab view (#lab=optim&..., #lab=loss&..., #lab=act&...): a
// choice of labs, the lab the link names, its state read from the link and written back to it,
// and what of the link could not be read.

import { LitElement, css, html, nothing } from 'lit';
import { language, localize, t, updateWhenLocaleChanges } from '../i18n/index.js';
import { LABS, labRoute } from './route.js';
import { decodeOptimState, encodeOptimState } from './optim-state.js';
import { decodeLossState, encodeLossState } from './loss-state.js';
import { decodeActState, encodeActState } from './act-state.js';
import './nn-optim-lab.js';
import './nn-loss-lab.js';
import './nn-act-lab.js';
import { setLabClient } from './lab-client.js';

/** Each lab: its title, its part of the link both ways, and its element. */
const VIEWS = {
  optim: {
    title: 'labs.optim', decode: decodeOptimState, encode: encodeOptimState,
    render: (state, onChange) => html`<nn-optim-lab .state=${state} aria-labelledby="h-lab" @state-change=${onChange}></nn-optim-lab>`,
  },
  loss: {
    title: 'labs.loss', decode: decodeLossState, encode: encodeLossState,
    render: (state, onChange) => html`<nn-loss-lab .state=${state} aria-labelledby="h-lab" @state-change=${onChange}></nn-loss-lab>`,
  },
  act: {
    title: 'labs.act', decode: decodeActState, encode: encodeActState,
    render: (state, onChange) => html`<nn-act-lab .state=${state} aria-labelledby="h-lab" @state-change=${onChange}></nn-act-lab>`,
  },
};

/**
 * @element nn-labs
 *
 * The state lives in the link: the element reads location.hash when it connects and on every
 * hashchange, and replaces the hash (no new history entry) after each change in a lab.
 *
 * @property {object} client - the page's TrainingClient (engine/client.js): the labs compute in
 *   the training worker (Request.LAB)
 *
 * Read-only for tests: `linkErrors` ([{key, msg}] of the last link read).
 */
export class NnLabs extends LitElement {
  static properties = {
    client: { attribute: false },
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
    nav {
      display: flex;
      gap: 16px;
      margin-bottom: 8px;
    }
    nav a {
      color: var(--nn-link, #0b57d0);
    }
    nav a[aria-current='page'] {
      font-weight: 600;
      color: inherit;
      text-decoration: none;
    }
    nav a:focus-visible {
      outline: 2px solid var(--nn-focus, #1a73e8);
      outline-offset: 1px;
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
    const { state, errors } = VIEWS[route.lab].decode(location.hash);
    this._state = state;
    this._errors = errors;
  };

  #write() {
    if (!this._route || !this._state) return;
    const hash = `#${VIEWS[this._route.lab].encode(this._state, { lang: language(), embed: this._route.embed })}`;
    this._written = hash;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  willUpdate(changed) {
    if (changed.has('client')) setLabClient(this.client ?? null);
  }

  updated() {
    // After a change of state or of language (updateWhenLocaleChanges re-renders).
    this.#write();
  }

  render() {
    if (!this._route) return nothing;
    const view = VIEWS[this._route.lab];
    return html`
      ${this._route.embed
        ? nothing
        : html`<nav aria-label=${t('labs.open')}>
            ${LABS.map((id) => html`<a href=${`#lab=${id}`} aria-current=${id === this._route.lab ? 'page' : 'false'}>${t(VIEWS[id].title)}</a>`)}
          </nav>`}
      <h2 id="h-lab">${t(view.title)}</h2>
      ${this._errors.length
        ? html`<div class="broken" role="alert">${t('lab.link.broken')}
            <ul>${this._errors.map((e) => html`<li>${e.key ? `${e.key}: ` : ''}${localize(e.msg)}</li>`)}</ul></div>`
        : nothing}
      ${view.render(this._state, (e) => (this._state = e.detail.state))}
    `;
  }
}

customElements.define('nn-labs', NnLabs);
