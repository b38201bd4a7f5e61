// engines.test.js: the built page (web/dist, under a sub-path, with the production CSP as a header)
// in every engine a class uses: Chromium, Firefox ESR and WebKit (engines.js), one browser per
// engine for the whole file. In each: the page loads with no console error and no CSP violation;
// MNIST downloads with its progress, is checked and cached, and a second visit asks for no data;
// the MLP and the CNN train and their first 50 losses are bit-identical to the headless runner's
// (on the page's threads in Chromium and Firefox; WebKitGTK has no shared memory, so one thread,
// and the page says so); a copied link gives them again in a fresh profile; the draw pad takes a
// pointer stroke; a reload offers to resume and the resumed run has the uninterrupted run's
// numbers; a hostile link is refused with its message; with the network off the page and every
// lesson open and train; a second deployment is picked up on the next visit, said so, and served
// offline with its own wasm. NN_ENGINES=firefox,webkit runs a subset.

import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { DIST } from './browser.js';
import { ENGINES, launch, poll } from './engines.js';
import { serve } from './server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const PREFIX = '/course/playground/';
const LESSONS = JSON.parse(await readFile(path.join(ROOT, 'web/experiments/lessons.json'), 'utf8')).lessons.map((l) => l.id);
const chosen = (process.env.NN_ENGINES ?? ENGINES.join(',')).split(',').filter(Boolean);

const MLP = '#v=1&layers=flatten,dense:64,tanh,dense:10&opt=adam&lr=0.002&batch=32&seed=7&init=xavier_normal&lang=en';
const CNN = '#v=1&layers=conv2d:6:kernel=5,relu,maxpool:2,flatten,dense:10&opt=sgd&lr=0.05&batch=32&seed=3&lang=en';
// The robustness test's resumable run: dropout's random stream must resume too.
const RESUMABLE = '#v=1&data=mnist&train=6000&test=1000&layers=flatten,dense:48,relu,dropout:0.2,dense:10&loss=ce&opt=adam&lr=0.003&batch=32&epochs=30&seed=23&lang=en';

/** The headless runner's first `steps` losses for a link's experiment. */
async function runnerLosses(hash, steps) {
  const { stdout } = await run(process.execPath, [path.join(ROOT, 'web/cli/train.js'), `http://localhost/${hash}`, '--steps', String(steps), '--log-every', '1'], { cwd: ROOT, maxBuffer: 1 << 24 });
  return stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => typeof l.step === 'number' && !l.final).map((l) => l.loss).slice(0, steps);
}

// Page-side helpers, as function bodies run by tab.run(); `deep` finds a selector through shadow roots.
const DEEP = `const deep = (sel, root = document) => {
  const hit = root.querySelector(sel);
  if (hit) return hit;
  for (const el of root.querySelectorAll('*')) {
    const found = el.shadowRoot && deep(sel, el.shadowRoot);
    if (found) return found;
  }
  return null;
};
const pg = document.querySelector('nn-playground');`;
const status = (tab) => tab.run(`return document.querySelector('nn-playground')?.status ?? null;`);
const steps = (tab) => tab.run(`return document.querySelector('nn-playground')?.live?.stepCount ?? 0;`);
const losses = (tab) => tab.run(`return Array.from(document.querySelector('nn-playground').live.lossHistory().loss);`);
const press = (tab, action) => tab.run(`${DEEP} const b = deep('nn-run-controls').shadowRoot.querySelector('button[data-action="${action}"]'); if (!b || b.disabled) return false; b.click(); return true;`);
/** Waits for one of `states`; a page that never gets there says where it stopped and what it showed. */
const waitStatus = (tab, states, timeout = 90_000) => poll(async () => states.includes(await status(tab)), { timeout, what: `status ${states}` })
  .catch(async (err) => {
    const seen = await tab.run(`${DEEP} return { status: pg?.status ?? null, url: location.href, banners: (function all(root) { return [...root.querySelectorAll('.banner')].map((b) => b.textContent.trim().replace(/\\s+/g, ' ')).concat(...[...root.querySelectorAll('*')].filter((e) => e.shadowRoot).map((e) => all(e.shadowRoot))); })(document), sw: navigator.serviceWorker?.controller?.scriptURL ?? null };`).catch((e) => e.message);
    throw new Error(`${err.message}; the page: ${JSON.stringify(seen)}; its problems: ${JSON.stringify(await tab.takeProblems().catch(() => []))}`);
  });

