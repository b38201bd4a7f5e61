// nn-playground.js: the app shell. It holds the experiment being edited and lays out the page: a
// first screen of the network drawing, the run card and the loss and accuracy charts (an open
// lesson beside them), then the rest; the layer editor and the settings in a drawer one click away
// (a phone: one section at a time, under tabs). What it shows comes from its controllers
// (web/src/shell/): training (the worker and the run's status), the live run's numbers, the view
// scheduler, run history, crash recovery, URL state, homework, lessons, exports and the layout;
// the shell wires their hooks together and hands their state to the elements (most sections are
// drawn by nn-playground.sections.js).
//
// A homework link (url.js's assignment) locks and hides controls, states a goal and budgets;
// mode=instructor builds such links; embed=... shows only the parts a course page frames.

import { LitElement, html, nothing } from 'lit';
import { classMap } from 'lit/directives/class-map.js';
import { playgroundStyles } from './nn-playground.styles.js';
import { presetName } from './nn-app-header.js';
import { sameExperiment } from '../experiment/canonical.js';
import { errorOf } from '../i18n/errors.js';
import { validateExperiment } from '../experiment/validate.js';
import { PRESETS, presetOf } from '../experiment/presets.js';
import { detectLanguage, language, localize, localizeLinkErrors, say, setLanguage, t, updateWhenLocaleChanges } from '../i18n/index.js';
import { WASM_FILE, WASM_MT_FILE } from '../engine/wasm-file.js';
import { TrainingController, keepThreads, keptThreads } from '../shell/training.js';
import { LiveRun } from '../shell/live-run.js';
import { ViewScheduler } from '../shell/view-scheduler.js';
import { RunHistory } from '../shell/run-history.js';
import { Recovery } from '../shell/recovery.js';
import { UrlState } from '../shell/url-state.js';
import { Homework } from '../shell/homework.js';
import { LessonRunner, lessonFor } from '../shell/lesson-runner.js';
import { Exports } from '../shell/exports.js';
import { memo } from '../shell/memo.js';
import './nn-app-header.js';
import './nn-recovery-banner.js';
import './nn-export-bar.js';
import './nn-views-panel.js';
import './nn-layer-editor.js';
import './nn-settings-panel.js';
import './nn-run-controls.js';
import './nn-run-list.js';
import './nn-goal-panel.js';
import './nn-assignment-editor.js';
import './nn-lesson-panel.js';
import './viz/nn-metric-chart.js';
import './viz/nn-network-view.js';
import { drawerButtons, drawerSection, exportsSection, lessonSection, metricsSection, networkSection, runsSection, tabBar } from './nn-playground.sections.js';
import { LayoutController } from '../shell/layout.js';

const EMPTY = Object.freeze([]);

/**
 * The playground page. @element nn-playground
 * @fires nn-started - once its worker and wasm answer (the start is over)
 * @fires nn-start-failed - {error, stage}: the start failed; main.js shows why in place of the page
 *
 * Read-only: `status` (also its attribute: loading, ready, training, paused, done, failed,
 * invalid), `experiment` (the valid one in use), `linkError` (the English message of a link that
 * could not be read), and its controllers: `training`, `live` (stepCount, lossHistory()),
 * `history` (runs, newest first), `homework` (assignment, resultLink), `lessons` (id, running,
 * results, outcome, history; stepLimit caps each run of "Run this lesson"), `url` (embed, lab).
 */
export class NnPlayground extends LitElement {
  static properties = {
    linkError: { type: String, attribute: false },
    experiment: { attribute: false },
    _draft: { state: true },
    _errors: { state: true },
    _tensor: { state: true },
    _announce: { state: true },
    _padProbs: { state: true },
  };

  static styles = playgroundStyles;

