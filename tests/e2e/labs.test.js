// labs.test.js: the labs in the built page. The optimizer lab opens from the header and from a
// link, every claim's preset shows the number the Node measurement gives (the same core, the same
// bits), its verdict supports the slide, the start moves with the keys and the link follows,
// playback works from the keyboard, a broken link says why, embed=lab shows the lab alone, and
// axe finds no violation in English or Chinese. The loss lab opens from the labs' menu with the
// keyboard, shows each claim's numbers as Node measures them (the MNIST one trains in the page),
// and passes axe in both languages; so does the activation lab, whose curve follows the
// activation and parameter chosen with the keyboard.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, waitForStatus, waitForSteps } from './browser.js';
import { useBrowser } from './setup.js';
import { audit } from './axe.js';
import { OPTIM_CLAIMS, runClaim } from '../../web/src/labs/optim-claims.js';
import { LOSS_CLAIMS, runLossClaim } from '../../web/src/labs/loss-claims.js';
import { ACTIVATION_CLAIMS, runActivationClaim } from '../../web/src/labs/activation-claims.js';
import { loadMnist } from '../../web/src/data/datasets.js';
import en from '../../web/src/i18n/en/labs.js';
import zh from '../../web/src/i18n/zh/labs.js';

const LAB_MESSAGES = { en, zh };
import { freshCore, nodeMnistSource } from '../../web/src/node.js';

const env = useBrowser();
let core;
let mnist; // Node's MNIST, for the claims that train (loaded once for the file)
beforeAll(async () => {
  core = await freshCore();
  mnist = await loadMnist(core, nodeMnistSource());
}, 60_000);
afterAll(() => mnist?.dispose());

/** An expression over a lab element (`lab`, by tag) through the shadow roots, evaluated in the page. */
const inLab = (page, tag, expression) => page.evaluate(`(() => {
  const labs = document.querySelector('nn-playground')?.shadowRoot?.querySelector('nn-labs');
  const lab = labs?.shadowRoot?.querySelector('${tag}');
  return ${expression};
})()`);
const lab = (page, expression) => inLab(page, 'nn-optim-lab', expression);

/** A page of the labs (its own browser context) for a describe block: {page, problems} once opened. */
function usePage(hash) {
  const it = {};
  beforeAll(async () => {
    Object.assign(it, await openPage(env.browser, `${env.server.url}${hash}`));
  }, 60_000);
  afterAll(async () => {
    await it.context?.close();
  });
  return it;
}

const fill = (text, params) => text.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));

async function raced(page) {
  await expect.poll(() => lab(page, 'lab && !lab.racing && lab.steps > 0'), { timeout: 30_000 }).toBe(true);
}

