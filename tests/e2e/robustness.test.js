// robustness.test.js: the built page in Chromium against what strangers' links and bad luck do.
// A link with script payloads in every text field runs nothing and shows the text as text; the
// page's Content-Security-Policy is strict and nothing in a run breaks it; a worker that dies
// (a bug: an exception thrown inside it) leaves the charts and runs in place and restarts from
// the last checkpoint with exactly the numbers an uninterrupted run has; a reload mid-run offers
// to resume, again bit for bit; a run that diverges stops with advice; a model over the memory
// budget is refused with the batch that would fit; a corrupted MNIST file in Cache Storage is
// detected and fetched again.

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_BUDGET, Session } from '../../web/src/engine/session.js';
import { freshCore, nodeMnistSource } from '../../web/src/node.js';
import { decodeHash } from '../../web/src/experiment/url.js';
import { DIST, lossHistory, openPage, press, waitForStatus, waitForSteps } from './browser.js';
import { useBrowser } from './setup.js';
import { example } from '../web/fixtures.js';

const env = useBrowser();

const pg = (page, expression) => page.evaluate(`(() => { const pg = document.querySelector('nn-playground'); return ${expression}; })()`);

/** The highest step of the checkpoints the page keeps in IndexedDB (0 when none). */
const checkpointStep = (page) => page.evaluate(() => new Promise((resolve) => {
  const request = indexedDB.open('nn-playground-checkpoints');
  request.onerror = () => resolve(0);
  request.onsuccess = () => {
    const db = request.result;
    if (!db.objectStoreNames.contains('checkpoints')) return resolve(0);
    const all = db.transaction('checkpoints').objectStore('checkpoints').getAll();
    all.onsuccess = () => resolve(Math.max(0, ...all.result.map((r) => r.step)));
    all.onerror = () => resolve(0);
  };
}));

/** The first n losses of an experiment's uninterrupted run, in Node (the reference). */
async function nodeLosses(link, n) {
  const decoded = decodeHash(new URL(link).hash, example('mlp'));
  expect(decoded.message).toBe('');
  const core = await freshCore();
  const session = await Session.open(core, decoded.experiment, { mnistSource: nodeMnistSource(), memoryBudget: DEFAULT_MEMORY_BUDGET });
  const out = [];
  for (let i = 0; i < n; i++) out.push(session.trainStep().loss);
  session.dispose();
  return out;
}

/** Trains until at least n steps, then pauses (a pause also saves a checkpoint). */
async function trainTo(page, n) {
  await press(page, 'Train');
  await waitForSteps(page, n);
  await press(page, 'Pause');
  await waitForStatus(page, ['paused']);
}

// A small MLP with dropout (its random stream must resume too) on 6 000 images, Adam; epochs
// enough that a pause (which lands a few hundred steps after it is asked for) never ends the run.
const RUN = '#v=1&data=mnist&train=6000&test=1000&layers=flatten,dense:48,relu,dropout:0.2,dense:10&loss=ce&opt=adam&lr=0.003&batch=32&epochs=30';

