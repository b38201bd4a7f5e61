// run-history.js: the runs kept in the browser (runs/store.js) for the run list and the charts'
// overlay: the record of the live run (kept once it trains a step, saved at most every SAVE_MS
// while it streams), which runs are picked, their names and colours. A Lit reactive controller.

import { RunStore } from '../runs/store.js';
import { RunLock } from '../runs/checkpoints.js';
import { makeRecord } from '../runs/runs.js';
import { CATEGORICAL } from '../components/viz/colormap.js';
import { language, t } from '../i18n/index.js';
import { memo } from './memo.js';

/** While a run trains, its record is written to the browser's storage at most this often. */
export const SAVE_MS = 2000;

export class RunHistory {
  /** The kept runs, newest first. */
  runs = [];
  /** Ids of the runs the charts overlay. */
  selected = [];
  /** Whether the browser keeps the runs past this visit. */
  persistent = false;
  /** The record of the run in the live run: {id, number, name, created, experiment, assignment, ...}; kept once it trains. */
  live = null;

  /** Runs the user ticked themselves (they stay picked when a new run starts). */
  #pinned = new Set();
  #store;
  #lock = new RunLock();
  #saveTimer = 0;
  #lastSave = 0;

  /** liveRun: the LiveRun whose numbers the live record saves; status(): the training status. */
  constructor(host, { liveRun, status, store = new RunStore(), now = () => performance.now() }) {
    Object.assign(this, { host, liveRun, status, now });
    this.#store = store;
    host.addController?.(this);
  }

  #changed() {
    this.host.requestUpdate();
  }

  async load() {
    await this.#store.open();
    const stored = await this.#store.list();
    this.persistent = this.#store.persistent;
    const known = new Set(this.runs.map((r) => r.id));
    this.runs = [...this.runs, ...stored.reverse().filter((r) => !known.has(r.id))];
    this.#changed();
  }

  /** A new run begins (a fresh network from the seed); it is kept once it trains a step. */
  begin(info, { experiment, assignment, name }) {
    const previous = this.live;
    if (previous?.kept && !this.#pinned.has(previous.id)) this.selected = this.selected.filter((id) => id !== previous.id);
    this.live = {
      id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      number: 0,
      name,
      created: Date.now(),
      experiment,
      assignment,
      weightsLoaded: false,
      params: info.params,
      stepsPerEpoch: info.stepsPerEpoch,
      kept: false,
    };
    this.selected = [...this.selected, this.live.id];
    this.#lock.hold(this.live.id);
    this.#changed();
  }

  /** The live run continues a stored one (a checkpoint restored): it takes that run's identity. */
  adopt(record) {
    Object.assign(this.live, {
      id: record.id, name: record.name ?? '', number: record.number ?? 0, created: record.created ?? Date.now(),
      assignment: record.assignment ?? null, kept: true,
    });
    this.#lock.hold(record.id);
    this.selected = [...this.selected.filter((id) => id !== this.live.id), record.id];
    this.#changed();
  }

  /** Steps came: the live run is kept from its first, then saved now and then. */
  onSteps() {
    if (this.live && !this.live.kept) this.#keep();
    else this.scheduleSave();
  }

  #keep() {
    this.live.kept = true;
    this.live.number = Math.max(0, ...this.runs.map((r) => r.number)) + 1;
    this.save();
  }

  record() {
    const run = this.liveRun;
    return makeRecord({
      ...this.live,
      status: this.status(),
      train: { steps: run.steps.array, loss: run.loss.array, accuracy: run.accuracy.array, length: run.steps.length },
      test: run.test,
      testCount: run.last.testCount,
    });
  }

  /** Saves the live run within SAVE_MS (a run streams a hundred steps a second). */
  scheduleSave() {
    if (this.#saveTimer || !this.live?.kept) return;
    const wait = Math.max(0, this.#lastSave + SAVE_MS - this.now());
    this.#saveTimer = setTimeout(() => this.save(), wait);
  }

  /** Writes the live run's record now (list, charts' overlay, browser storage). */
  save() {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = 0;
    if (!this.live?.kept || !this.liveRun.steps.length) return;
    this.#lastSave = this.now();
    this.#put(this.record());
  }

  #put(record) {
    const at = this.runs.findIndex((r) => r.id === record.id);
    this.runs = at < 0 ? [record, ...this.runs] : this.runs.map((r) => (r.id === record.id ? record : r));
    this.#changed();
    this.#store.put(record).then((dropped) => {
      this.persistent = this.#store.persistent;
      if (dropped.length) {
        this.runs = this.runs.filter((r) => !dropped.includes(r.id));
        this.selected = this.selected.filter((id) => !dropped.includes(id));
      }
      this.#changed();
    });
  }

  /** The user picked `selected` in the run list. */
  select(selected) {
    for (const id of selected) if (!this.selected.includes(id)) this.#pinned.add(id);
    for (const id of this.selected) if (!selected.includes(id)) this.#pinned.delete(id);
    this.selected = selected;
    this.#changed();
  }

  /** Keeps `id` picked when later runs start (a lesson's runs stay overlaid). */
  pin(id) {
    this.#pinned.add(id);
  }

  /** Sets the picked runs (a lesson picks its own). */
  pick(ids) {
    this.selected = ids;
    this.#changed();
  }

  rename(id, name) {
    if (this.live?.id === id) this.live.name = name;
    const record = this.runs.find((r) => r.id === id);
    if (record) this.#put({ ...record, name, updated: Date.now() });
  }

  /** Deletes a kept run (not the live one); returns its record, or null. */
  remove(id) {
    if (this.live?.id === id) return null;
    const record = this.runs.find((r) => r.id === id);
    this.runs = this.runs.filter((r) => r.id !== id);
    this.selected = this.selected.filter((x) => x !== id);
    this.#pinned.delete(id);
    this.#store.delete(id);
    this.#changed();
    return record ?? null;
  }

  runName(r) {
    if (r.name) return r.name;
    return r.kept === false || !r.number ? t('runs.current') : t('runs.defaultName', { n: r.number });
  }

  /** Each run's colour follows its number, so a run keeps its colour in the list and every chart. */
  runColor(r) {
    return CATEGORICAL[((r.number || 1) - 1) % CATEGORICAL.length];
  }

  /** The runs as the run list shows them (each with its colour). */
  list = memo((runs) => runs.map((r) => ({ ...r, color: this.runColor(r) })));

  /**
   * What the loss and accuracy charts draw: the live run alone (as ever) until other runs are
   * picked; then every picked run, each in its colour and by its name.
   */
  chartRuns = memo((metricRuns, runs, selected, live) => {
    const picked = new Set(selected);
    const others = runs.filter((r) => r.id !== live?.id && picked.has(r.id));
    if (!others.length || !live) return metricRuns;
    const out = [];
    if (picked.has(live.id) && live.kept) {
      out.push({ id: live.id, label: this.runName(live), color: this.runColor(live), train: metricRuns[0].train, test: metricRuns[0].test });
    }
    for (const r of others) {
      out.push({ id: r.id, label: this.runName(r), color: this.runColor(r), train: { ...r.train, length: r.train.steps.length }, test: r.test });
    }
    return out;
  }, (metricRuns, runs, selected, live) => [metricRuns, runs, selected, live, live?.name, live?.number, live?.kept, language()]);
}
