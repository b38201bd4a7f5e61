// nn-goal-panel.js: a homework's goal as the student sees it: the instructor's text (plain text,
// whatever the link holds), the goal and budgets in numbers, progress towards them while
// training, the controls the assignment fixed, and Submit, which gives the result link to send.
// Opened from a result link, it shows the claim and lets the page replay it.

import { LitElement, css, html, nothing } from 'lit';
import { formatInteger, language, languageTag, t, updateWhenLocaleChanges } from '../i18n/index.js';
import { goalText } from '../experiment/homework.js';

const pct = (x) => `${(100 * x).toFixed(2)} %`;
const metricText = (metric, x) => (!Number.isFinite(x) ? '—' : metric === 'test_accuracy' ? pct(x) : x.toFixed(4));

/**
 * @element nn-goal-panel
 * @fires goal-submit - the student pressed Submit
 * @fires result-replay - the reader of a result link pressed Replay
 * @csspart result - the result link's box
 */
export class NnGoalPanel extends LitElement {
  static properties = {
    /** The assignment (url.js checkAssignment's form), or null. */
    assignment: { attribute: false },
    /** goalStatus() of the run now, or null before any test evaluation. */
    status: { attribute: false },
    /** {count, full}: how many test samples the value is over, and whether that is the whole set. */
    measured: { attribute: false },
    /** The run now: {steps, stepsPerEpoch, params}. */
    run: { attribute: false },
    /** The budgets the settings break before training (homework.js settingsOverBudget). */
    over: { attribute: false },
    /** Why Submit cannot be pressed now ('' when it can). */
    blocked: { type: String },
    /** Submitting: waiting for the whole test set's numbers. */
    busy: { type: Boolean },
    /** The result link made by the last Submit, or ''. */
    resultLink: { type: String, attribute: 'result-link' },
    /** The claim of the result link the page was opened with ({steps, test_accuracy, test_loss, digest}), or null. */
    claim: { attribute: false },
    /** Whether that claim's digest matches its experiment. */
    claimDigestOk: { type: Boolean, attribute: 'claim-digest-ok' },
    /** The page's replay of that claim: null, {busy: true}, or {steps, test_accuracy, test_loss, matches}. */
    replay: { attribute: false },
    _copied: { state: true },
  };