describe('a worker that dies', () => {
  it('leaves the charts and runs, and restarts from the last checkpoint with the uninterrupted run\'s numbers', async () => {
    const link = `${env.server.url}${RUN}&seed=21`;
    const { page, context, problems } = await openPage(env.browser, link);
    try {
      await waitForStatus(page, ['ready']);
      await trainTo(page, 60);
      await expect.poll(() => checkpointStep(page)).toBe(await pg(page, 'pg.live.stepCount'));
      const saved = await checkpointStep(page);
      await press(page, 'Train');
      await waitForSteps(page, saved + 80);
      const before = (await lossHistory(page)).loss;

      // A bug in the worker: an exception nobody catches.
      const worker = page.workers()[0];
      await worker.evaluate(() => setTimeout(() => { throw new Error('simulated bug in the worker'); }, 0));
      const banner = page.locator('.banner.recovery[data-kind="crashed"]');
      await expect.poll(() => banner.isVisible(), { timeout: 15_000 }).toBe(true);
      expect(await banner.textContent()).toContain('The training worker stopped (Uncaught Error: simulated bug in the worker)');
      expect(await pg(page, 'pg.status')).toBe('failed');
      expect(await pg(page, 'pg.live.stepCount')).toBeGreaterThanOrEqual(saved + 80); // the charts keep what was drawn
      // The last checkpoint: the pause's, or a later one if ten seconds of training passed.
      const kept = await checkpointStep(page);
      expect(kept).toBeGreaterThanOrEqual(saved);
      await expect.poll(() => banner.locator('button.restart').textContent(), { timeout: 15_000 }).toContain(`Restart from step ${kept}`);

      await banner.locator('button.restart').click();
      await waitForStatus(page, ['paused']);
      expect(await pg(page, 'pg.live.stepCount')).toBe(kept); // back to the checkpoint
      expect(await page.locator('nn-run-controls .status').textContent()).toContain(`Restored at step ${kept}`);
      await trainTo(page, saved + 80);
      const after = (await lossHistory(page)).loss;
      expect(after.slice(0, saved + 80)).toEqual(before.slice(0, saved + 80));
      expect(after.slice(0, saved + 80)).toEqual(await nodeLosses(link, saved + 80));
      // The crash itself is the one console error; nothing else went wrong.
      expect(problems.filter((p) => !p.includes('simulated bug in the worker'))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});

describe('a worker that hangs during a lesson', () => {
  it('is noticed by the watchdog: the lesson stops, the banner offers a restart, and the page trains again', async () => {
    const { page, context, problems } = await openPage(env.browser, `${env.server.url}#lesson=initial-loss&lang=en`);
    try {
      await waitForStatus(page, ['ready']);
      await page.locator('nn-lesson-panel #lesson-run').click();
      await waitForSteps(page, 20);
      expect(await pg(page, 'pg.lessons.running')).toBe(true);
      expect(await pg(page, 'pg.training.watched')).toBe(true);

      // A worker stuck in a loop: it sends nothing and answers no ping.
      await page.workers()[0].evaluate(() => setTimeout(() => { for (;;); }, 0));
      const banner = page.locator('.banner.recovery[data-kind="crashed"]');
      // The watchdog's 10 s of silence, then 15 s for the ping.
      await expect.poll(() => banner.isVisible(), { timeout: 60_000, interval: 500 }).toBe(true);
      expect(await banner.textContent()).toMatch(/The training worker stopped \(no answer for \d+ s\)/);
      expect(await pg(page, 'pg.status')).toBe('failed');
      await page.waitForFunction(() => !document.querySelector('nn-playground').lessons.running, null, { timeout: 10_000, polling: 100 });
      expect(await pg(page, 'pg.lessons.outcome')).toMatch(/^Lesson .* stopped after 0 of 2 runs\.$/);

      // Restart (from a checkpoint if one was saved, else afresh), and train on in a new worker.
      await banner.locator('button.restart').click();
      await waitForStatus(page, ['ready', 'paused']);
      const from = await pg(page, 'pg.live.stepCount');
      await press(page, 'Train');
      await waitForSteps(page, from + 10);
      expect(await pg(page, 'pg.training.watched')).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});

describe('a reload mid-run', () => {
  it('offers to resume the run, which continues with the uninterrupted run\'s numbers', async () => {
    const link = `${env.server.url}${RUN}&seed=22`;
    const { page, context, problems } = await openPage(env.browser, link);
    try {
      await waitForStatus(page, ['ready']);
      await trainTo(page, 50);
      const saved = await pg(page, 'pg.live.stepCount');
      await expect.poll(() => checkpointStep(page)).toBe(saved);
      await page.reload();
      const banner = page.locator('.banner.recovery[data-kind="interrupted"]');
      await expect.poll(() => banner.isVisible(), { timeout: 30_000 }).toBe(true);
      expect(await banner.textContent()).toContain(`at step ${saved}`);
      await waitForStatus(page, ['ready']); // nothing trains on its own meanwhile
      await banner.locator('button.restart').click();
      await waitForStatus(page, ['paused']);
      expect(await pg(page, 'pg.live.stepCount')).toBe(saved); // the history is back
      await trainTo(page, saved + 60);
      expect((await lossHistory(page)).loss.slice(0, saved + 60)).toEqual(await nodeLosses(link, saved + 60));
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});

describe('limits and numbers', () => {
  it('stops a diverging run at that step, with advice', async () => {
    // Mean squared error at a learning rate of 100: the weights grow geometrically (in Node: NaN at step 14).
    const { page, context, problems } = await openPage(env.browser, `${env.server.url}#v=1&layers=flatten,dense:64,relu,dense:10&loss=mse&opt=sgd&lr=100&batch=64&seed=1`);
    try {
      await waitForStatus(page, ['ready']);
      await press(page, 'Train');
      await waitForStatus(page, ['failed']);
      const text = await page.locator('nn-run-controls .status').textContent();
      expect(text).toMatch(/became NaN\/Inf at step \d+/);
      expect(text).toContain('lower the learning rate, or check the initialisation');
      expect(text).toContain('last finite');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('refuses a model over the memory budget before allocating it, naming the largest batch that fits', async () => {
    const { page, context, problems } = await openPage(env.browser, `${env.server.url}#v=1&layers=conv2d:64:kernel=3:padding=1,relu,conv2d:64:kernel=3:padding=1,relu,flatten,dense:10&opt=adam&batch=8192`);
    try {
      await waitForStatus(page, ['invalid']);
      const deepText = () => page.evaluate(() => {
        const walk = (root) => [...root.childNodes].map((n) => (n.nodeType === 3 ? n.textContent : n.shadowRoot ? walk(n.shadowRoot) + walk(n) : n.nodeType === 1 ? walk(n) : '')).join(' ');
        return walk(document.body);
      });
      await expect.poll(deepText, { timeout: 20_000 }).toMatch(/over the memory budget of 1024 MB .*the largest batch that fits is \d+/);
      expect(await page.locator('nn-run-controls button', { hasText: 'Train' }).isDisabled()).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});

describe('MNIST in Cache Storage', () => {
  it('a corrupted cached file is detected by its checksum, fetched again, and training works', async () => {
    const { page, context, problems } = await openPage(env.browser, `${env.server.url}#v=1&lang=en&seed=5`);
    try {
      await waitForStatus(page, ['ready']);
      // The four files are written to Cache Storage once they have passed the checks, not waited for.
      const cached = () => page.evaluate(async () => (await (await caches.open('nn-playground-mnist-v1')).keys()).length);
      await expect.poll(cached, { timeout: 15_000 }).toBe(4);
      // One label changed (5 -> 3): still a valid gzip'ed IDX file of digits; only the checksum can tell.
      const changed = await page.evaluate(async () => {
        const cache = await caches.open('nn-playground-mnist-v1');
        const key = (await cache.keys()).find((r) => r.url.endsWith('train-labels-idx1-ubyte.gz'));
        const gz = await (await cache.match(key)).blob();
        const raw = new Uint8Array(await new Response(gz.stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
        const before = raw[8];
        raw[8] = before === 3 ? 4 : 3;
        const again = await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
        await cache.put(key, new Response(again, { headers: { 'content-type': 'application/gzip' } }));
        return { before, after: raw[8] };
      });
      expect(changed.before).toBe(5);
      await page.reload();
      await waitForStatus(page, ['ready']);
      await press(page, 'Step');
      await expect.poll(() => pg(page, 'pg.live.stepCount')).toBe(1);
      // The good copy is what the cache holds now (written once it had passed the checks, not waited for).
      const label = () => page.evaluate(async () => {
        const cache = await caches.open('nn-playground-mnist-v1');
        const key = (await cache.keys()).find((r) => r.url.endsWith('train-labels-idx1-ubyte.gz'));
        if (!key) return null;
        const gz = await (await cache.match(key)).blob();
        return new Uint8Array(await new Response(gz.stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer())[8];
      });
      await expect.poll(label, { timeout: 15_000 }).toBe(5);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});

describe('injection', () => {
  const CANARY = '__pwned';
  const PAYLOADS = [
    `<script>window.${CANARY}=1</script>`,
    `<img src=x onerror="window.${CANARY}=2">`,
    `"><svg onload=window.${CANARY}=3>`,
    `<iframe srcdoc="<script>parent.${CANARY}=4</script>"></iframe>`,
    `javascript:window.${CANARY}=5`,
    `{{constructor.constructor('window.${CANARY}=6')()}}`,
  ];
  const payload = PAYLOADS.join(' ');
  const dangerous = () => {
    const all = [document];
    const deep = (root) => [...root.querySelectorAll('*')].flatMap((el) => (el.shadowRoot ? [el, ...deep(el.shadowRoot)] : [el]));
    for (const el of deep(document)) if (el.shadowRoot) all.push(el.shadowRoot);
    const found = all.flatMap(deep).filter((el) => ['SCRIPT', 'IFRAME', 'SVG', 'svg'].includes(el.tagName) && /pwned/.test(el.outerHTML)
      || (el.tagName === 'IMG' && el.getAttribute('src') === 'x')
      || [...el.attributes].some((a) => a.name.startsWith('on') && /pwned/.test(a.value)));
    return found.map((el) => el.outerHTML.slice(0, 80));
  };

  it('a link with script payloads in every text field runs nothing and shows the text literally', async () => {
    // The free text a link may hold: the goal in both languages. Experiment name and description
    // are never read from a link: sent anyway, they are refused and shown, as text, in the message.
    const text = payload.slice(0, 240);
    const link = `${env.server.url}#v=1&goal=acc&target=0.9&goal_en=${encodeURIComponent(text)}&goal_zh=${encodeURIComponent(text)}&lang=en`;
    const { page, context, problems } = await openPage(env.browser, link);
    try {
      await waitForStatus(page, ['ready']);
      const shown = page.locator('nn-goal-panel [data-goal-text]');
      await expect.poll(() => shown.textContent()).toBe(text);
      expect(await page.evaluate((c) => window[c], CANARY)).toBeUndefined();
      expect(await page.evaluate(dangerous)).toEqual([]);
      // In Chinese the other field shows, literally too.
      await page.locator('.lang button', { hasText: '中文' }).click();
      await expect.poll(() => shown.textContent()).toBe(text);

      // Every other value a link holds is checked, and a refusal quotes it, as text, in the message;
      // name= and description= are not link settings at all (refused as unknown).
      const keys = ['layers', 'init', 'opt', 'loss', 'data', 'batch'];
      const hostile = keys.map((k, i) => `${k}=${encodeURIComponent(PAYLOADS[i])}`).join('&');
      await page.goto(`${env.server.url}#v=1&${hostile}`);
      await page.waitForFunction(() => document.querySelector('nn-playground')?.linkError, null, { timeout: 30_000 });
      const banner = await page.locator('.banner pre').textContent();
      expect(banner).toContain('<script>window.__pwned=1</script>');
      expect(banner).toContain('<img src=x onerror=\\"window.__pwned=2'); // quoted as JSON: the \" is the message's
      await page.goto(`${env.server.url}#v=1&name=${encodeURIComponent(payload)}&description=${encodeURIComponent(payload)}`);
      // (The page is in Chinese since the switch above, and so are the refusals.)
      await expect.poll(() => page.locator('.banner pre').textContent()).toMatch(/未知的设置 "name"\n未知的设置 "description"/);
      expect(await page.evaluate((c) => window[c], CANARY)).toBeUndefined();
      expect(await page.evaluate(dangerous)).toEqual([]);

      // A run name (the student's own text, kept in IndexedDB) in the resume banner and the run list.
      await page.evaluate((name) => new Promise((resolve, reject) => {
        const request = indexedDB.open('nn-playground-checkpoints', 1);
        request.onupgradeneeded = () => request.result.createObjectStore('checkpoints', { keyPath: 'id' });
        request.onsuccess = () => {
          const tx = request.result.transaction('checkpoints', 'readwrite');
          tx.objectStore('checkpoints').put({ id: 'hostile', name, number: 1, step: 7, savedAt: Date.now(), finished: false, experiment: {}, checkpoint: {} });
          tx.oncomplete = resolve;
          tx.onerror = reject;
        };
      }), payload);
      await page.reload();
      const resume = page.locator('.banner.recovery[data-kind="interrupted"]');
      await expect.poll(() => resume.isVisible(), { timeout: 30_000 }).toBe(true);
      expect(await resume.textContent()).toContain(payload);
      // Resuming a record that is not a checkpoint is refused with a message, and runs nothing.
      await resume.locator('button.restart').click();
      await waitForStatus(page, ['failed', 'invalid']);
      expect(await page.evaluate((c) => window[c], CANARY)).toBeUndefined();
      expect(await page.evaluate(dangerous)).toEqual([]);
      expect(await page.evaluate(() => window.__e2e.csp)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});

describe('the Content-Security-Policy', () => {
  it('is in the built page: no inline script or style, no eval, nothing but this site', async () => {
    const html = await readFile(`${DIST}index.html`, 'utf8');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(csp).toBeTruthy();
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directives['style-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(directives['form-action']).toEqual(["'none'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script in the built page
    expect(html).not.toMatch(/<style/);
  });

  it('refuses nothing the page does while it trains and draws every view', async () => {
    const { page, context, problems } = await openPage(env.browser, `${env.server.url}#v=1&layers=conv2d:4:kernel=3,relu,maxpool:2,flatten,dense:10&opt=adam&seed=3`);
    try {
      await waitForStatus(page, ['ready']);
      await trainTo(page, 40);
      await page.waitForTimeout(600);
      // Scroll through every view so each draws.
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await page.waitForTimeout(600);
      expect(await page.evaluate(() => window.__e2e.csp)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});
