// checkpoints.js: what lets a run outlive its worker and its tab. The page asks the worker for a
// checkpoint (Session.checkpoint(): weights, optimizer state, batch-norm buffers, random streams,
// epoch order and position) every CHECKPOINT_MS while training and whenever training stops, and
// keeps it in IndexedDB with the run's metric history up to that step. After a worker crash the
// page restarts a worker from the last checkpoint; after a reload it offers to resume the newest
// unfinished run no other tab is training (Web Locks say which are live). A checkpoint read back
// is checked again by Session.restoreCheckpoint before anything of it is used.
//
// Also the watchdog that notices a worker which died without a word (terminated, killed for
// memory): while training, silence for SILENCE_MS earns a ping, and no answer means it is gone.

import { downsample } from './runs.js';
import { KeyedStore } from './store.js';
import { say } from '../i18n/errors.js';
import { languageTag } from '../i18n/languages.js';

/** A checkpoint at least this often while training (less often for a model of more than... */
export const CHECKPOINT_MS = 10_000;
/** ...this many bytes: one of 64 MB is kept every 20 s, so copying it costs the page little). */
export const CHECKPOINT_BYTES_PER_INTERVAL = 32 * 1024 * 1024;
/** ...and the checkpoints of this many runs are kept (the newest). */
export const KEEP_CHECKPOINTS = 3;
/**
 * A checkpoint keeps the training curve step by step up to this many steps (1.6 MB); a longer run
 * (an hour is about a million steps) keeps it averaged into this many points, so each write stays small.
 */
export const MAX_HISTORY_STEPS = 100_000;

const DB_NAME = 'nn-playground-checkpoints';
const DB_VERSION = 1;
const STORE = 'checkpoints';
const LOCK_PREFIX = 'nn-playground-run-';

/** "3 minutes ago" in the page's language (Intl's words, so zh reads as zh). */
export function formatAgo(time, lang = 'en', now = Date.now()) {
  const seconds = Math.round((time - now) / 1000);
  const format = new Intl.RelativeTimeFormat(languageTag(lang), { numeric: 'auto' });
  for (const [unit, size] of [['day', 86400], ['hour', 3600], ['minute', 60]]) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(seconds, 'second');
}


/**
 * The training history of a run up to and including `step`, as kept with its checkpoint:
 * {train: {steps: Float64Array, loss: Float32Array, accuracy: Float32Array}, test: {steps, loss,
 * accuracy} (plain arrays)}. train: the page's columns ({array, length}); test: parallel arrays.
 */
export function historyUpTo(step, { steps, loss, accuracy }, test, max = MAX_HISTORY_STEPS) {
  let n = steps.length;
  while (n > 0 && steps.array[n - 1] > step) n--;
  const keep = test.steps.findLastIndex((s) => s <= step) + 1;
  const train = n > max
    ? downsample({ steps: steps.array, loss: loss.array, accuracy: accuracy.array }, n, max)
    : { steps: steps.array.slice(0, n), loss: loss.array.slice(0, n), accuracy: accuracy.array.slice(0, n) };
  return {
    train: { steps: train.steps, loss: train.loss, accuracy: train.accuracy },
    test: { steps: test.steps.slice(0, keep), loss: test.loss.slice(0, keep), accuracy: test.accuracy.slice(0, keep) },
  };
}

/** Whether a stored history has the shape historyUpTo gives (storage is input too: check before use). */
export function isHistory(h) {
  const same = (o, isList) => o && typeof o === 'object' && ['steps', 'loss', 'accuracy'].every((k) => isList(o[k]) && o[k].length === o.steps.length);
  return Boolean(h && same(h.train, ArrayBuffer.isView) && same(h.test, Array.isArray));
}

/**
 * A record as the store keeps it: {id (the run's), name, savedAt, step, experiment, assignment,
 * checkpoint, history, finished}. Nothing here throws at the page: without IndexedDB (a private
 * window, a full disk) the records live in memory, which still covers a worker crash.
 */
