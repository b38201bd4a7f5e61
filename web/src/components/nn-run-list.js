// nn-run-list.js: every run the student made (kept in the browser), to rename, delete, pick for
// the charts' overlay and compare in a table of final metrics and settings, the settings that
// differ marked; the picked runs download as CSV or JSON.

import { LitElement, css, html, nothing } from 'lit';
import { srOnly, swatch } from './styles.js';
// Colours are set through the .style property (the CSSOM), never a style="..." attribute: the
// page's Content-Security-Policy refuses inline style attributes (lit's styleMap writes one first).
import { formatInteger, t, updateWhenLocaleChanges } from '../i18n/index.js';
import { experimentSettings } from '../experiment/url.js';
import { compareRuns, curvesCsv, MAX_RUNS, MAX_TRAIN_POINTS, runsJson, tableCsv } from '../runs/runs.js';
import { downloadFile } from '../export/download.js';

/** The longest name a run may be given. */
export const MAX_NAME = 80;

const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(2)} %` : '—');
const num = (x) => (Number.isFinite(x) ? x.toFixed(4) : '—');

/**
 * @element nn-run-list
 * @fires runs-select - the user ticked or unticked runs; detail: {selected: string[]} (run ids)
 * @fires run-rename - detail: {id, name}
 * @fires run-delete - detail: {id}
 * @csspart list - the table of runs
 * @csspart compare - the comparison table
 */
export class NnRunList extends LitElement {
  static properties = {
    /** Run records (runs.js makeRecord), newest first; the live run among them. */
    runs: { attribute: false },
    /** The id of the run training now (it cannot be deleted). */
    currentId: { type: String, attribute: 'current-id' },
    /** Ids of the runs picked for the charts and the table. */
    selected: { attribute: false },
    /** Whether the runs are kept across reloads (IndexedDB works here). */
    persistent: { type: Boolean },
    /** The page's address without its hash, for the links in exported files. */
    pageUrl: { type: String, attribute: 'page-url' },
    _renaming: { state: true },
    _onlyDiffers: { state: true },
  };

  static styles = [srOnly, swatch, css`
    :host {
      display: block;
      font-size: 13px;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-variant-numeric: tabular-nums;
    }
    th,
    td {
      text-align: left;
      padding: 4px 6px;
      border-bottom: 1px solid var(--nn-border-soft, #dde0e5);
      vertical-align: top;
    }
    thead th {
      font-size: 12px;
      color: var(--nn-muted, #5a5f69);
      font-weight: 600;
    }
    td.n {
      text-align: right;
      white-space: nowrap;
    }
    .name {
      font-weight: 600;
      word-break: break-word;
    }
    .summary {
      font-size: 11.5px;
      color: var(--nn-muted, #5a5f69);
      word-break: break-all;
    }
    .badge {
      display: inline-block;
      font-size: 11px;
      padding: 0 5px;
      border-radius: 8px;
      background: var(--nn-soft, #f1f3f6);
      border: 1px solid var(--nn-border-soft, #dde0e5);
      margin-left: 4px;
      font-weight: 400;
    }
    .badge.live {
      background: #e6f4ea;
      border-color: #8cc79c;
    }
    button,
    input[type='text'] {
      font: inherit;
      font-size: 12.5px;
      padding: 2px 8px;
      border: 1px solid var(--nn-border, #b8bcc4);
      border-radius: 4px;
      background: var(--nn-button, #f6f7f9);
      color: inherit;
      min-height: 26px;
    }
    input[type='text'] {
      background: #fff;
      width: 100%;
      box-sizing: border-box;
    }
    button:disabled {
      opacity: 0.45;
    }
    button:focus-visible,
    input:focus-visible,
    a:focus-visible {
      outline: 2px solid var(--nn-focus, #1a73e8);
      outline-offset: 1px;
    }
    .row-actions {
      display: flex;
      gap: 4px;
      flex-wrap: wrap;
      justify-content: flex-end;
    }
    .bar {
      display: flex;
      flex-wrap: wrap;
      gap: 6px 10px;
      align-items: center;
      margin: 8px 0;
    }
    .note {
      font-size: 12px;
      color: var(--nn-muted, #5a5f69);
      margin: 0 0 6px;
    }
    /* A narrow window (a phone) scrolls the tables inside themselves, not the page. */
    .list-wrap,
    .compare-wrap {
      overflow-x: auto;
      margin-top: 6px;
    }
    table.compare th[scope='row'] {
      font-family: ui-monospace, monospace;
      font-weight: 400;
      white-space: nowrap;
    }
    table.compare td {
      font-family: ui-monospace, monospace;
      font-size: 12px;
      word-break: break-all;
    }
    tr.differs th,
    tr.differs td {
      background: #fff4d6;
    }
    tr.differs th::before {
      content: '≠ ';
      color: #8a5a00;
      font-weight: 700;
    }
    tr.final td,
    tr.final th {
      background: var(--nn-soft, #f1f3f6);
    }
    .empty {
      color: var(--nn-muted, #5a5f69);
    }
  `];

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.runs = [];
    this.currentId = '';
    this.selected = [];
    this.persistent = false;
    this.pageUrl = '';
    this._renaming = '';
    this._onlyDiffers = false;
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  #toggle(id, on) {
    const selected = on ? [...new Set([...(this.selected ?? []), id])] : (this.selected ?? []).filter((x) => x !== id);
    this.selected = selected;
    this.#emit('runs-select', { selected });
  }

  #startRename(id) {
    this._renaming = id;
    this.updateComplete.then(() => {
      const input = this.renderRoot.querySelector('input.rename');
      input?.focus();
      input?.select();
    });
  }

  #finishRename(run, input, save) {
    if (this._renaming !== run.id) return;
    this._renaming = '';
    const name = input.value.trim().slice(0, MAX_NAME);
    if (save && name && name !== this.#name(run)) this.#emit('run-rename', { id: run.id, name });
    this.updateComplete.then(() => this.renderRoot.querySelector(`tr[data-run="${CSS.escape(run.id)}"] button.rename-button`)?.focus());
  }

  /** The row whose Delete had focus when pressed, until focus has moved to the row now in its place. */
  #deletedAt = -1;

  #delete(run, index, button) {
    this.#deletedAt = this.renderRoot.activeElement === button ? index : -1;
    this.#emit('run-delete', { id: run.id });
  }

  /**
   * A deleted row takes its focused Delete button with it: focus goes to the row now in its place
   * (or the last row), to its Delete or, for the live run that cannot be deleted, its Rename.
   */
  updated() {
    if (this.#deletedAt < 0) return;
    const active = this.renderRoot.activeElement;
    if (active?.matches('button.delete-button')) return; // the page has not removed the row yet
    const at = this.#deletedAt;
    this.#deletedAt = -1;
    if (active) return;
    const rows = [...this.renderRoot.querySelectorAll('table.list tbody tr')];
    const row = rows[Math.min(at, rows.length - 1)];
    (row?.querySelector('button.delete-button:not([disabled])') ?? row?.querySelector('button.rename-button'))?.focus();
  }

  #name(run) {
    return run.name || t('runs.defaultName', { n: run.number });
  }

  /** The picked runs in list order. */
  #picked() {
    const ids = new Set(this.selected ?? []);
    return (this.runs ?? []).filter((r) => ids.has(r.id));
  }

  #export(kind) {
    const runs = this.#picked();
    if (!runs.length) return;
    const named = runs.map((r) => ({ ...r, name: this.#name(r) }));
    const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
    if (kind === 'json') downloadFile(`runs-${stamp}.json`, runsJson(named, this.pageUrl), 'application/json');
    else if (kind === 'table') downloadFile(`runs-table-${stamp}.csv`, tableCsv(named, this.pageUrl), 'text/csv');
    else downloadFile(`runs-curves-${stamp}.csv`, curvesCsv(named), 'text/csv');
  }

  render() {
    const runs = this.runs ?? [];
    const picked = this.#picked();
    return html`
      <p class="note">
        ${t('runs.limit', { runs: MAX_RUNS, points: formatInteger(MAX_TRAIN_POINTS) })}
        ${this.persistent ? nothing : html`<strong>${t('runs.notSaved')}</strong>`}
      </p>
      ${runs.length ? this.#renderList(runs) : html`<p class="empty">${t('runs.none')}</p>`}
      <div class="bar" role="group" aria-label=${t('runs.exportLabel')}>
        <span>${t('runs.picked', { n: picked.length })}</span>
        <button type="button" data-export="curves" ?disabled=${!picked.length} @click=${() => this.#export('curves')}>${t('runs.exportCurves')}</button>
        <button type="button" data-export="table" ?disabled=${!picked.length} @click=${() => this.#export('table')}>${t('runs.exportTable')}</button>
        <button type="button" data-export="json" ?disabled=${!picked.length} @click=${() => this.#export('json')}>${t('runs.exportJson')}</button>
      </div>
      ${picked.length >= 2 ? this.#renderCompare(picked) : html`<p class="note">${t('runs.pickTwo')}</p>`}
    `;
  }

  #renderList(runs) {
    const selected = new Set(this.selected ?? []);
    return html`<div class="list-wrap"><table part="list" class="list">
      <caption class="sr">${t('runs.title')}</caption>
      <thead>
        <tr>
          <th scope="col">${t('runs.compare')}</th>
          <th scope="col">${t('runs.run')}</th>
          <th scope="col">${t('runs.steps')}</th>
          <th scope="col">${t('runs.testAccuracy')}</th>
          <th scope="col">${t('runs.testLoss')}</th>
          <th scope="col"><span class="sr">${t('runs.actions')}</span></th>
        </tr>
      </thead>
      <tbody>
        ${runs.map((run, index) => {
          const name = this.#name(run);
          const live = run.id === this.currentId;
          return html`<tr data-run=${run.id}>
            <td>
              <input type="checkbox" .checked=${selected.has(run.id)} aria-label=${t('runs.compareRun', { name })}
                @change=${(e) => this.#toggle(run.id, e.target.checked)} />
            </td>
            <td>
              ${this._renaming === run.id
                ? html`<input type="text" class="rename" maxlength=${MAX_NAME} .value=${name} aria-label=${t('runs.newName', { name })}
                    @keydown=${(e) => {
                      if (e.key === 'Enter') this.#finishRename(run, e.target, true);
                      else if (e.key === 'Escape') this.#finishRename(run, e.target, false);
                    }}
                    @blur=${(e) => this.#finishRename(run, e.target, true)} />`
                : html`<span class="name"><span class="swatch" .style=${`background: ${run.color ?? 'transparent'}`}></span>${name}</span>`}
              ${live ? html`<span class="badge live">${t('runs.live')}</span>` : nothing}
              ${run.weightsLoaded ? html`<span class="badge">${t('runs.uploaded')}</span>` : nothing}
              ${run.downsampled ? html`<span class="badge" title=${t('runs.downsampledHint', { points: formatInteger(MAX_TRAIN_POINTS) })}>${t('runs.downsampled')}</span>` : nothing}
              <div class="summary">${summary(run.experiment)} · <a href=${`#${run.link}`}>${t('runs.open')}</a></div>
            </td>
            <td class="n">${formatInteger(run.final?.steps ?? 0)}</td>
            <td class="n">${pct(run.final?.test_accuracy)}</td>
            <td class="n">${num(run.final?.test_loss)}</td>
            <td>
              <div class="row-actions">
                <button type="button" class="rename-button" aria-label=${t('runs.renameRun', { name })} @click=${() => this.#startRename(run.id)}>${t('runs.rename')}</button>
                <button type="button" class="delete-button" aria-label=${t('runs.deleteRun', { name })} ?disabled=${live}
                  title=${live ? t('runs.liveNoDelete') : ''}
                  @click=${(e) => this.#delete(run, index, e.currentTarget)}>${t('runs.delete')}</button>
              </div>
            </td>
          </tr>`;
        })}
      </tbody>
    </table></div>`;
  }

  #renderCompare(runs) {
    const { finals, settings } = compareRuns(runs);
    const shown = this._onlyDiffers ? settings.filter((s) => s.differs) : settings;
    const differing = settings.filter((s) => s.differs).length;
    const format = (key, v) => (key === 'steps' || key === 'test_count' ? (Number.isFinite(v) ? formatInteger(v) : '—') : key.endsWith('accuracy') ? pct(v) : num(v));
    return html`
      <div class="bar">
        <strong id="compare-title">${t('runs.compareTitle')}</strong>
        <span>${t('runs.differing', { n: differing })}</span>
        <label><input type="checkbox" .checked=${this._onlyDiffers} @change=${(e) => { this._onlyDiffers = e.target.checked; }} />
          ${t('runs.onlyDiffers')}</label>
      </div>
      <div class="compare-wrap">
        <table class="compare" part="compare" aria-labelledby="compare-title">
          <thead>
            <tr>
              <th scope="col">${t('runs.setting')}</th>
              ${runs.map((r) => html`<th scope="col"><span class="swatch" .style=${`background: ${r.color ?? 'transparent'}`}></span>${this.#name(r)}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${finals.map((row) => html`<tr class="final" data-key=${row.key}>
              <th scope="row">${t(`runs.final.${row.key}`)}</th>
              ${row.values.map((v) => html`<td>${format(row.key, v)}</td>`)}
            </tr>`)}
            ${shown.map((row) => html`<tr class=${row.differs ? 'differs' : ''} data-key=${row.key}>
              <th scope="row">${row.key}${row.differs ? html`<span class="sr"> (${t('runs.differs')})</span>` : nothing}</th>
              ${row.values.map((v) => html`<td>${v ?? '—'}</td>`)}
            </tr>`)}
          </tbody>
        </table>
      </div>`;
  }
}

/** One line about an experiment: "mnist · flatten,dense:128,relu,dense:10 · sgd lr=0.1 · seed 1". */
function summary(experiment) {
  if (!experiment) return '';
  const s = new Map(experimentSettings(experiment).map(({ key, text }) => [key, text]));
  return `${s.get('data')} · ${s.get('layers')} · ${s.get('opt')} lr=${s.get('lr')} · seed ${s.get('seed')}`;
}

customElements.define('nn-run-list', NnRunList);