  static styles = css`
    :host {
      display: block;
      font-size: 13.5px;
    }
    .text {
      white-space: pre-wrap;
      word-break: break-word;
      margin: 0 0 8px;
      padding: 8px 10px;
      border-left: 3px solid var(--nn-accent, #1a73e8);
      background: var(--nn-soft, #f1f3f6);
      border-radius: 0 6px 6px 0;
    }
    ul {
      margin: 4px 0 8px;
      padding-left: 18px;
    }
    li.bad {
      color: var(--nn-error, #b3261e);
    }
    .progress {
      display: grid;
      gap: 3px;
      margin: 6px 0;
    }
    .progress label {
      display: flex;
      justify-content: space-between;
      gap: 8px;
      font-variant-numeric: tabular-nums;
    }
    progress {
      width: 100%;
      height: 10px;
      accent-color: var(--nn-accent, #1a73e8);
    }
    .state {
      font-weight: 600;
      margin: 6px 0;
    }
    .state.met {
      color: #137333;
    }
    .state.over {
      color: var(--nn-error, #b3261e);
    }
    .fixed {
      font-size: 12.5px;
      color: var(--nn-muted, #5a5f69);
    }
    button {
      font: inherit;
      font-weight: 600;
      min-height: 32px;
      padding: 0 14px;
      border-radius: 6px;
      border: 1px solid var(--nn-accent, #1a73e8);
      background: var(--nn-accent, #1a73e8);
      color: #fff;
      cursor: pointer;
    }
    button.plain {
      background: var(--nn-button, #f6f7f9);
      color: inherit;
      border-color: var(--nn-border, #b8bcc4);
      font-weight: 400;
    }
    /* Busy (submitting, replaying): aria-disabled rather than disabled, so the button keeps focus
       through the wait; the page ignores presses meanwhile. */
    button:disabled,
    button[aria-disabled='true'] {
      opacity: 0.45;
      cursor: default;
    }
    button:focus-visible,
    input:focus-visible {
      outline: 2px solid var(--nn-focus, #1a73e8);
      outline-offset: 2px;
    }
    .submit {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: center;
      margin-top: 8px;
    }
    .why {
      font-size: 12.5px;
      color: var(--nn-muted, #5a5f69);
    }
    .result {
      margin-top: 8px;
      display: grid;
      gap: 4px;
    }
    .result input {
      font: 12px ui-monospace, monospace;
      width: 100%;
      box-sizing: border-box;
      padding: 4px 6px;
      border: 1px solid var(--nn-border, #b8bcc4);
      border-radius: 4px;
    }
    .over-budget {
      color: var(--nn-error, #b3261e);
    }
    .claim {
      font-variant-numeric: tabular-nums;
    }
    .ok {
      color: #137333;
    }
    .bad {
      color: var(--nn-error, #b3261e);
    }
  `;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.assignment = null;
    this.status = null;
    this.measured = null;
    this.run = null;
    this.blocked = '';
    this.busy = false;
    this.resultLink = '';
    this.claim = null;
    this.claimDigestOk = false;
    this.replay = null;
    this._copied = false;
  }

  #emit(type) {
    this.dispatchEvent(new CustomEvent(type, { detail: {}, bubbles: true, composed: true }));
  }

  async #copy() {
    const input = this.renderRoot.querySelector('.result input');
    try {
      await navigator.clipboard.writeText(this.resultLink);
      this._copied = true;
      setTimeout(() => { this._copied = false; }, 2000);
    } catch {
      input?.select();
    }
  }

  render() {
    const a = this.assignment;
    if (!a && !this.claim) return nothing;
    const text = goalText(a, language());
    return html`
      ${text ? html`<p class="text" data-goal-text lang=${a.text?.[language()] ? languageTag(language()) : nothing}>${text}</p>` : nothing}
      ${a ? this.#renderGoal(a) : nothing}
      ${a && !this.claim ? this.#renderOver() : nothing}
      ${a ? this.#renderFixed(a) : nothing}
      ${this.claim ? this.#renderClaim() : this.#renderSubmit()}
    `;
  }

  #renderGoal(a) {
    const run = this.run ?? { steps: 0, stepsPerEpoch: 0, params: 0 };
    const items = [];
    if (a.metric) {
      items.push(html`<li data-goal="metric">${t(a.metric === 'test_accuracy' ? 'goal.reachAccuracy' : 'goal.reachLoss', { target: metricText(a.metric, a.target) })}</li>`);
    }
    const checks = new Map((this.status?.budgets ?? []).map((b) => [b.budget, b]));
    const bad = (key) => checks.get(key) && !checks.get(key).ok;
    if (a.max_epochs !== undefined) {
      items.push(html`<li class=${bad('max_epochs') ? 'bad' : ''} data-goal="max_epochs">${t('goal.maxEpochs', {
        n: formatInteger(a.max_epochs), steps: run.stepsPerEpoch ? formatInteger(a.max_epochs * run.stepsPerEpoch) : '?',
      })}</li>`);
    }
    if (a.max_steps !== undefined) items.push(html`<li class=${bad('max_steps') ? 'bad' : ''} data-goal="max_steps">${t('goal.maxSteps', { n: formatInteger(a.max_steps) })}</li>`);
    if (a.max_params !== undefined) {
      items.push(html`<li class=${bad('max_params') ? 'bad' : ''} data-goal="max_params">${t('goal.maxParams', {
        n: formatInteger(a.max_params), now: formatInteger(run.params ?? 0),
      })}</li>`);
    }
    // A result link's reader checks its claim: the page's own run is no progress of theirs.
    return html`
      ${items.length ? html`<ul aria-label=${t('goal.title')}>${items}</ul>` : nothing}
      ${a.metric && !this.claim ? this.#renderProgress(a) : nothing}
    `;
  }

  #renderProgress(a) {
    const s = this.status;
    const value = s?.value;
    const has = Number.isFinite(value);
    // Accuracy fills towards its target; a loss fills as it falls towards its target.
    const fraction = !has ? 0 : a.metric === 'test_accuracy' ? Math.min(1, value / Math.max(a.target, 1e-9)) : Math.min(1, a.target / Math.max(value, 1e-12));
    const where = this.measured?.full ? t('goal.wholeTest') : t('goal.subsetTest', { n: formatInteger(this.measured?.count ?? 0) });
    let state = t('goal.notYet');
    let cls = '';
    if (has && s.met) {
      state = t('goal.met');
      cls = 'met';
    } else if (has && !s.withinBudget) {
      state = t('goal.overBudget');
      cls = 'over';
    } else if (has && s.reached) {
      state = t('goal.reachedOverBudget');
      cls = 'over';
    }
    return html`<div class="progress">
        <label for="goal-progress">
          <span>${t(a.metric === 'test_accuracy' ? 'goal.nowAccuracy' : 'goal.nowLoss', { value: metricText(a.metric, value) })}</span>
          <span class="why">${has ? where : ''}</span>
        </label>
        <progress id="goal-progress" max="1" .value=${fraction} aria-valuetext=${metricText(a.metric, value)}></progress>
      </div>
      <div class="state ${cls}" role="status" data-goal-state=${cls || 'pending'}>${state}</div>`;
  }

  /** A warning before training: the settings ask for more than the budget allows. */
  #renderOver() {
    const over = this.over ?? [];
    if (!over.length) return nothing;
    const line = ({ budget, limit, planned }) => html`<li data-over=${budget}>${t(`goal.over.${budget}`, { planned: formatInteger(planned), limit: formatInteger(limit) })}</li>`;
    return html`<div class="over-budget" role="alert" data-over-budget>
      <ul>${over.map(line)}</ul>
    </div>`;
  }

  #renderFixed(a) {
    const name = (c) => t(`control.${c}`);
    if (!a.lock.length && !a.hide.length) return nothing;
    return html`<p class="fixed" data-fixed>
      ${a.lock.length ? html`${t('goal.locked', { list: a.lock.map(name).join(t('list.separator')) })}` : nothing}
      ${a.lock.length && a.hide.length ? html`<br />` : nothing}
      ${a.hide.length ? html`${t('goal.hidden', { list: a.hide.map(name).join(t('list.separator')) })}` : nothing}
    </p>`;
  }

  #renderSubmit() {
    return html`<div class="submit">
        <button type="button" id="submit" ?disabled=${Boolean(this.blocked)} aria-disabled=${this.busy ? 'true' : nothing} aria-describedby="submit-why"
          @click=${() => { if (!this.busy) this.#emit('goal-submit'); }}>${this.busy ? t('goal.submitting') : t('goal.submit')}</button>
        <span class="why" id="submit-why">${this.blocked || t('goal.submitHint')}</span>
      </div>
      ${this.resultLink
        ? html`<div class="result" part="result">
            <label for="result-link">${t('goal.resultLink')}</label>
            <input id="result-link" type="text" readonly .value=${this.resultLink} @focus=${(e) => e.target.select()} />
            <div><button type="button" class="plain" id="copy-result" @click=${this.#copy}>${this._copied ? t('app.copied') : t('goal.copyResult')}</button></div>
            <span class="why">${t('goal.resultNote')}</span>
          </div>`
        : nothing}`;
  }

  #renderClaim() {
    const c = this.claim;
    const r = this.replay;
    return html`<div class="result" part="result">
      <strong>${t('result.title')}</strong>
      <span class="claim" data-claim>${t('result.claim', { steps: formatInteger(c.steps), accuracy: pct(c.test_accuracy), loss: c.test_loss.toFixed(4) })}</span>
      <span class=${this.claimDigestOk ? 'ok' : 'bad'} data-digest=${this.claimDigestOk ? 'ok' : 'bad'}>
        ${this.claimDigestOk ? t('result.digestOk') : t('result.digestBad')}</span>
      <div class="submit">
        <button type="button" id="replay" aria-disabled=${r?.busy ? 'true' : nothing} @click=${() => { if (!r?.busy) this.#emit('result-replay'); }}>
          ${r?.busy ? t('result.replaying') : t('result.replay')}</button>
        <span class="why">${t('result.replayHint')}</span>
      </div>
      ${r && !r.busy
        ? html`<span class=${r.matches ? 'ok' : 'bad'} role="status" data-replay=${r.matches ? 'match' : 'differs'}>${t(r.matches ? 'result.matches' : 'result.differs', {
            steps: formatInteger(r.steps), accuracy: pct(r.test_accuracy), loss: r.test_loss.toFixed(4),
          })}</span>`
        : nothing}
    </div>`;
  }
}
customElements.define('nn-goal-panel', NnGoalPanel);
