// The teaching elements in Chromium: the run list, the goal panel, the assignment editor, and the
// settings panel and layer editor under a homework's locks. Each is mounted and read through its
// shadow DOM; user actions emit typed events, values set from code emit nothing; text from a link
// is never markup.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inBrowser, mount } from './viz/helpers.js';

const sr = (el) => el.shadowRoot;
const eventsOf = (events, type) => events.filter((e) => e.type === type);

const MLP = {
  version: 1, data: { set: 'mnist', train_samples: 60000, test_samples: 10000 },
  layers: [{ type: 'flatten' }, { type: 'dense', units: 128, bias: true }, { type: 'relu' }, { type: 'dense', units: 10, bias: true }],
  loss: { type: 'cross_entropy', label_smoothing: 0, reduction: 'mean' },
  optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, maximize: false },
  init: { type: 'torch_default' }, batch_size: 64, epochs: 1, shuffle: true, seed: 1,
};

function record(id, number, patch = {}) {
  const steps = Float64Array.from({ length: 50 }, (_, i) => i + 1);
  return {
    id, number, name: '', created: number, link: `v=1&seed=${number}`, experiment: MLP, status: 'done', weightsLoaded: false,
    train: { steps, loss: Float32Array.from(steps, (s) => 2 / s), accuracy: Float32Array.from(steps, (s) => s / 50) },
    test: { steps: [50], loss: [0.5], accuracy: [0.9] }, downsampled: false,
    final: { steps: 50, train_loss: 0.1, train_accuracy: 0.95, test_loss: 0.5, test_accuracy: 0.9, test_count: 1000 },
    ...patch,
  };
}

