// <nn-metric-chart> in Chromium: draws, streams without rebuilding, reference line, runs, events.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { frames, imageOf, inBrowser, loadViz, mount, syntheticRun } from './helpers.js';

describe.skipIf(!inBrowser)('<nn-metric-chart>', () => {
  let mounted;
  beforeAll(loadViz);
  afterEach(() => mounted?.remove());

  it('draws every train and test point and summarises the latest loss', async () => {
    mounted = await mount('nn-metric-chart', { runs: [syntheticRun('a', 300, 50)] });
    const { el } = mounted;
    expect(el.drawn).toBe(true);
    expect(el.pointCount).toBe(300 + 6);
    expect(el.getAttribute('data-points')).toBe('306');
    expect(el.shadowRoot.querySelector('canvas')).not.toBeNull();
    expect(imageOf(el).getAttribute('aria-label')).toMatch(/^Loss: train 0\.1\d* at step 300, test 0\.1\d* at step 300/);
  });

  it('draws a long run from a summary of its rows, with every point counted and the extremes drawn', async () => {
    const run = syntheticRun('long', 60_000, 1000);
    run.train.loss[12_345] = 9; // a spike, which must stay on the plot
    mounted = await mount('nn-metric-chart', { runs: [run] });
    const { el } = mounted;
    const width = el.plot.width;
    expect(el.pointCount).toBe(60_000 + 60);
    const [x, train, test] = el.plot.data;
    expect(x.length).toBeLessThanOrEqual(4 * width + 60 + 2);
    expect(x.length).toBeGreaterThan(width);
    expect([x[0], x.at(-1)]).toEqual([1, 60_000]);
    expect(Math.max(...train.filter((v) => v !== null))).toBe(9);
    expect(Math.min(...train.filter((v) => v !== null))).toBe(Math.min(...run.train.loss));
    expect(test.filter((v) => v !== null)).toHaveLength(60);
    // A short run is drawn row for row.
    el.runs = [syntheticRun('short', 300, 50)];
    await el.updateComplete;
    await frames(2);
    expect(el.plot.data[0]).toHaveLength(300);
  });

  it('streams: appending in place and refreshing redraws once a frame and never rebuilds', async () => {
    const live = syntheticRun('live', 10, 5);
    mounted = await mount('nn-metric-chart', { runs: [live] });
    const { el } = mounted;
    const builds = el.buildCount;
    const draws = el.drawCount;
    for (let s = 11; s <= 200; s++) {
      live.train.steps.push(s);
      live.train.loss.push(1 / s);
      live.train.accuracy.push(0.9);
      el.refresh();
    }
    await frames(2);
    expect(el.drawCount - draws).toBe(1);
    expect(el.buildCount).toBe(builds);
    expect(el.pointCount).toBe(200 + 2);
    // A new runs array with the same runs is a data change, not a rebuild either.
    el.runs = [...el.runs];
    await el.updateComplete;
    await frames(2);
    expect(el.buildCount).toBe(builds);
  });

  it('draws the ln C reference for cross-entropy and shows the measured first loss', async () => {
    mounted = await mount('nn-metric-chart', { runs: [syntheticRun('a')], classes: 10 });
    const { el } = mounted;
    expect(el.referenceLoss).toBeCloseTo(Math.log(10), 12);
    expect(el.firstLoss).toBeCloseTo(0.1 + 2.2 * Math.exp(-1 / 80), 6);
    const note = el.shadowRoot.querySelector('[part="reference"]').textContent.replace(/\s+/g, ' ');
    expect(note).toContain('expected at init: ln 10 = 2.30');
    expect(note).toContain('measured at step 1: 2.27');
    el.lossKind = 'mse';
    await el.updateComplete;
    expect(el.referenceLoss).toBeNull();
    expect(el.shadowRoot.querySelector('[part="reference"]')).toBeNull();
  });

  it('labels every tick of the loss axis differently at step 0 (one loss next to ln 10)', async () => {
    const run = { id: 'a', label: 'a', train: { steps: [0], loss: [2.3079], accuracy: [0.1] } };
    mounted = await mount('nn-metric-chart', { runs: [run], classes: 10 });
    const { el } = mounted;
    await frames(2);
    const y = el.plot.axes[1];
    const labels = y._values.filter((v) => v !== null);
    expect(labels.length).toBeGreaterThan(1);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('suggests the log scale when a lone spike flattens the other curves, and not once it is on', async () => {
    const steps = Array.from({ length: 200 }, (_, i) => i + 1);
    const loss = steps.map((s) => 0.5 + 1 / s);
    loss[120] = 900; // one step that blew up
    mounted = await mount('nn-metric-chart', { runs: [{ id: 'a', label: 'a', train: { steps, loss, accuracy: steps.map(() => 0.5) } }], classes: 10 });
    const { el } = mounted;
    await frames(2);
    await el.updateComplete;
    expect(el.shadowRoot.querySelector('[part="spike-hint"]').textContent).toBe('a spike flattens the other points: try the log scale');
    el.log = true;
    await frames(2);
    await el.updateComplete;
    expect(el.shadowRoot.querySelector('[part="spike-hint"]')).toBeNull();
    // A smooth curve gets no hint.
    el.log = false;
    el.runs = [{ id: 'b', label: 'b', train: { steps, loss: steps.map((s) => 0.5 + 1 / s), accuracy: steps.map(() => 0.5) } }];
    await frames(2);
    await el.updateComplete;
    expect(el.shadowRoot.querySelector('[part="spike-hint"]')).toBeNull();
  });

  it('overlays runs grouped in the legend, and hides a series on a legend click', async () => {
    mounted = await mount('nn-metric-chart', { runs: [syntheticRun('sgd', 100, 20, 'SGD'), syntheticRun('adam', 150, 50, 'Adam')] });
    const { el } = mounted;
    const groups = [...el.shadowRoot.querySelectorAll('.legend-group')].map((g) => g.textContent.replace(/\s+/g, ' ').trim());
    expect(groups).toEqual(['SGD train test', 'Adam train test']);
    expect(el.pointCount).toBe(100 + 5 + 150 + 3);
    const button = el.shadowRoot.querySelectorAll('.legend button')[2]; // Adam train
    button.click();
    await el.updateComplete;
    expect(button.getAttribute('aria-pressed')).toBe('false');
    expect(el.plot.series[3].show).toBe(false);
  });

  it('log scale and smoothing rebuild the chart; setting them from code emits nothing', async () => {
    mounted = await mount('nn-metric-chart', { runs: [syntheticRun('a')] });
    const { el, events } = mounted;
    const builds = el.buildCount;
    el.log = true;
    el.smoothing = 0.8;
    await el.updateComplete;
    await frames(2);
    expect(el.buildCount).toBe(builds + 1);
    expect(el.plot.scales.y.distr).toBe(3);
    // Raw train faint behind the smoothed one: one more series.
    expect(el.plot.series).toHaveLength(1 + 3);
    el.runs = [syntheticRun('b')];
    el.labels = { loss: '损失', train: '训练', test: '测试' };
    await el.updateComplete;
    await frames(2);
    expect(events).toEqual([]);
    expect(el.shadowRoot.querySelector('.title').textContent).toBe('损失');
  });

  it('emits log-change and smoothing-change on user input only', async () => {
    mounted = await mount('nn-metric-chart', { runs: [syntheticRun('a')] });
    const { el, events } = mounted;
    const box = el.shadowRoot.querySelector('input[type="checkbox"]');
    box.click();
    const slider = el.shadowRoot.querySelector('input[type="range"]');
    slider.value = '0.5';
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    expect(events.map((e) => [e.type, e.detail])).toEqual([
      ['log-change', { log: true }],
      ['smoothing-change', { smoothing: 0.5 }],
    ]);
    expect(el.log).toBe(true);
    expect(el.smoothing).toBe(0.5);
  });

  it('draws nothing and says so without data', async () => {
    mounted = await mount('nn-metric-chart', {});
    const { el } = mounted;
    expect(el.pointCount).toBe(0);
    expect(el.drawn).toBe(false);
    expect(imageOf(el).getAttribute('aria-label')).toBe('Loss: no data yet');
  });

  it('draws accuracy as a percentage', async () => {
    mounted = await mount('nn-metric-chart', { metric: 'accuracy', runs: [syntheticRun('a', 100, 50)] });
    expect(imageOf(mounted.el).getAttribute('aria-label')).toBe('Accuracy: train 70.8 % at step 100, test 67.9 % at step 100');
  });
});