/** Trains from a ready or paused page until at least n steps, then pauses. */
async function trainTo(tab, n) {
  await poll(() => press(tab, 'train'), { what: 'the Train button' });
  await poll(async () => (await steps(tab)) >= n, { timeout: 120_000, what: `${n} steps` });
  await press(tab, 'pause');
  await waitStatus(tab, ['paused', 'done']);
}

/** Trains 50 steps and expects the runner's first 50 losses of experiment `which`. */
async function trainsAsTheRunner(tab, which = 'mlp') {
  await trainTo(tab, 50);
  expect((await losses(tab)).slice(0, 50), which).toEqual(reference[which]);
}

// Why each engine runs one thread ('' where it runs the page's count): WebKitGTK 2.50 is
// cross-origin isolated here, yet gives the page and its workers no SharedArrayBuffer.
const ONE_THREAD_BECAUSE = { chromium: '', firefox: '', webkit: 'shared' };

/** The page (served with COOP/COEP) runs its threads, the count of its cores up to 8, or says why not. */
async function threadsAsExpected(tab, engine) {
  const why = ONE_THREAD_BECAUSE[engine];
  const read = () => tab.run(`${DEEP} const note = deep('nn-threads-control')?.shadowRoot.querySelector('#threads-note');
    return { ...pg.training.threads, cores: navigator.hardwareConcurrency, isolated: self.crossOriginIsolated, note: note?.textContent.trim() };`);
  const want = (t) => (why ? t.reason === why : t.running === Math.min(8, t.cores) && t.running === t.wanted);
  const t = await poll(async () => { const r = await read(); return want(r) && r; }, { timeout: 20_000, what: `${engine}'s threads` }).catch(async (err) => {
    throw new Error(`${err.message}: ${JSON.stringify(await read())}`);
  });
  expect(t.isolated).toBe(true);
  if (why) {
    expect(t).toMatchObject({ running: 1, max: 1 });
    expect(t.note).toContain('One thread: this browser gives the training worker no shared memory (SharedArrayBuffer).');
  } else {
    expect(t).toMatchObject({ max: 8, reason: '' });
    expect(t.note).toContain(t.running > 1 ? `${t.running} threads train now.` : 'One thread trains now.');
  }
}

/** A page load that is a real navigation (a new query), not a jump within the page. */
let visit = 0;
const address = (server, hash) => `${server.url}?visit=${++visit}${hash}`;

// A second deployment: the same sources built again beside wasm files with one more custom section
// (other bytes, the same code): their hashes, page scripts and shell version all differ.
let second;
async function secondDeployment() {
  if (second) return second;
  const dir = await mkdtemp(path.join(tmpdir(), 'nn-deploy-'));
  const publicDir = path.join(dir, 'public');
  await cp(path.join(ROOT, 'web/public'), publicDir, { recursive: true });
  const name = Buffer.from('deployment-2');
  for (const file of ['nn.wasm', 'nn-mt.wasm']) { // the page loads one of them (nn-mt.wasm where it runs threads)
    const wasm = await readFile(path.join(publicDir, file));
    await writeFile(path.join(publicDir, file), Buffer.concat([wasm, Buffer.from([0, name.length + 1, name.length]), name]));
  }
  await build({
    configFile: path.join(ROOT, 'web/vite.config.js'),
    publicDir,
    build: { outDir: path.join(dir, 'dist'), emptyOutDir: true },
    logLevel: 'warn',
  });
  second = { dir, dist: path.join(dir, 'dist') };
  return second;
}

// WebKitGTK takes navigator.language from the locale variables (glib reads LANGUAGE, LC_ALL,
// LC_MESSAGES, then LANG): a WebKit is started with exactly one of them set.
const locale = (lang) => ({ LANGUAGE: '', LC_ALL: '', LC_MESSAGES: '', LANG: lang });

const reference = {};
beforeAll(async () => {
  [reference.mlp, reference.cnn] = await Promise.all([runnerLosses(MLP, 50), runnerLosses(CNN, 50)]);
}, 180_000);
afterAll(async () => {
  if (second) await rm(second.dir, { recursive: true, force: true });
});

