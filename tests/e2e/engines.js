// engines.js: one small interface over the three browser engines the cross-engine tests drive,
// all Debian's own builds: Chromium (Blink/V8) over the DevTools protocol and Firefox ESR
// (Gecko/SpiderMonkey) over WebDriver BiDi, both through puppeteer-core, and WebKitGTK
// (WebKit/JavaScriptCore) through WebKitWebDriver (webdriver.js). A profile is a fresh storage
// area (browser context, user context, or a new MiniBrowser); a tab in it loads pages, runs
// script, draws with the mouse and reports console errors and uncaught exceptions.

import puppeteer from 'puppeteer-core';
import { CHROMIUM, LAUNCH_ARGS, recordProblems } from './browser.js';
import { launchWebKit } from './webdriver.js';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const ENGINES = ['chromium', 'firefox', 'webkit'];

// In engines without a way to hear the console (WebKitWebDriver), the page's own console.error
// and uncaught errors are recorded from the load event on (start-up errors show as a page that
// never becomes ready, which every test waits for).
const HOOK = `if (!window.__problems) {
  window.__problems = [];
  const error = console.error.bind(console);
  console.error = (...a) => { window.__problems.push('console.error: ' + a.join(' ')); error(...a); };
  addEventListener('error', (e) => window.__problems.push('page error: ' + e.message));
  addEventListener('unhandledrejection', (e) => window.__problems.push('page error: ' + (e.reason?.message ?? e.reason)));
}`;

/** Resolves once `check()` is truthy (polled), or rejects after `timeout` ms naming `what`. */
export async function poll(check, { timeout = 90_000, every = 200, what = 'a condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

class PuppeteerTab {
  constructor(context, page, problems) {
    Object.assign(this, { context, page, problems });
  }

  static async open(browser) {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    return new PuppeteerTab(context, page, recordProblems(page));
  }

  async goto(url) {
    await this.page.goto(url);
  }

  /** Runs `source` in every page of this tab before the page's own scripts. */
  async beforeScripts(source) {
    await this.page.evaluateOnNewDocument(source);
  }

  async reload() {
    await this.page.reload();
  }

  /** Runs a function body (it may await) in the page with `args`; resolves to its result. */
  run(source, ...args) {
    return this.page.evaluate(`(async (...args) => { ${source} })(...${JSON.stringify(args)})`);
  }

  async stroke(points) {
    const [[x0, y0], ...rest] = points;
    await this.page.mouse.move(x0, y0);
    await this.page.mouse.down();
    for (const [x, y] of rest) await this.page.mouse.move(x, y);
    await this.page.mouse.up();
  }

  async offline(on) {
    await this.page.setOfflineMode(on);
  }

  async takeProblems() {
    return this.problems.splice(0);
  }

  close() {
    return this.context.close();
  }
}

class WebKitTab {
  constructor(session) {
    this.session = session;
  }

  async goto(url) {
    await this.session.goto(url);
    await this.session.execute(HOOK);
  }

  async reload() {
    await this.session.command('POST', '/refresh');
    await this.session.execute(HOOK);
  }

  run(source, ...args) {
    return this.session.execute(source, args);
  }

  stroke(points) {
    return this.session.stroke(points);
  }

  async offline() {
    // WebKitWebDriver cannot switch the network off: the test server's own switch does it.
  }

  async takeProblems() {
    return (await this.session.execute('const p = window.__problems ?? []; window.__problems = []; return p;')) ?? [];
  }

  close() {
    return this.session.close();
  }
}

/** Launches one engine: {name, version, tab() (a fresh profile), close()}. */
export async function launch(name, { env } = {}) {
  if (name === 'webkit') {
    const webkit = await launchWebKit({ env });
    const first = await webkit.session(); // learns the version, and is the first tab handed out
    let spare = first;
    return {
      name,
      version: `WebKitGTK ${webkit.version}`,
      async tab() {
        const session = spare ?? (await webkit.session());
        spare = null;
        return new WebKitTab(session);
      },
      close: () => webkit.close(),
    };
  }
  const browser = name === 'firefox'
    ? await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, env: { ...process.env, ...env } })
    : await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS, env: { ...process.env, ...env } });
  const version = await browser.version();
  return {
    name,
    version: name === 'firefox' ? `Firefox ESR ${version.split('/')[1]}` : version.replace('/', ' '),
    tab: () => PuppeteerTab.open(browser),
    close: () => browser.close(),
  };
}