describe.skipIf(!inBrowser)('teaching elements', () => {
  let mounted;
  beforeAll(async () => {
    const { setLanguage } = await import('../../../web/src/i18n/index.js');
    setLanguage('en');
    await import('../../../web/src/components/nn-run-list.js');
    await import('../../../web/src/components/nn-goal-panel.js');
    await import('../../../web/src/components/nn-assignment-editor.js');
    await import('../../../web/src/components/nn-settings-panel.js');
    await import('../../../web/src/components/nn-layer-editor.js');
    await import('../../../web/src/components/nn-lesson-panel.js');
  });
  afterEach(() => mounted?.remove());

  describe('<nn-run-list>', () => {
    const runs = [
      record('b', 2, { experiment: { ...MLP, optimizer: { ...MLP.optimizer, lr: 0.5 } } }),
      record('a', 1, { name: '<b>mine</b>' }),
    ];

    it('lists runs, picks them on a tick, and compares two with the differing setting marked', async () => {
      mounted = await mount('nn-run-list', { runs, currentId: 'b', selected: ['b'], persistent: true }, 800);
      const { el, events } = mounted;
      const rows = sr(el).querySelectorAll('table.list tbody tr');
      expect(rows.length).toBe(2);
      expect(rows[1].querySelector('.name').textContent).toBe('<b>mine</b>'); // a name is text
      expect(rows[0].querySelector('.name').textContent).toBe('Run 2');
      expect(rows[0].querySelector('.delete-button').disabled).toBe(true); // the live run stays
      expect(sr(el).querySelector('table.compare')).toBeNull();
      const box = rows[1].querySelector('input[type="checkbox"]');
      expect(box.getAttribute('aria-label')).toBe('Compare <b>mine</b>');
      box.click();
      expect(eventsOf(events, 'runs-select').map((e) => e.detail.selected)).toEqual([['b', 'a']]);
      await el.updateComplete;
      const differs = sr(el).querySelectorAll('table.compare tr.differs');
      expect([...differs].map((r) => r.dataset.key)).toEqual(['lr']);
      expect([...differs[0].querySelectorAll('td')].map((td) => td.textContent)).toEqual(['0.5', '0.1']);
      // From code: shown, not reported.
      el.selected = [];
      await el.updateComplete;
      expect(eventsOf(events, 'runs-select')).toHaveLength(1);
      expect(sr(el).querySelector('table.compare')).toBeNull();
    });

    it('renames with Enter, cancels with Escape, and deletes', async () => {
      mounted = await mount('nn-run-list', { runs, currentId: 'b', selected: [] }, 800);
      const { el, events } = mounted;
      const row = () => sr(el).querySelector('tr[data-run="a"]');
      row().querySelector('.rename-button').click();
      await el.updateComplete;
      let input = sr(el).querySelector('input.rename');
      expect(sr(el).activeElement).toBe(input);
      input.value = 'first try';
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
      expect(eventsOf(events, 'run-rename').map((e) => e.detail)).toEqual([{ id: 'a', name: 'first try' }]);
      await el.updateComplete;
      row().querySelector('.rename-button').click();
      await el.updateComplete;
      input = sr(el).querySelector('input.rename');
      input.value = 'never mind';
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
      expect(eventsOf(events, 'run-rename')).toHaveLength(1);
      await el.updateComplete;
      row().querySelector('.delete-button').click();
      expect(eventsOf(events, 'run-delete').map((e) => e.detail)).toEqual([{ id: 'a' }]);
      // Nothing picked: the export buttons are off; the limit is stated.
      expect([...sr(el).querySelectorAll('button[data-export]')].every((b) => b.disabled)).toBe(true);
      expect(sr(el).querySelector('.note').textContent).toContain('the last 50');
      expect(sr(el).querySelector('.note').textContent).toContain('refuses storage');
    });
  });

  describe('<nn-goal-panel>', () => {
    const assignment = {
      metric: 'test_accuracy', target: 0.97, max_epochs: 2, max_params: 100000, lock: ['opt'], hide: ['seed'],
      text: { en: '<img src=x onerror=alert(1)> Reach 97 %', zh: '达到 97 %' },
    };

    it('shows the goal text as text, the budgets, progress, and emits Submit on a click', async () => {
      const status = { metric: 'test_accuracy', target: 0.97, value: 0.95, reached: false, withinBudget: false, met: false,
        budgets: [{ budget: 'max_epochs', limit: 2, used: 1, ok: true }, { budget: 'max_params', limit: 100000, used: 101770, ok: false }] };
      mounted = await mount('nn-goal-panel', {
        assignment, status, measured: { count: 1000, full: false }, run: { steps: 938, stepsPerEpoch: 938, params: 101770 }, blocked: '',
      });
      const { el, events } = mounted;
      expect(sr(el).querySelector('[data-goal-text]').textContent).toBe('<img src=x onerror=alert(1)> Reach 97 %');
      expect(sr(el).querySelector('img')).toBeNull();
      expect(sr(el).querySelector('[data-goal="max_epochs"]').textContent).toBe('within 2 epochs (1,876 steps)');
      expect(sr(el).querySelector('[data-goal="max_params"]').className).toBe('bad');
      expect(sr(el).querySelector('[data-goal-state]').dataset.goalState).toBe('over');
      expect(sr(el).querySelector('progress').value).toBeCloseTo(0.95 / 0.97, 6);
      expect(sr(el).querySelector('[data-fixed]').textContent).toMatch(/Fixed by the assignment: optimizer\.\s*Hidden by the assignment: seed\./);
      sr(el).querySelector('#submit').click();
      expect(eventsOf(events, 'goal-submit')).toHaveLength(1);
      el.blocked = 'Train first';
      el.resultLink = 'http://x/#v=1&claim_steps=1';
      await el.updateComplete;
      expect(sr(el).querySelector('#submit').disabled).toBe(true);
      expect(sr(el).querySelector('#submit-why').textContent).toBe('Train first');
      expect(sr(el).querySelector('#result-link').value).toBe('http://x/#v=1&claim_steps=1');
      expect(eventsOf(events, 'goal-submit')).toHaveLength(1);
    });

    it('warns before training when the settings train more epochs than the budget', async () => {
      const { settingsOverBudget } = await import('../../../web/src/experiment/homework.js');
      const budget = { metric: 'test_accuracy', target: 0.97, max_epochs: 2, lock: [], hide: [], text: {} };
      const run = { steps: 0, stepsPerEpoch: 938, params: 101770 };
      mounted = await mount('nn-goal-panel', {
        assignment: budget, status: null, measured: null, run, blocked: '',
        over: settingsOverBudget(budget, { epochs: 3, ...run }),
      });
      const { el } = mounted;
      const warning = sr(el).querySelector('[data-over-budget]');
      expect(warning.getAttribute('role')).toBe('alert');
      expect(warning.textContent.trim()).toBe('Your settings train 3 epochs; the budget is 2. Training stops at the budget: set epochs to 2 or fewer.');
      el.over = settingsOverBudget(budget, { epochs: 2, ...run });
      await el.updateComplete;
      expect(sr(el).querySelector('[data-over-budget]')).toBeNull();
    });

    it('shows a claim, its digest check and the replay\'s verdict', async () => {
      mounted = await mount('nn-goal-panel', {
        assignment: null, claim: { steps: 30, test_accuracy: 0.49, test_loss: 0.671, digest: '0'.repeat(16) }, claimDigestOk: false,
        replay: { steps: 30, test_accuracy: 0.49, test_loss: 0.671, matches: true },
      });
      const { el, events } = mounted;
      expect(sr(el).querySelector('[data-claim]').textContent).toBe('Claims: after 30 steps, test accuracy 49.00 %, test loss 0.6710.');
      expect(sr(el).querySelector('[data-digest]').dataset.digest).toBe('bad');
      expect(sr(el).querySelector('[data-replay]').dataset.replay).toBe('match');
      expect(sr(el).querySelector('#submit')).toBeNull();
      sr(el).querySelector('#replay').click();
      expect(eventsOf(events, 'result-replay')).toHaveLength(1);
    });

    it('shows a result link\'s claim and its replay only, with no progress nor Submit, before or after the replay', async () => {
      const claim = { steps: 938, test_accuracy: 0.9712, test_loss: 0.0951, digest: '0'.repeat(16) };
      const pending = { metric: 'test_accuracy', target: 0.97, value: 0.1, reached: false, withinBudget: true, met: false, budgets: [] };
      mounted = await mount('nn-goal-panel', {
        assignment, status: pending, measured: { count: 1000, full: false }, run: { steps: 0, stepsPerEpoch: 938, params: 101770 }, blocked: '', claim, claimDigestOk: true,
      });
      const { el } = mounted;
      const text = () => sr(el).textContent;
      expect(sr(el).querySelector('[data-claim]')).not.toBeNull();
      expect(sr(el).querySelector('[data-goal-state]')).toBeNull();
      expect(sr(el).querySelector('progress')).toBeNull();
      expect(text()).not.toMatch(/Not reached yet/);
      // The replay reached the claim: the page's run now meets the goal, and still nothing says Submit.
      el.status = { ...pending, value: 0.9712, reached: true, met: true };
      el.replay = { steps: 938, test_accuracy: 0.9712, test_loss: 0.0951, matches: true };
      await el.updateComplete;
      expect(sr(el).querySelector('[data-replay]').dataset.replay).toBe('match');
      expect(text()).not.toMatch(/Submit/);
      expect(sr(el).querySelector('#submit')).toBeNull();
    });
  });

  describe('<nn-assignment-editor>', () => {
    it('reports each edit as a whole assignment, and nothing for values set from code', async () => {
      mounted = await mount('nn-assignment-editor', { controls: ['layers', 'opt', 'lr', 'seed'], link: 'http://x/#v=1' });
      const { el, events } = mounted;
      const last = () => eventsOf(events, 'assignment-change').at(-1).detail.assignment;
      const select = (id, value) => {
        const s = sr(el).querySelector(id);
        s.value = value;
        s.dispatchEvent(new Event('change'));
      };
      select('#control-lr', 'lock');
      expect(last()).toMatchObject({ lock: ['lr'], hide: [] });
      await el.updateComplete;
      select('#control-lr', 'hide');
      expect(last()).toMatchObject({ lock: [], hide: ['lr'] });
      await el.updateComplete;
      select('#goal-metric', 'test_loss');
      expect(last()).toMatchObject({ metric: 'test_loss', target: 0.1 });
      await el.updateComplete;
      const text = sr(el).querySelector('#goal-en');
      text.value = 'Get the loss under 0.1';
      text.dispatchEvent(new Event('input'));
      expect(last().text).toEqual({ en: 'Get the loss under 0.1' });
      expect(text.maxLength).toBe(240);
      await el.updateComplete;
      expect(sr(el).querySelector('#goal-en-count').textContent).toBe('22 / 240 characters');
      expect(sr(el).querySelectorAll('select[data-control]').length).toBe(4);
      expect(sr(el).querySelector('label[for="control-opt"]').textContent).toBe('optimizer');
      const count = events.length;
      el.assignment = { lock: ['seed'], hide: [], text: {} };
      await el.updateComplete;
      expect(sr(el).querySelector('#control-seed').value).toBe('lock');
      expect(events.length).toBe(count);
    });
  });

  describe('<nn-assignment-editor> target', () => {
    it('reads 97 and 0.97 as 97 %, refuses 0 and 250, and warns of a goal met by chance', async () => {
      mounted = await mount('nn-assignment-editor', { controls: ['lr'], link: 'http://x/#v=1', classes: 10 });
      const { el, events } = mounted;
      const last = () => eventsOf(events, 'assignment-change').at(-1).detail.assignment;
      const metric = sr(el).querySelector('#goal-metric');
      metric.value = 'test_accuracy';
      metric.dispatchEvent(new Event('change'));
      await el.updateComplete;
      const field = () => sr(el).querySelector('nn-num-field[data-field="target"]');
      const type = async (text) => {
        const input = field().shadowRoot.querySelector('input');
        input.value = text;
        input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
        await el.updateComplete;
      };
      await type('97');
      expect(last().target).toBeCloseTo(0.97, 12);
      expect(sr(el).querySelector('#target-read')).toBeNull();
      await type('0.97');
      expect(last().target).toBe(0.97); // the link's notation, not 0.0097
      expect(sr(el).querySelector('#target-read').textContent).toBe('0.97 is read as 97 %.');
      expect(sr(el).querySelector('#target-chance')).toBeNull();
      const count = eventsOf(events, 'assignment-change').length;
      await type('250');
      expect(eventsOf(events, 'assignment-change').length).toBe(count);
      expect(field().error).toBe('A target is more than 0 and at most 100 %.');
      await type('8');
      expect(last().target).toBe(0.08);
      expect(sr(el).querySelector('#target-chance').textContent).toMatch(/^Guessing among 10 classes scores 10 %/);
      // A loss an untrained network already has (ln 10 is about 2.303).
      metric.value = 'test_loss';
      metric.dispatchEvent(new Event('change'));
      await el.updateComplete;
      expect(sr(el).querySelector('#target-chance')).toBeNull();
      await type('2.5');
      expect(sr(el).querySelector('#target-chance').textContent).toMatch(/loss of 2\.303/);
    });
  });

  describe('<nn-lesson-panel>', () => {
    it('shows each run\'s training time where the lesson asks to compare how long runs take', async () => {
      const { lessonOf } = await import('../../../web/src/experiment/lessons.js');
      const lesson = lessonOf('architecture');
      const results = lesson.experiments.map((e, i) => ({ id: e.id, label: e.label.en, color: '#000', steps: 200, firstLoss: 2.3, testLoss: 0.5, testAccuracy: 0.8, multiplyAdds: 1000 * (i + 1), seconds: 1.25 * (i + 1) }));
      mounted = await mount('nn-lesson-panel', { lesson: 'architecture', results }, 900);
      const table = sr(mounted.el).querySelector('table[part="results"]');
      const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
      const col = heads.indexOf('Training time');
      expect(col).toBeGreaterThan(0);
      const cells = [...table.querySelectorAll('tbody tr')].map((tr) => tr.children[col].textContent.trim());
      expect(cells).toEqual(['1.3 s', '2.5 s', '3.8 s']);
    });

    it('names the layer a column reads, as the layer rows number it, and puts the evidence beside the text', async () => {
      const { lessonOf } = await import('../../../web/src/experiment/lessons.js');
      const { setLanguage } = await import('../../../web/src/i18n/index.js');
      const lesson = lessonOf('dying-relu');
      // ReLU (or leaky ReLU) at layers 3 and 5: one column each, without the kind, which differs between the runs.
      const results = lesson.experiments.map((e, i) => ({ id: e.id, label: e.label.en, color: '#000', steps: 300, firstLoss: 2.3, testLoss: 0.5,
        testAccuracy: 0.8, deadFraction: 0.5, deadLayer: 3, deadPerLayer: [0.5 - 0.25 * i, 0.125 * i], deadLayers: [3, 5] }));
      mounted = await mount('nn-lesson-panel', { lesson: 'dying-relu', results }, 900);
      const read = () => {
        const table = sr(mounted.el).querySelector('table[part="results"]');
        const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
        return { heads, rows: [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.children].slice(-2).map((td) => td.textContent.trim())) };
      };
      expect(read().heads.slice(-2)).toEqual(['Dead units (layer 3)', 'Dead units (layer 5)']);
      expect(read().rows).toEqual([['50.0 %', '0.0 %'], ['25.0 %', '12.5 %'], ['0.0 %', '25.0 %']]);
      // Beside the lesson text (the panel is 900 px wide), the evidence of the lesson's "look at".
      const text = sr(mounted.el).querySelector('.text').getBoundingClientRect();
      const evidence = sr(mounted.el).querySelector('nn-lesson-evidence').getBoundingClientRect();
      expect(evidence.left).toBeGreaterThanOrEqual(text.right);
      expect(evidence.top).toBeLessThan(text.bottom);
      // The same ReLU at a layer in every run names its kind; a ratio names its two layers.
      mounted.remove();
      const deep = lessonOf('vanishing-gradients');
      mounted = await mount('nn-lesson-panel', { lesson: 'vanishing-gradients', results: deep.experiments.map((e) => ({ id: e.id, label: e.label.en, gradRatio: 0.5, gradLayers: [2, 14] })) }, 900);
      expect(read().heads.at(-1)).toBe('Gradient norm, first / last layer (layer 2 / layer 14)');
      await setLanguage('zh');
      await mounted.el.updateComplete;
      expect(read().heads.at(-1)).toBe('梯度范数：第一层 / 最后一层（第 2 层 / 第 14 层）');
      await setLanguage('en');
      mounted.remove();
      mounted = await mount('nn-lesson-panel', { lesson: 'zero-and-same-sign-init', results: [] }, 900);
      mounted.el.results = lessonOf('zero-and-same-sign-init').experiments.map((e) => ({ id: e.id, label: e.label.en, deadLayers: [3, 5], deadPerLayer: [1, 1] }));
      await mounted.el.updateComplete;
      expect(read().heads.slice(-2)).toEqual(['Dead units (layer 3 · ReLU)', 'Dead units (layer 5 · ReLU)']);
    });
  });

  describe('under a homework\'s locks', () => {
    it('the settings panel disables locked fields and leaves hidden ones out', async () => {
      mounted = await mount('nn-settings-panel', { experiment: MLP, locked: ['opt', 'lr'], hidden: ['seed', 'init', 'loss'] });
      const { el } = mounted;
      expect(sr(el).querySelector('#opt-type').disabled).toBe(true);
      expect(sr(el).querySelector('nn-num-field[data-field="optimizer.lr"]').disabled).toBe(true);
      expect(sr(el).querySelector('nn-num-field[data-field="optimizer.momentum"]').disabled).toBe(false);
      expect(sr(el).querySelector('nn-num-field[data-field="seed"]')).toBeNull();
      expect(sr(el).querySelector('nn-init-editor')).toBeNull();
      expect(sr(el).querySelector('#loss-type')).toBeNull();
      expect([...sr(el).querySelectorAll('legend')].map((l) => l.textContent)).not.toContain('Loss');
    });

    it('the layer editor shows its rows but takes no edit', async () => {
      mounted = await mount('nn-layer-editor', { layers: MLP.layers, disabled: true }, 520);
      const { el } = mounted;
      const rows = sr(el).querySelectorAll('nn-layer-row');
      expect(rows.length).toBe(4);
      for (const row of rows) {
        await row.updateComplete;
        expect(sr(row).querySelector('select#kind').disabled).toBe(true);
        expect([...sr(row).querySelectorAll('button')].every((b) => b.disabled)).toBe(true);
      }
      expect(sr(el).querySelector('.add')).toBeNull();
      expect(sr(el).querySelector('[data-locked]').textContent).toBe('The assignment fixes the layers.');
    });
  });
});