export class CheckpointStore extends KeyedStore {
  constructor() {
    super(DB_NAME, DB_VERSION, STORE);
  }

  /** Every record, newest first. */
  async list() {
    const records = await this.all();
    return records.filter((r) => r && typeof r === 'object' && typeof r.id === 'string').sort((a, b) => (b.savedAt ?? 0) - (a.savedAt ?? 0));
  }

  /** Keeps a run's latest checkpoint (replacing its previous one), then drops all but the newest KEEP. */
  async put(record) {
    await super.put(record);
    const all = await this.list();
    for (const old of all.slice(KEEP_CHECKPOINTS)) await this.delete(old.id);
  }

  /**
   * The newest unfinished record that no other tab is training (see RunLock), or null: what a
   * reload offers to resume.
   */
  async resumable() {
    const live = await RunLock.heldRuns();
    return (await this.list()).find((r) => !r.finished && r.step > 0 && !live.has(r.id)) ?? null;
  }
}

/** One Web Lock per live run, held while a tab trains it, so another tab does not offer to resume it. */
export class RunLock {
  #release = null;
  #id = null;

  /** Holds the lock of run `id` (releasing the one held before). */
  hold(id) {
    if (this.#id === id) return;
    this.release();
    this.#id = id;
    if (!globalThis.navigator?.locks) return;
    navigator.locks.request(LOCK_PREFIX + id, () => new Promise((resolve) => {
      this.#release = resolve;
    })).catch(() => {});
  }

  release() {
    this.#release?.();
    this.#release = null;
    this.#id = null;
  }

  /** Ids of the runs some tab holds now. */
  static async heldRuns() {
    try {
      const { held = [] } = (await globalThis.navigator?.locks?.query()) ?? {};
      return new Set(held.map((l) => l.name).filter((n) => n?.startsWith(LOCK_PREFIX)).map((n) => n.slice(LOCK_PREFIX.length)));
    } catch {
      return new Set();
    }
  }
}

/**
 * Notices a worker that stopped answering. While armed, every message from the worker counts as
 * a sign of life (alive()); after silenceMs without one it pings, and when the ping is not answered
 * within max(minTimeoutMs, 4 x the longest silence seen so far) the worker is declared dead
 * (onDead(why), why a message of i18n/errors.js). A worker busy with one long step answers late
 * but answers; a terminated one never does.
 */
export class Watchdog {
  #timer = 0;
  #last = 0;
  #longest = 0;
  #pinging = false;
  #armed = false;

  constructor({ ping, onDead, silenceMs = 10_000, minTimeoutMs = 15_000, checkMs = 1_000, now = () => performance.now() }) {
    Object.assign(this, { ping, onDead, silenceMs, minTimeoutMs, checkMs, now });
  }

  /** Whether it is watching now. */
  get armed() {
    return this.#armed;
  }

  alive() {
    const t = this.now();
    if (this.#armed && this.#last) this.#longest = Math.max(this.#longest, t - this.#last);
    this.#last = t;
  }

  arm() {
    if (this.#armed) return;
    this.#armed = true;
    this.#last = this.now();
    this.#timer = setInterval(() => this.#check(), this.checkMs);
  }

  disarm() {
    this.#armed = false;
    clearInterval(this.#timer);
    this.#timer = 0;
  }

  async #check() {
    if (!this.#armed || this.#pinging || this.now() - this.#last < this.silenceMs) return;
    this.#pinging = true;
    const timeoutMs = Math.max(this.minTimeoutMs, 4 * this.#longest);
    let timer;
    const answered = await Promise.race([
      Promise.resolve(this.ping()).then(() => true, () => true),
      new Promise((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); }),
    ]);
    clearTimeout(timer);
    this.#pinging = false;
    if (!this.#armed) return;
    if (answered) {
      this.alive();
      return;
    }
    this.disarm();
    this.onDead(say('err.worker.silent', { s: Math.round((this.silenceMs + timeoutMs) / 1000) }));
  }
}
