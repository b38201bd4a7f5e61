// nn-playground.js: the app shell. It owns the experiment being edited, keeps it in the URL hash,
// talks to the training worker through the client, and hands the run's numbers to the editors and
// the charts. Layout: model and settings on the left, run controls and charts on the right at
// laptop widths; one column on tablets (the model, then the run), in keyboard order.
//
// Teaching features live here too: every run is kept (runs/store.js) for the run list and the
// charts' overlay; a homework link (url.js's assignment) locks and hides controls, states a goal
// and budgets, and Submit turns the run into a result link the runner verifies; mode=instructor
// builds such links; embed=... shows only the parts a course page frames; the export buttons
// hand over a PyTorch script and the weights.

import { LitElement, css, html, nothing } from 'lit';
import { srOnly } from './styles.js';
import { TrainingClient } from '../engine/client.js';
import { ExperimentError, validateExperiment } from '../experiment/validate.js';
import { CONTROLS, MAX_HASH_LENGTH, controlPaths, decodeHash, encodeHash } from '../experiment/url.js';
import { digestMatches, goalStatus, makeResult, metricValue, stepBudget } from '../experiment/homework.js';
import { RunStore } from '../runs/store.js';
import { CHECKPOINT_BYTES_PER_INTERVAL, CHECKPOINT_MS, CheckpointStore, formatAgo, historyUpTo, isHistory, RunLock, Watchdog } from '../runs/checkpoints.js';
import { Status } from '../engine/enums.js';
import { makeRecord } from '../runs/runs.js';
import { downloadFile, safeFileName } from '../export/download.js';
import { CATEGORICAL } from './viz/colormap.js';
import { strToU8, zipSync } from 'fflate';
import { errorOf } from '../i18n/errors.js';
import { LANGUAGES, detectLanguage, languageName, languageTag, formatInteger, language, localize, localizeLinkErrors, say, setLanguage, t, vizLabels, updateWhenLocaleChanges } from '../i18n/index.js';
import { PRESETS, DEFAULT_PRESET, presetOf } from '../experiment/presets.js';
import { LESSONS, lessonOf } from '../experiment/lessons.js';
import { WASM_FILE } from '../engine/wasm-file.js';
import { multiplyAdds } from '../engine/insight.js';
import { labRoute } from '../labs/route.js';
import './nn-layer-editor.js';
import './nn-settings-panel.js';
import './nn-run-controls.js';
import './nn-run-list.js';
import './nn-goal-panel.js';
import './nn-assignment-editor.js';
import './viz/nn-metric-chart.js';
import './viz/nn-distribution-chart.js';
import './viz/nn-grad-norm-chart.js';
import './viz/nn-confusion-matrix.js';
import './viz/nn-digit-grid.js';
import './viz/nn-draw-pad.js';
import './viz/nn-filter-images.js';
import './viz/nn-decision-boundary.js';
import './nn-lesson-panel.js';
import './viz/nn-dead-units-chart.js';
import './viz/nn-activation-stats-chart.js';

const DESCRIBE_DEBOUNCE_MS = 60;
/** Charts and readouts redraw at most this often while training (the worker sends far more). */
const FRAME_MS = 150;
/** The views, by their element's data-view. */
const ALL_VIEWS = ['loss', 'accuracy', 'weights', 'grads', 'norms', 'confusion', 'digits', 'filters', 'boundary'];
/** Whose turn it is in successive frames while training: the loss curve every other frame. */
const ROTATION = [
  ['loss'], ['accuracy'], ['weights'], ['loss'], ['grads'], ['norms'],
  ['loss'], ['accuracy'], ['confusion'], ['loss'], ['digits', 'boundary'], ['filters'],
];
/** The charts that read arrays appended in place, and so are told to redraw. */
const IN_PLACE = { loss: '#loss-chart', accuracy: '#accuracy-chart', weights: '#weights-chart', grads: '#grads-chart' };
const CONFIGURE_DEBOUNCE_MS = 300;
const AUTOSTART_DELAY_MS = 400;
/** Snapshots kept per tensor; older ones are thinned to every other one past this. */
const MAX_SNAPSHOTS = 240;

/** While a run trains, its record is written to the browser's storage at most this often. */
const SAVE_MS = 2000;

/** The presets that belong to no lesson (the picker lists them first, as examples). */
const IN_LESSONS = new Set(LESSONS.flatMap((lesson) => lesson.experiments.map((e) => e.id)));
const EXAMPLES = PRESETS.filter((p) => !IN_LESSONS.has(p.id));
/** The lesson a preset belongs to, and its entry there: {lesson, entry} or null. */
function lessonFor(presetId) {
  for (const lesson of LESSONS) {
    const entry = lesson.experiments.find((e) => e.id === presetId);
    if (entry) return { lesson, entry };
  }
  return null;
}

const stripMeta = ({ name, description, ...rest }) => rest;
/** JSON with sorted keys, so two experiments compare equal whatever order their fields came in. */
const canonical = (x) => JSON.stringify(x, (key, value) =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, value[k]]))
    : value);
const sameExperiment = (a, b) => canonical(stripMeta(a)) === canonical(stripMeta(b));

/** A growable column of numbers (charts read `array` up to `length`). */
class Column {
  constructor(Type = Float64Array, capacity = 1024) {
    this.Type = Type;
    this.array = new Type(capacity);
    this.length = 0;
  }
  push(x) {
    if (this.length === this.array.length) {
      const grown = new this.Type(this.array.length * 2);
      grown.set(this.array);
      this.array = grown;
    }
    this.array[this.length++] = x;
  }
  values() {
    return Array.from(this.array.subarray(0, this.length));
  }
}

const EMPTY = Object.freeze([]);

/**
 * Wraps fn so that it returns the same result while its arguments (or keyOf's list) stay the
 * same objects: derived values handed to child elements keep their identity between renders,
 * so Lit does not update those children for nothing.
 */
function memo(fn, keyOf = (...args) => args) {
  let lastKey = null;
  let last;
  return (...args) => {
    const key = keyOf(...args);
    if (!lastKey || key.length !== lastKey.length || key.some((k, i) => k !== lastKey[i])) {
      lastKey = key;
      last = fn(...args);
    }
    return last;
  };
}

/** Keeps at most MAX_SNAPSHOTS, in place, by dropping every other old one (the newest stays). */
function thinInPlace(list) {
  if (list.length <= MAX_SNAPSHOTS) return;
  const kept = list.filter((_, i) => i % 2 === 0 || i === list.length - 1);
  list.length = 0;
  list.push(...kept);
}

/**
 * The playground page.
 *
 * @element nn-playground
 * @fires nn-started - once its worker and wasm answer (the start is over)
 * @fires nn-start-failed - {error, stage}: the start failed; main.js shows why in place of the page
 *
 * Read-only for tests: `status` (reflected: loading, ready, training, paused, done, failed,
 * invalid), `experiment` (the valid experiment in use), `stepCount`, `lossHistory()` ({steps,
 * loss} of every trained step), `linkError` (the English message of a link that could not be read;
 * the banner shows its errors in the page's language),
 * `assignment` (the homework in force, or null), `runRecords` (the kept runs, newest first),
 * `resultLink` (the last Submit's link), `embed` (the parts an embedding shows, or null).
 */
export class NnPlayground extends LitElement {
  static properties = {
    status: { type: String, reflect: true },
    linkError: { type: String, attribute: false },
    _linkErrors: { state: true },
    experiment: { attribute: false },
    _draft: { state: true },
    _errors: { state: true },
    _description: { state: true },
    _info: { state: true },
    _loading: { state: true },
    _message: { state: true },
    _copied: { state: true },
    _copyFallback: { state: true },
    _tensor: { state: true },
    _announce: { state: true },
    _padProbs: { state: true },
    _tick: { state: true },
    _assignment: { state: true },
    _mode: { state: true },
    _embed: { state: true },
    _lab: { state: true },
    _claim: { state: true },
    _replay: { state: true },
    _resultLink: { state: true },
    _submitting: { state: true },
    _runs: { state: true },
    _selected: { state: true },
    _persistent: { state: true },
    _exportMessage: { state: true },
    _exportBusy: { state: true },
    _claimDigestOk: { state: true },
    _lesson: { state: true },
    _lessonProgress: { state: true },
    _lessonResults: { state: true },
    _lessonOutcome: { state: true },
    _lessonHistory: { state: true },
    _recovery: { state: true },
    _liveCharts: { state: true },
  };

