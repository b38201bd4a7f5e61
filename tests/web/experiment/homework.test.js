// The URL table's homework, result and page rows: they round-trip, hostile goal text stays text
// within its caps, broken parts are refused by name; the result digest changes with whatever a
// student could edit; goals, budgets and fixed controls are judged as the verifier judges them.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../../../web/src/experiment/validate.js';
import {
  CONTROLS, EMBED_PARTS, GOAL_TEXT_MAX, MAX_HASH_LENGTH, PROPERTIES, controlOfPath, controlPaths, decodeHash, encodeHash, experimentSettings,
} from '../../../web/src/experiment/url.js';
import {
  budgetChecks, digestMatches, fixedSettingChanges, goalStatus, goalText, makeResult, reaches, resultDigest, sameAssignment, settingsOverBudget, stepBudget,
} from '../../../web/src/experiment/homework.js';
import { sha256Hex } from '../../../web/src/experiment/digest.js';
import en from '../../../web/src/i18n/en/index.js';

const load = (name) => parseExperiment(JSON.parse(readFileSync(new URL(`../../../web/experiments/${name}`, import.meta.url), 'utf8')));
const defaults = load('mlp.json');
const xor = load('xor-tanh.json');
const strip = ({ name, description, ...rest }) => rest;

const ASSIGNMENT = {
  metric: 'test_accuracy', target: 0.97, max_epochs: 2, max_steps: 1500, max_params: 120000,
  lock: ['layers', 'opt'], hide: ['seed', 'init'], text: { en: 'Reach 97 % with plain SGD.', zh: '用普通 SGD 达到 97 %。' },
};
const CLAIM = { steps: 938, test_accuracy: 0.9712, test_loss: 0.09341234713792801 };

