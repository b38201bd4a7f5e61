// measured-lab.js: what the loss and activation labs share: a state from the link, curves that
// follow it, and claims measured in the training worker on request (some train on MNIST there).

import { LitElement } from 'lit';
import { updateWhenLocaleChanges } from '../i18n/index.js';
import { labWorker } from './lab-client.js';

/**
 * Subclasses set the statics `defaults` (the state), `claimOf(id)` (a claim's {state}),
 * `claimRequest` (the worker's request that measures a claim) and implement curveKey(state)
 * and loadCurve(client, state) (resolves what `_curve` becomes).
 *
 * @property {object} state - the lab's state (its *-state.js)
 *
 * @fires state-change - {detail: {state}} after every user change (the labs view writes the link)
 *
 * Read-only for tests: `measured` ({claimId: {holds, values, ...}}), `busy` (a claim being measured).
 */
export class MeasuredLab extends LitElement {
  static properties = {
    state: { attribute: false },
    _curve: { state: true },
    _measured: { state: true },
    _busy: { state: true },
    _error: { state: true },
  };

  #curveKey = '';
  #claimKey = '';

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.state = this.constructor.defaults;
    this._curve = null;
    this._measured = {};
    this._busy = '';
    this._error = null;
  }

  get measured() {
    return this._measured;
  }
  get busy() {
    return this._busy;
  }

  connectedCallback() {
    super.connectedCallback();
    // Back after the view closed (its worker stopped): compute again.
    this.#curveKey = '';
    this.#claimKey = '';
    if (this.hasUpdated) this.requestUpdate('state');
  }

  updated(changed) {
    if (!changed.has('state')) return;
    const key = this.curveKey(this.state);
    if (key !== this.#curveKey) {
      this.#curveKey = key;
      this.#loadCurve(key);
    }
    const { claim } = this.state;
    if (claim && claim !== this.#claimKey) this.measure(claim);
    this.#claimKey = claim;
  }

  async #loadCurve(key) {
    try {
      const { client, ready } = labWorker();
      await ready;
      const curve = await this.loadCurve(client, this.state);
      if (key === this.#curveKey) this._curve = curve;
    } catch (err) {
      this._error = err;
    }
  }

  /** Measures a claim in the worker; its numbers go into `measured`. */
  async measure(id) {
    this._busy = id;
    this._error = null;
    try {
      const { client, ready } = labWorker();
      await ready;
      const r = await client.request(this.constructor.claimRequest, { claim: id });
      this._measured = { ...this._measured, [id]: r };
    } catch (err) {
      this._error = err;
    } finally {
      if (this._busy === id) this._busy = '';
    }
  }

  /** A user's change of the state. */
  emit(state) {
    this.state = state;
    this.dispatchEvent(new CustomEvent('state-change', { detail: { state }, bubbles: true, composed: true }));
  }

  /** A claim's preset: its state and its measurement (pressed again: measured again). */
  showClaim(id) {
    if (this.state.claim === id) {
      this.measure(id);
      return;
    }
    const claim = this.constructor.claimOf(id);
    if (claim) this.emit({ ...this.constructor.defaults, ...claim.state, claim: id });
  }
}
