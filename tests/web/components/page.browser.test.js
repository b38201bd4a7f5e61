// The page's own elements in Chromium: the number field, the layer editor and its rows, the
// settings panel, the init picker and the run controls. Each is mounted, awaited, read through
// its shadow DOM; user actions emit typed events, values set from code emit nothing.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inBrowser, mount } from './viz/helpers.js';
import { validateExperiment } from '../../../web/src/experiment/validate.js';

const sr = (el) => el.shadowRoot;
const typeInto = async (input, text) => {
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
};
const eventsOf = (events, type) => events.filter((e) => e.type === type);
const MLP = [
  { type: 'flatten' }, { type: 'dense', units: 128, bias: true }, { type: 'relu' }, { type: 'dense', units: 10, bias: true },
];
const DESCRIPTION = {
  ok: true, inputShape: [1, 28, 28], classes: 10, params: 101770, bytes: 4804200, error: null,
  layers: [
    { index: 0, type: 'flatten', outShape: [784, 1, 1], params: 0 },
    { index: 1, type: 'dense', outShape: [128, 1, 1], params: 100480 },
    { index: 2, type: 'relu', outShape: [128, 1, 1], params: 0 },
    { index: 3, type: 'dense', outShape: [10, 1, 1], params: 1290 },
  ],
};