  static styles = [srOnly, css`
    :host {
      display: block;
      --nn-accent: #1a73e8;
      --nn-focus: #1a73e8;
      --nn-error: #b3261e;
      --nn-error-bg: #fdecea;
      --nn-muted: #5a5f69;
      --nn-border: #b8bcc4;
      --nn-border-soft: #dde0e5;
      --nn-soft: #f1f3f6;
      --nn-panel: #fff;
      --nn-button: #f6f7f9;
      color: #1d1f23;
      font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', 'PingFang SC',
        'Microsoft YaHei', sans-serif;
    }
    header {
      position: relative;
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px 16px;
      padding: 10px 16px;
      border-bottom: 1px solid var(--nn-border-soft);
      background: #fafbfc;
    }
    h1 {
      font-size: 18px;
      margin: 0;
    }
    .subtitle {
      font-size: 12.5px;
      color: var(--nn-muted);
    }
    .titles {
      margin-right: auto;
      min-width: 0;
    }
    .tools {
      display: flex;
      flex-wrap: wrap;
      align-items: end;
      gap: 8px 12px;
    }
    .tools label {
      display: block;
      font-size: 12px;
      color: var(--nn-muted);
    }
    select,
    button,
    input[type='text'] {
      font: inherit;
      padding: 3px 8px;
      border: 1px solid var(--nn-border);
      border-radius: 4px;
      background: #fff;
      color: inherit;
    }
    button {
      background: var(--nn-button);
      cursor: pointer;
      min-height: 30px;
    }
    select:focus-visible,
    button:focus-visible,
    input:focus-visible {
      outline: 2px solid var(--nn-focus);
      outline-offset: 1px;
    }
    .lang button[aria-pressed='true'] {
      background: var(--nn-accent);
      border-color: var(--nn-accent);
      color: #fff;
    }
    #preset {
      max-width: min(420px, 80vw);
    }
    .lang {
      display: inline-flex;
      gap: 0;
    }
    .lang button:first-of-type {
      border-radius: 4px 0 0 4px;
    }
    .lang button:last-of-type {
      border-radius: 0 4px 4px 0;
      border-left: 0;
    }
    .banner {
      margin: 10px 16px 0;
      padding: 8px 12px;
      border-radius: 6px;
      border: 1px solid var(--nn-error);
      background: var(--nn-error-bg);
      display: flex;
      gap: 12px;
      align-items: start;
    }
    .banner pre {
      margin: 4px 0 0;
      white-space: pre-wrap;
      font: 12.5px/1.4 ui-monospace, monospace;
      word-break: break-word;
    }
    .banner .text {
      flex: 1;
      min-width: 0;
    }
    main[hidden] {
      display: none;
    }
    main {
      display: grid;
      grid-template-columns: minmax(430px, 500px) minmax(0, 1fr);
      align-items: start;
      gap: 12px;
      padding: 12px 16px 24px;
    }
    .side {
      display: grid;
      gap: 12px;
      min-width: 0;
    }
    section.card {
      /* What changes inside a card (a redrawn chart, a new readout) lays out and paints that card only. */
      contain: content;
      background: var(--nn-panel);
      border: 1px solid var(--nn-border-soft);
      border-radius: 10px;
      padding: 10px 12px 12px;
      min-width: 0;
    }
    h2 {
      font-size: 15px;
      margin: 0 0 8px;
    }
    .model {
      display: grid;
      gap: 12px;
      min-width: 0;
    }
    .metrics {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
      gap: 12px;
    }
    .more > section {
      /* Views below the fold are not rendered at all until they scroll near the screen. */
      content-visibility: auto;
      contain-intrinsic-size: auto 360px;
    }
    .more {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
      gap: 12px;
    }
    .wide {
      grid-column: 1 / -1;
    }
    .pick {
      display: flex;
      flex-wrap: wrap;
      gap: 6px 12px;
      align-items: center;
      margin-bottom: 6px;
      font-size: 13px;
    }
    .pair {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
      gap: 12px;
    }
    .note {
      font-size: 12.5px;
      color: var(--nn-muted);
      margin: 4px 0 0;
    }
    .copy-fallback {
      width: 100%;
      margin-top: 6px;
    }
    .skip {
      position: absolute;
      left: 8px;
      top: -60px;
    }
    .skip:focus {
      top: 8px;
      z-index: 2;
    }
    main.single {
      grid-template-columns: minmax(0, 1fr);
    }
    .exports {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
      align-items: center;
      margin-top: 10px;
      padding-top: 8px;
      border-top: 1px solid var(--nn-border-soft);
    }
    .exports .note {
      margin: 0;
    }
    .export-message {
      flex-basis: 100%;
    }
    .live-charts {
      display: flex;
      flex-wrap: wrap;
      gap: 2px 10px;
      align-items: center;
      margin-top: 8px;
      font-size: 13px;
    }
    .live-charts label {
      display: inline-flex;
      gap: 6px;
      align-items: center;
      cursor: pointer;
    }
    .live-charts input {
      margin: 0;
      accent-color: var(--nn-accent);
    }
    .live-charts .note {
      margin: 0;
    }
    button.toggle[aria-pressed='true'] {
      background: var(--nn-accent);
      border-color: var(--nn-accent);
      color: #fff;
    }
    section.card.goal {
      border-color: var(--nn-accent);
    }
    section.card.lesson .text {
      margin: 0 0 6px;
      font-size: 13.5px;
    }
    .pick button[aria-pressed='true'] {
      background: var(--nn-accent);
      border-color: var(--nn-accent);
      color: #fff;
    }
    .lock {
      font-size: 13px;
      font-weight: 400;
      color: var(--nn-muted);
    }
    @media (max-width: 1100px) {
      /* One column, in the same order as the keyboard walks it: the model, then the run. */
      main {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    @media (max-width: 700px) {
      .metrics,
      .more,
      .pair {
        grid-template-columns: minmax(0, 1fr);
      }
    }
  `];

  #client = null;
  #describeSeq = 0;
  #configureSeq = 0;
  /** The draw pad's latest prediction request: an older answer (a drawing since cleared or replaced) is dropped. */
  #padSeq = 0;
  #describeTimer = 0;
  #configureTimer = 0;
  #frame = 0;
  #lastFrame = 0;
  #lastStep = 0;
  #dirty = new Set();
  #due = new Set(ALL_VIEWS);
  #turn = 0;
  /** The next frame draws every view at once (live charts just turned back on). */
  #catchUp = false;
  /** Views (data-view of their section) on screen or near it; only those redraw while training. */
  #visible = new Set();
  #shown = new Map();
  #observer = null;
  #observed = new WeakSet();
  #autostart = false;
  #trainingSince = 0;
  #elapsedBefore = 0;
  #run = this.#emptyRun();
  /** The record of the run in #run: {id, number, name, created, experiment, assignment, ...}; kept once it trains. */
  #live = null;
  #store = new RunStore();
  // Checkpoints of the live run (weights, optimizer, random streams, epoch position, history), so
  // a crashed worker or a reload loses at most CHECKPOINT_MS of training; see runs/checkpoints.js.
  #checkpoints = new CheckpointStore();
  #runLock = new RunLock();
  #watchdog = null;
  #lastCheckpoint = 0;
  #checkpointEvery = CHECKPOINT_MS; // longer for a big model: its copy into IndexedDB takes main-thread time
  #checkpointing = null;
  #saveTimer = 0;
  #lastSave = 0;
  /** Runs the user ticked themselves (they stay picked when a new run starts). */
  #pinned = new Set();
  /** The whole test set's numbers at a step (Submit asks for them): {step, test_accuracy, test_loss, count}. */
  #fullEval = null;
  #replayTarget = 0;
  #onHashChange = () => {
    const wasLab = this._lab;
    if (this.#openLab()) return;
    this.#readHash(location.hash, { fromNavigation: true });
    if (wasLab) this.#writeHash();
  };

