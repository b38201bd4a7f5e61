// runs.js: the runs a student makes, as records the page keeps (store.js) and compares: bounded
// histories, final metrics, the settings table with the differing rows marked, and the CSV and
// JSON files of the export buttons. Pure functions: no DOM, no storage.

import { encodeHash, experimentSettings } from '../experiment/url.js';

/** At most this many runs are kept; the oldest go first. */
export const MAX_RUNS = 50;
/** A kept history has at most this many training points (longer ones are averaged in buckets). */
export const MAX_TRAIN_POINTS = 1000;
/** ... and at most this many test evaluations (every other one dropped while over). */
export const MAX_TEST_POINTS = 200;
/** The final train loss and accuracy are the mean of this many last steps (one batch is noisy). */
export const FINAL_WINDOW = 50;

/**
 * A training log {steps, loss, accuracy} (arrays or typed arrays; `length` of them used) in at
 * most `max` points: consecutive steps averaged in equal buckets, each point at its bucket's last
 * step, so the curve keeps its shape and its end. Returns typed arrays and `downsampled`.
 */
export function downsample({ steps, loss, accuracy }, length = steps.length, max = MAX_TRAIN_POINTS) {
  const bucket = Math.max(1, Math.ceil(length / max));
  const n = Math.ceil(length / bucket);
  const out = { steps: new Float64Array(n), loss: new Float32Array(n), accuracy: new Float32Array(n), downsampled: bucket > 1 };
  for (let j = 0; j < n; j++) {
    const lo = j * bucket;
    const hi = Math.min(length, lo + bucket);
    let l = 0;
    let a = 0;
    for (let i = lo; i < hi; i++) {
      l += loss[i];
      a += accuracy[i];
    }
    out.steps[j] = steps[hi - 1];
    out.loss[j] = l / (hi - lo);
    out.accuracy[j] = a / (hi - lo);
  }
  return out;
}

/** Test points {steps, loss, accuracy, count?} thinned to at most `max` (every other old one dropped; the last kept). */
export function thinTest(test, max = MAX_TEST_POINTS) {
  let idx = test.steps.map((_, i) => i);
  while (idx.length > max) idx = idx.filter((_, k) => k % 2 === 0 || k === idx.length - 1);
  const pick = (xs) => idx.map((i) => xs[i]);
  return { steps: pick(test.steps), loss: pick(test.loss), accuracy: pick(test.accuracy) };
}

const mean = (xs, from, to) => {
  let s = 0;
  for (let i = from; i < to; i++) s += xs[i];
  return to > from ? s / (to - from) : NaN;
};

/**
 * The record of a run: what the run list shows, the store keeps and the exports write.
 *   live: {id, number, name, created, experiment, assignment, train: {steps, loss, accuracy,
 *          length}, test: {steps, loss, accuracy}, testCount, full (last test numbers are the
 *          whole test set), status, weightsLoaded, stepsPerEpoch, params}
 */
export function makeRecord(live) {
  const { train, test } = live;
  const n = train.length;
  const kept = downsample(train, n);
  const last = test.steps.length - 1;
  const from = Math.max(0, n - FINAL_WINDOW);
  return {
    id: live.id,
    number: live.number,
    name: live.name,
    created: live.created,
    updated: Date.now(),
    link: encodeHash(live.experiment, { assignment: live.assignment ?? undefined }),
    experiment: live.experiment,
    assignment: live.assignment ?? null,
    status: live.status,
    weightsLoaded: Boolean(live.weightsLoaded),
    params: live.params ?? null,
    stepsPerEpoch: live.stepsPerEpoch ?? null,
    train: { steps: kept.steps, loss: kept.loss, accuracy: kept.accuracy },
    test: thinTest(test),
    downsampled: kept.downsampled,
    final: {
      steps: n ? train.steps[n - 1] : 0,
      train_loss: mean(train.loss, from, n),
      train_accuracy: mean(train.accuracy, from, n),
      test_loss: last >= 0 ? test.loss[last] : NaN,
      test_accuracy: last >= 0 ? test.accuracy[last] : NaN,
      test_step: last >= 0 ? test.steps[last] : null,
      test_count: live.testCount ?? 0,
    },
  };
}

/** The final metrics the comparison table shows, in its order. */
export const FINAL_FIELDS = ['steps', 'test_accuracy', 'test_loss', 'train_accuracy', 'train_loss', 'test_count'];

/**
 * The comparison of runs: {finals: [{key, values}], settings: [{key, values: [text], differs}]},
 * one value per run (undefined where a run has no such setting, e.g. momentum under Adam); a
 * setting differs when the runs do not all write it the same.
 */
export function compareRuns(runs) {
  const finals = FINAL_FIELDS.map((key) => ({ key, values: runs.map((r) => r.final?.[key]) }));
  const perRun = runs.map((r) => new Map(experimentSettings(r.experiment).map(({ key, text }) => [key, text])));
  const keys = [];
  for (const m of perRun) for (const k of m.keys()) if (!keys.includes(k)) keys.push(k);
  // In the table's order (the first run's), with settings only later runs have at their place.
  const order = experimentSettings(runs[0]?.experiment ?? { data: {} }).map((x) => x.key);
  keys.sort((a, b) => rank(order, a) - rank(order, b));
  const settings = keys.map((key) => {
    const values = perRun.map((m) => m.get(key));
    return { key, values, differs: values.some((v) => v !== values[0]) };
  });
  return { finals, settings };
}
const rank = (order, key) => (order.includes(key) ? order.indexOf(key) : order.length);

// ---- files ----

/** A CSV cell: quoted when needed; text a spreadsheet would run as a formula is defused. */
function cell(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
const csvLine = (cells) => cells.map(cell).join(',');

/** The curves of runs as one CSV: run, name, split (train/test), step, loss, accuracy. */
export function curvesCsv(runs) {
  const lines = [csvLine(['run', 'name', 'split', 'step', 'loss', 'accuracy'])];
  for (const r of runs) {
    for (const split of ['train', 'test']) {
      const log = r[split];
      for (let i = 0; i < log.steps.length; i++) lines.push(csvLine([r.number, r.name, split, log.steps[i], log.loss[i], log.accuracy[i]]));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The comparison as one CSV: a row per run with its link, final metrics and every setting. */
export function tableCsv(runs, pageUrl = '') {
  const { settings } = compareRuns(runs);
  const lines = [csvLine(['run', 'name', 'link', ...FINAL_FIELDS, ...settings.map((s) => s.key)])];
  runs.forEach((r, i) => {
    lines.push(csvLine([r.number, r.name, `${pageUrl}#${r.link}`, ...FINAL_FIELDS.map((k) => r.final?.[k]), ...settings.map((s) => s.values[i])]));
  });
  return `${lines.join('\n')}\n`;
}

/** Runs as JSON: every field of each record, typed arrays as plain lists. */
export function runsJson(runs, pageUrl = '') {
  const plain = (log) => ({ steps: Array.from(log.steps), loss: Array.from(log.loss), accuracy: Array.from(log.accuracy) });
  const out = runs.map((r) => ({
    number: r.number,
    name: r.name,
    link: `${pageUrl}#${r.link}`,
    created: new Date(r.created).toISOString(),
    status: r.status,
    weights_loaded: r.weightsLoaded,
    params: r.params,
    final: r.final,
    experiment: r.experiment,
    ...(r.assignment ? { assignment: r.assignment } : {}),
    downsampled: r.downsampled,
    train: plain(r.train),
    test: plain(r.test),
  }));
  return `${JSON.stringify({ format: 'nn-playground runs', version: 1, runs: out }, (k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