describe('the table\'s homework, result and page rows', () => {
  it('has one row per key and names every control and embeddable part', () => {
    const keys = PROPERTIES.map((p) => p.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(expect.arrayContaining(['goal', 'target', 'max_epochs', 'max_steps', 'max_params', 'lock', 'hide', 'goal_en', 'goal_zh',
      'claim_steps', 'claim_acc', 'claim_loss', 'digest', 'lang', 'mode', 'embed']));
    expect(CONTROLS).toEqual(['data', 'layers', 'loss', 'opt', 'lr', 'momentum', 'dampening', 'nesterov', 'alpha', 'centered', 'betas', 'eps',
      'amsgrad', 'lr_decay', 'acc0', 'wd', 'maximize', 'init', 'batch', 'epochs', 'shuffle', 'seed']);
    for (const c of CONTROLS) {
      expect(controlPaths(c).length, c).toBeGreaterThan(0);
      expect(en.ui, c).toHaveProperty([`control.${c}`]);
      for (const path of controlPaths(c)) expect(controlOfPath(path)).toBe(c);
    }
    expect(controlOfPath(['optimizer', 'weight_decay'])).toBe('wd');
    expect(controlOfPath(['data', 'train_samples'])).toBe('data');
    expect(controlOfPath(['layers', 3, 'units'])).toBe('layers');
    expect(EMBED_PARTS).toContain('charts');
  });

  it('round-trips an assignment, a result and the page\'s settings beside the experiment', () => {
    const result = makeResult(xor, ASSIGNMENT, CLAIM);
    const hash = encodeHash(xor, { lang: 'zh', mode: 'instructor', embed: ['controls', 'charts'], assignment: ASSIGNMENT, result });
    expect(hash).toContain('&goal=acc&target=0.97&max_epochs=2&max_steps=1500&max_params=120000&lock=layers,opt&hide=init,seed&goal_en=');
    expect(hash).toContain(`&claim_steps=938&claim_acc=0.9712&claim_loss=0.09341234713792801&digest=${result.digest}&lang=zh&mode=instructor&embed=controls,charts`);
    const d = decodeHash(`#${hash}`, defaults);
    expect(d.message).toBe('');
    expect(d).toMatchObject({ ok: true, empty: false, lang: 'zh', mode: 'instructor', embed: ['controls', 'charts'] });
    expect(d.experiment).toEqual(strip(xor));
    expect(d.assignment).toEqual({ ...ASSIGNMENT, hide: ['init', 'seed'] }); // read back in the table's order
    expect(d.result).toEqual(result);
    // Written again, the same text: one spelling per link.
    expect(encodeHash(d.experiment, { lang: d.lang, mode: d.mode, embed: d.embed, assignment: d.assignment, result: d.result })).toBe(hash);
  });

  it('reads a link without them as before: no assignment, no result, empty only without settings', () => {
    expect(decodeHash('#v=1&lr=0.5', defaults)).toMatchObject({ ok: true, assignment: null, result: null, mode: undefined, embed: undefined, empty: false });
    expect(decodeHash('#lang=en&embed=charts', defaults)).toMatchObject({ ok: true, empty: true, embed: ['charts'] });
    // An assignment alone applies to the defaults.
    const d = decodeHash('#goal=loss&target=0.2', defaults);
    expect(d).toMatchObject({ ok: true, empty: false, experiment: defaults, assignment: { metric: 'test_loss', target: 0.2, lock: [], hide: [], text: {} } });
  });

  it('keeps the goal text as text, whatever markup it holds', () => {
    const text = '<img src=x onerror=alert(1)> & <script>alert("hi")</script> "quoted" #hash &amp; %41';
    const hash = encodeHash(xor, { assignment: { lock: [], hide: [], text: { en: text, zh: '目标：<b>97 %</b>\n第二行' } } });
    expect(hash).not.toMatch(/[<>"#\s]/); // every such character escaped inside the value
    const d = decodeHash(hash, defaults);
    expect(d.ok).toBe(true);
    expect(d.assignment.text).toEqual({ en: text, zh: '目标：<b>97 %</b>\n第二行' });
    expect(goalText(d.assignment, 'zh')).toBe('目标：<b>97 %</b>\n第二行');
    expect(goalText({ text: { en: 'only English' } }, 'zh')).toBe('only English');
  });

  it('caps goal text in characters, and a link with both texts at the cap still fits', () => {
    const at = (en, zh) => decodeHash(encodeHash(xor, { assignment: { lock: [], hide: [], text: { en, zh } } }), defaults);
    expect(at('a'.repeat(GOAL_TEXT_MAX), '中'.repeat(GOAL_TEXT_MAX)).ok).toBe(true);
    expect(at('😀'.repeat(GOAL_TEXT_MAX), undefined).ok).toBe(true); // characters, not UTF-16 units
    // A lone surrogate (a broken paste) is written as U+FFFD rather than breaking the link.
    expect(at('a\ud800b', undefined).assignment.text.en).toBe('a\ufffdb');
    const long = decodeHash(`#goal_en=${'a'.repeat(GOAL_TEXT_MAX + 1)}`, defaults);
    expect(long.ok).toBe(false);
    expect(long.message).toBe(`goal_en: is ${GOAL_TEXT_MAX + 1} characters long; at most ${GOAL_TEXT_MAX}`);
    expect(long.assignment).toBeNull();
    expect(long.experiment).toBe(defaults);
    expect(encodeHash(xor, { assignment: { ...ASSIGNMENT, text: { en: 'a'.repeat(GOAL_TEXT_MAX), zh: '中'.repeat(GOAL_TEXT_MAX) } } }).length).toBeLessThan(MAX_HASH_LENGTH);
  });

  const refused = {
    'a control character in goal text': ['#goal_en=a%00b', /goal_en: holds the control character U\+0000/],
    'an escape sequence in goal text': ['#goal_zh=%1B%5B31m', /goal_zh: holds the control character U\+001B/],
    'a right-to-left override in goal text': ['#goal_en=abc%E2%80%AEgnp.exe', /goal_en: holds the control character U\+202E/],
    'goal text over the cap': [`#goal_zh=${'%E4%B8%AD'.repeat(GOAL_TEXT_MAX + 5)}`, /goal_zh: is 245 characters long; at most 240/],
    'a huge value': [`#goal_en=${'a'.repeat(3000)}`, /goal_en: is 3000 characters long; at most 2048/],
    'an unknown control': ['#lock=lr,colour', /lock: must list names from data, layers, .*got "colour"/],
    'a control named twice': ['#hide=seed,seed', /hide: names "seed" twice/],
    'a control locked and hidden': ['#lock=lr&hide=lr,seed', /hide: lr cannot be both locked and hidden/],
    'a goal without a target': ['#goal=acc', /target: the goal test_accuracy needs a target/],
    'a target without a goal': ['#target=0.9', /goal: a target needs a goal metric/],
    'an accuracy target in percent': ['#goal=acc&target=97', /target: test accuracy is a fraction from 0 to 1, got 97/],
    'an unknown metric': ['#goal=f1&target=0.9', /goal: must be one of acc, loss, test_accuracy, test_loss, got "f1"/],
    'a zero budget': ['#max_steps=0', /max_steps: must be from 1 to 1000000000, got 0/],
    'a budget too large': ['#max_epochs=5000', /max_epochs: must be from 1 to 1000, got 5000/],
    'a half claim': ['#claim_acc=0.9&claim_steps=10', /a result link needs claim_steps, claim_acc, claim_loss, digest; missing claim_loss, digest/],
    'a claimed accuracy above 1': ['#claim_steps=10&claim_acc=1.5&claim_loss=0.1&digest=0123456789abcdef', /claim_acc: is a fraction from 0 to 1, got 1.5/],
    'a digest that is not hex': ['#claim_steps=10&claim_acc=0.5&claim_loss=0.1&digest=<script>', /digest: must be 16 hex digits/],
    'an unknown mode': ['#mode=admin', /mode: must be one of instructor, got "admin"/],
    'an unknown embedded part': ['#embed=charts,header', /embed: must list names from lesson, goal, controls/],
  };
  it.each(Object.entries(refused))('refuses %s with a message and the defaults', (_, [hash, pattern]) => {
    const d = decodeHash(hash, defaults);
    expect(d.ok).toBe(false);
    expect(d.message).toMatch(pattern);
    expect(d.experiment).toBe(defaults);
    expect(d.assignment).toBeNull();
    expect(d.result).toBeNull();
  });

  it('keeps the page\'s good settings when the rest of a link is broken', () => {
    expect(decodeHash('#lang=zh&embed=charts&goal_en=%00', defaults)).toMatchObject({ ok: false, lang: 'zh', embed: ['charts'] });
    expect(decodeHash('#lang=zh&embed=nope', defaults)).toMatchObject({ ok: false, lang: 'zh', embed: undefined });
  });

  it('lists every setting of an experiment for the run comparison, defaults included', () => {
    const rows = experimentSettings(defaults);
    expect(rows.map((r) => r.key)).toEqual(['data', 'train', 'test', 'layers', 'loss', 'smoothing', 'reduction', 'opt', 'lr', 'momentum', 'dampening', 'nesterov',
      'wd', 'maximize', 'init', 'batch', 'epochs', 'shuffle', 'seed']);
    expect(rows.find((r) => r.key === 'lr').text).toBe('0.1');
  });
});

describe('the result digest', () => {
  it('is SHA-256, the same as Node\'s', () => {
    for (const text of ['', 'abc', 'x'.repeat(55), 'x'.repeat(56), 'x'.repeat(64), '中文 😀 \n', 'y'.repeat(5000)]) {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });

  it('matches its link, and changes with the claim, the experiment and the assignment', () => {
    const result = makeResult(xor, ASSIGNMENT, CLAIM);
    expect(result.digest).toMatch(/^[0-9a-f]{16}$/);
    expect(digestMatches(xor, ASSIGNMENT, result)).toBe(true);
    expect(digestMatches(xor, ASSIGNMENT, { ...result, test_accuracy: 0.9913 })).toBe(false);
    expect(digestMatches(xor, ASSIGNMENT, { ...result, steps: 937 })).toBe(false);
    expect(digestMatches(xor, ASSIGNMENT, { ...result, test_loss: 0.0934123471379 })).toBe(false);
    expect(digestMatches({ ...xor, optimizer: { ...xor.optimizer, lr: 0.031 } }, ASSIGNMENT, result)).toBe(false);
    expect(digestMatches({ ...xor, seed: 2 }, ASSIGNMENT, result)).toBe(false);
    expect(digestMatches(xor, { ...ASSIGNMENT, target: 0.9 }, result)).toBe(false);
    expect(digestMatches(xor, { ...ASSIGNMENT, lock: ['layers'] }, result)).toBe(false);
    expect(digestMatches(xor, null, result)).toBe(false);
    // The page's own settings are not part of the claim.
    const hash = encodeHash(xor, { assignment: ASSIGNMENT, result, lang: 'en', embed: ['charts'] });
    const d = decodeHash(hash, defaults);
    expect(digestMatches(d.experiment, d.assignment, d.result)).toBe(true);
    expect(resultDigest(xor, undefined, CLAIM)).toBe(resultDigest(xor, null, CLAIM));
  });
});

describe('goals and budgets', () => {
  it('reaches an accuracy from below and a loss from above', () => {
    expect(reaches({ metric: 'test_accuracy', target: 0.97 }, 0.97)).toBe(true);
    expect(reaches({ metric: 'test_accuracy', target: 0.97 }, 0.9699)).toBe(false);
    expect(reaches({ metric: 'test_loss', target: 0.1 }, 0.1)).toBe(true);
    expect(reaches({ metric: 'test_loss', target: 0.1 }, 0.11)).toBe(false);
    expect(reaches({ metric: 'test_loss', target: 0.1 }, NaN)).toBe(false);
  });

  it('checks epochs, steps and parameters, and stops training at the tightest', () => {
    const a = { metric: 'test_accuracy', target: 0.9, max_epochs: 2, max_steps: 1500, max_params: 100000 };
    expect(stepBudget(a, 938)).toBe(1500);
    expect(stepBudget({ max_epochs: 1 }, 938)).toBe(938);
    expect(stepBudget(null, 938)).toBe(Infinity);
    expect(budgetChecks(a, { steps: 1876, stepsPerEpoch: 938, params: 101770 })).toEqual([
      { budget: 'max_epochs', limit: 2, used: 2, ok: true },
      { budget: 'max_steps', limit: 1500, used: 1876, ok: false },
      { budget: 'max_params', limit: 100000, used: 101770, ok: false },
    ]);
    const met = goalStatus(a, { value: 0.95, steps: 900, stepsPerEpoch: 938, params: 90000 });
    expect(met).toMatchObject({ reached: true, withinBudget: true, met: true });
    expect(goalStatus(a, { value: 0.95, steps: 900, stepsPerEpoch: 938, params: 101770 })).toMatchObject({ reached: true, withinBudget: false, met: false });
    expect(goalStatus({ lock: ['lr'] }, { value: 1, steps: 1, stepsPerEpoch: 1, params: 1 })).toBeNull();
  });

  it('finds the fixed settings a submission changed', () => {
    const a = { lock: ['opt', 'layers'], hide: ['seed'] };
    expect(fixedSettingChanges(xor, a, xor)).toEqual([]);
    // A free setting may change.
    expect(fixedSettingChanges(xor, a, { ...xor, optimizer: { ...xor.optimizer, lr: 0.5 } })).toEqual([]);
    expect(fixedSettingChanges(xor, a, { ...xor, seed: 9, optimizer: { ...xor.optimizer, type: 'sgd' } })).toEqual([
      { control: 'opt', path: 'optimizer.type', expected: 'adam', got: 'sgd' },
      { control: 'seed', path: 'seed', expected: 1, got: 9 },
    ]);
    expect(fixedSettingChanges(xor, { lock: ['data'], hide: [] }, { ...xor, data: { ...xor.data, count: 50 } })[0]).toMatchObject({ control: 'data', path: 'data' });
    expect(sameAssignment({ ...ASSIGNMENT, hide: ['seed', 'init'] }, ASSIGNMENT, xor)).toBe(true);
    expect(sameAssignment(ASSIGNMENT, { ...ASSIGNMENT, max_epochs: 3 }, xor)).toBe(false);
  });
});

describe('settings against the budgets, before training', () => {
  it('names each budget the settings break, and none when they fit', () => {
    const run = { stepsPerEpoch: 938, params: 101770 };
    expect(settingsOverBudget(ASSIGNMENT, { epochs: 3, ...run })).toEqual([
      { budget: 'max_epochs', limit: 2, planned: 3 },
      { budget: 'max_steps', limit: 1500, planned: 2814 },
    ]);
    expect(settingsOverBudget(ASSIGNMENT, { epochs: 1, ...run })).toEqual([]);
    expect(settingsOverBudget(ASSIGNMENT, { epochs: 1, stepsPerEpoch: 938, params: 120001 })).toEqual([{ budget: 'max_params', limit: 120000, planned: 120001 }]);
    expect(settingsOverBudget(null, { epochs: 9, ...run })).toEqual([]);
  });
});