  /** The page's link (the header's "Copy link" asks for it when pressed). */
  #link = () => this.url.link();
  /** The draw pad's latest prediction request: an older answer (a drawing since cleared or replaced) is dropped. */
  #padSeq = 0;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.linkError = '';
    this.experiment = null;
    this._draft = null;
    this._errors = [];
    this._tensor = 0;
    this._announce = '';
    this._padProbs = null;
    this.live = new LiveRun();
    this.training = new TrainingController(this, {
      wasmUrl: new URL(WASM_FILE, document.baseURI),
      wasmMtUrl: new URL(WASM_MT_FILE, document.baseURI),
      dataUrl: new URL('data/', document.baseURI),
      threads: keptThreads(),
      hooks: {
        push: (type, msg) => this.#onPush(type, msg),
        begin: (info, { rebuilt }) => this.#startLive(info, { rebuilt }),
        keep: (info, experiment) => {
          if (this.history.live) this.history.live.experiment = experiment;
          this.live.lastStep = info.step;
        },
        stopped: (msg) => this.#onStopped(msg),
        crashed: (message) => this.recovery.crashed(message),
        stopAt: () => this.homework.stopAt(),
        restoring: (experiment) => { this.setExperiment(experiment); this.training.describe(experiment); },
        restored: (info, record) => this.#onRestored(info, record),
      },
    });
    this.views = new ViewScheduler(this, {
      training: () => this.training.status === 'training',
      everyCore: () => this.training.threads.running >= (navigator.hardwareConcurrency || 1),
      onFrame: () => {
        const { info } = this.training;
        if (info && this.live.lastStep !== info.step) this.training.info = { ...info, step: this.live.lastStep };
      },
    });
    this.history = new RunHistory(this, { liveRun: this.live, status: () => this.training.status });
    this.recovery = new Recovery(this, { training: this.training, history: this.history, liveRun: this.live });
    this.url = new UrlState(this);
    this.homework = new Homework(this);
    this.lessons = new LessonRunner(this);
    this.exports = new Exports(this);
    this.layout = new LayoutController(this);
  }

  get status() {
    return this.training.status;
  }

  willUpdate() {
    this.setAttribute('status', this.training.status);
  }

  connectedCallback() {
    super.connectedCallback();
    if (!this.training.client) this.#start().catch((err) => this.#startFailed(err, 'start'));
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

  /** The start failed at `stage` (a key of the language folders' start.stages): main.js shows why. */
  #startFailed(error, stage) {
    this.dispatchEvent(new CustomEvent('nn-start-failed', { bubbles: true, detail: { error, stage } }));
  }

  async #start() {
    const lab = this.url.openLab();
    const decoded = this.url.read(lab ? '' : location.hash, { fromNavigation: false });
    // The link says the language once it is in use (setLanguage is asynchronous).
    setLanguage(decoded.lang ?? this.url.lab?.lang ?? detectLanguage()).then(() => this.url.write());
    // The first visit with the default experiment trains as soon as the data is in.
    this.training.autostart = decoded.empty && decoded.ok && !lab;
    // A lesson's link opens a phone on the lesson.
    if (this.lessons.id) this.layout.setTab('lesson');
    this.history.load();
    window.addEventListener('pagehide', () => this.history.save());
    this.training.connect();
    // The student chooses: resume the interrupted run, or start afresh.
    if (await this.recovery.resumable()) this.training.autostart = false;
    const failed = await this.training.init();
    if (failed) {
      // A worker that died before it answered (its script threw) rejects init with its crash, or,
      // when it died before init was sent, with "stopped": then the crash says why.
      const crash = this.recovery.state?.kind === 'crashed' ? this.recovery.state : null;
      const why = crash && failed?.msg?.id === 'err.worker.stopped' ? errorOf(say('err.worker.crashed', { reason: crash.message })) : failed;
      this.#startFailed(why, crash ? 'worker' : 'wasm');
      return;
    }
    this.dispatchEvent(new CustomEvent('nn-started', { bubbles: true }));
    this.training.describe(this.experiment);
    this.training.configure(this.experiment, true);
  }

  setExperiment(experiment, { writeHash = true } = {}) {
    this.experiment = experiment;
    this._draft = experiment;
    this._errors = [];
    if (writeHash) this.url.write();
  }

  announce(text) {
    this._announce = text;
  }

  /** The preset the experiment is (or '' for a custom one), worked out once per experiment. */
  presetId() {
    return this.#presetOf(this.experiment);
  }

  #presetOf = memo((e) => (e ? PRESETS.find((p) => sameExperiment(p.experiment, e))?.id ?? '' : ''));

  // ---- edits ----

  /** An edit of the experiment (a preset, the editors, a lesson's next run). */
  edit(draft, { field } = {}) {
    const { training } = this;
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
      training.invalidEdit(say('error.fix'));
      // Rows before the first broken one keep the shapes of the last check.
      const firstBad = Math.min(...r.errors.map((e) => (e.path[0] === 'layers' && typeof e.path[1] === 'number' ? e.path[1] : Infinity)));
      if (training.description && Number.isFinite(firstBad)) {
        training.description = { ...training.description, layers: training.description.layers.slice(0, firstBad) };
      }
      return;
    }
    this._errors = [];
    if (this.experiment && sameExperiment(r.experiment, this.experiment)) {
      training.validEdit();
      return;
    }
    this.homework.edited();
    this.experiment = r.experiment;
    this._draft = r.experiment;
    this.url.write();
    training.describe(this.experiment);
    training.configure(this.experiment, false);
  }

  choosePreset(id) {
    const preset = presetOf(id);
    if (!preset) return;
    this.edit(structuredClone(preset.experiment));
    this._announce = t('announce.preset', { name: presetName(preset) });
  }

  // ---- the run ----

  /**
   * A new run begins (a fresh network from the seed; rebuilt: of a changed experiment, whose
   * layers start the distributions' picker afresh); it is kept once it trains a step.
   */
  #startLive(info, { rebuilt = false } = {}) {
    if (rebuilt) this._tensor = 0;
    this.history.save(); // the last numbers of the run that ends here
    this.live.reset(info);
    this.recovery.restart();
    // A run of a lesson's experiment is named after it, so the lesson's runs read well overlaid.
    const lesson = lessonFor(this.presetId());
    this.history.begin(info, { experiment: this.experiment, assignment: this.homework.applied(), name: lesson ? lesson.entry.label[language()] : '' });
    this.homework.resultLink = '';
  }

  #onPush(type, msg) {
    this.views.mark(this.live.apply(type, msg));
    if (type === 'steps') {
      this.history.onSteps();
      if (this.recovery.due()) this.recovery.save();
    } else if (type === 'eval') this.history.scheduleSave();
    this.views.schedule();
  }

  #onStopped(msg) {
    this.homework.onStopped(msg);
    this.history.save();
    this.recovery.onStopped(msg.reason);
  }

  /** A checkpoint was restored: the live run continues the stored run, with its history. */
  #onRestored(info, record) {
    if (this.history.live?.id !== record.id) {
      this.#startLive(info);
      this.history.adopt(record);
    }
    this.live.restoreHistory(record.history, info.step);
    this.recovery.restart();
    this.views.markAll();
  }

  #onRunAction(action) {
    const { training } = this;
    if (action === 'train') training.train({ stopAt: this.homework.stopAt() });
    else if (action === 'pause') training.pause();
    else if (action === 'step') training.step({ stopAt: this.homework.stopAt() });
    else if (action === 'reset') training.reset();
  }

  /** The threads that train, from the next step on; kept in this browser (not in the link: it changes no number). */
  setThreads(n) {
    keepThreads(n);
    this.training.setThreads(n);
  }

  /** "Live charts" off: the charts and the worker's views rest while training (not in the link: it changes no number). */
  setLiveCharts(on) {
    if (on === this.views.live) return;
    this.training.views(on);
    this.views.setLive(on);
    this.requestUpdate();
  }

  async #predictDrawing(pixels) {
    const { info, client } = this.training;
    if (!info || info.classes !== 10) return;
    const seq = ++this.#padSeq;
    try {
      const { probs } = await client.predict(pixels, 1);
      if (seq === this.#padSeq) this._padProbs = probs;
    } catch {
      // A drawing made while the network is being rebuilt gets its answer at the next stroke.
    }
  }

  // ---- rendering ----

  /** Whether the page shows `part` (an embedding shows only the parts its link names). */
  #shows(part) {
    return !this.url.embed || this.url.embed.includes(part);
  }

  layerErrors = memo((errors) => errors.filter((e) => e.path[0] === 'layers'));
  settingErrors = memo((errors) => errors.filter((e) => e.path[0] !== 'layers'));

  render() {
    const { homework, url, layout } = this;
    const applied = homework.applied();
    const hidden = applied?.hide ?? EMPTY;
    const instructor = homework.mode === 'instructor' && !url.embed;
    const showModel = this.#shows('model') && !hidden.includes('layers');
    const showSettings = this.#shows('settings');
    const goal = (applied || homework.claim) && this.#shows('goal') && !instructor;
    const lessonPanel = !applied && !instructor && this.#shows('lesson');
    const lesson = lessonPanel ? this.#lessonId() : '';
    // A phone shows one section at a time, switched by tabs (an embedding is framed whole).
    const phone = layout.phone && !url.embed && !url.lab;
    const tabs = { train: this.#shows('controls'), model: showModel || showSettings, charts: this.#shows('charts'), lesson: lessonPanel };
    const classes = { lesson: Boolean(lesson), 'drawer-open': layout.drawerShown && !phone && !url.embed, phone, embed: Boolean(url.embed) };
    return html`
      ${url.embed || url.lab?.embed ? nothing : this.#renderHeader(applied)}
      ${this.linkError ? this.#renderLinkError() : nothing}
      ${this.recovery.state
        ? html`<nn-recovery-banner .recovery=${this.recovery.state} @recover=${(e) => { this.recovery.take(); this.training.restore(e.detail.record, this.experiment); }}
            @dismiss=${() => this.recovery.dismiss()}></nn-recovery-banner>`
        : nothing}
      ${url.lab ? html`<nn-labs .client=${this.training.client}></nn-labs>` : nothing}
      <main class=${classMap(classes)} data-show=${layout.tab} ?hidden=${Boolean(url.lab)}>
        ${phone ? tabBar(this, tabs) : nothing}
        ${showModel || showSettings ? drawerSection(this, { showModel, showSettings, applied, inline: Boolean(url.embed) }) : nothing}
        <div class="page">
          ${showModel ? networkSection(this) : nothing}
          ${instructor ? this.#renderInstructor() : nothing}
          ${goal ? this.#renderGoal(applied) : nothing}
          ${this.#shows('controls') ? this.#renderRun() : nothing}
          ${this.#shows('charts') ? metricsSection(this) : nothing}
          ${this.#shows('controls') ? exportsSection(this, applied) : nothing}
          ${lessonPanel ? lessonSection(this, lesson) : nothing}
          ${this.#shows('runs') ? runsSection(this) : nothing}
          ${this.#shows('views')
            ? html`<nn-views-panel data-tab="charts" .run=${this.live} .frame=${this.views.frame} .info=${this.training.info} .experiment=${this.experiment}
                .scheduler=${this.views} .tensor=${this._tensor} .padProbs=${this._padProbs}
                @tensor-change=${(e) => { this._tensor = e.detail.index; }}
                @digit-input=${(e) => this.#predictDrawing(e.detail.pixels)}
                @digit-clear=${() => { this.#padSeq++; this._padProbs = null; }}></nn-views-panel>`
            : nothing}
        </div>
      </main>
      <div class="sr" aria-live="polite">${this._announce}</div>
    `;
  }

  /** The lesson chosen, or the one whose experiment this is ('' for none). */
  #lessonId() {
    return this.lessons.id || lessonFor(this.presetId())?.lesson.id || '';
  }

  /**
   * Opens the drawer at what stops training (a field with an error, or the layer the core
   * refuses) and gives that field focus; with nothing to fix, at the top of the drawer.
   */
  async openDrawerAt(target = this.fixTarget(), opener = null) {
    await this.layout.open(opener);
    const root = this.renderRoot;
    if (target?.layer !== undefined) {
      root.querySelector('nn-layer-editor')?.focusLayer(target.layer);
      return;
    }
    const field = target?.field && root.querySelector('nn-settings-panel')?.shadowRoot?.querySelector(`[data-field="${target.field}"]`);
    const where = field || (target?.settings ? root.querySelector('#h-settings') : root.querySelector('#h-drawer'));
    where?.scrollIntoView({ block: field ? 'center' : 'nearest' });
    (field?.shadowRoot?.querySelector('input, select') ?? where)?.focus({ preventScroll: true });
  }

  /** What keeps the experiment from training, as openDrawerAt takes it; null when nothing does. */
  fixTarget() {
    const [first] = this._errors;
    if (first) return first.path[0] === 'layers' && typeof first.path[1] === 'number' ? { layer: first.path[1] } : { field: first.path.join('.') };
    const refused = this.training.description?.layers?.findIndex((l) => l.error) ?? -1;
    return refused >= 0 ? { layer: refused } : null;
  }

  /** The stack's blocks, as the drawing takes them: kind in words, and the core's shape and parameters. */
  #renderHeader(applied) {
    const { homework } = this;
    return html`<nn-app-header .presetId=${this.presetId()} .presets=${!(applied && (applied.lock.length || applied.hide.length))}
      .instructorToggle=${!applied || homework.authoring || homework.mode === 'instructor'} .instructor=${homework.mode === 'instructor'}
      .link=${this.experiment ? this.#link : null} .lab=${Boolean(this.url.lab)}
      @skip=${() => this.#skipToRun()}
      @preset-change=${(e) => this.choosePreset(e.detail.id)}
      @language-change=${(e) => setLanguage(e.detail.lang).then(() => this.url.write())}
      @mode-change=${(e) => this.#setMode(e.detail.instructor)}
      @link-copied=${() => { this._announce = t('announce.copied'); }}></nn-app-header>`;
  }

  /** The header's skip link: to the run controls (on a phone, its Run tab first). */
  async #skipToRun() {
    this.layout.setTab('train');
    await this.updateComplete;
    this.renderRoot.querySelector('nn-run-controls')?.focusButtons();
  }

  #setMode(instructor) {
    this.homework.setMode(instructor);
    this.url.write();
    this._announce = t(instructor ? 'announce.instructorOn' : 'announce.instructorOff');
  }

  #renderLinkError() {
    const errors = this.url.linkErrors;
    return html`<div class="banner" role="alert">
      <div class="text">
        <strong>${t('link.broken')}</strong>
        <pre>${errors.length ? localizeLinkErrors(errors) : this.linkError}</pre>
      </div>
      <button type="button" @click=${() => { this.linkError = ''; this.url.linkErrors = []; }}>${t('link.dismiss')}</button>
    </div>`;
  }

  #renderInstructor() {
    const { homework } = this;
    const { link, error } = homework.link();
    return html`<section class="card instructor" aria-labelledby="h-instructor" data-part="instructor" data-tab="model">
      <h2 id="h-instructor">${t('assign.title')}</h2>
      <nn-assignment-editor .assignment=${homework.assignment ?? { lock: [], hide: [], text: {} }} .controls=${homework.controlsFor(this.experiment)}
        .classes=${this.training.info?.classes ?? (this.experiment?.data?.set === 'mnist' ? 10 : 2)} .link=${link} .linkError=${error}
        @assignment-change=${(e) => { homework.setAssignment(e.detail.assignment); this.url.write(); }}></nn-assignment-editor>
    </section>`;
  }

  #renderGoal(applied) {
    const { homework } = this;
    const { status, measured, run, over } = homework.goalNow();
    return html`<section class="card goal" aria-labelledby="h-goal" data-part="goal" data-tab="train">
      <h2 id="h-goal">${homework.claim ? t('result.heading') : t('goal.title')}</h2>
      <nn-goal-panel .assignment=${applied} .status=${status} .measured=${measured} .run=${run} .over=${over} .blocked=${homework.submitBlocked()}
        ?busy=${homework.submitting} .resultLink=${homework.resultLink} .claim=${homework.claim} .claimDigestOk=${homework.claimDigestOk}
        .replay=${homework.replay} @goal-submit=${() => homework.submit()} @result-replay=${() => homework.replayClaim()}></nn-goal-panel>
    </section>`;
  }

  /** The run card: the first screen's hint, the way to the model drawer, and the run controls. */
  #renderRun() {
    const { training, live, layout } = this;
    const { info, status } = training;
    const last = live.last;
    const fix = !layout.drawerShown && !this.url.embed && status === 'invalid' ? this.fixTarget() : null;
    return html`<section class="card run" id="sec-controls" aria-labelledby="h-run" data-part="controls" data-tab="train">
      <div class="run-head">
        <h2 id="h-run">${t('run.title')}</h2>
        <p class="hint" id="start-hint"><strong>${t('layout.hintLead')}</strong> ${t(layout.phone && !this.url.embed ? 'layout.hintPhone' : 'layout.hint')}</p>
        ${this.url.embed || layout.phone ? nothing : drawerButtons(this)}
      </div>
      <nn-run-controls .status=${status} .step=${info?.step ?? 0} .totalSteps=${info?.totalSteps ?? 0} .stepsPerEpoch=${info?.stepsPerEpoch ?? 0}
        .samplesPerSecond=${last.trainMs > 0 ? Math.round((1000 * last.samples) / last.trainMs) : 0} .elapsed=${training.elapsed}
        .loading=${training.loading} .loss=${last.loss} .trainAccuracy=${last.accuracy} .testAccuracy=${last.testAccuracy}
        .testCount=${last.testCount} ?points=${this.experiment?.data?.set !== 'mnist'}
        ?stale=${live.lastStep > 0 && (status === 'invalid' || status === 'loading')} .message=${localize(training.message)}
        @run-action=${(e) => this.#onRunAction(e.detail.action)}></nn-run-controls>
      ${fix
        ? html`<p class="fix">${t('layout.fix')} <button type="button" @click=${(e) => this.openDrawerAt(fix, e.currentTarget)}>${t('layout.showFix')}</button></p>`
        : nothing}
    </section>`;
  }

}
customElements.define('nn-playground', NnPlayground);
