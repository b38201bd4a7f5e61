// nn-lesson-panel.js: the lessons of "Training, part 1" (lessons.json) as the student meets them:
// a picker in lesson order, the chosen lesson's explanation, what to look at and what to expect,
// its experiments (load one, or run them all with one button), and a table of what each run
// measured, so the claim can be checked against numbers: per run the columns its views and
// measures ask for, and below them the spread of the runs' test accuracy, beside the spread of the
// lesson it compares with when that lesson was run in this page. Beside the text, the chart its
// "look at" names draws every run of the lesson (nn-lesson-evidence). The page does the running.

import { LitElement, css, html, nothing } from 'lit';
import { swatch } from './styles.js';
// The swatch's colour goes through .style (the CSSOM): the page's CSP refuses style attributes.
import { formatInteger, language, t, updateWhenLocaleChanges } from '../i18n/index.js';
import { LESSONS, lessonOf } from '../experiment/lessons.js';
import './nn-lesson-evidence.js';

const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '—');
const points = (x) => (Number.isFinite(x) ? t('lessons.points', { n: (100 * x).toFixed(1) }) : '—');
const num = (x) => (Number.isFinite(x) ? (Math.abs(x) >= 100 || (Math.abs(x) < 0.01 && x !== 0) ? x.toExponential(1) : x.toFixed(3)) : '—');

/** The layer types whose units can die (as nn-dead-units-chart counts them). */
const RECTIFIERS = ['relu', 'leaky_relu'];

/**
 * The result columns a lesson's table shows: the ones its views and its measures talk about. A
 * column of dead units per rectifier layer of the lesson's network ('dead:N', layer N), or one of
 * the most dead of any layer when it has more than three.
 */
function columnsFor(lesson) {
  const views = lesson?.look.views ?? [];
  const measures = lesson?.measures ?? [];
  const cols = ['steps', 'firstLoss', 'loss', 'testAccuracy'];
  if (views.includes('dead-units')) {
    const layers = lesson.experiments[0].experiment.layers;
    const rectifiers = layers.flatMap((l, i) => (RECTIFIERS.includes(l.type) ? [i + 1] : []));
    if (rectifiers.length && rectifiers.length <= 3) cols.push(...rectifiers.map((n) => `dead:${n}`));
    else cols.push('dead');
  }
  if (views.includes('norm-chart')) cols.push('gradRatio');
  if (views.includes('activation-stats')) cols.push('startStdRatio');
  if (measures.includes('multiplyAdds')) cols.push('multiplyAdds');
  if (measures.includes('time')) cols.push('seconds');
  return cols;
}

/** Best minus worst test accuracy of a lesson's runs (null for fewer than two). */
function spreadOf(results) {
  const xs = (results ?? []).map((r) => r.testAccuracy).filter(Number.isFinite);
  return xs.length >= 2 ? Math.max(...xs) - Math.min(...xs) : null;
}

const CELL = {
  steps: (r) => formatInteger(r.steps),
  firstLoss: (r) => num(r.firstLoss),
  loss: (r) => num(r.testLoss),
  testAccuracy: (r) => pct(r.testAccuracy),
  dead: (r) => (r.deadFraction === null || r.deadFraction === undefined ? '—' : t('lessons.atLayer', { value: pct(r.deadFraction), n: r.deadLayer })),
  gradRatio: (r) => num(r.gradRatio),
  startStdRatio: (r) => num(r.startStdRatio),
  multiplyAdds: (r) => (Number.isFinite(r.multiplyAdds) ? formatInteger(r.multiplyAdds) : '—'),
  seconds: (r) => (Number.isFinite(r.seconds) ? t('lessons.seconds', { s: r.seconds.toFixed(1) }) : '—'),
};

/** The text of column `col` in the row of result `r`. */
function cell(col, r) {
  if (!col.startsWith('dead:')) return CELL[col](r);
  const at = (r.deadLayers ?? []).indexOf(Number(col.slice(5)));
  return at < 0 ? '—' : pct(r.deadPerLayer[at]);
}

/**
 * The header of column `col`. A column that reads one layer's number names that layer, numbered
 * as the layer rows and the network drawing number it (layer N is layers[N-1]), with its kind
 * when every run of the lesson has the same kind there; a ratio names the runs' two layers.
 */