for (const name of chosen) {
  describe(name, () => {
    let engine;
    let server;
    let tab; // the profile that stays: it keeps MNIST and the offline shell across the tests
    let started;
    // The network off (or on): the test server drops every connection, and the browser is set
    // offline where its driver can (not WebKitWebDriver).
    const network = async (on) => {
      server.offline = !on;
      await tab.offline(!on);
    };
    const clean = async (t = tab) => {
      expect(await t.takeProblems()).toEqual([]);
      expect(server.cspReports).toEqual([]);
    };

    beforeAll(async () => {
      started = Date.now();
      // MNIST at 20 MB/s: about half a second, long enough to see its progress move.
      server = await serve(DIST, { prefix: PREFIX, reportCsp: true, dataBytesPerSecond: 20e6 });
      engine = await launch(name, name === 'webkit' ? { env: locale('en_US.UTF-8') } : {});
      tab = await engine.tab();
      console.log(`engines: ${name}: ${engine.version}`);
    }, 120_000);
    afterAll(async () => {
      await tab?.close().catch(() => {});
      await engine?.close();
      server.offline = false;
      await server?.close();
      console.log(`engines: ${name}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    });

    it('loads with no error, shows MNIST arriving, caches it, and a second visit asks for no data', async () => {
      const before = server.requests.length;
      await tab.goto(address(server, MLP));
      const seen = [];
      await poll(async () => {
        const s = await tab.run(`${DEEP} const p = deep('progress#download'); return { status: pg?.status, value: p?.value, max: p?.max };`);
        if (s.value !== undefined) seen.push(s);
        return s.status === 'ready';
      }, { every: 50, what: 'the page to be ready' });
      expect(seen.some((s) => s.value > 0 && s.value < s.max), JSON.stringify(seen)).toBe(true);
      expect(server.requests.slice(before).filter((p) => p.includes('/data/')).length).toBe(4);
      expect(await tab.run(`return document.querySelector('.support-notice')?.textContent ?? null;`)).toBe(null);
      await poll(() => tab.run(`return (await (await caches.open('nn-playground-mnist-v1')).keys()).length === 4;`), { timeout: 20_000, what: 'MNIST in Cache Storage' });
      await poll(() => tab.run(`return document.documentElement.dataset.offline === 'ready';`), { timeout: 30_000, what: 'the offline shell' });
      const mark = server.requests.length;
      await tab.goto(address(server, MLP));
      await waitStatus(tab, ['ready']);
      expect(server.requests.slice(mark).filter((p) => p.includes('/data/'))).toEqual([]);
      // The same deployment again: nothing to announce.
      expect(await tab.run(`return document.querySelector('.shell-notice')?.textContent ?? null;`)).toBe(null);
      await clean();
    }, 150_000);

    it('trains the MLP and the CNN with the runner\'s first 50 losses, bit for bit, on threads where it can', async () => {
      for (const [which, hash] of [['mlp', MLP], ['cnn', CNN]]) {
        await tab.goto(address(server, hash));
        await waitStatus(tab, ['ready']);
        if (which === 'mlp') await threadsAsExpected(tab, name);
        await trainsAsTheRunner(tab, which);
      }
      await clean();
    }, 240_000);

    it('a copied link gives the same losses in a fresh profile', async () => {
      await tab.goto(address(server, MLP));
      await waitStatus(tab, ['ready']);
      // What the page hands the clipboard is noted on its way (reading the clipboard back needs
      // permissions each engine grants differently); a refused write shows the link in a field.
      await tab.run(`const clip = navigator.clipboard; const write = clip?.writeText?.bind(clip);
        if (write) clip.writeText = (text) => { window.__copied = text; return write(text); };
        ${DEEP} deep('#copy-link').click();`);
      const link = await poll(() => tab.run(`${DEEP} return window.__copied || deep('.copy-fallback')?.value;`), { timeout: 10_000, what: 'the copied link' });
      expect(link).toContain(`${PREFIX}`);
      expect(link).toContain('seed=7');
      const fresh = await engine.tab();
      try {
        const mark = server.requests.length;
        await fresh.goto(link);
        await waitStatus(fresh, ['ready']);
        // A fresh profile: MNIST comes from the network again.
        expect(server.requests.slice(mark).filter((p) => p.includes('/data/')).length).toBe(4);
        await trainsAsTheRunner(fresh);
        await clean(fresh);
      } finally {
        await fresh.close();
      }
    }, 180_000);

    it('takes a pointer stroke on the draw pad and predicts it', async () => {
      await tab.goto(address(server, MLP));
      await waitStatus(tab, ['ready']);
      await trainTo(tab, 100);
      // The pad in view, where the layout has settled (two looks agree) and nothing covers it.
      let last = '';
      const box = await poll(async () => {
        const b = await tab.run(`${DEEP} const c = deep('nn-draw-pad').shadowRoot.querySelector('canvas.pad');
          c.scrollIntoView({ block: 'center' }); await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          const r = c.getBoundingClientRect();
          let root = document; let hit = null;
          for (let i = 0; i < 20; i++) {
            const h = root.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            if (!h || h === hit) break;
            hit = h;
            if (!h.shadowRoot) break;
            root = h.shadowRoot;
          }
          return { x: r.x, y: r.y, width: r.width, height: r.height, onPad: hit === c };`);
        const same = JSON.stringify(b) === last;
        last = JSON.stringify(b);
        return same && b.onPad && b;
      }, { timeout: 20_000, what: 'the draw pad in view' });
      const points = Array.from({ length: 12 }, (_, i) => [box.x + box.width * 0.5, box.y + box.height * (0.2 + (0.6 * i) / 11)]);
      await tab.stroke(points);
      const ink = await poll(() => tab.run(`${DEEP} const pad = deep('nn-draw-pad');
        const p = pad.probabilities; if (!p || p.length !== 10) return 0;
        const c = pad.shadowRoot.querySelector('canvas.pad'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let lit = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) lit++;
        return lit;`), { timeout: 20_000, what: 'a prediction of the stroke' });
      expect(ink).toBeGreaterThan(20);
      await clean();
    }, 180_000);

    it('offers to resume after a reload, and the resumed run has the uninterrupted run\'s numbers', async () => {
      await tab.goto(address(server, RESUMABLE));
      await waitStatus(tab, ['ready']);
      await trainTo(tab, 50);
      const saved = await steps(tab);
      await poll(() => tab.run(`return new Promise((resolve) => { const q = indexedDB.open('nn-playground-checkpoints');
        q.onerror = () => resolve(0); q.onsuccess = () => { const db = q.result; if (!db.objectStoreNames.contains('checkpoints')) return resolve(0);
        const all = db.transaction('checkpoints').objectStore('checkpoints').getAll();
        all.onsuccess = () => resolve(all.result.some((r) => r.step === ${saved})); all.onerror = () => resolve(0); }; });`),
      { timeout: 20_000, what: `a checkpoint at step ${saved}` });
      await tab.reload();
      const offer = await poll(() => tab.run(`${DEEP} return deep('.banner.recovery[data-kind="interrupted"]')?.textContent;`), { timeout: 30_000, what: 'the offer to resume' });
      // The banner writes the step as the page's language does (1,029 in English).
      expect(offer).toContain(`at step ${new Intl.NumberFormat('en').format(saved)}`);
      await waitStatus(tab, ['ready']);
      await tab.run(`${DEEP} deep('.banner.recovery[data-kind="interrupted"] button.restart').click();`);
      await waitStatus(tab, ['paused']);
      expect(await steps(tab)).toBe(saved);
      // A pause lands wherever the run was (50 steps or a thousand): the check covers 40 steps
      // past it, against the runner's losses for as many.
      const end = saved + 40;
      await trainTo(tab, end);
      expect((await losses(tab)).slice(0, end)).toEqual(await runnerLosses(RESUMABLE, end));
      await clean();
    }, 180_000);

    // Only where a script can run before the page's own (not over WebKitWebDriver's protocol).
    it.skipIf(name === 'webkit')('without DecompressionStream: says so, and trains with the same losses (fflate instead)', async () => {
      const bare = await engine.tab();
      try {
        await bare.beforeScripts('delete window.DecompressionStream;');
        await bare.goto(address(server, MLP));
        await waitStatus(bare, ['ready']);
        const text = await bare.run(`return document.querySelector('.support-notice')?.textContent;`);
        expect(text).toContain('This browser lacks DecompressionStream (MNIST loads more slowly)');
        expect(text).toContain('此浏览器缺少：DecompressionStream');
        await trainsAsTheRunner(bare);
        expect(server.cspReports).toEqual([]);
        // The notice's console.warn is not an error; nothing else was said.
        expect(await bare.takeProblems()).toEqual([]);
      } finally {
        await bare.close();
      }
    }, 120_000);

    it('refuses a hostile link with its message and shows the defaults', async () => {
      await tab.goto(address(server, '#v=1&lr=1e999&layers=<script>alert(1)</script>&lang=en'));
      const message = await poll(() => tab.run(`${DEEP} return pg?.linkError && deep('.banner pre')?.textContent;`), { timeout: 30_000, what: 'the link\'s message' });
      expect(message).toContain('lr: must be a finite number, got "1e999"');
      expect(await tab.run(`return document.querySelector('nn-playground').experiment.layers.map((l) => l.type);`)).toEqual(['flatten', 'dense', 'relu', 'dense']);
      expect(await tab.run(`${DEEP} return deep('script:not([src])') === null && deep('img[src="x"]') === null;`)).toBe(true);
      await clean();
    }, 60_000);

    it('opens the page and every lesson, and trains, with the network off', async () => {
      await network(false);
      try {
        for (const lesson of LESSONS) {
          await tab.goto(address(server, `#lesson=${lesson}&lang=en`));
          await waitStatus(tab, ['ready'], 60_000);
          expect(await tab.run(`return document.querySelector('nn-playground').lessons?.id;`)).toBe(lesson);
          await poll(() => press(tab, 'step'), { what: 'the Step button' });
          await poll(async () => (await steps(tab)) >= 1, { timeout: 60_000, what: `a step of lesson ${lesson}` });
        }
        await tab.goto(address(server, MLP));
        await waitStatus(tab, ['ready']);
        await trainsAsTheRunner(tab);
        await clean();
      } finally {
        await network(true);
      }
    }, 300_000);

    it('picks up a new deployment on the next visit, says so, and serves it offline with its own wasm', async () => {
      const { dist } = await secondDeployment();
      // The deployment's wasm files (nn.wasm?v=..., nn-mt.wasm?v=...), as its sw.js lists them.
      const wasmOf = async (dir) => JSON.parse(/const FILES = (\[[^\]]*\])/.exec(await readFile(path.join(dir, 'sw.js'), 'utf8'))[1]).filter((f) => /^nn(-mt)?\.wasm/.test(f)).sort();
      const versionOf = async (dir) => /const VERSION = "([0-9a-f]+)"/.exec(await readFile(path.join(dir, 'sw.js'), 'utf8'))[1];
      const [oldWasm, newWasm, newVersion] = [await wasmOf(DIST), await wasmOf(dist), await versionOf(dist)];
      expect(newWasm.length).toBe(2);
      expect(newWasm.filter((f) => oldWasm.includes(f))).toEqual([]);
      const coreAsked = () => server.requests.filter((p) => /\/nn(-mt)?\.wasm\?/.test(p)).at(-1);
      server.deploy(dist);
      try {
        await tab.goto(address(server, MLP));
        await waitStatus(tab, ['ready']);
        await poll(async () => newWasm.map((f) => `${PREFIX}${f}`).includes(coreAsked()), { timeout: 30_000, what: 'the new deployment\'s core' });
        const notice = await poll(() => tab.run(`return document.querySelector('.shell-notice')?.textContent;`), { timeout: 30_000, what: 'the update notice' });
        expect(notice).toContain('updated since your last visit');
        expect(await tab.run(`return document.documentElement.dataset.shellVersion;`)).toBe(newVersion);
        // Only the new deployment's shell is kept, and with its own wasm.
        const kept = await tab.run(`const names = (await caches.keys()).filter((n) => n.startsWith('nn-playground-shell-'));
          const wasm = []; for (const n of names) for (const r of await (await caches.open(n)).keys()) if (['/nn.wasm?', '/nn-mt.wasm?'].some((f) => r.url.includes(f))) wasm.push(new URL(r.url).pathname.split('/').pop() + new URL(r.url).search);
          return { names, wasm: wasm.sort() };`);
        expect(kept).toEqual({ names: [`nn-playground-shell-${newVersion}`], wasm: newWasm });
        await network(false);
        await tab.goto(address(server, MLP));
        await waitStatus(tab, ['ready']);
        expect(await tab.run(`return document.querySelector('script[type="module"]').getAttribute('src');`))
          .toBe(/<script type="module" crossorigin src="([^"]+)"/.exec(await readFile(path.join(dist, 'index.html'), 'utf8'))[1]);
        await trainsAsTheRunner(tab);
        await clean();
      } finally {
        await network(true);
        server.deploy(DIST);
      }
    }, 240_000);
  });
}

// Debian's default locale in containers and on servers: WebKitGTK's navigator.language is then "C",
// which is no language tag; the page picks its own and trains as anywhere else. Once, on a loaded
// CI runner, WebKit's web process was lost mid-run ("page crash or hang"): the test is self-contained,
// so it gets one more try in a fresh browser, and a failure shows what WebKit printed (webdriver.js).
describe.runIf(chosen.includes('webkit'))('webkit under LANG=C.UTF-8', () => {
  it('starts, and trains the MLP with the runner\'s first 50 losses', { retry: 1, timeout: 180_000 }, async () => {
    const server = await serve(DIST, { prefix: PREFIX, reportCsp: true });
    const engine = await launch('webkit', { env: locale('C.UTF-8') });
    try {
      const tab = await engine.tab();
      await tab.goto(address(server, MLP));
      expect(await tab.run('return navigator.languages;')).toEqual(['C']);
      await waitStatus(tab, ['ready']);
      await trainsAsTheRunner(tab);
      expect(await tab.takeProblems()).toEqual([]);
      expect(server.cspReports).toEqual([]);
    } finally {
      await engine.close();
      await server.close();
    }
  });
});
