// webdriver.js: WebKit for the cross-engine tests: Debian's WebKitWebDriver (webkit2gtk-driver)
// and its MiniBrowser, under Xvfb when there is no display, spoken to over W3C WebDriver's HTTP
// protocol (one driver for each session, as a driver serves only one). WebKitGTK 2.50's driver offers no WebDriver BiDi (a session asking for webSocketUrl
// is refused), so the few classic commands the tests need are written here: each is one JSON
// request. Each session is a fresh MiniBrowser with its own ephemeral storage.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

// Debian's multiarch folder for this machine's architecture.
const MULTIARCH = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', ia32: 'i386-linux-gnu' }[process.arch] ?? `${process.arch}-linux-gnu`;

export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = process.env.MINIBROWSER_PATH ?? `/usr/lib/${MULTIARCH}/webkit2gtk-4.1/MiniBrowser`;

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  }).on('error', reject);
});

async function until(check, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts Xvfb on a display number it chooses itself (-displayfd) when DISPLAY is unset: {display, stop()}. */
async function display() {
  if (process.env.DISPLAY) return { display: process.env.DISPLAY, stop: () => {} };
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  const exited = new Promise((resolve) => xvfb.once('exit', resolve));
  const number = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not start within 10 s')), 10_000);
    xvfb.once('error', reject);
    xvfb.stdio[3].on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(text.trim());
      }
    });
  });
  return { display: `:${number}`, stop: () => { xvfb.kill(); return exited; } };
}

/** Starts one WebKitWebDriver on a free port (it serves one session at a time): {base, stop()}. */
async function startDriver(env, screen) {
  const port = await freePort();
  const driver = spawn(WEBKIT_DRIVER, [`--port=${port}`], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, DISPLAY: screen.display } });
  // The driver's and its MiniBrowser's last words, kept for the message of a session that dies.
  let said = '';
  const hear = (chunk) => { said = (said + chunk).slice(-4000); };
  driver.stdout.on('data', hear);
  driver.stderr.on('data', hear);
  const exited = new Promise((resolve) => driver.once('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  await until(async () => (await fetch(`${base}/status`)).ok, 20_000, 'WebKitWebDriver');
  return { base, said: () => said, stop: () => { driver.kill(); return exited; } };
}

/**
 * Starts WebKit: {version, session(), close()}; each session is its own driver and MiniBrowser
 * (a driver serves one session at a time), all on one display. env adds to their environment.
 */
export async function launchWebKit({ env = {} } = {}) {
  if (!existsSync(WEBKIT_DRIVER)) throw new Error(`${WEBKIT_DRIVER} is missing: run ./build.sh (Debian's webkit2gtk-driver)`);
  const screen = await display();
  let version = '';
  const open = new Set();

  async function session() {
    const driver = await startDriver(env, screen);
    try {
      const created = await call(driver.base, 'POST', '/session', {
        capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
      });
      version = created.capabilities.browserVersion;
      const s = new Session(`${driver.base}/session/${created.sessionId}`, async () => {
        open.delete(s);
        await driver.stop();
      }, driver.said);
      open.add(s);
      await s.command('POST', '/window/rect', { width: 1280, height: 900 }).catch(() => {});
      return s;
    } catch (err) {
      await driver.stop();
      throw err;
    }
  }

  return {
    get version() { return version; },
    session,
    close: async () => {
      for (const s of [...open]) await s.close().catch(() => {});
      await screen.stop();
    },
  };
}

async function call(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
  return json.value;
}

/** One MiniBrowser window. */
class Session {
  constructor(url, stopped, said) {
    this.url = url;
    this.stopped = stopped;
    this.said = said;
    this.closed = false;
  }

  async command(method, path, body) {
    try {
      return await call(this.url, method, path, body ?? (method === 'POST' ? {} : undefined));
    } catch (err) {
      // A web process that crashed or hung ends the session: say what WebKit printed before.
      if (/crash|hang/.test(err.message) && this.said().trim()) err.message += `\nWebKit's output before:\n${this.said().trim()}`;
      throw err;
    }
  }

  goto(url) {
    return this.command('POST', '/url', { url });
  }

  /** Runs `source` (a function body that may await) in the page; resolves to its JSON result. */
  execute(source, args = []) {
    return this.command('POST', '/execute/sync', { script: `return (async () => { ${source} })(...arguments);`, args });
  }

  /** A mouse drag through the viewport points `path` ([[x, y], ...]), a button held between. */
  stroke(path) {
    const [first, ...rest] = path.map(([x, y]) => ({ type: 'pointerMove', x: Math.round(x), y: Math.round(y), duration: 16, origin: 'viewport' }));
    return this.command('POST', '/actions', {
      actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' },
        actions: [first, { type: 'pointerDown', button: 0 }, ...rest, { type: 'pointerUp', button: 0 }] }],
    });
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    try {
      await call(this.url, 'DELETE', '');
    } finally {
      await this.stopped();
    }
  }
}