function header(col, lesson, results) {
  if (col.startsWith('dead:')) {
    const n = Number(col.slice(5));
    const types = new Set(lesson.experiments.map((e) => e.experiment.layers[n - 1]?.type));
    const [type] = types;
    return types.size === 1 && type ? t('lessons.col.deadLayerKind', { n, kind: t(`layer.${type}`) }) : t('lessons.col.deadLayer', { n });
  }
  const pair = col === 'gradRatio' ? 'gradLayers' : col === 'startStdRatio' ? 'startStdLayers' : null;
  const layers = pair ? results.find((r) => r[pair])?.[pair] : null;
  if (layers && results.every((r) => !r[pair] || (r[pair][0] === layers[0] && r[pair][1] === layers[1]))) {
    return t(`lessons.col.${col}Layers`, { a: layers[0], b: layers[1] });
  }
  return t(`lessons.col.${col}`);
}

/**
 * @element nn-lesson-panel
 *
 * @property {string} lesson - the chosen lesson's id ('' for none)
 * @property {string} current - the id of the experiment loaded in the page now ('' when another)
 * @property {object|null} progress - while the page runs the lesson: {index, total, label}; else null
 * @property {object[]} results - one per experiment run: {id, label, color, steps, firstLoss, testLoss,
 *   testAccuracy, deadFraction, deadLayer, deadPerLayer, deadLayers, gradRatio, gradLayers,
 *   startStdRatio, startStdLayers, multiplyAdds, seconds, evidence} (LiveRun's lessonResult)
 * @property {object} history - per lesson id, the results of its last complete run in this page
 *   (the lesson's `compareWith` reads it)
 * @property {string} outcome - the sentence announced when the lesson's runs end (aria-live)
 * @property {boolean} disabled - nothing may be loaded or run (the page is busy or locked)
 *
 * @fires lesson-change - {detail: {lesson}} the student picked a lesson ('' for none)
 * @fires lesson-load - {detail: {lesson, experiment}} the student loaded one experiment of it
 * @fires lesson-run - {detail: {lesson}} the student pressed "Run this lesson"
 * @fires lesson-stop - {detail: {lesson}} the student stopped the lesson's runs
 *
 * @csspart results - the table of measured numbers (rows data-experiment=ID; below them rows
 *   data-summary="spread" and data-summary="compare", the spreads under the test accuracy column)
 * @csspart outcome - the live region with the lesson's outcome
 * @csspart evidence - the chart of every run beside the text (nn-lesson-evidence)
 */
export class NnLessonPanel extends LitElement {
  static properties = {
    lesson: { type: String, reflect: true },
    current: { type: String },
    progress: { attribute: false },
    results: { attribute: false },
    history: { attribute: false },
    outcome: { type: String },
    disabled: { type: Boolean },
  };