describe.skipIf(!inBrowser)('page elements', () => {
  let mounted;
  beforeAll(async () => {
    const { setLanguage } = await import('../../../web/src/i18n/index.js');
    setLanguage('en');
    await import('../../../web/src/components/nn-layer-editor.js');
    await import('../../../web/src/components/nn-settings-panel.js');
    await import('../../../web/src/components/nn-run-controls.js');
  });
  afterEach(() => mounted?.remove());

  describe('in Chinese', () => {
    it('names a lesson\'s preset in Chinese, and a normal init 正态', async () => {
      const { setLanguage, t } = await import('../../../web/src/i18n/index.js');
      const { presetName } = await import('../../../web/src/components/nn-app-header.js');
      const { PRESETS } = await import('../../../web/src/experiment/presets.js');
      const { LESSONS } = await import('../../../web/src/experiment/lessons.js');
      const labels = new Map(LESSONS.flatMap((l) => l.experiments.map((e) => [e.id, e.label.zh])));
      await setLanguage('zh');
      try {
        for (const preset of PRESETS) {
          const own = t(`preset.${preset.id}`);
          if (own !== `preset.${preset.id}`) expect(presetName(preset), preset.id).toBe(own);
          else if (labels.has(preset.id)) expect(presetName(preset), preset.id).toBe(labels.get(preset.id));
          else expect(presetName(preset), preset.id).toMatch(/[\u4e00-\u9fff]/);
        }
        expect(presetName(PRESETS.find((p) => p.id === 'init-xavier-normal'))).not.toBe(PRESETS.find((p) => p.id === 'init-xavier-normal').experiment.name);
        for (const key of ['init.normal', 'init.xavier_normal', 'init.kaiming_normal']) {
          expect(t(key)).toContain('正态');
          expect(t(key)).not.toContain('标准');
        }
      } finally {
        await setLanguage('en');
      }
    });
  });

  describe('<nn-num-field>', () => {
    it('reports what the user types as a number, NaN for text, and keeps the text', async () => {
      mounted = await mount('nn-num-field', { label: 'lr', value: 0.1 });
      const { el, events } = mounted;
      const input = sr(el).querySelector('input');
      expect(sr(el).querySelector('label').textContent).toBe('lr');
      expect(input.value).toBe('0.1');
      await typeInto(input, '1e-');
      await el.updateComplete;
      expect(Number.isNaN(eventsOf(events, 'value-change').at(-1).detail.value)).toBe(true);
      expect(input.value).toBe('1e-');
      await typeInto(input, '1e-3');
      expect(eventsOf(events, 'value-change').at(-1).detail.value).toBe(0.001);
      el.value = 5; // from code: shown, not reported
      await el.updateComplete;
      expect(input.value).toBe('5');
      expect(eventsOf(events, 'value-change')).toHaveLength(2);
    });
  });

  describe('<nn-layer-editor>', () => {
    it('shows every layer with the core\'s output shape and parameters, and the total', async () => {
      mounted = await mount('nn-layer-editor', { layers: MLP, description: DESCRIPTION, batchSize: 64 }, 520);
      const { el } = mounted;
      const rows = [...sr(el).querySelectorAll('nn-layer-row')];
      expect(rows).toHaveLength(4);
      await Promise.all(rows.map((r) => r.updateComplete));
      expect(sr(rows[0]).querySelector('.shape').textContent).toBe('→ 784');
      expect(sr(rows[1]).querySelector('.params').textContent).toBe('100,480 params');
      expect(sr(el).querySelector('.total').textContent).toContain('101,770 parameters · 4.6 MB');
      expect(sr(el).querySelector('.input').textContent).toBe('Input: 1×28×28');
    });

    it('marks the layer the core refuses, with its reason, and the layers after it as not checked', async () => {
      const description = {
        ...DESCRIPTION, ok: false, bytes: 0,
        error: { layer: 1, message: 'kernel 40 is larger than its padded input 28x28' },
        layers: [DESCRIPTION.layers[0], { index: 1, type: 'conv2d', outShape: null, params: 0, error: 'kernel 40 is larger than its padded input 28x28' }],
      };
      mounted = await mount('nn-layer-editor', { layers: MLP, description }, 520);
      const { el } = mounted;
      const rows = [...sr(el).querySelectorAll('nn-layer-row')];
      await Promise.all(rows.map((r) => r.updateComplete));
      expect(sr(rows[1]).querySelector('.message[role="alert"]').textContent).toBe('kernel 40 is larger than its padded input 28x28');
      expect(sr(rows[1]).querySelector('.row').classList.contains('bad')).toBe(true);
      expect(sr(rows[2]).querySelector('.unchecked')).not.toBeNull();
      expect(sr(el).querySelector('.total').textContent).toContain('Layer 2 cannot be built:');
    });

    it('edits, adds, removes and moves layers (buttons and Alt+Arrow), one event each', async () => {
      mounted = await mount('nn-layer-editor', { layers: MLP, description: DESCRIPTION }, 520);
      const { el, events } = mounted;
      let rows = [...sr(el).querySelectorAll('nn-layer-row')];
      await rows[1].updateComplete;
      // Edit units.
      await typeInto(sr(sr(rows[1]).querySelector('nn-num-field')).querySelector('input'), '64');
      let last = eventsOf(events, 'layers-change').at(-1).detail;
      expect(last.action).toBe('edit');
      expect(last.layers[1]).toEqual({ type: 'dense', units: 64, bias: true });
      // Add a dropout: it goes in after the row just edited.
      const select = sr(el).querySelector('#add-type');
      select.value = 'dropout';
      select.dispatchEvent(new Event('change'));
      sr(el).querySelector('.add button').click();
      last = eventsOf(events, 'layers-change').at(-1).detail;
      expect(last.action).toBe('add');
      expect(last.layers[2]).toEqual({ type: 'dropout', p: 0.5 });
      expect(last.layers.map((l) => l.type)).toEqual(['flatten', 'dense', 'dropout', 'relu', 'dense']);
      await el.updateComplete;
      // Alt+Up on the new row moves it up.
      rows = [...sr(el).querySelectorAll('nn-layer-row')];
      await rows[2].updateComplete;
      sr(rows[2]).querySelector('.row').dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowUp', altKey: true, bubbles: true }));
      last = eventsOf(events, 'layers-change').at(-1).detail;
      expect(last.action).toBe('move');
      expect(last.layers.map((l) => l.type)).toEqual(['flatten', 'dropout', 'dense', 'relu', 'dense']);
      await el.updateComplete;
      // Remove the first.
      rows = [...sr(el).querySelectorAll('nn-layer-row')];
      await rows[0].updateComplete;
      sr(rows[0]).querySelector('button[aria-label="Remove layer 1"]').click();
      last = eventsOf(events, 'layers-change').at(-1).detail;
      expect(last.action).toBe('remove');
      expect(last.layers.map((l) => l.type)).toEqual(['dropout', 'dense', 'relu', 'dense']);
      // Layers set from code: no event.
      const before = eventsOf(events, 'layers-change').length;
      el.layers = MLP;
      await el.updateComplete;
      expect(eventsOf(events, 'layers-change')).toHaveLength(before);
    });

    it('adds a layer before the output layer, or after the row last chosen, and says where', async () => {
      mounted = await mount('nn-layer-editor', { layers: MLP, description: DESCRIPTION }, 520);
      const { el, events } = mounted;
      const add = () => sr(el).querySelector('#add-layer');
      const types = () => eventsOf(events, 'layers-change').at(-1).detail.layers.map((l) => l.type);
      expect(sr(el).querySelector('#add-at').textContent).toBe('it goes in as layer 4');
      add().click();
      expect(types()).toEqual(['flatten', 'dense', 'relu', 'dense', 'dense']);
      await el.updateComplete;
      // Tabbing through the rows chooses none; clicking the first row chooses it, and the next layer goes in after it.
      const rows = [...sr(el).querySelectorAll('nn-layer-row')];
      await rows[4].updateComplete;
      sr(rows[4]).querySelector('select').focus();
      await el.updateComplete;
      expect(sr(el).querySelector('#add-at').textContent).toBe('it goes in as layer 5');
      sr(el).querySelectorAll('li')[0].dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
      await el.updateComplete;
      expect(sr(el).querySelector('#add-at').textContent).toBe('it goes in as layer 2');
      add().click();
      expect(types()).toEqual(['flatten', 'dense', 'dense', 'relu', 'dense', 'dense']);
    });

    it('labels every control', async () => {
      mounted = await mount('nn-layer-editor', { layers: [...MLP, { type: 'conv2d', filters: 8, kernel: 3, stride: 1, padding: 1, bias: true }], description: DESCRIPTION }, 520);
      const { el } = mounted;
      const rows = [...sr(el).querySelectorAll('nn-layer-row')];
      await Promise.all(rows.map((r) => r.updateComplete));
      for (const row of rows) {
        for (const control of sr(row).querySelectorAll('select, button')) {
          const labelled = control.getAttribute('aria-label') || control.textContent.trim() || (control.id && sr(row).querySelector(`label[for="${control.id}"]`));
          expect(Boolean(labelled), control.outerHTML).toBe(true);
        }
      }
    });
    it('a leaky ReLU slope: 1.5 and -0.2 taken as torch takes them, 2000 refused at the field in the core\'s words', async () => {
      const experiment = (slope) => ({
        version: 1, data: { set: 'mnist' }, loss: { type: 'cross_entropy' }, optimizer: { type: 'sgd' },
        layers: [{ type: 'flatten' }, { type: 'leaky_relu', negative_slope: slope }, { type: 'dense', units: 10 }],
      });
      for (const [slope, error] of [[1.5, ''], [-0.2, ''], [2000, 'must be a number from -1000 to 1000, got 2000']]) {
        const result = validateExperiment(experiment(slope));
        mounted = await mount('nn-layer-editor', { layers: experiment(slope).layers, errors: result.ok ? [] : result.errors }, 520);
        const row = [...sr(mounted.el).querySelectorAll('nn-layer-row')][1];
        await row.updateComplete;
        const field = sr(row).querySelector('nn-num-field');
        expect(field.value).toBe(slope);
        expect(field.error, `slope ${slope}`).toBe(error);
        mounted.remove();
      }
    });

    it('a layer\'s bias init offers only what a bias can take, and no word about other layers', async () => {
      const layers = [{ type: 'flatten' }, { type: 'dense', units: 10, bias: true, init: { weight: { type: 'zeros' } } }];
      mounted = await mount('nn-layer-editor', { layers }, 520);
      const row = [...sr(mounted.el).querySelectorAll('nn-layer-row')][1];
      await row.updateComplete;
      const [weight, bias] = sr(row).querySelectorAll('nn-init-editor');
      await Promise.all([weight.updateComplete, bias.updateComplete]);
      const options = (editor) => [...sr(editor).querySelectorAll('select')[0].options].map((o) => o.value);
      expect(options(weight)).toContain('xavier_normal');
      expect(options(bias)).toEqual(['', 'torch_default', 'zeros', 'constant', 'uniform', 'normal']);
      expect(sr(weight).querySelector('.explain').textContent).toMatch(/^Every value 0\./);
      expect(sr(weight).querySelector('.biases')).toBeNull();
    });
  });

  describe('<nn-settings-panel>', () => {
    const experiment = {
      version: 1, data: { set: 'mnist', train_samples: 60000, test_samples: 10000 }, layers: MLP,
      loss: { type: 'cross_entropy', label_smoothing: 0, reduction: 'mean', class_weights: null },
      optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, maximize: false },
      init: { type: 'torch_default' }, batch_size: 64, epochs: 1, shuffle: true, seed: 1,
    };

    it('pre-fills torch\'s defaults when the optimizer changes, each with a line from the lesson', async () => {
      mounted = await mount('nn-settings-panel', { experiment }, 520);
      const { el, events } = mounted;
      const select = sr(el).querySelector('#opt-type');
      select.value = 'adam';
      select.dispatchEvent(new Event('change'));
      const { detail } = eventsOf(events, 'experiment-change').at(-1);
      expect(detail.field).toBe('optimizer.type');
      expect(detail.experiment.optimizer).toEqual({ type: 'adam', lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false });
      el.experiment = detail.experiment;
      await el.updateComplete;
      const fields = [...sr(el).querySelectorAll('nn-num-field')];
      const beta1 = fields.find((f) => f.dataset.field === 'optimizer.betas.0');
      expect(beta1.value).toBe(0.9);
      expect(beta1.hint).toMatch(/first-moment/);
    });

    it('shows a schema error at its field', async () => {
      mounted = await mount('nn-settings-panel', { experiment, errors: [{ path: ['optimizer', 'lr'], message: 'must be a number from 0 to 100, got -1' }] }, 520);
      const lr = [...sr(mounted.el).querySelectorAll('nn-num-field')].find((f) => f.dataset.field === 'optimizer.lr');
      expect(lr.error).toBe('must be a number from 0 to 100, got -1');
    });

    it('says what the experiment\'s init does to the biases, for every kind, in both languages', async () => {
      const { setLanguage } = await import('../../../web/src/i18n/index.js');
      const biasLine = async (init) => {
        mounted = await mount('nn-settings-panel', { experiment: { ...experiment, init } }, 520);
        const editor = sr(mounted.el).querySelector('nn-init-editor');
        await editor.updateComplete;
        const text = sr(editor).querySelector('.biases').textContent;
        mounted.remove();
        return text;
      };
      const same = /weights and also the biases of dense and conv layers/;
      const kept = /their biases keep torch\u2019s default U\(±1\/√fan_in\)/;
      expect(await biasLine({ type: 'zeros' })).toMatch(same);
      expect(await biasLine({ type: 'constant', value: 0.37 })).toMatch(same);
      for (const init of [{ type: 'torch_default' }, { type: 'normal', mean: 0, std: 1 }, { type: 'xavier_uniform', gain: 1 }, { type: 'msra_lesson' }]) {
        expect(await biasLine(init), init.type).toMatch(kept);
      }
      await setLanguage('zh');
      try {
        expect(await biasLine({ type: 'zeros' })).toMatch(/权重和偏置都这样初始化/);
        expect(await biasLine({ type: 'normal', mean: 0, std: 1 })).toMatch(/偏置保持 PyTorch 默认/);
      } finally {
        await setLanguage('en');
      }
    });

    it('labels the lesson\'s MSRA apart from torch\'s kaiming', async () => {
      mounted = await mount('nn-settings-panel', { experiment }, 520);
      const editor = sr(mounted.el).querySelector('nn-init-editor');
      await editor.updateComplete;
      const options = [...sr(editor).querySelectorAll('option')].map((o) => o.textContent);
      expect(options).toContain('MSRA as in the lesson: N(0, √(1/fan_in))');
      expect(options).toContain('Kaiming / He normal (torch)');
    });
  });

  describe('<nn-run-controls>', () => {
    it('enables what the state allows and says so in a live region', async () => {
      mounted = await mount('nn-run-controls', { status: 'ready', totalSteps: 938, stepsPerEpoch: 938 }, 600);
      const { el, events } = mounted;
      const buttons = () => [...sr(el).querySelectorAll('button')].map((b) => [b.textContent.trim(), b.disabled]);
      expect(buttons()).toEqual([['Train', false], ['Pause', true], ['Step', false], ['Reset', false]]);
      expect(sr(el).querySelector('[aria-live="polite"]').textContent).toContain('Ready');
      sr(el).querySelector('button.primary').click();
      expect(eventsOf(events, 'run-action').at(-1).detail).toEqual({ action: 'train' });
      el.status = 'training';
      el.step = 300;
      await el.updateComplete;
      expect(buttons()).toEqual([['Train', true], ['Pause', false], ['Step', false], ['Reset', false]]);
      expect(sr(el).querySelector('progress#epoch').value).toBe(300);
      expect(eventsOf(events, 'run-action')).toHaveLength(1);
      // A finished run: Train is not a dead button (it begins the run again), and the status says so.
      el.status = 'done';
      el.step = 938;
      await el.updateComplete;
      expect(buttons()).toEqual([['Train', false], ['Pause', true], ['Step', true], ['Reset', false]]);
      expect(sr(el).querySelector('[aria-live="polite"]').textContent).toMatch(/Press Train to run it again from fresh weights/);
      sr(el).querySelector('button.primary').click();
      expect(eventsOf(events, 'run-action').at(-1).detail).toEqual({ action: 'train' });
    });

    it('marks the numbers of the run before a change as such', async () => {
      mounted = await mount('nn-run-controls', { status: 'invalid', totalSteps: 63, stepsPerEpoch: 63, step: 10, loss: 0.5, stale: true }, 600);
      const { el } = mounted;
      expect(sr(el).querySelector('[data-stale]').textContent).toMatch(/^These numbers are from the run before your change/);
      expect(sr(el).querySelector('dl.readout').classList.contains('is-stale')).toBe(true);
      el.stale = false;
      await el.updateComplete;
      expect(sr(el).querySelector('[data-stale]')).toBeNull();
    });

    it('counts the test set of a 2-D data set in points, not digits', async () => {
      mounted = await mount('nn-run-controls', { status: 'ready', totalSteps: 63, stepsPerEpoch: 63, testCount: 1000, testAccuracy: 0.5, points: true }, 600);
      const readout = () => sr(mounted.el).querySelector('[data-readout="test-accuracy"]').previousElementSibling.textContent;
      expect(readout()).toBe('test accuracy (1,000 points)');
      mounted.el.points = false;
      await mounted.el.updateComplete;
      expect(readout()).toBe('test accuracy (1,000 digits)');
    });
  });
});