  /** Shows the lab a #lab= link names (its module loads on first use); false for any other link. */
  #openLab() {
    this._lab = labRoute(location.hash);
    if (this._lab) import('../labs/nn-labs.js').catch((err) => this.#fail(say('error.init', { message: err })));
    return Boolean(this._lab);
  }

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.status = 'loading';
    this.linkError = '';
    this._linkErrors = [];
    this.experiment = null;
    this._draft = null;
    this._errors = [];
    this._description = null;
    this._info = null;
    this._loading = null;
    this._message = '';
    this._copied = false;
    this._copyFallback = '';
    this._tensor = 0;
    this._announce = '';
    this._padProbs = null;
    this._tick = 0;
    this._assignment = null;
    this._mode = '';
    this._embed = null;
    this._lab = null; // {lab, embed, lang} while a link shows a lab (labs/route.js)
    this._claim = null;
    this._replay = null;
    this._resultLink = '';
    this._submitting = false;
    this._runs = [];
    this._selected = [];
    this._persistent = false;
    this._exportMessage = '';
    this._exportBusy = false;
    this._claimDigestOk = false;
    this._lesson = '';
    this._lessonProgress = null;
    this._lessonResults = [];
    this._lessonOutcome = '';
    /** Per lesson id, what its last complete run in this page measured (a later lesson compares with it). */
    this._lessonHistory = {};
    this._recovery = null;
    /** "Live charts": off, the charts and the worker's views rest while training (see #setLiveCharts). */
    this._liveCharts = true;
    /** Tests may cap each run of "Run this lesson" at this many steps (Infinity: each run's own length). */
    this.lessonStepLimit = Infinity;
  }

  get assignment() {
    return this._assignment;
  }

  get runRecords() {
    return this._runs;
  }

  get resultLink() {
    return this._resultLink;
  }

  /** The lesson chosen in the lesson panel ('' for none) and what its runs measured (see #lessonResult). */
  get lesson() {
    return {
      id: this._lesson, running: Boolean(this._lessonProgress), results: this._lessonResults, outcome: this._lessonOutcome,
      history: this._lessonHistory,
    };
  }

  get embed() {
    return this._embed;
  }

  // ---- public, read-only for tests ----

  /** Number of steps trained in this run (cheap to poll). */
  get stepCount() {
    return this.#run.steps.length;
  }

  /** Steps and losses of every step trained in this run (plain arrays of the exact f32 values). */
  lossHistory() {
    return { steps: this.#run.steps.values(), loss: this.#run.loss.values() };
  }

  // ---- start-up ----

  updated() {
    // Sections come and go (MNIST views or the decision boundary): observe the new ones.
    this.#observer ??= new IntersectionObserver((entries) => {
      let appeared = false;
      for (const entry of entries) {
        const id = entry.target.dataset.view;
        if (entry.isIntersecting) {
          if (!this.#visible.has(id)) appeared = true;
          this.#visible.add(id);
        } else {
          this.#visible.delete(id);
        }
      }
      if (appeared) {
        for (const v of ALL_VIEWS) this.#dirty.add(v);
        this.#scheduleFrame();
      }
    }, { rootMargin: '200px 0px' });
    for (const section of this.renderRoot.querySelectorAll('[data-view]')) {
      if (this.#observed.has(section)) continue;
      this.#observed.add(section);
      this.#observer.observe(section);
    }
  }

  /**
   * Whether a view is worth drawing: anywhere when not training (it costs nothing then); while
   * training, only with live charts on and when on screen.
   */
  #seen(view) {
    return this.status !== 'training' || (this._liveCharts && this.#visible.has(view));
  }

  /**
   * The value a view should show: the latest while it is on screen, the one it last showed while
   * it is scrolled away (so charts nobody sees cost nothing while training).
   */
  #gate(view, value) {
    if (!this.#shown.has(view) || (this.#seen(view) && this.#due.has(view))) this.#shown.set(view, value);
    return this.#shown.get(view);
  }

  connectedCallback() {
    super.connectedCallback();
    window.addEventListener('hashchange', this.#onHashChange);
    if (!this.#client) this.#start().catch((err) => this.#startFailed(err, 'start'));
  }

  /** A first render that throws leaves nothing on screen: the page says so (main.js). */
  performUpdate() {
    if (this.hasUpdated) return super.performUpdate();
    try {
      return super.performUpdate();
    } catch (err) {
      this.#startFailed(err, 'render');
      throw err;
    }
  }

  /**
   * The start failed at `stage` (a key of the language folders' start.stages): an `nn-start-failed`
   * event {error, stage} for the page to show in place of the playground (start-failure.js).
   */
  #startFailed(error, stage) {
    this.dispatchEvent(new CustomEvent('nn-start-failed', { bubbles: true, detail: { error, stage } }));
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.#onHashChange);
  }

  async #start() {
    const lab = this.#openLab();
    const decoded = this.#readHash(lab ? '' : location.hash, { fromNavigation: false });
    // The link says the language once it is in use (setLanguage is asynchronous).
    setLanguage(decoded.lang ?? this._lab?.lang ?? detectLanguage()).then(() => this.#writeHash());
    // The first visit with the default experiment trains as soon as the data is in.
    this.#autostart = decoded.empty && decoded.ok && !lab;
    this.#loadRuns();
    window.addEventListener('pagehide', () => this.#saveLive(true));
    this.#connect();
    const resumable = await this.#checkpoints.resumable();
    if (resumable) {
      this.#autostart = false; // the student chooses: resume the interrupted run, or start afresh
      this._recovery = { kind: 'interrupted', record: resumable };
    }
    try {
      await this.#client.init(new URL(WASM_FILE, document.baseURI), new URL('data/', document.baseURI));
    } catch (err) {
      // A worker that died before it answered (its script threw) rejects init with its crash, or,
      // when it died before init was sent, with "stopped": then the crash says why.
      const crashed = this._recovery?.kind === 'crashed';
      const why = crashed && err?.msg?.id === 'err.worker.stopped' ? errorOf(say('err.worker.crashed', { reason: this._recovery.message })) : err;
      this.#startFailed(why, crashed ? 'worker' : 'wasm');
      this.#fail(say('error.init', { message: err }));
      return;
    }
    this.dispatchEvent(new CustomEvent('nn-started', { bubbles: true }));
    this.#describe();
    this.#configure(true);
  }

  /** Reads a hash into the editors; a hash that cannot be read shows why and keeps the defaults. */
  #readHash(hash, { fromNavigation }) {
    const defaults = DEFAULT_PRESET.experiment;
    const decoded = decodeHash(hash, defaults);
    if (decoded.lang) setLanguage(decoded.lang).then(() => this.#writeHash());
    // The page's frame, the homework and the claim come with the link (a broken link: none).
    this._mode = decoded.mode ?? '';
    this._embed = decoded.embed ?? null;
    this._assignment = decoded.assignment;
    this._claim = decoded.result;
    this._claimDigestOk = decoded.result ? digestMatches(decoded.experiment, decoded.assignment, decoded.result) : false;
    this._replay = null;
    this._resultLink = '';
    this.#readLesson(decoded);
    if (fromNavigation && decoded.ok && decoded.empty) return decoded;
    if (fromNavigation && decoded.ok && this.experiment && sameExperiment(decoded.experiment, this.experiment)) return decoded;
    this.linkError = decoded.ok ? '' : decoded.message;
    this._linkErrors = decoded.ok ? [] : decoded.errors;
    this.#setExperiment(decoded.experiment);
    if (fromNavigation) {
      this.#describe();
      this.#configure(true);
    }
    return decoded;
  }

  #setExperiment(experiment, { writeHash = true } = {}) {
    this.experiment = experiment;
    this._draft = experiment;
    this._errors = [];
    if (writeHash) this.#writeHash();
  }

  /** The hash of the page now: the experiment, the homework, a result being read, the frame. */
  #hash() {
    return encodeHash(this.experiment, {
      lang: language(), mode: this._mode || undefined, embed: this._embed ?? undefined, lesson: this._lesson || undefined,
      assignment: this._assignment ?? undefined, result: this._claim ?? undefined,
    });
  }

  #writeHash() {
    if (!this.experiment || this._lab) return; // a lab writes its own link
    const hash = `#${this.#hash()}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  /** The page's address without its hash. */
  #base() {
    return location.href.split('#')[0];
  }

  #link() {
    if (this._lab) return location.href;
    return `${this.#base()}#${this.#hash()}`;
  }

  // ---- edits ----

  #onEdit(draft, { field } = {}) {
    // Switching between MNIST and a 2-D set takes that kind's preset network.
    const wasMnist = this._draft?.data?.set === 'mnist';
    if (field === 'data.set' && (draft.data.set === 'mnist') !== wasMnist) {
      const preset = presetOf(draft.data.set === 'mnist' ? 'mlp' : 'xor-tanh');
      draft = { ...draft, layers: preset.experiment.layers, batch_size: preset.experiment.batch_size, epochs: preset.experiment.epochs };
      this._announce = t('announce.layersFor', { data: t(`data.${draft.data.set}`) });
    }
    this._draft = draft;
    const r = validateExperiment(draft);
    if (!r.ok) {
      this._errors = r.errors;
      this.#pauseForEdit();
      this.status = 'invalid';
      this._message = say('error.fix');
      // Rows before the first broken one keep the shapes of the last check.
      const firstBad = Math.min(...r.errors.map((e) => (e.path[0] === 'layers' && typeof e.path[1] === 'number' ? e.path[1] : Infinity)));
      if (this._description && Number.isFinite(firstBad)) {
        this._description = { ...this._description, layers: this._description.layers.slice(0, firstBad) };
      }
      return;
    }
    this._errors = [];
    if (this.experiment && sameExperiment(r.experiment, this.experiment)) {
      if (this.status === 'invalid') this.#restoreStatus();
      return;
    }
    // A claim read from a result link was about the experiment as it was.
    this._claim = null;
    this._replay = null;
    this.experiment = r.experiment;
    this._draft = r.experiment;
    this.#writeHash();
    this.#describe();
    this.#configure(false);
  }

  #pauseForEdit() {
    if (this.status === 'training') this.#client?.pause().catch(() => {});
    this.#stopClock();
  }

  #restoreStatus() {
    this._message = '';
    this.status = this._description && !this._description.ok ? 'invalid' : this._info ? (this._info.step > 0 ? 'paused' : 'ready') : 'loading';
  }

  /** Asks the core for the stack's shapes (debounced while the user types). */
  #describe() {
    clearTimeout(this.#describeTimer);
    const experiment = this.experiment;
    const seq = ++this.#describeSeq;
    this.#describeTimer = setTimeout(async () => {
      try {
        const d = await this.#client.describe(experiment);
        if (seq !== this.#describeSeq) return;
        this._description = d;
        if (!d.ok) {
          this.#pauseForEdit();
          this.status = 'invalid';
          this._message = say('error.stack');
        }
      } catch (err) {
        if (seq === this.#describeSeq) this._message = err;
      }
    }, DESCRIBE_DEBOUNCE_MS);
  }

  /** Rebuilds the run in the worker for the current experiment (debounced while the user types). */
  #configure(immediate) {
    clearTimeout(this.#configureTimer);
    const experiment = this.experiment;
    const seq = ++this.#configureSeq;
    if (this.status === 'training') this.#client.pause().catch(() => {});
    this.#stopClock();
    // Until the worker has the new network, nothing may train the old one.
    this.status = 'loading';
    const run = async () => {
      if (seq !== this.#configureSeq) return;
      this.status = 'loading';
      this._message = '';
      let info;
      try {
        info = await this.#client.configure(experiment);
      } catch (err) {
        if (seq !== this.#configureSeq) return;
        this._loading = null;
        this._info = null;
        this.status = err.name === 'ExperimentError' ? 'invalid' : 'failed';
        this._message = err;
        return;
      }
      if (seq !== this.#configureSeq) return;
      this._loading = null;
      const kept = info.step > 0 && this._info && info.step === this._info.step;
      if (!kept) {
        this.#startLive(info);
        this.#elapsedBefore = 0;
        this._tensor = 0;
      } else if (this.#live) {
        this.#live.experiment = experiment;
      }
      this._info = info;
      this.#lastStep = info.step;
      this.status = info.step >= info.totalSteps ? 'done' : info.step > 0 ? 'paused' : 'ready';
      if (this._description && !this._description.ok) this.status = 'invalid';
      if (this.#autostart && this.status === 'ready') {
        this.#autostart = false;
        // The untrained network is drawn first (the initial loss near ln 10, the initial weight
        // histograms), so that its first, heaviest paint is not a task of the training run.
        await this.updateComplete;
        await new Promise((resolve) => setTimeout(resolve, AUTOSTART_DELAY_MS));
        if (seq === this.#configureSeq && this.status === 'ready') this.#train();
      }
      this.#autostart = false;
    };
    if (immediate) run();
    else this.#configureTimer = setTimeout(run, CONFIGURE_DEBOUNCE_MS);
  }

  // ---- run controls ----

  #onRunAction(action) {
    if (action === 'train') this.#train();
    else if (action === 'pause') this.#client.pause().catch((err) => this.#fail(err));
    else if (action === 'step') this.#step();
    else if (action === 'reset') this.#reset();
  }

  async #train() {
    this.status = 'training';
    this._message = '';
    this.#watchdog?.arm();
    this.#trainingSince = performance.now();
    try {
      await this.#client.train(this.#stopAt());
    } catch (err) {
      this.#fail(err);
    }
  }

  async #step() {
    this.#stopClock();
    try {
      await this.#client.step(this.#stopAt());
      if (this.status !== 'done' && this.status !== 'failed') this.status = 'paused';
    } catch (err) {
      this.#fail(err);
    }
  }

  async #reset() {
    this.#stopClock();
    this.status = 'loading';
    try {
      const info = await this.#client.reset();
      this.#startLive(info);
      this.#elapsedBefore = 0;
      this._info = info;
      this.#lastStep = info.step;
      this.status = 'ready';
      this._message = '';
    } catch (err) {
      this.#fail(err);
    }
  }

  /** Stops with `message`: what localize() takes (a message of i18n/errors.js, an error, a sentence). */
  #fail(message) {
    if (this._recovery?.kind === 'crashed') return; // the dead worker's last refusals say nothing new
    this.#stopClock();
    this.status = 'failed';
    this._message = message;
  }

  #stopClock() {
    if (this.#trainingSince) this.#elapsedBefore += (performance.now() - this.#trainingSince) / 1000;
    this.#trainingSince = 0;
  }

  // ---- pushed messages ----

  #emptyRun(info = null) {
    const weights = (info?.tensors ?? []).filter((x) => x.role === 'weight');
    const steps = new Column(Float64Array);
    const loss = new Column(Float32Array);
    const accuracy = new Column(Float32Array);
    const test = { steps: [], loss: [], accuracy: [] };
    return {
      steps,
      loss,
      accuracy,
      test,
      // What the metric charts read; updated in place (arrays swapped when a column grows).
      metricRuns: [{ id: 'run', train: { steps: steps.array, loss: loss.array, accuracy: accuracy.array, length: 0 }, test }],
      last: { loss: NaN, accuracy: NaN, testAccuracy: NaN, testLoss: NaN, testCount: 0, testFull: false, samples: 0, trainMs: 0 },
      snapshots: new Map(weights.map((w) => [w.name, { weights: [], grads: [] }])),
      norms: { names: weights.map((x) => x.name), steps: [], norms: weights.map(() => []), length: 0 },
      confusion: null,
      gridProbs: null,
      filters: null,
      activations: null,
      startActivations: null, // the activations measured at step 0, kept for the lessons' table
      boundary: null,
    };
  }

  #onPush(type, msg) {
    const run = this.#run;
    switch (type) {
      case 'progress':
        this._loading = msg.phase === 'ready' ? null : { loaded: msg.loaded, total: msg.total, phase: msg.phase };
        return;
      case 'steps': {
        for (let i = 0; i < msg.loss.length; i++) {
          run.steps.push(msg.first + i);
          run.loss.push(msg.loss[i]);
          run.accuracy.push(msg.accuracy[i]);
        }
        const train = run.metricRuns[0].train;
        Object.assign(train, { steps: run.steps.array, loss: run.loss.array, accuracy: run.accuracy.array, length: run.steps.length });
        run.last.loss = msg.loss[msg.loss.length - 1];
        run.last.accuracy = msg.accuracy[msg.accuracy.length - 1];
        run.last.samples = msg.samples;
        run.last.trainMs = msg.trainMs;
        this.#lastStep = msg.first + msg.loss.length - 1;
        this.#dirty.add('loss').add('accuracy');
        if (this.#live && !this.#live.kept) this.#keepLive();
        else this.#scheduleSave();
        if (performance.now() - this.#lastCheckpoint >= this.#checkpointEvery) this.#saveCheckpoint();
        break;
      }
      case 'stats': {
        for (const tensor of msg.tensors) {
          const entry = run.snapshots.get(tensor.name);
          if (!entry) continue;
          entry.weights.push({ step: msg.step, ...tensor.weights });
          entry.grads.push({ step: msg.step, ...tensor.grads });
          thinInPlace(entry.weights);
          thinInPlace(entry.grads);
        }
        if (msg.step > 0 && run.norms.steps.at(-1) !== msg.step) {
          run.norms.steps.push(msg.step);
          run.norms.names.forEach((name, i) => {
            run.norms.norms[i].push(msg.tensors.find((x) => x.name === name)?.grads.l2 ?? NaN);
          });
          run.norms.length = run.norms.steps.length;
        }
        if (msg.filters !== undefined) run.filters = msg.filters; // undefined: unchanged
        if (msg.activations) run.activations = { step: msg.step, layers: msg.activations };
        if (msg.activations && msg.step === 0) run.startActivations = msg.activations;
        this.#dirty.add('weights').add('grads').add('norms').add('filters');
        break;
      }
      case 'eval':
        if (run.test.steps.at(-1) === msg.step) {
          run.test.loss[run.test.loss.length - 1] = msg.loss;
          run.test.accuracy[run.test.accuracy.length - 1] = msg.accuracy;
        } else {
          run.test.steps.push(msg.step);
          run.test.loss.push(msg.loss);
          run.test.accuracy.push(msg.accuracy);
        }
        run.last.testAccuracy = msg.accuracy;
        run.last.testLoss = msg.loss;
        run.last.testCount = msg.subset;
        run.last.testFull = Boolean(msg.full);
        if (msg.full) this.#fullEval = { step: msg.step, test_accuracy: msg.accuracy, test_loss: msg.loss, count: msg.subset };
        this.#scheduleSave();
        run.confusion = { matrix: msg.confusion, subset: msg.subset };
        this.#dirty.add('loss').add('accuracy').add('confusion');
        break;
      case 'grid':
        run.gridProbs = msg.probs;
        this.#dirty.add('digits');
        break;
      case 'boundary':
        run.boundary = msg;
        this.#dirty.add('boundary');
        break;
      case 'stopped':
        this.#stopClock();
        if (msg.reason === 'done') this.status = 'done';
        else if (msg.reason === 'failed') {
          this.status = 'failed';
          // A diverged run keeps its last checkpoint (finite weights); nothing is saved over it.
          const reason = { message: msg.message ?? '', msg: msg.msg };
          this._message = msg.status === Status.ERR_NUMERIC ? say('error.numeric', { message: reason }) : reason;
        } else if (msg.reason === 'budget') {
          this.status = 'paused';
          this._message = this.#replayTarget ? '' : say('goal.budgetStop', { steps: formatInteger(msg.step) });
        } else if (this.status === 'training') this.status = 'paused';
        if (this.#replayTarget && (msg.reason === 'done' || msg.reason === 'budget' || msg.reason === 'failed')) this.#finishReplay();
        this.#saveLive();
        this.#watchdog?.disarm();
        if (msg.reason === 'done') this.#checkpoints.delete(this.#live?.id ?? '');
        else if (msg.reason !== 'failed') this.#saveCheckpoint();
        break;
      default:
        return;
    }
    this.#scheduleFrame();
  }

  /** Asks for a frame (at most one per FRAME_MS, however many messages arrive). */
  #scheduleFrame() {
    if (this.#frame) return;
    const wait = Math.max(0, this.#lastFrame + FRAME_MS - performance.now());
    this.#frame = setTimeout(() => requestAnimationFrame(() => this.#drawFrame()), wait);
  }

  /**
   * One frame: the readouts, and the views whose turn it is. While training the views take turns
   * (ROTATION), so no single task paints every chart; otherwise all catch up at once. Views
   * scrolled out of sight keep what they showed (see #gate).
   */
  #drawFrame() {
    this.#frame = 0;
    this.#lastFrame = performance.now();
    const pending = (v) => this.#dirty.has(v) && this.#seen(v);
    let group = ALL_VIEWS;
    if (this.status === 'training' && !this.#catchUp) {
      // The next group in turn with something to draw (none: only the readouts change).
      group = [];
      for (let k = 0; k < ROTATION.length && !group.length; k++) group = ROTATION[this.#turn++ % ROTATION.length].filter(pending);
    }
    this.#catchUp = false;
    this.#due = new Set(group.filter(pending));
    if (this._info && this.#lastStep !== this._info.step) this._info = { ...this._info, step: this.#lastStep };
    this._tick++;
    for (const v of this.#due) {
      if (IN_PLACE[v]) this.renderRoot.querySelector(IN_PLACE[v])?.refresh();
      this.#dirty.delete(v);
    }
    if (this.#dirty.size) this.#scheduleFrame();
  }

  // ---- header actions ----

  #onPreset(id) {
    const preset = presetOf(id);
    if (!preset) return;
    this.#onEdit(structuredClone(preset.experiment));
    this._announce = t('announce.preset', { name: this.#presetName(preset) });
  }

  #presetName(preset) {
    const key = `preset.${preset.id}`;
    const name = t(key);
    return name === key ? preset.experiment.name ?? preset.id : name;
  }

  #onLanguage(lang) {
    setLanguage(lang).then(() => this.#writeHash());
  }

  async #copyLink() {
    const link = this.#link();
    this._copyFallback = '';
    try {
      await navigator.clipboard.writeText(link);
      this._copied = true;
      this._announce = t('announce.copied');
      setTimeout(() => { this._copied = false; }, 2000);
    } catch {
      // No clipboard permission (an embedded frame, plain http): show the link to copy by hand.
      this._copyFallback = link;
      this.updateComplete.then(() => this.renderRoot.querySelector('.copy-fallback')?.select());
    }
  }

  // ---- surviving a crashed worker and a reload ----

  /** A new training worker, its pushes wired to the page and watched for silence. */
  #connect() {
    const client = new TrainingClient();
    this.#client = client;
    for (const type of ['progress', 'steps', 'stats', 'eval', 'grid', 'boundary', 'stopped']) {
      client.addEventListener(type, (e) => {
        if (client !== this.#client) return; // a worker already replaced
        this.#watchdog?.alive();
        this.#onPush(type, e.detail);
      });
    }
    client.addEventListener('crash', (e) => {
      if (client === this.#client) this.#onCrash(e.detail.message || say('err.worker.inWorker'));
    });
    if (!this._liveCharts) client.views(false).catch(() => {});
    this.#watchdog?.disarm();
    this.#watchdog = new Watchdog({
      ping: () => client.ping(),
      onDead: (why) => {
        if (client === this.#client) this.#onCrash(why);
      },
    });
  }

  /** The worker died: the page keeps its charts and runs and offers to restart from the last checkpoint. */
  async #onCrash(message) {
    this.#watchdog?.disarm();
    this.#stopClock();
    this.status = 'failed';
    this._message = say('error.crash', { message });
    this._recovery = { kind: 'crashed', message, record: null };
    this.#client?.terminate();
    this.#saveLive();
    await this.#checkpointing;
    const record = this.#live ? await this.#checkpoints.get(this.#live.id) : null;
    if (this._recovery?.kind === 'crashed') this._recovery = { kind: 'crashed', message, record };
  }

  /** Asks the worker for a checkpoint of the live run and keeps it with the history up to it. */
  #saveCheckpoint() {
    const live = this.#live;
    if (!live?.kept || this.#checkpointing || !this.#client) return this.#checkpointing;
    this.#lastCheckpoint = performance.now();
    const client = this.#client;
    this.#checkpointing = (async () => {
      try {
        const checkpoint = await client.checkpoint();
        if (live !== this.#live || checkpoint.step < 1) return;
        const bytes = checkpoint.params.byteLength + checkpoint.optimState.byteLength + checkpoint.order.byteLength;
        this.#checkpointEvery = CHECKPOINT_MS * Math.max(1, bytes / CHECKPOINT_BYTES_PER_INTERVAL);
        await this.#checkpoints.put({
          id: live.id, name: live.name, number: live.number, created: live.created,
          savedAt: Date.now(), step: checkpoint.step, finished: false,
          experiment: checkpoint.experiment, assignment: live.assignment ?? null,
          checkpoint, history: historyUpTo(checkpoint.step, this.#run, this.#run.test),
        });
      } catch {
        // No session yet, or the worker died meanwhile: the previous checkpoint stands.
      } finally {
        this.#checkpointing = null;
      }
    })();
    return this.#checkpointing;
  }

  #dismissRecovery() {
    const r = this._recovery;
    this._recovery = null;
    if (r?.kind === 'interrupted') this.#checkpoints.delete(r.record.id);
  }

  /**
   * Restarts the worker (after a crash) or uses the running one (a reload) and continues the
   * run of `record` from its checkpoint, with its history; null starts the experiment afresh.
   */
  async #recover(record) {
    const crashed = this._recovery?.kind === 'crashed';
    this._recovery = null;
    clearTimeout(this.#configureTimer);
    const seq = ++this.#configureSeq; // no configure in flight may undo this
    this.status = 'loading';
    try {
      if (crashed) {
        this.#connect();
        await this.#client.init(new URL(WASM_FILE, document.baseURI), new URL('data/', document.baseURI));
      }
      if (!record) {
        this.#configure(true);
        return;
      }
      const checked = validateExperiment(record.experiment);
      if (!checked.ok) throw new ExperimentError(checked.errors);
      const experiment = checked.experiment;
      this.#setExperiment(experiment);
      this.#describe();
      const info = await this.#client.restore({ ...record.checkpoint, experiment });
      if (seq !== this.#configureSeq) return;
      const same = this.#live?.id === record.id;
      if (!same) {
        this.#startLive(info);
        Object.assign(this.#live, {
          id: record.id, name: record.name ?? '', number: record.number ?? 0, created: record.created ?? Date.now(),
          assignment: record.assignment ?? null, kept: true,
        });
        this.#runLock.hold(record.id);
        this._selected = [...this._selected.filter((id) => id !== this.#live.id), record.id];
      }
      this.#restoreHistory(record.history, info.step);
      this._info = info;
      this.#lastStep = info.step;
      this.#lastCheckpoint = performance.now();
      this.status = info.step >= info.totalSteps ? 'done' : 'paused';
      this._message = say('recover.restored', { step: formatInteger(info.step) });
      for (const v of ALL_VIEWS) this.#dirty.add(v);
      this.#scheduleFrame();
    } catch (err) {
      this.#fail(err);
    }
  }

  /** The run's metric history as it was at `step`: kept columns cut back, or the stored ones put back. */
  #restoreHistory(history, step) {
    const run = this.#run;
    let n = run.steps.length;
    while (n > 0 && run.steps.array[n - 1] > step) n--;
    if (n === 0 && isHistory(history)) {
      for (let i = 0; i < history.train.steps.length; i++) {
        run.steps.push(history.train.steps[i]);
        run.loss.push(history.train.loss[i]);
        run.accuracy.push(history.train.accuracy[i]);
      }
      n = run.steps.length;
      const test = history.test;
      run.test.steps.push(...test.steps);
      run.test.loss.push(...test.loss);
      run.test.accuracy.push(...test.accuracy);
    }
    for (const column of [run.steps, run.loss, run.accuracy]) column.length = n;
    const keep = run.test.steps.findLastIndex((s) => s <= step) + 1;
    for (const list of [run.test.steps, run.test.loss, run.test.accuracy]) list.length = keep;
    Object.assign(run.metricRuns[0].train, { steps: run.steps.array, loss: run.loss.array, accuracy: run.accuracy.array, length: n });
    run.last.loss = n ? run.loss.array[n - 1] : NaN;
    run.last.accuracy = n ? run.accuracy.array[n - 1] : NaN;
  }

  // ---- the runs kept in the browser ----

  async #loadRuns() {
    await this.#store.open();
    const stored = await this.#store.list();
    this._persistent = this.#store.persistent;
    const known = new Set(this._runs.map((r) => r.id));
    this._runs = [...this._runs, ...stored.reverse().filter((r) => !known.has(r.id))];
  }

  /** A new run begins (a fresh network from the seed); it is kept once it trains a step. */
  #startLive(info) {
    this.#saveLive(); // the last numbers of the run that ends here
    this.#run = this.#emptyRun(info);
    this.#lastCheckpoint = performance.now();
    const previous = this.#live;
    if (previous?.kept && !this.#pinned.has(previous.id)) this._selected = this._selected.filter((id) => id !== previous.id);
    // A run of a lesson's experiment is named after it, so the lesson's runs read well overlaid.
    const lesson = lessonFor(this.#presetId(this.experiment));
    this.#live = {
      id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      number: 0,
      name: lesson ? lesson.entry.label[language()] : '',
      created: Date.now(),
      experiment: this.experiment,
      assignment: this.#applied(),
      weightsLoaded: false,
      params: info.params,
      stepsPerEpoch: info.stepsPerEpoch,
      kept: false,
    };
    this._selected = [...this._selected, this.#live.id];
    this.#runLock.hold(this.#live.id);
    this.#fullEval = null;
    this._resultLink = '';
  }

  #keepLive() {
    const live = this.#live;
    live.kept = true;
    live.number = Math.max(0, ...this._runs.map((r) => r.number)) + 1;
    this.#saveLive();
  }

  #record() {
    const run = this.#run;
    return makeRecord({
      ...this.#live,
      status: this.status,
      train: { steps: run.steps.array, loss: run.loss.array, accuracy: run.accuracy.array, length: run.steps.length },
      test: run.test,
      testCount: run.last.testCount,
    });
  }

  /** Saves the live run within SAVE_MS (a run streams a hundred steps a second). */
  #scheduleSave() {
    if (this.#saveTimer || !this.#live?.kept) return;
    const wait = Math.max(0, this.#lastSave + SAVE_MS - performance.now());
    this.#saveTimer = setTimeout(() => this.#saveLive(), wait);
  }

  /** Writes the live run's record now (list, charts' overlay, browser storage). */
  #saveLive() {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = 0;
    if (!this.#live?.kept || !this.#run.steps.length) return;
    this.#lastSave = performance.now();
    const record = this.#record();
    this.#putRecord(record);
  }

  #putRecord(record) {
    const at = this._runs.findIndex((r) => r.id === record.id);
    this._runs = at < 0 ? [record, ...this._runs] : this._runs.map((r) => (r.id === record.id ? record : r));
    this.#store.put(record).then((dropped) => {
      this._persistent = this.#store.persistent;
      if (dropped.length) {
        this._runs = this._runs.filter((r) => !dropped.includes(r.id));
        this._selected = this._selected.filter((id) => !dropped.includes(id));
      }
    });
  }

  #onRunsSelect(selected) {
    for (const id of selected) if (!this._selected.includes(id)) this.#pinned.add(id);
    for (const id of this._selected) if (!selected.includes(id)) this.#pinned.delete(id);
    this._selected = selected;
  }

  #onRunRename(id, name) {
    if (this.#live?.id === id) this.#live.name = name;
    const record = this._runs.find((r) => r.id === id);
    if (record) this.#putRecord({ ...record, name, updated: Date.now() });
    this._announce = t('announce.renamed', { name });
  }

  #onRunDelete(id) {
    if (this.#live?.id === id) return;
    const record = this._runs.find((r) => r.id === id);
    this._runs = this._runs.filter((r) => r.id !== id);
    this._selected = this._selected.filter((x) => x !== id);
    this.#pinned.delete(id);
    this.#store.delete(id);
    if (record) this._announce = t('announce.deleted', { name: record.name || t('runs.defaultName', { n: record.number }) });
  }

  #runName(r) {
    if (r.name) return r.name;
    return r.kept === false || !r.number ? t('runs.current') : t('runs.defaultName', { n: r.number });
  }

  /** Each run's colour follows its number, so a run keeps its colour in the list and every chart. */
  #runColor(r) {
    return CATEGORICAL[((r.number || 1) - 1) % CATEGORICAL.length];
  }

  #listRuns = memo((runs) => runs.map((r) => ({ ...r, color: this.#runColor(r) })));

  /**
   * What the loss and accuracy charts draw: the live run alone (as ever) until other runs are
   * picked; then every picked run, each in its colour and by its name.
   */
  #chartRuns = memo((metricRuns, runs, selected, live) => {
    const picked = new Set(selected);
    const others = runs.filter((r) => r.id !== live?.id && picked.has(r.id));
    if (!others.length || !live) return metricRuns;
    const out = [];
    if (picked.has(live.id) && live.kept) {
      out.push({ id: live.id, label: this.#runName(live), color: this.#runColor(live), train: metricRuns[0].train, test: metricRuns[0].test });
    }
    for (const r of others) {
      out.push({ id: r.id, label: this.#runName(r), color: this.#runColor(r), train: { ...r.train, length: r.train.steps.length }, test: r.test });
    }
    return out;
  }, (metricRuns, runs, selected, live) => [metricRuns, runs, selected, live, live?.name, live?.number, live?.kept, language()]);

  // ---- homework ----

  /** The assignment in force for a student (none while the instructor edits it). */
  #applied() {
    return this._mode === 'instructor' ? null : this._assignment;
  }

  /** The step training must stop at: a homework's budget, or the step a claim is replayed to. */
  #stopAt() {
    let limit = stepBudget(this.#applied(), this._info?.stepsPerEpoch ?? 0);
    if (this.#replayTarget) limit = Math.min(limit, this.#replayTarget);
    return limit;
  }

  /** The goal against the run now (the whole test set's numbers when Submit asked for them at this step). */
  #goalNow() {
    const a = this.#applied();
    const last = this.#run.last;
    const full = this.#fullEval && this.#fullEval.step === this.#lastStep ? this.#fullEval : null;
    const numbers = full ?? { test_accuracy: last.testAccuracy, test_loss: last.testLoss };
    const measured = full ? { count: full.count, full: true } : { count: last.testCount, full: last.testFull };
    const run = { steps: this.#lastStep, stepsPerEpoch: this._info?.stepsPerEpoch ?? 0, params: this._info?.params ?? this._description?.params ?? 0 };
    const status = a ? goalStatus(a, { value: metricValue(a, numbers), ...run }) : null;
    return { status, measured, run };
  }

  /** Why Submit cannot be pressed now, or ''. */
  #submitBlocked() {
    if (this.#live?.weightsLoaded) return t('goal.blockedWeights');
    if (!this._info || this.status === 'loading' || this.status === 'invalid') return t('goal.blockedNotReady');
    if (this.#lastStep < 1) return t('goal.blockedNoSteps');
    return '';
  }

  async #submit() {
    if (this.#submitBlocked() || this._submitting) return;
    this._submitting = true;
    try {
      if (this.status === 'training') await this.#client.pause();
      const r = await this.#client.evaluate();
      this.#fullEval = r;
      const result = makeResult(this.experiment, this.#applied(), { steps: r.step, test_accuracy: r.test_accuracy, test_loss: r.test_loss });
      this._resultLink = `${this.#base()}#${encodeHash(this.experiment, { assignment: this.#applied() ?? undefined, result })}`;
      this._announce = t('announce.submitted');
    } catch (err) {
      this._message = err;
    } finally {
      this._submitting = false;
    }
  }

  /** Replays the claim of the result link the page was opened with: from the seed to its step. */
  async #replayClaim() {
    if (!this._claim || this._replay?.busy) return;
    this._replay = { busy: true };
    this.#replayTarget = this._claim.steps;
    await this.#reset();
    if (this.status !== 'ready') {
      this.#replayTarget = 0;
      this._replay = null;
      return;
    }
    this.#train();
  }

  async #finishReplay() {
    const claim = this._claim;
    this.#replayTarget = 0;
    try {
      const r = await this.#client.evaluate();
      this.#fullEval = r;
      const matches = Boolean(claim) && r.step === claim.steps && r.test_accuracy === claim.test_accuracy && r.test_loss === claim.test_loss;
      this._replay = { steps: r.step, test_accuracy: r.test_accuracy, test_loss: r.test_loss, matches };
    } catch (err) {
      this._replay = null;
      this._message = err;
    }
  }

  // ---- instructor mode ----

  #authoring = false;

  #setMode(instructor) {
    this._mode = instructor ? 'instructor' : '';
    if (instructor) this.#authoring = true;
    this.#writeHash();
    this._announce = t(instructor ? 'announce.instructorOn' : 'announce.instructorOff');
  }

  #onAssignment(assignment) {
    const empty = !assignment.metric && assignment.max_epochs === undefined && assignment.max_steps === undefined
      && assignment.max_params === undefined && !assignment.lock.length && !assignment.hide.length
      && !Object.values(assignment.text ?? {}).some(Boolean);
    this._assignment = empty ? null : assignment;
    this.#writeHash();
  }

  /** The controls that apply to the experiment now (Adam has no momentum to lock). */
  #controlsFor = memo((e) => (e ? CONTROLS.filter((c) => controlPaths(c).some((path) => path.reduce((o, k) => o?.[k], e) !== undefined)) : []));

  /** The homework link of the assignment being built, and why it cannot be made. */
  #homeworkLink() {
    const a = this._assignment;
    if (!this.experiment) return { link: '', error: '' };
    const hash = encodeHash(this.experiment, { assignment: a ?? undefined });
    if (hash.length > MAX_HASH_LENGTH) return { link: '', error: t('assign.tooLong', { n: formatInteger(hash.length), max: formatInteger(MAX_HASH_LENGTH) }) };
    const check = decodeHash(hash, DEFAULT_PRESET.experiment);
    if (!check.ok) return { link: '', error: localizeLinkErrors(check.errors) };
    return { link: `${this.#base()}#${hash}`, error: '' };
  }

  // ---- exports ----

  #fileBase() {
    const id = this.#presetId(this.experiment);
    return safeFileName(id || 'experiment');
  }

  async #exportPytorch() {
    await this.#exporting(async () => {
      const name = this.#fileBase();
      const { script, weights } = await this.#client.exportPytorch(`${name}.py`);
      const zip = zipSync({ [`${name}.py`]: strToU8(script), [`${name}.safetensors`]: weights });
      downloadFile(`${name}-pytorch.zip`, zip, 'application/zip');
      return say('export.pytorchDone', { name: `${name}-pytorch.zip` });
    });
  }

  async #downloadWeights() {
    await this.#exporting(async () => {
      const { weights, step } = await this.#client.saveWeights();
      const name = `${this.#fileBase()}-step${step}.safetensors`;
      downloadFile(name, weights, 'application/octet-stream');
      return say('export.weightsDone', { name });
    });
  }

  async #uploadWeights(input) {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    await this.#exporting(async () => {
      if (file.size > 512 * 1024 * 1024) throw Object.assign(new Error(t('export.tooLarge')), { msg: say('export.tooLarge') });
      const bytes = new Uint8Array(await file.arrayBuffer());
      await this.#client.loadWeights(bytes);
      if (this.#live) this.#live.weightsLoaded = true;
      this.#fullEval = null;
      this.#saveLive();
      return say('export.uploadDone', { name: file.name });
    });
  }

  async #exporting(fn) {
    this._exportBusy = true;
    this._exportMessage = '';
    try {
      this._exportMessage = await fn();
    } catch (err) {
      this._exportMessage = say('export.failed', { message: err });
    } finally {
      this._exportBusy = false;
    }
  }

  // ---- rendering ----

  /** Whether the page shows `part` (an embedding shows only the parts its link names). */
  #shows(part) {
    return !this._embed || this._embed.includes(part);
  }

  render() {
    const applied = this.#applied();
    const locked = applied?.lock ?? EMPTY;
    const hidden = applied?.hide ?? EMPTY;
    const instructor = this._mode === 'instructor' && !this._embed;
    const showModel = this.#shows('model') && !hidden.includes('layers');
    const showSettings = this.#shows('settings');
    const left = instructor || showModel || showSettings;
    const goal = (applied || this._claim) && this.#shows('goal') && !instructor;
    return html`
      ${this._embed || this._lab?.embed ? nothing : this.#renderHeader(applied)}
      ${this.linkError ? this.#renderLinkError() : nothing}
      ${this._recovery ? this.#renderRecovery() : nothing}
      ${this._lab ? html`<nn-labs .client=${this.#client}></nn-labs>` : nothing}
      <main class=${left ? '' : 'single'} ?hidden=${Boolean(this._lab)}>
        ${left
          ? html`<div class="model">
              ${instructor ? this.#renderInstructor() : nothing}
              ${showModel
                ? html`<section class="card" aria-labelledby="h-layers" data-part="model">
                    <h2 id="h-layers">${t('layers.title')}${locked.includes('layers') ? html` <span class="lock">${t('lock.marker')}</span>` : nothing}</h2>
                    <nn-layer-editor
                      .layers=${this._draft?.layers ?? []}
                      .description=${this._description}
                      .errors=${this.#layerErrors(this._errors)}
                      .batchSize=${this._draft?.batch_size ?? 64}
                      ?disabled=${locked.includes('layers')}
                      @layers-change=${(e) => this.#onEdit({ ...this._draft, layers: e.detail.layers })}
                    ></nn-layer-editor>
                  </section>`
                : nothing}
              ${showSettings
                ? html`<section class="card" aria-labelledby="h-settings" data-part="settings">
                    <h2 id="h-settings">${t('settings.title')}</h2>
                    <nn-settings-panel
                      .experiment=${this._draft}
                      .errors=${this.#settingErrors(this._errors)}
                      .locked=${locked}
                      .hidden=${hidden}
                      @experiment-change=${(e) => this.#onEdit(e.detail.experiment, e.detail)}
                    ></nn-settings-panel>
                  </section>`
                : nothing}
            </div>`
          : nothing}
        <div class="side">
          ${!applied && !instructor && this.#shows('lesson') ? this.#renderLessonPanel() : nothing}
          ${goal ? this.#renderGoal(applied) : nothing}
          ${this.#shows('controls')
            ? html`<section class="card run" aria-labelledby="h-run" data-part="controls">
                <h2 id="h-run">${t('run.title')}</h2>
                ${this.#renderControls()}
                ${this.#renderLiveCharts()}
                ${this.#renderExports(applied)}
              </section>`
            : nothing}
          ${this.#shows('charts') ? this.#renderMetrics() : nothing}
          ${this.#shows('runs') ? this.#renderRuns() : nothing}
          ${this.#shows('views') ? this.#renderMore() : nothing}
        </div>
      </main>
      <div class="sr" aria-live="polite">${this._announce}</div>
    `;
  }

  #renderHeader(applied) {
    const presetId = this.#presetId(this.experiment);
    // A homework that fixes settings has no preset picker: a preset would overwrite them.
    const presets = !(applied && (applied.lock.length || applied.hide.length));
    const instructorToggle = !applied || this.#authoring || this._mode === 'instructor';
    return html`<header>
        <button type="button" class="skip" @click=${() => this.renderRoot.querySelector('nn-run-controls')?.focusButtons()}>
          ${t('app.skip')}
        </button>
        <div class="titles">
          <h1>${t('app.title')}</h1>
          <div class="subtitle">${t('app.subtitle')}</div>
        </div>
        <div class="tools">
          ${presets
            ? html`<div>
                <label for="preset">${t('app.preset')}</label>
                <select id="preset" .value=${presetId} @change=${(e) => this.#onPreset(e.target.value)}>
                  <option value="" ?selected=${presetId === ''}>${t('app.custom')}</option>
                  <optgroup label=${t('app.examples')}>
                    ${EXAMPLES.map((p) => html`<option value=${p.id} ?selected=${p.id === presetId}>${this.#presetName(p)}</option>`)}
                  </optgroup>
                  ${LESSONS.map((lesson, i) => html`<optgroup label=${t('lesson.group', { n: i + 1, title: lesson.title[language()] })}>
                    ${lesson.experiments.map((e) => html`<option value=${e.id} ?selected=${e.id === presetId}>${e.label[language()]}</option>`)}
                  </optgroup>`)}
                </select>
              </div>`
            : nothing}
          <div><a class="labs" href=${this._lab ? '#' : '#lab=optim'}>${this._lab ? t('labs.back') : t('labs.open')}</a></div>
          <div role="group" aria-labelledby="lang-label">
            <label id="lang-label">${t('app.language')}</label>
            <span class="lang">
              ${LANGUAGES.map((l) => html`<button type="button" lang=${languageTag(l)} aria-pressed=${language() === l ? 'true' : 'false'}
                @click=${() => this.#onLanguage(l)}>${languageName(l)}</button>`)}
            </span>
          </div>
          ${instructorToggle
            ? html`<div>
                <button type="button" id="instructor" class="toggle" aria-pressed=${this._mode === 'instructor' ? 'true' : 'false'}
                  @click=${() => this.#setMode(this._mode !== 'instructor')}>${t('app.instructor')}</button>
              </div>`
            : nothing}
          <div>
            <button type="button" id="copy-link" ?disabled=${!this.experiment} @click=${this.#copyLink}>
              ${this._copied ? t('app.copied') : t('app.copyLink')}
            </button>
          </div>
        </div>
        ${this._copyFallback
          ? html`<input class="copy-fallback" type="text" readonly aria-label=${t('app.copyHere')} .value=${this._copyFallback} />`
          : nothing}
      </header>`;
  }

  /**
   * The lesson panel: the lesson chosen (or the one whose experiment this is), its text, its
   * experiments, "Run this lesson" and what each run measured.
   */
  #renderLessonPanel() {
    const presetId = this.#presetId(this.experiment);
    const lesson = this._lesson || lessonFor(presetId)?.lesson.id || '';
    return html`<section class="card lesson" aria-labelledby="h-lesson" data-part="lesson" data-lesson=${lesson}>
      <h2 id="h-lesson">${t('lessons.title')}</h2>
      <nn-lesson-panel .lesson=${lesson} .current=${presetId} .progress=${this._lessonProgress} .results=${this._lessonResults}
        .history=${this._lessonHistory}
        .outcome=${this._lessonOutcome} ?disabled=${this.status === 'loading' && !this._info}
        @lesson-change=${(e) => this.#chooseLesson(e.detail.lesson)}
        @lesson-load=${(e) => this.#loadLessonExperiment(e.detail.lesson, e.detail.experiment)}
        @lesson-run=${(e) => this.#runLesson(e.detail.lesson)}
        @lesson-stop=${() => this.#stopLesson()}></nn-lesson-panel>
    </section>`;
  }

  // ---- lessons ----

  /** A link's lesson=: chosen; a link without an experiment loads the lesson's first one. */
  #readLesson(decoded) {
    if (!decoded.lesson) return;
    const lesson = lessonOf(decoded.lesson);
    if (!lesson) {
      this._lesson = '';
      this._lessonOutcome = t('lessons.unknown', { id: decoded.lesson });
      return;
    }
    if (this._lesson !== lesson.id) this._lessonResults = [];
    this._lesson = lesson.id;
    if (decoded.ok && decoded.empty) {
      decoded.experiment = lesson.experiments[0].experiment;
      decoded.empty = false;
    }
  }

  #chooseLesson(id) {
    if (this._lessonProgress) return;
    const lesson = lessonOf(id);
    this._lesson = lesson ? lesson.id : '';
    this._lessonResults = [];
    this._lessonOutcome = '';
    if (!lesson) {
      this.#writeHash();
      return;
    }
    this._announce = t('lessons.chosen', { title: lesson.title[language()] });
    const current = this.#presetId(this.experiment);
    if (!lesson.experiments.some((e) => e.id === current)) this.#onPreset(lesson.experiments[0].id);
    this.#writeHash();
  }

  #loadLessonExperiment(lessonId, experimentId) {
    if (this._lessonProgress) return;
    this._lesson = lessonId;
    this.#onPreset(experimentId);
    this.#writeHash();
  }

  /** Resolves once `done()` holds (checked every 100 ms) or the lesson is stopped. */
  async #until(done, token) {
    while (!done() && this.#lessonToken === token) await new Promise((resolve) => setTimeout(resolve, 100));
    return this.#lessonToken === token;
  }

  #lessonToken = 0;

  /**
   * "Run this lesson": each experiment in turn from its seed, trained to its end (or to
   * lessonStepLimit steps), kept as a run named after it and left ticked, so the charts overlay
   * them all; each run's numbers go into the panel's table.
   */
  async #runLesson(id) {
    const lesson = lessonOf(id);
    if (!lesson || this._lessonProgress) return;
    const token = ++this.#lessonToken;
    this._lesson = lesson.id;
    this._lessonResults = [];
    this._lessonOutcome = '';
    this._selected = [];
    const ids = [];
    const lang = language();
    let finished = 0;
    for (const [index, entry] of lesson.experiments.entries()) {
      this._lessonProgress = { index, total: lesson.experiments.length, label: entry.label[lang] };
      if (!sameExperiment(entry.experiment, this.experiment ?? {})) this.#onEdit(structuredClone(entry.experiment));
      this.#writeHash();
      if (!(await this.#until(() => this.status !== 'loading', token))) break;
      if (this.status === 'invalid' || this.status === 'failed') break;
      if (this.#run.steps.length || (this._info?.step ?? 0) > 0) {
        await this.#reset();
        if (this.status !== 'ready') break;
      }
      const live = this.#live;
      this.#pinned.add(live.id);
      live.name = entry.label[lang];
      const limit = Math.min(this._info.totalSteps, this.lessonStepLimit);
      this.status = 'training';
      this._message = '';
      this.#trainingSince = performance.now();
      try {
        await this.#client.train(Number.isFinite(limit) ? limit : undefined);
      } catch (err) {
        this.#fail(err);
        break;
      }
      if (!(await this.#until(() => this.status !== 'training', token))) break;
      if (this.status === 'failed') break;
      this._message = '';
      // The last whole-test-set numbers arrive with the stop: wait for the frame that takes them.
      await new Promise((resolve) => setTimeout(resolve, 200));
      ids.push(live.id);
      this._lessonResults = [...this._lessonResults, this.#lessonResult(entry, live)];
      this._selected = [...new Set([...this._selected, ...ids])];
      finished += 1;
    }
    if (this.#lessonToken === token) this.#lessonToken += 1;
    this._lessonProgress = null;
    this._selected = [...new Set([...ids, ...this._selected])];
    const title = lesson.title[lang];
    if (finished === lesson.experiments.length) this._lessonHistory = { ...this._lessonHistory, [lesson.id]: this._lessonResults };
    this._lessonOutcome = finished === lesson.experiments.length
      ? t('lessons.done', { title, n: finished })
      : t('lessons.stopped', { title, n: finished, total: lesson.experiments.length });
  }

  #stopLesson() {
    this.#lessonToken += 1;
    if (this.status === 'training') this.#client.pause().catch(() => {});
  }

  /** What one run of a lesson measured, for the panel's table and the tests. */
  #lessonResult(entry, live) {
    const run = this.#run;
    const n = run.loss.length;
    const activations = run.activations?.layers ?? [];
    const rectifiers = activations.filter((a) => a.type === 'relu' || a.type === 'leaky_relu');
    const norms = run.norms.norms.map((col) => col.at(-1));
    const firstNorms = run.norms.norms.map((col) => col[0]);
    const ratio = (xs) => (xs.length >= 2 && xs.at(-1) > 0 ? xs[0] / xs.at(-1) : null);
    const shown = activations.filter((a) => a.type !== 'softmax');
    // The activation scale at the start: the last hidden activation layer's std over the first's.
    const start = (run.startActivations ?? []).filter((a) => a.type !== 'softmax');
    const info = this._info;
    return {
      id: entry.id,
      label: entry.label[language()],
      runId: live.id,
      color: this.#runColor(live),
      steps: n ? run.steps.array[n - 1] : 0,
      firstLoss: n ? run.loss.array[0] : NaN,
      trainLoss: n ? run.loss.array[n - 1] : NaN,
      testLoss: run.last.testLoss,
      testAccuracy: run.last.testAccuracy,
      testCount: run.last.testCount,
      deadFraction: rectifiers.length ? Math.max(...rectifiers.map((a) => a.deadFraction)) : null,
      deadPerLayer: rectifiers.map((a) => a.deadFraction),
      neverPositivePerLayer: rectifiers.map((a) => a.neverPositiveFraction),
      stdPerLayer: shown.map((a) => a.std),
      lastStd: shown.length ? shown.at(-1).std : null,
      startStdPerLayer: start.map((a) => a.std),
      startStdRatio: start.length >= 2 && start[0].std > 0 ? start.at(-1).std / start[0].std : null,
      multiplyAdds: info?.layers?.length === entry.experiment.layers.length ? multiplyAdds(info.inputShape, info.layers, entry.experiment.layers) : null,
      gradRatio: ratio(norms),
      firstGradRatio: ratio(firstNorms),
      gradNorms: norms,
    };
  }

  #renderInstructor() {
    const { link, error } = this.#homeworkLink();
    return html`<section class="card instructor" aria-labelledby="h-instructor" data-part="instructor">
      <h2 id="h-instructor">${t('assign.title')}</h2>
      <nn-assignment-editor
        .assignment=${this._assignment ?? { lock: [], hide: [], text: {} }}
        .controls=${this.#controlsFor(this.experiment)}
        .link=${link}
        .linkError=${error}
        @assignment-change=${(e) => this.#onAssignment(e.detail.assignment)}
      ></nn-assignment-editor>
    </section>`;
  }

  #renderGoal(applied) {
    const { status, measured, run } = this.#goalNow();
    return html`<section class="card goal" aria-labelledby="h-goal" data-part="goal">
      <h2 id="h-goal">${this._claim ? t('result.heading') : t('goal.title')}</h2>
      <nn-goal-panel
        .assignment=${applied}
        .status=${status}
        .measured=${measured}
        .run=${run}
        .blocked=${this.#submitBlocked()}
        ?busy=${this._submitting}
        .resultLink=${this._resultLink}
        .claim=${this._claim}
        .claimDigestOk=${this._claimDigestOk}
        .replay=${this._replay}
        @goal-submit=${() => this.#submit()}
        @result-replay=${() => this.#replayClaim()}
      ></nn-goal-panel>
    </section>`;
  }

  /** The "Live charts" switch: a slow computer trains faster with the charts resting. */
  #renderLiveCharts() {
    return html`<div class="live-charts">
      <label><input type="checkbox" role="switch" id="live-charts" .checked=${this._liveCharts} aria-describedby="live-charts-note"
        @change=${(e) => this.#setLiveCharts(e.target.checked)} />${t('run.liveCharts')}</label>
      <span id="live-charts-note" class="note">${t(this._liveCharts ? 'run.liveChartsOn' : 'run.liveChartsOff')}</span>
    </div>`;
  }

  /**
   * Live charts on or off. Off, while training, no chart or view is redrawn and the worker skips
   * the views' numbers (histograms, norms, test evaluation, ...): only the steps come, and the loss
   * and accuracy curves keep every one of them. On again, the worker sends every view and the next
   * frame redraws them all. Not in the link: it changes no number of the run.
   */
  #setLiveCharts(on) {
    if (on === this._liveCharts) return;
    this._liveCharts = on;
    this.#client?.views(on).catch(() => {});
    if (on) {
      this.#catchUp = true;
      for (const v of ALL_VIEWS) this.#dirty.add(v);
      this.#scheduleFrame();
    }
  }

  #renderExports(applied) {
    const ready = Boolean(this._info) && this.status !== 'loading' && this.status !== 'invalid';
    return html`<div class="exports" role="group" aria-labelledby="exports-label">
      <span id="exports-label" class="note">${t('export.title')}</span>
      <button type="button" id="export-pytorch" ?disabled=${!ready || this._exportBusy} @click=${() => this.#exportPytorch()}>${t('export.pytorch')}</button>
      <button type="button" id="download-weights" ?disabled=${!ready || this._exportBusy} @click=${() => this.#downloadWeights()}>${t('export.weights')}</button>
      <button type="button" id="upload-weights" ?disabled=${!ready || this._exportBusy || Boolean(applied)}
        title=${applied ? t('export.uploadHomework') : ''}
        @click=${() => this.renderRoot.querySelector('#weights-file')?.click()}>${t('export.upload')}</button>
      <input type="file" id="weights-file" class="sr" accept=".safetensors" tabindex="-1" aria-hidden="true"
        @change=${(e) => this.#uploadWeights(e.target)} />
      <div class="note export-message" role="status">${localize(this._exportMessage)}</div>
    </div>`;
  }

  #renderRuns() {
    return html`<section class="card runs" aria-labelledby="h-runs" data-part="runs">
      <h2 id="h-runs">${t('runs.title')}</h2>
      <nn-run-list
        .runs=${this.#listRuns(this._runs)}
        .currentId=${this.#live?.kept ? this.#live.id : ''}
        .selected=${this._selected}
        ?persistent=${this._persistent}
        .pageUrl=${this.#base()}
        @runs-select=${(e) => this.#onRunsSelect(e.detail.selected)}
        @run-rename=${(e) => this.#onRunRename(e.detail.id, e.detail.name)}
        @run-delete=${(e) => this.#onRunDelete(e.detail.id)}
      ></nn-run-list>
    </section>`;
  }

  #renderRecovery() {
    const r = this._recovery;
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
        ? html`<button type="button" class="restart" @click=${() => this.#recover(record)}>
            ${r.kind === 'crashed' ? t('recover.restart', { step: formatInteger(record.step) }) : t('recover.resume')}
          </button>`
        : html`<button type="button" class="restart" @click=${() => this.#recover(null)}>${t('recover.fresh')}</button>`}
      ${r.kind === 'crashed' ? nothing : html`<button type="button" @click=${() => this.#dismissRecovery()}>${t('link.dismiss')}</button>`}
    </div>`;
  }

  #renderLinkError() {
    return html`<div class="banner" role="alert">
      <div class="text">
        <strong>${t('link.broken')}</strong>
        <pre>${this._linkErrors.length ? localizeLinkErrors(this._linkErrors) : this.linkError}</pre>
      </div>
      <button type="button" @click=${() => { this.linkError = ''; this._linkErrors = []; }}>${t('link.dismiss')}</button>
    </div>`;
  }

  #renderControls() {
    const info = this._info;
    const last = this.#run.last;
    const elapsed = this.#elapsedBefore + (this.#trainingSince ? (performance.now() - this.#trainingSince) / 1000 : 0);
    return html`<nn-run-controls
      .status=${this.status}
      .step=${info?.step ?? 0}
      .totalSteps=${info?.totalSteps ?? 0}
      .stepsPerEpoch=${info?.stepsPerEpoch ?? 0}
      .samplesPerSecond=${last.trainMs > 0 ? Math.round((1000 * last.samples) / last.trainMs) : 0}
      .elapsed=${elapsed}
      .loading=${this._loading}
      .loss=${last.loss}
      .trainAccuracy=${last.accuracy}
      .testAccuracy=${last.testAccuracy}
      .testCount=${last.testCount}
      .message=${localize(this._message)}
      @run-action=${(e) => this.#onRunAction(e.detail.action)}
    ></nn-run-controls>`;
  }

  #renderMetrics() {
    const runs = this.#chartRuns(this.#run.metricRuns, this._runs, this._selected, this.#live);
    const e = this.experiment;
    return html`<div class="metrics" data-part="charts">
      <section class="card" aria-label=${t('chart.loss')}>
        <nn-metric-chart id="loss-chart" data-view="loss" metric="loss" .runs=${runs} .classes=${e?.data.set === 'mnist' ? 10 : 2}
          .lossKind=${e?.loss.type ?? 'cross_entropy'} .labels=${vizLabels('nn-metric-chart')}></nn-metric-chart>
      </section>
      <section class="card" aria-label=${t('chart.accuracy')}>
        <nn-metric-chart id="accuracy-chart" data-view="accuracy" metric="accuracy" .runs=${runs} .labels=${vizLabels('nn-metric-chart')}></nn-metric-chart>
      </section>
    </div>`;
  }

  /** Labels of the weight tensors ("layer 2 · Dense"), the same array until the run or language changes. */
  #weightLabels = memo((weights, lang, layers) => weights.map((w) => this.#tensorLabel(w, layers)));
  /** The preset the experiment is (or '' for a custom one), worked out once per experiment. */
  #presetId = memo((e) => (e ? PRESETS.find((p) => sameExperiment(p.experiment, e))?.id ?? '' : ''));
  #layerErrors = memo((errors) => errors.filter((e) => e.path[0] === 'layers'));
  #settingErrors = memo((errors) => errors.filter((e) => e.path[0] !== 'layers'));
  #weights = memo((info) => (info?.tensors ?? []).filter((x) => x.role === 'weight'), (info) => [info?.tensors]);

  #renderMore() {
    const run = this.#run;
    const info = this._info;
    const weights = this.#weights(info);
    const labels = this.#weightLabels(weights, language(), this.experiment?.layers);
    const index = Math.min(this._tensor, weights.length - 1);
    const tensor = weights[index];
    const snaps = tensor ? run.snapshots.get(tensor.name) : null;
    const mnist = this.experiment?.data.set === 'mnist';
    const confusion = this.#gate('confusion', run.confusion);
    return html`<div class="more" data-part="views">
      <section class="card wide" aria-labelledby="h-dist">
        <h2 id="h-dist">${t('chart.distributions')}</h2>
        <div class="pick">
          <label for="tensor">${t('chart.layer')}</label>
          <select id="tensor" .value=${String(index)} @change=${(e) => { this._tensor = Number(e.target.value); }}>
            ${weights.map((w, i) => html`<option value=${i} ?selected=${i === index}>${labels[i]}</option>`)}
          </select>
          <span class="note">${t('chart.distributionsNote')}</span>
        </div>
        <div class="pair">
          <nn-distribution-chart id="weights-chart" data-view="weights" quantity="weights" .tensor=${labels[index] ?? ''}
            .snapshots=${snaps?.weights ?? EMPTY} .labels=${vizLabels('nn-distribution-chart')}></nn-distribution-chart>
          <nn-distribution-chart id="grads-chart" data-view="grads" quantity="gradients" .tensor=${labels[index] ?? ''}
            .snapshots=${snaps?.grads ?? EMPTY} .labels=${vizLabels('nn-distribution-chart')}></nn-distribution-chart>
        </div>
      </section>
      <section class="card" aria-label=${t('chart.gradNorms')} data-view="norms">
        <nn-grad-norm-chart id="norm-chart" .layers=${labels} .steps=${run.norms.steps} .norms=${run.norms.norms}
          .length=${this.#gate('norms', run.norms.length)} .labels=${vizLabels('nn-grad-norm-chart')}></nn-grad-norm-chart>
        <p class="note">${t('chart.gradNormsNote')}</p>
      </section>
      ${this.#renderInsight(run)}
      <section class="card" aria-label=${t('chart.confusion')} data-view="confusion">
        <nn-confusion-matrix id="confusion" .matrix=${confusion?.matrix ?? null} .classes=${info?.classes ?? 10}
          .labels=${vizLabels('nn-confusion-matrix')}></nn-confusion-matrix>
        <p class="note">${t('chart.confusionNote', { n: formatInteger(confusion?.subset ?? 0) })}</p>
      </section>
      ${mnist ? this.#renderMnistViews(run, info) : this.#renderBoundary(run, info)}
    </div>`;
  }

  /** The activation layers the worker measured, labelled like the tensors ("layer 2 · ReLU"). */
  #activationRows = memo((activations, lang, layers) => (activations?.layers ?? []).map((a) => ({
    ...a, label: layers?.[a.index] ? t('chart.tensor', { n: a.index + 1, name: t(`layer.${layers[a.index].type}`) }) : `${a.type} ${a.index + 1}`,
  })));

  /** Dead units and activation scale per layer (insight.js, measured in the worker at the stats rate). */
  #renderInsight(run) {
    const rows = this.#activationRows(run.activations, language(), this.experiment?.layers);
    const step = run.activations?.step ?? 0;
    const samples = rows[0]?.samples ?? 512;
    return html`
      <section class="card" aria-label=${t('chart.deadUnits')} data-view="dead-units">
        <nn-dead-units-chart id="dead-units" .layers=${rows} .step=${step} .labels=${vizLabels('nn-dead-units-chart')}></nn-dead-units-chart>
        <p class="note">${t('chart.deadUnitsNote', { n: formatInteger(samples) })}</p>
      </section>
      <section class="card" aria-label=${t('chart.activations')} data-view="activation-stats">
        <nn-activation-stats-chart id="activation-stats" .layers=${rows} .step=${step}
          .labels=${vizLabels('nn-activation-stats-chart')}></nn-activation-stats-chart>
        <p class="note">${t('chart.activationsNote', { n: formatInteger(samples) })}</p>
      </section>`;
  }

  #renderBoundary(run, info) {
    return html`<section class="card wide" aria-label=${t('chart.boundary')} data-view="boundary">
      <nn-decision-boundary id="boundary" .grid=${this.#gate('boundary', run.boundary?.grid ?? null)} .resolution=${run.boundary?.resolution ?? 0}
        .extent=${info?.points?.extent ?? [-1.5, 1.5]} .points=${info?.points?.x ?? null} .pointLabels=${info?.points?.labels ?? null}
        .labels=${vizLabels('nn-decision-boundary')}></nn-decision-boundary>
      <p class="note">${t('chart.boundaryNote')}</p>
    </section>`;
  }

  #renderMnistViews(run, info) {
    return html`
      <section class="card wide" aria-label=${t('chart.digits')} data-view="digits">
        <nn-digit-grid id="digits" .images=${info?.grid?.pixels ?? null} .trueLabels=${info?.grid?.labels ?? null}
          .probabilities=${this.#gate('digits', run.gridProbs)} .classes=${info?.classes ?? 10} .max=${30} tryable
          .labels=${vizLabels('nn-digit-grid')} @digit-try=${(e) => this.#tryDigit(e.detail)}></nn-digit-grid>
      </section>
      <section class="card" aria-label=${t('chart.draw')}>
        <nn-draw-pad id="draw-pad" .probabilities=${this._padProbs ?? null} .size=${196} .labels=${vizLabels('nn-draw-pad')}
          @digit-input=${(e) => this.#predictDrawing(e.detail.pixels)}
          @digit-clear=${() => { this.#padSeq++; this._padProbs = null; }}></nn-draw-pad>
      </section>
      <section class="card" aria-label=${t('chart.filters')} data-view="filters">
        <nn-filter-images id="filters" .weights=${this.#gate('filters', run.filters)?.values ?? null}
          .shape=${this.#filterShape(this.#gate('filters', run.filters), info?.tensors)} .max=${32}
          .labels=${vizLabels('nn-filter-images')}></nn-filter-images>
        <p class="note">${t('chart.filtersNote')}</p>
      </section>`;
  }

  /** The shape of the filters the worker sent (its first `count` units), the same array while unchanged. */
  #filterShape = memo((f, tensors) => {
    if (!f) return null;
    const tensor = tensors?.find((x) => x.name === f.name);
    return tensor ? [f.count, ...tensor.shape.slice(1)] : [f.count, f.channels * f.height * f.width];
  }, (f, tensors) => [f?.name, f?.count, tensors]);

  /** A test digit from the grid goes onto the draw pad, which takes focus, and is predicted. */
  #tryDigit({ index, truth, pixels }) {
    const pad = this.renderRoot.querySelector('#draw-pad');
    if (!pad) return;
    this._padProbs = null;
    pad.loadDigit(pixels, { index, truth });
    pad.focus();
    this.#predictDrawing(pad.pixels);
  }

  async #predictDrawing(pixels) {
    if (!this._info || this._info.classes !== 10) return;
    const seq = ++this.#padSeq;
    try {
      const { probs } = await this.#client.predict(pixels, 1);
      if (seq === this.#padSeq) this._padProbs = probs;
    } catch {
      // A drawing made while the network is being rebuilt gets its answer at the next stroke.
    }
  }

  #tensorLabel(tensor, layers = this.experiment?.layers) {
    const layer = layers?.[tensor.layer];
    return layer ? t('chart.tensor', { n: tensor.layer + 1, name: t(`layer.${layer.type}`) }) : tensor.name;
  }
}
customElements.define('nn-playground', NnPlayground);