  static styles = [swatch, css`
    :host {
      display: block;
      font-size: 13.5px;
      container-type: inline-size;
    }
    /* The text and the evidence side by side when the panel is wide enough, else one under the other. */
    .lesson {
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      gap: 4px 16px;
    }
    @container (min-width: 640px) {
      .lesson {
        grid-template-columns: minmax(0, 1fr) minmax(0, 1.15fr);
        grid-template-areas: 'text evidence' 'table table';
      }
      .text {
        grid-area: text;
      }
      nn-lesson-evidence {
        grid-area: evidence;
        margin-top: 10px;
      }
      .results {
        grid-area: table;
      }
    }
    label {
      display: block;
      font-size: 12px;
      color: var(--nn-muted, #5a5f69);
    }
    select,
    button {
      font: inherit;
      padding: 3px 8px;
      border: 1px solid var(--nn-border, #b8bcc4);
      border-radius: 4px;
      background: #fff;
      color: inherit;
      min-height: 30px;
      max-width: 100%;
    }
    button {
      background: var(--nn-button, #f6f7f9);
      cursor: pointer;
    }
    button.primary {
      background: var(--nn-accent, #1a73e8);
      border-color: var(--nn-accent, #1a73e8);
      color: #fff;
      font-weight: 600;
    }
    button[aria-pressed='true'] {
      border-color: var(--nn-accent, #1a73e8);
      box-shadow: inset 0 0 0 1px var(--nn-accent, #1a73e8);
    }
    button:disabled {
      opacity: 0.55;
      cursor: default;
    }
    select:focus-visible,
    button:focus-visible {
      outline: 2px solid var(--nn-focus, #1a73e8);
      outline-offset: 1px;
    }
    h3 {
      font-size: 15px;
      margin: 10px 0 4px;
    }
    p {
      margin: 4px 0;
    }
    .look,
    .expect {
      padding: 6px 10px;
      border-left: 3px solid var(--nn-accent, #1a73e8);
      background: var(--nn-soft, #f1f3f6);
      border-radius: 0 6px 6px 0;
    }
    .experiments {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
      margin: 8px 0;
      padding: 0;
      list-style: none;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
      margin: 8px 0;
    }
    .progress {
      color: var(--nn-muted, #5a5f69);
    }
    .table-wrap {
      overflow-x: auto;
      margin-top: 6px;
    }
    .table-wrap:focus-visible {
      outline: 2px solid var(--nn-focus, #1a73e8);
      outline-offset: 1px;
    }
    table {
      border-collapse: collapse;
      font-size: 12.5px;
      width: 100%;
    }
    th,
    td {
      padding: 2px 6px;
      border-bottom: 1px solid var(--nn-border-soft, #dde0e5);
      text-align: right;
      white-space: nowrap;
    }
    th:first-child,
    td:first-child {
      text-align: left;
      white-space: normal;
    }
    thead th {
      white-space: normal;
      vertical-align: bottom;
      min-width: 4em;
    }
    tfoot th,
    tfoot td {
      border-bottom: none;
      font-weight: 600;
    }
    tfoot tr:first-child th,
    tfoot tr:first-child td {
      border-top: 1px solid var(--nn-border, #b8bcc4);
    }
    td.hint {
      font-weight: normal;
      color: var(--nn-muted, #5a5f69);
      white-space: normal;
    }
    .outcome:empty {
      display: none;
    }
    .outcome {
      margin-top: 6px;
      font-weight: 600;
    }
  `];

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.lesson = '';
    this.current = '';
    this.progress = null;
    this.results = [];
    this.history = {};
    this.outcome = '';
    this.disabled = false;
  }

  get #chosen() {
    return LESSONS.find((l) => l.id === this.lesson) ?? null;
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** Set while "Run this lesson" or "Stop" has focus and is about to give way to the other. */
  #runFocus = false;

  willUpdate(changed) {
    if (changed.has('progress')) this.#runFocus = ['lesson-run', 'lesson-stop'].includes(this.renderRoot.activeElement?.id);
  }

  /** "Run this lesson" and "Stop" take each other's place; focus on the one goes to the other. */
  updated() {
    if (!this.#runFocus) return;
    this.#runFocus = false;
    if (!this.renderRoot.activeElement) this.renderRoot.querySelector('#lesson-stop, #lesson-run')?.focus();
  }

  render() {
    const lang = language();
    const lesson = this.#chosen;
    return html`
      <label for="lesson">${t('lessons.pick')}</label>
      <select id="lesson" .value=${this.lesson} @change=${(e) => this.#emit('lesson-change', { lesson: e.target.value })}>
        <option value="" ?selected=${!lesson}>${t('lessons.none')}</option>
        ${LESSONS.map((l, i) => html`<option value=${l.id} ?selected=${l.id === this.lesson}>${i + 1}. ${l.title[lang]}</option>`)}
      </select>
      ${lesson ? this.#renderLesson(lesson, lang) : nothing}
      <div class="outcome" part="outcome" role="status" aria-live="polite">${this.outcome}</div>
    `;
  }

  #renderLesson(lesson, lang) {
    const running = Boolean(this.progress);
    const several = lesson.experiments.length > 1;
    return html`<div class="lesson"><div class="text">
      <h3 id="lesson-title">${lesson.title[lang]}</h3>
      <p>${lesson.explanation[lang]}</p>
      <p class="look"><strong>${t('lesson.look')}</strong> ${lesson.look[lang]}</p>
      <p class="expect"><strong>${t('lesson.expect')}</strong> ${lesson.expect[lang]}</p>
      <div class="actions">
        ${running
          ? html`<button type="button" id="lesson-stop" @click=${() => this.#emit('lesson-stop', { lesson: lesson.id })}>${t('lessons.stop')}</button>
              <span class="progress">${t('lessons.progress', { n: this.progress.index + 1, total: this.progress.total, label: this.progress.label })}</span>`
          : html`<button type="button" id="lesson-run" class="primary" ?disabled=${this.disabled}
              @click=${() => this.#emit('lesson-run', { lesson: lesson.id })}>${t('lessons.run')}</button>
              ${several ? html`<span class="progress">${t('lessons.runHint', { n: lesson.experiments.length })}</span>` : nothing}`}
      </div>
      <ul class="experiments" aria-label=${t('lessons.experiments')}>
        ${lesson.experiments.map((e) => {
          const result = this.results.find((r) => r.id === e.id);
          return html`<li><button type="button" data-experiment=${e.id} aria-pressed=${e.id === this.current ? 'true' : 'false'}
            ?disabled=${this.disabled || running}
            @click=${() => this.#emit('lesson-load', { lesson: lesson.id, experiment: e.id })}>
            ${result?.color ? html`<span class="swatch" aria-hidden="true" .style=${`background: ${result.color}`}></span>` : nothing}${e.label[lang]}</button></li>`;
        })}
      </ul></div>
      <nn-lesson-evidence part="evidence" .views=${lesson.look.views} .experiments=${lesson.experiments} .results=${this.results}
        ?running=${running}></nn-lesson-evidence>
      ${this.results.length ? html`<div class="results">${this.#renderResults(lesson, lang)}</div>` : nothing}
    </div>`;
  }

  #renderResults(lesson, lang) {
    const cols = columnsFor(lesson);
    // On a narrow screen the table scrolls sideways in its box, which takes the keyboard focus to be scrolled.
    return html`<div class="table-wrap" role="region" aria-label=${t('lessons.results')} tabindex="0"><table part="results" aria-label=${t('lessons.results')}>
      <thead><tr><th scope="col">${t('lessons.col.run')}</th>${cols.map((c) => html`<th scope="col">${header(c, lesson, this.results)}</th>`)}</tr></thead>
      <tbody>
        ${lesson.experiments.map((e) => {
          const r = this.results.find((x) => x.id === e.id);
          if (!r) return nothing;
          return html`<tr data-experiment=${e.id}><th scope="row">${e.label[lang]}</th>${cols.map((c) => html`<td>${cell(c, r)}</td>`)}</tr>`;
        })}
      </tbody>
      ${this.#renderSummary(lesson, lang, cols)}
    </table></div>`;
  }

  /**
   * The rows under the runs, for a lesson whose claim is about the spread of its runs: best minus
   * worst test accuracy, and the same for the lesson it compares with (as last run in this page),
   * each under the test accuracy column (the row's header spans the columns before it).
   */
  #renderSummary(lesson, lang, cols) {
    const measures = lesson.measures ?? [];
    const other = lesson.compareWith ? lessonOf(lesson.compareWith) : null;
    if (!measures.includes('spread') && !other) return nothing;
    const at = cols.indexOf('testAccuracy');
    const row = (kind, header, value, hint = false) => html`<tr data-summary=${kind}><th scope="row" colspan=${at + 1}>${header}</th>
      <td class=${hint ? 'hint' : ''}>${value}</td>${cols.slice(at + 1).map(() => html`<td></td>`)}</tr>`;
    const spread = spreadOf(this.results);
    const n = other ? LESSONS.indexOf(other) + 1 : 0;
    const theirs = other ? this.history?.[other.id] : null;
    return html`<tfoot>
      ${measures.includes('spread') ? row('spread', t('lessons.spread'), points(spread)) : nothing}
      ${other ? row('compare', t('lessons.spreadOf', { n, title: other.title[lang] }),
        theirs ? points(spreadOf(theirs)) : t('lessons.notRun', { n }), !theirs) : nothing}
    </tfoot>`;
  }
}

customElements.define('nn-lesson-panel', NnLessonPanel);
