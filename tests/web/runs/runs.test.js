// Run records: histories kept within their bounds without losing the curve's shape or end, final
// metrics, the comparison that marks differing settings, and the exported files (CSV cells quoted
// and formulas defused, JSON with plain lists).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../../../web/src/experiment/validate.js';
import { decodeHash } from '../../../web/src/experiment/url.js';
import {
  FINAL_WINDOW, MAX_TEST_POINTS, MAX_TRAIN_POINTS, compareRuns, curvesCsv, downsample, makeRecord, runsJson, tableCsv, thinTest,
} from '../../../web/src/runs/runs.js';

const load = (name) => parseExperiment(JSON.parse(readFileSync(new URL(`../../../web/experiments/${name}`, import.meta.url), 'utf8')));
const mlp = load('mlp.json');

function live(n, overrides = {}) {
  const steps = Float64Array.from({ length: n }, (_, i) => i + 1);
  const loss = Float32Array.from({ length: n }, (_, i) => 2.3 * Math.exp(-i / 500));
  const accuracy = Float32Array.from({ length: n }, (_, i) => Math.min(1, 0.1 + i / n));
  const testSteps = Array.from({ length: Math.ceil(n / 10) }, (_, i) => (i + 1) * 10);
  return {
    id: 'a', number: 3, name: '', created: 1000, experiment: mlp, assignment: null, status: 'paused',
    train: { steps, loss, accuracy, length: n },
    test: { steps: testSteps, loss: testSteps.map((s) => 1 / s), accuracy: testSteps.map((s) => s / (n + 10)) },
    testCount: 1000, params: 101770, stepsPerEpoch: 938,
    ...overrides,
  };
}

describe('histories', () => {
  it('keep short ones as they are and average long ones into at most MAX_TRAIN_POINTS buckets', () => {
    const short = downsample({ steps: [1, 2, 3], loss: [3, 2, 1], accuracy: [0, 0.5, 1] });
    expect(Array.from(short.steps)).toEqual([1, 2, 3]);
    expect(short.downsampled).toBe(false);
    const n = 9380;
    const { train } = live(n);
    const kept = downsample(train, n);
    expect(kept.steps.length).toBeLessThanOrEqual(MAX_TRAIN_POINTS);
    expect(kept.downsampled).toBe(true);
    expect(kept.steps.at(-1)).toBe(n); // the end stays
    expect(kept.steps[0]).toBe(10); // each point at its bucket's last step
    const mean10 = Array.from(train.loss.subarray(0, 10)).reduce((a, b) => a + b) / 10;
    expect(kept.loss[0]).toBeCloseTo(mean10, 6);
    // Only `length` of a preallocated column counts.
    const padded = { steps: new Float64Array(100), loss: new Float32Array(100), accuracy: new Float32Array(100) };
    padded.steps.set([1, 2]);
    expect(downsample(padded, 2).steps.length).toBe(2);
  });

  it('thin test points to MAX_TEST_POINTS, keeping the last', () => {
    const steps = Array.from({ length: 1000 }, (_, i) => i);
    const thin = thinTest({ steps, loss: steps, accuracy: steps });
    expect(thin.steps.length).toBeLessThanOrEqual(MAX_TEST_POINTS);
    expect(thin.steps.at(-1)).toBe(999);
    expect(thin.steps[0]).toBe(0);
  });
});

describe('a run\'s record', () => {
  it('holds its link, bounded history and final metrics', () => {
    const r = makeRecord(live(2000));
    expect(r.link).toBe('v=1&data=mnist&layers=flatten,dense:128,relu,dense:10&loss=ce&opt=sgd&lr=0.1&momentum=0.9&init=torch_default&batch=64&epochs=1&seed=1');
    const { name, description, ...settings } = mlp;
    expect(decodeHash(r.link, mlp).experiment).toEqual(settings);
    expect(r.train.steps.length).toBe(1000);
    expect(r.final.steps).toBe(2000);
    const { train } = live(2000);
    const tail = Array.from(train.loss.subarray(2000 - FINAL_WINDOW)).reduce((a, b) => a + b) / FINAL_WINDOW;
    expect(r.final.train_loss).toBeCloseTo(tail, 6);
    expect(r.final).toMatchObject({ test_step: 2000, test_loss: 1 / 2000, test_count: 1000 });
    // The homework it was made under goes into its link.
    const hw = makeRecord(live(10, { assignment: { metric: 'test_accuracy', target: 0.9, lock: ['lr'], hide: [], text: {} } }));
    expect(hw.link).toContain('&goal=acc&target=0.9&lock=lr');
    // A structured clone (what IndexedDB keeps) gives the same record.
    expect(structuredClone(r)).toEqual(r);
  });
});

describe('comparing runs', () => {
  const a = makeRecord(live(100, { id: 'a', number: 1 }));
  const b = makeRecord(live(100, { id: 'b', number: 2, name: 'Adam, "fast"', experiment: { ...mlp, optimizer: { type: 'adam', lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false } } }));
  const c = makeRecord(live(100, { id: 'c', number: 3, experiment: { ...mlp, seed: 4 } }));

  it('marks the settings that differ, and only those', () => {
    const { finals, settings } = compareRuns([a, c]);
    expect(settings.filter((s) => s.differs).map((s) => s.key)).toEqual(['seed']);
    expect(finals.map((f) => f.key)).toEqual(['steps', 'test_accuracy', 'test_loss', 'train_accuracy', 'train_loss', 'test_count']);
    const ab = compareRuns([a, b]).settings;
    const differs = ab.filter((s) => s.differs).map((s) => s.key);
    expect(differs).toEqual(expect.arrayContaining(['opt', 'lr', 'momentum', 'betas', 'eps', 'amsgrad']));
    expect(differs).not.toContain('layers');
    // A setting only one run has shows as missing in the other.
    expect(ab.find((s) => s.key === 'momentum').values).toEqual(['0.9', undefined]);
  });

  it('writes curves and the table as CSV, quoting text and defusing formulas', () => {
    const evil = { ...a, name: '=HYPERLINK("http://x")' };
    const curves = curvesCsv([evil, b]).trim().split('\n');
    expect(curves[0]).toBe('run,name,split,step,loss,accuracy');
    expect(curves.length).toBe(1 + 2 * (100 + 10));
    expect(curves[1]).toMatch(/^1,"'=HYPERLINK\(""http:\/\/x""\)",train,1,2\.29/);
    expect(curves.some((l) => l.startsWith('2,"Adam, ""fast""",test,'))).toBe(true);
    const table = tableCsv([a, b], 'http://host/p/').trim().split('\n');
    expect(table[0].startsWith('run,name,link,steps,test_accuracy,test_loss,train_accuracy,train_loss,test_count,data,')).toBe(true);
    expect(table[1]).toContain(',"http://host/p/#v=1&data=mnist&layers=flatten,dense:128,relu,dense:10&');
    expect(table.length).toBe(3);
  });

  it('writes JSON with every field, typed arrays as lists', () => {
    const json = JSON.parse(runsJson([a, b], 'http://host/p/'));
    expect(json).toMatchObject({ format: 'nn-playground runs', version: 1 });
    expect(json.runs[1]).toMatchObject({ number: 2, name: 'Adam, "fast"', params: 101770, final: { steps: 100 } });
    expect(json.runs[0].link.startsWith('http://host/p/#v=1&')).toBe(true);
    expect(Array.isArray(json.runs[0].train.loss)).toBe(true);
    expect(json.runs[0].train.steps.length).toBe(100);
    expect(json.runs[0].experiment).toEqual(mlp);
  });
});
