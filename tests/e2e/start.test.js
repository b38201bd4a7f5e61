// start.test.js: the built page in Chromium starts whatever language the browser reports, and a
// start that fails says so. A browser under LANG=C reports navigator.language "C", on which Intl
// throws a RangeError (uPlot builds a formatter from it when its module is evaluated): the page
// once stayed on "Loading…" with no word. Each odd value here is set before the page's scripts
// run; the page must pick a language and train. Then start-up is broken on purpose at each
// boundary (the code, the element's constructor, set-up and first render, the worker, the wasm): the loading text must give way to the
// message in both languages, with the error's text, the features needed and how to report it,
// under the page's Content-Security-Policy.

import { describe, expect, it } from 'vitest';
import { openPage } from './browser.js';
import { useBrowser } from './setup.js';
import { ISOLATION_HEADERS } from '../../web/vite.config.js';

const env = useBrowser();

/** Opens the page with navigator.language and navigator.languages as given, set before any script of the page runs. */
async function openWithLanguage(language, languages) {
  const opened = await openPage(env.browser);
  await opened.page.addInitScript(([one, list]) => {
    Object.defineProperty(Navigator.prototype, 'language', { get: () => one, configurable: true });
    Object.defineProperty(Navigator.prototype, 'languages', { get: () => Object.freeze([...list]), configurable: true });
  }, [language, languages]);
  await opened.page.goto(env.server.url);
  return opened;
}

// [navigator.language, navigator.languages, the page's language]
const ODD = [
  ['C', ['C'], 'en'],
  ['POSIX', ['POSIX'], 'en'],
  ['', [''], 'en'],
  ['en_US', ['en_US'], 'en'],
  ['zh_CN.UTF-8', ['zh_CN.UTF-8'], 'zh'],
  ['en-US-', ['en-US-', '*'], 'en'],
  ['', [], 'en'],
];

describe('an odd browser language', () => {
  it.each(ODD)('navigator.language %j, languages %j: the page reads %s and trains', async (language, languages, want) => {
    const { page, context, problems } = await openWithLanguage(language, languages);
    try {
      // Trained 50 steps, or gave up and said so (then fail at once, with the message).
      await page.waitForFunction(() => document.querySelector('.start-failure') || document.querySelector('nn-playground')?.live?.stepCount >= 50,
        null, { timeout: 120_000, polling: 100 });
      expect(await page.locator('.start-failure').count() ? await page.locator('.start-failure').textContent() : '').toBe('');
      expect(await page.evaluate(() => document.querySelector('nn-playground').live.stepCount)).toBeGreaterThanOrEqual(50);
      expect(await page.evaluate(() => navigator.languages)).toEqual(languages); // the override held
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(want === 'zh' ? 'zh-CN' : 'en');
      await expect.poll(() => page.evaluate(() => location.hash)).toContain(`lang=${want}`);
      const heading = await page.locator('nn-playground h1').first().textContent();
      expect(heading).toMatch(want === 'zh' ? /[\u4e00-\u9fff]/ : /^[\x20-\x7e]+$/);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});

/** The start-failure message: its stage, its text, its lang= parts; after it replaced the element. */
async function failureOf(page) {
  const box = page.locator('section.start-failure[role="alert"]');
  await box.waitFor({ timeout: 60_000 });
  return page.evaluate(() => {
    const el = document.querySelector('section.start-failure');
    return {
      stage: el.dataset.stage,
      text: el.textContent,
      parts: [...el.querySelectorAll('.start-failure-language')].map((p) => ({ lang: p.lang, title: p.querySelector('h1').textContent })),
      body: document.body.textContent,
      playground: document.querySelectorAll('nn-playground').length,
      csp: window.__e2e.csp,
    };
  });
}

function expectMessage(failure, stage, errorPattern) {
  expect(failure.stage).toBe(stage);
  expect(failure.parts).toEqual([
    { lang: 'en', title: 'The playground could not start' },
    { lang: 'zh-CN', title: '实验场无法启动' },
  ]);
  expect(failure.text).toMatch(errorPattern);
  expect(failure.text).toContain('WebAssembly with 128-bit SIMD'); // what the page needs
  expect(failure.text).toContain('128 位 SIMD');
  expect(failure.text).toContain('Please report it');
  expect(failure.text).toContain('请把下面的详细信息');
  expect(failure.text).toContain(`stage: ${stage}`);
  expect(failure.text).toMatch(/browser: Mozilla\/5\.0 .*Chrome\//);
  expect(failure.body).not.toContain('Loading the playground');
  expect(failure.body).not.toContain('正在载入');
  expect(failure.playground).toBe(0);
  expect(failure.csp).toEqual([]); // nothing inline: the message needs no exception to the policy
}

/** In the page, before its scripts: <nn-playground> is defined as a subclass whose `part` (render or constructor) throws. */
function breakElement(part) {
  const define = customElements.define.bind(customElements);
  customElements.define = (name, Element, options) => define(name, name !== 'nn-playground' ? Element : part === 'render'
    ? class extends Element { render() { throw new Error('render broken on purpose'); } }
    : class extends Element { constructor() { super(); throw new Error('constructor broken on purpose'); } }, options);
}

// [what breaks, how (given the page and its context, before the page loads), the stage named, the error shown]
const BREAKS = [
  // Both builds: a threaded core that does not load leaves the page on nn.wasm (README, Threads).
  ['a wasm that does not compile', ({ context }) => context.route(/\/nn(-mt)?\.wasm(\?|$)/, (route) => route.fulfill({
    status: 200, contentType: 'application/wasm', body: Buffer.from('this is not WebAssembly') })), 'wasm', /CompileError|WebAssembly/],
  // A worker's script must carry the page's COEP to run in the isolated page: the stand-in gets the
  // headers the server's files do.
  ['a worker whose script throws as it starts', ({ context }) => context.route(/\/assets\/worker-[^/]*\.js$/, (route) => route.fulfill({
    status: 200, contentType: 'text/javascript', headers: ISOLATION_HEADERS, body: 'throw new Error("worker broken on purpose");' })), 'worker', /worker broken on purpose/],
  ['the page\'s code throwing while its module is evaluated', ({ context }) => context.route(/\/assets\/app-[^/]*\.js$/, (route) => route.fulfill({
    status: 200, contentType: 'text/javascript', body: 'throw new RangeError("invalid language tag: C");' })), 'module', /RangeError: invalid language tag: C/],
  ['a first render that throws', ({ page }) => page.addInitScript(breakElement, 'render'), 'render', /Error: render broken on purpose/],
  ['a constructor that throws while define() upgrades the element', ({ page }) => page.addInitScript(breakElement, 'constructor'), 'start',
    /Error: constructor broken on purpose/],
  ['an element that cannot be set up (no shadow roots)', ({ page }) => page.addInitScript(() => {
    Element.prototype.attachShadow = () => { throw new DOMException('shadow roots broken on purpose', 'NotSupportedError'); };
  }), 'start', /NotSupportedError: shadow roots broken on purpose/],
];

describe('a start that fails', () => {
  it.each(BREAKS)('%s: the message instead of "Loading…"', async (_, breakIt, stage, error) => {
    const opened = await openPage(env.browser);
    try {
      await breakIt(opened);
      await opened.page.goto(env.server.url);
      expectMessage(await failureOf(opened.page), stage, error);
      expect(opened.problems.join('\n')).toContain(`The playground could not start (${stage})`);
    } finally {
      await opened.context.close();
    }
  }, 90_000);
});
