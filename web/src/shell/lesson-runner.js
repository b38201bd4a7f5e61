// lesson-runner.js: the lessons (experiment/lessons.js): the lesson chosen, and "Run this lesson",
// which trains each of its experiments in turn from its seed, keeps each as a run named after it
// and left picked (the charts overlay them all), and puts what each measured into the panel's
// table. It starts each run through the training controller's train(), and waits on the promises
// the controller gives, never on a clock. A Lit reactive controller; the host is the page.

import { LESSONS, lessonOf } from '../experiment/lessons.js';
import { sameExperiment } from '../experiment/canonical.js';
import { language, t } from '../i18n/index.js';

/** The lesson a preset belongs to, and its entry there: {lesson, entry} or null. */
export function lessonFor(presetId) {
  for (const lesson of LESSONS) {
    const entry = lesson.experiments.find((e) => e.id === presetId);
    if (entry) return { lesson, entry };
  }
  return null;
}

export class LessonRunner {
  /** The lesson chosen ('' for none). */
  id = '';
  /** While a lesson runs: {index, total, label} of its current experiment. */
  progress = null;
  /** What each finished run of the lesson measured (LiveRun's lessonResult). */
  results = [];
  /** The sentence the panel shows when a lesson was run or stopped. */
  outcome = '';
  /** Per lesson id, what its last complete run in this page measured (a later lesson compares with it). */
  history = {};
  /** Tests may cap each run of "Run this lesson" at this many steps (Infinity: each run's own length). */
  stepLimit = Infinity;
  /** Bumped to stop the lesson running now. */
  #token = 0;
  #cancel = null;

  constructor(host) {
    this.host = host;
    host.addController(this);
  }

  get running() {
    return Boolean(this.progress);
  }

  #changed() {
    this.host.requestUpdate();
  }

  /** A link's lesson=: chosen; a link without an experiment loads the lesson's first one. */
  fromLink(decoded) {
    if (!decoded.lesson) return;
    const lesson = lessonOf(decoded.lesson);
    if (!lesson) {
      this.id = '';
      this.outcome = t('lessons.unknown', { id: decoded.lesson });
      this.#changed();
      return;
    }
    if (this.id !== lesson.id) this.results = [];
    this.id = lesson.id;
    if (decoded.ok && decoded.empty) {
      decoded.experiment = lesson.experiments[0].experiment;
      decoded.empty = false;
    }
    this.#changed();
  }

  choose(id) {
    if (this.progress) return;
    const host = this.host;
    const lesson = lessonOf(id);
    this.id = lesson ? lesson.id : '';
    this.results = [];
    this.outcome = '';
    this.#changed();
    if (!lesson) {
      host.url.write();
      return;
    }
    host.announce(t('lessons.chosen', { title: lesson.title[language()] }));
    if (!lesson.experiments.some((e) => e.id === host.presetId())) host.choosePreset(lesson.experiments[0].id);
    host.url.write();
  }

  load(lessonId, experimentId) {
    if (this.progress) return;
    this.id = lessonId;
    this.host.choosePreset(experimentId);
    this.host.url.write();
  }

  /** Resolves with `promise`'s value, or with null once the lesson is stopped. */
  #unlessStopped(promise, token) {
    if (token !== this.#token) return Promise.resolve(null);
    return Promise.race([promise, new Promise((resolve) => { this.#cancel = () => resolve(null); })]);
  }

  /**
   * "Run this lesson": each experiment in turn from its seed, trained to its end (or to
   * stepLimit steps), kept as a run named after it and left picked; each run's numbers go into
   * the panel's table.
   */
  async run(id) {
    const lesson = lessonOf(id);
    if (!lesson || this.progress) return;
    const { host } = this;
    const { training, history, live } = host;
    const token = ++this.#token;
    this.id = lesson.id;
    this.results = [];
    this.outcome = '';
    history.pick([]);
    const ids = [];
    const lang = language();
    let finished = 0;
    for (const [index, entry] of lesson.experiments.entries()) {
      this.progress = { index, total: lesson.experiments.length, label: entry.label[lang] };
      this.#changed();
      if (!sameExperiment(entry.experiment, host.experiment ?? {})) host.edit(structuredClone(entry.experiment));
      host.url.write();
      const settled = await this.#unlessStopped(training.settled, token);
      if (settled === null || settled === 'invalid' || settled === 'failed') break;
      if (live.stepCount || (training.info?.step ?? 0) > 0) {
        if (await this.#unlessStopped(training.reset(), token) !== 'ready') break;
      }
      const record = history.live;
      history.pin(record.id);
      record.name = entry.label[lang];
      const limit = Math.min(training.info.totalSteps, this.stepLimit);
      // The stop comes after the run's last views (the whole test set's numbers among them).
      const stopped = await this.#unlessStopped(training.train({ stopAt: Number.isFinite(limit) ? limit : undefined }), token);
      if (stopped === null || stopped === 'failed') break;
      training.message = '';
      ids.push(record.id);
      this.results = [...this.results, live.lessonResult(entry, { runId: record.id, color: history.runColor(record), label: entry.label[language()], info: training.info, seconds: training.elapsed })];
      history.pick([...new Set([...history.selected, ...ids])]);
      finished += 1;
    }
    if (this.#token === token) this.#token += 1;
    this.progress = null;
    history.pick([...new Set([...ids, ...history.selected])]);
    const title = lesson.title[lang];
    const total = lesson.experiments.length;
    if (finished === total) this.history = { ...this.history, [lesson.id]: this.results };
    this.outcome = finished === total ? t('lessons.done', { title, n: finished }) : t('lessons.stopped', { title, n: finished, total });
    this.#changed();
  }

  /** "Stop": the lesson ends after the run in progress is paused. */
  stop() {
    this.#token += 1;
    this.#cancel?.();
    if (this.host.training.status === 'training') this.host.training.client.pause().catch(() => {});
  }
}