describe('the optimizer lab', () => {
  let page;
  let problems;
  let context;
  beforeAll(async () => {
    ({ page, problems, context } = await openPage(env.browser, `${env.server.url}#v=1&epochs=1&lang=en`));
  }, 60_000);
  afterAll(async () => {
    await context?.close();
  });

  it('opens from the header; the page shows each claim\'s numbers as Node measures them, and they support the slide', async () => {
    await page.locator('nn-playground header a.labs').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#lab=optim/);
    await raced(page);
    expect(await page.locator('nn-playground main').isHidden()).toBe(true);
    expect(await page.locator('nn-optim-lab li .none').allInnerTexts()).toEqual(OPTIM_CLAIMS.map(() => 'Not measured yet: press “Race this”.'));
    for (const claim of OPTIM_CLAIMS) {
      const item = page.locator(`nn-optim-lab li[data-claim="${claim.id}"]`);
      await item.locator('button.show').click();
      await expect.poll(() => lab(page, `Boolean(lab.measured['${claim.id}'])`), { timeout: 30_000 }).toBe(true);
      const node = runClaim(core, claim.id);
      const shown = await item.locator('.numbers').innerText();
      expect(shown).toBe(fill(LAB_MESSAGES.en[`optim.claim.${claim.id}.measured`], node.values));
      expect(await item.locator('.verdict').getAttribute('data-holds')).toBe('true');
      expect(await page.evaluate(() => location.hash)).toContain(`claim=${claim.id}`);
      if (claim.id === 'saddle') {
        // Momentum runs off to a loss near -7×10³⁷: the loss chart's y axis still has labelled ticks.
        await expect.poll(() => lab(page, `lab.renderRoot.querySelector('nn-lab-chart')._plot?.axes[1]._values?.length ?? 0`)).toBeGreaterThanOrEqual(3);
      }
      if (claim.id === 'adagrad-stops') {
        // The effective step per step of both adaptive racers, as the worker measured it.
        await expect.poll(() => lab(page, `lab.renderRoot.querySelector('#effective-chart')?.runs.map((r) => r.train.loss.length).join()`)).toBe('5000,5000');
        expect(await lab(page, `lab.renderRoot.querySelector('#effective-chart').runs[0].train.loss[0]`)).toBe(node.paths[0].effective[0]);
      }
      console.log(`${claim.id}: ${shown}`);
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it('moves the start with the arrow keys (the link follows), plays, pauses and steps from the keyboard', async () => {
    await page.evaluate(() => {
      location.hash = '#lab=optim&surface=himmelblau&steps=400&r1=sgd,lr:0.01&r2=adam,lr:0.1&lang=en';
    });
    await raced(page);
    const before = await lab(page, 'lab.races');
    const handle = page.locator('nn-surface-map button.handle');
    await handle.focus();
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('ArrowUp');
    // Himmelblau's window is 10 wide: Shift moves a tenth of it, a plain key a hundredth.
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('start=1,-0.4');
    await expect.poll(() => lab(page, 'lab.state.start.join()')).toBe('1,-0.4');
    // The edit races once the keys pause: wait for that race, not an earlier one.
    await expect.poll(() => lab(page, `lab.races > ${before} && !lab.racing`), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => lab(page, 'lab.paths?.[0]?.x?.[0]')).toBe(1);
    const play = page.locator('nn-optim-lab button#play');
    await play.focus();
    if ((await play.getAttribute('aria-pressed')) === 'true') await page.keyboard.press('Enter'); // pause
    await page.locator('nn-optim-lab button#restart').focus();
    await page.keyboard.press('Enter');
    expect(await lab(page, 'lab.shown')).toBe(0);
    await page.locator('nn-optim-lab button#step').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    expect(await lab(page, 'lab.shown')).toBe(2);
    expect(await page.locator('nn-optim-lab #at').innerText()).toBe('step 2 of 400');
    await play.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => lab(page, 'lab.shown'), { timeout: 10_000 }).toBe(400);
    // The map drew every segment of both paths.
    expect(await page.evaluate(() => document.querySelector('nn-playground').shadowRoot.querySelector('nn-labs')
      .shadowRoot.querySelector('nn-optim-lab').shadowRoot.querySelector('nn-surface-map').segmentsDrawn)).toBe(800);
    expect(problems).toEqual([]);
  }, 60_000);

  it('a link it cannot read in part: an alert says what, the rest is used; axe finds no violation in English', async () => {
    await page.evaluate(() => {
      location.hash = '#lab=optim&surface=moon&r1=adam,lr:0.1&lang=en';
    });
    await expect.poll(() => page.locator('nn-labs .broken').innerText()).toContain('moon');
    expect(await page.locator('nn-labs .broken').getAttribute('role')).toBe('alert');
    await raced(page);
    expect(await lab(page, 'lab.state.racers.length')).toBe(1);
    expect(await audit(page)).toEqual([]);
  }, 60_000);

  it('the header goes back to the playground, which keeps its experiment', async () => {
    await page.locator('nn-playground header a.labs').click();
    await expect.poll(() => page.locator('nn-playground main').isVisible()).toBe(true);
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#v=1&/);
    expect(await page.evaluate(() => Boolean(document.querySelector('nn-playground').shadowRoot.querySelector('nn-labs')))).toBe(false);
  });

  it('embed=lab in Chinese: the lab alone, no header, Chinese text, and axe finds no violation', async () => {
    const { page: embedded, problems: p, context: c } = await openPage(env.browser, `${env.server.url}#lab=optim&claim=saddle&surface=saddle&start=1,0.001&steps=500&r1=sgd,lr:0.01&r2=sgd,lr:0.01,momentum:0.9&embed=lab&lang=zh`, { width: 900, height: 800 });
    try {
      await raced(embedded);
      expect(await embedded.locator('nn-playground header').count()).toBe(0);
      await expect.poll(() => embedded.locator('nn-labs h2').innerText()).toBe('二维曲面上的优化器');
      // The surface map speaks Chinese too: its hint under the map and the start point's name.
      expect(await embedded.locator('nn-surface-map .readout').innerText()).toBe('拖动白色圆环，或聚焦它后用方向键，来移动起点。');
      await expect.poll(() => lab(embedded, "Boolean(lab.measured['saddle'])"), { timeout: 30_000 }).toBe(true);
      expect(await embedded.locator('nn-optim-lab li[data-claim="saddle"] .numbers').innerText()).toContain('349');
      expect(await audit(embedded)).toEqual([]);
      expect(p).toEqual([]);
    } finally {
      await c.close();
    }
  }, 60_000);
});

describe('the loss lab', () => {
  const at = usePage('#lab=optim&lang=en');
  const lossLab = (expression) => inLab(at.page, 'nn-loss-lab', expression);

  it('opens from the labs\' menu with the keyboard; each claim shows Node\'s numbers and supports the slide; axe finds no violation', async () => {
    const { page, problems } = at;
    await raced(page);
    await page.locator('nn-labs nav a[href="#lab=loss"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#lab=loss/);
    await expect.poll(() => page.locator('nn-loss-lab #at').innerText()).toContain('At p = 0.1');
    // Before a claim is measured its hint names the button on screen.
    expect(await page.locator('nn-loss-lab li .none').allInnerTexts()).toEqual(LOSS_CLAIMS.map(() => 'Not measured yet: press “Measure this”.'));
    // Each chart's legend names each curve; the log axis labels a few decades, not 30 lines.
    for (const id of ['loss-curves', 'grad-curves']) {
      const chart = page.locator(`nn-loss-lab #${id}`);
      expect(await chart.locator('.legend button').allInnerTexts()).toEqual(['cross-entropy', 'MSE after softmax']);
      const values = await lossLab(`lab.renderRoot.querySelector('#${id}')._plot.axes[1]._values`);
      expect(values.length).toBeGreaterThanOrEqual(3);
      expect(values.length).toBeLessThanOrEqual(5);
      for (const v of values) expect(v).toMatch(/^(0\.01|0\.1|1|10|100|10[⁻¹²³⁴⁵⁶⁷⁸⁹⁰]+)$/);
    }
    for (const claim of LOSS_CLAIMS) {
      const item = page.locator(`nn-loss-lab li[data-claim="${claim.id}"]`);
      await item.locator('button.show').click();
      await expect.poll(() => lossLab(`Boolean(lab.measured['${claim.id}'])`), { timeout: 60_000 }).toBe(true);
      const node = runLossClaim(core, claim.id, claim.mnist ? mnist : null);
      const shown = await item.locator('.numbers').innerText();
      expect(shown).toBe(fill(LAB_MESSAGES.en[`loss.claim.${claim.id}.measured`], node.values));
      expect(await item.locator('.verdict').getAttribute('data-holds')).toBe('true');
      console.log(`${claim.id}: ${shown}`);
    }
    // The last claim's preset is in the link and in the sample shown.
    expect(await page.evaluate(() => location.hash)).toBe('#lab=loss&p=0.999&smoothing=0.1&weight=2&claim=smoothing-weights&lang=en');
    expect(await page.locator('nn-loss-lab .readout').innerText()).toContain('0.910 for the true class, 0.010 for each of the other 9');
    expect(await audit(page)).toEqual([]);
    expect(problems).toEqual([]);
  }, 90_000);

  it('in Chinese: the same numbers in Chinese sentences, and axe finds no violation', async () => {
    const { page } = at;
    await page.locator('nn-playground .lang button[lang="zh-CN"]').click();
    await expect.poll(() => page.locator('nn-labs h2').innerText()).toBe('交叉熵与 MSE');
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('lang=zh');
    const node = runLossClaim(core, 'smoothing-weights');
    expect(await page.locator('nn-loss-lab li[data-claim="smoothing-weights"] .numbers').innerText())
      .toBe(fill(LAB_MESSAGES.zh['loss.claim.smoothing-weights.measured'], node.values));
    expect(await page.locator('nn-loss-lab #loss-curves .legend button').allInnerTexts()).toEqual(['交叉熵', 'softmax 之后的 MSE']);
    expect(await audit(page)).toEqual([]);
  }, 30_000);
});

describe('the activation lab', () => {
  const at = usePage('#lab=act&lang=en');
  const actLab = (expression) => inLab(at.page, 'nn-act-lab', expression);

  it('the curve follows the activation and its parameter chosen with the keyboard; each claim shows Node\'s numbers; axe finds no violation', async () => {
    const { page, problems } = at;
    // tanh (the default): |tanh'| < 0.05 beyond |x| = 2.18, on 27 % of [-6, 6] either side.
    await expect.poll(() => page.locator('nn-act-lab #flat').innerText()).toBe('On x from −6 to 6, |a\'(x)| < 0.05 on 63.9 % of the axis.');
    // tanh runs from -1 to 1: the y axis shows all of it, and the legend names the two curves alone.
    const yScale = () => actLab(`(({ min, max }) => [min, max])(lab.renderRoot.querySelector('#act-curve')._plot.scales.y)`);
    const [lo, hi] = await yScale();
    expect(lo).toBeLessThanOrEqual(-1);
    expect(hi).toBeGreaterThanOrEqual(1);
    expect(await page.locator('nn-act-lab #act-curve .legend button').allInnerTexts()).toEqual(['a(x)', 'a\'(x)']);
    expect(await page.locator('nn-act-lab li .none').allInnerTexts()).toEqual(ACTIVATION_CLAIMS.map(() => 'Not measured yet: press “Measure this”.'));
    const select = page.locator('nn-act-lab select');
    await select.focus();
    await select.selectOption('leaky_relu');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#lab=act&act=leaky_relu&lang=en');
    // slope 0.01: the negative half and 0 (torch takes the slope there) are flat; slope 0.2: nothing is
    await expect.poll(() => actLab('lab.flat')).toBeCloseTo(121 / 241, 6);
    const slope = page.locator('nn-act-lab input[type="number"]');
    await slope.fill('0.2');
    await slope.press('Enter');
    await expect.poll(() => actLab('lab.flat')).toBe(0);
    expect(await page.evaluate(() => location.hash)).toBe('#lab=act&act=leaky_relu&param=0.2&lang=en');
    for (const claim of ACTIVATION_CLAIMS) {
      const item = page.locator(`nn-act-lab li[data-claim="${claim.id}"]`);
      await item.locator('button.show').click();
      await expect.poll(() => actLab(`Boolean(lab.measured['${claim.id}']) && !lab.busy`), { timeout: 60_000 }).toBe(true);
      const node = runActivationClaim(core, claim.id, claim.mnist ? mnist : null);
      const shown = await item.locator('.numbers').innerText();
      expect(shown).toBe(fill(LAB_MESSAGES.en[`act.claim.${claim.id}.measured`], node.values));
      expect(await item.locator('.verdict').getAttribute('data-holds')).toBe(String(node.holds));
      console.log(`${claim.id}: ${shown}`);
    }
    // The saturation claim does not hold in full, and says so.
    expect(await page.locator('nn-act-lab li[data-claim="saturation"] .verdict').innerText()).toBe('The measurement does not support the slide here.');
    expect(await audit(page)).toEqual([]);
    expect(problems).toEqual([]);
  }, 90_000);

  it('in Chinese, over the sigmoid curve the pre-activation histograms of both inits (and the playground\'s untrained network); axe finds no violation', async () => {
    const { page } = at;
    await page.locator('nn-act-lab li[data-claim="saturation"] button.show').click();
    await page.locator('nn-playground .lang button[lang="zh-CN"]').click();
    await expect.poll(() => page.locator('nn-labs h2').innerText()).toBe('激活函数及其饱和区');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#lab=act&act=sigmoid&claim=saturation&lang=zh');
    await expect.poll(() => actLab(`lab.renderRoot.querySelector('nn-lab-chart').runs.map((r) => r.id).join()`)).toBe('y,dy,normal,default,live');
    const legend = await page.locator('nn-act-lab #act-curve .legend button').allInnerTexts();
    expect(legend.slice(0, 2)).toEqual(['a(x)', 'a\'(x)']);
    expect(legend[4]).toMatch(/^实验平台中第 \d+ 层（\w+）的预激活值$/);
    expect(legend.join()).not.toContain('训练');
    expect(await audit(page)).toEqual([]);
  }, 60_000);

  it('over the curve, the live pre-activations of the network the playground trains, and its share where |a\'| < 0.05 over time', async () => {
    // The default experiment (MLP 784-128 ReLU) for 3 epochs; the lab reads its run in its worker.
    const { page, context } = await openPage(env.browser, `${env.server.url}#v=1&epochs=3&lang=en`);
    try {
      await waitForStatus(page, ['ready']);
      await page.locator('nn-run-controls button[data-action="train"]').click();
      await waitForSteps(page, 20);
      await page.locator('nn-playground header a.labs').click();
      await page.locator('nn-labs nav a[href="#lab=act"]').click();
      const read = (expression) => inLab(page, 'nn-act-lab', expression);
      await expect.poll(() => read('lab.live?.step ?? 0'), { timeout: 30_000 }).toBeGreaterThan(0);
      expect(await read('lab.live.layers')).toEqual([{ index: 2, type: 'relu' }]);
      await expect.poll(() => page.locator('nn-act-lab #live-share').innerText()).toMatch(/^At step \d+, \d+\.\d % of the pre-activations of layer 3 \(relu\) lie where/);
      // The run goes on while the lab is open: later steps, and their shares over time.
      const first = await read('lab.live.step');
      await expect.poll(() => read('lab.liveHistory.length'), { timeout: 30_000 }).toBeGreaterThan(1);
      expect(await read('lab.live.step')).toBeGreaterThan(first);
      await expect.poll(() => read(`lab.renderRoot.querySelector('#act-curve').runs.map((r) => r.id).join()`)).toBe('y,dy,live');
      expect(await audit(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});
