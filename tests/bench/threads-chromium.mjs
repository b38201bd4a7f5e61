// threads-chromium.mjs: threads.mjs's comparison in headless Chromium. Serves web/ with Vite's dev
// server (cross-origin isolated, as `npm run serve`), opens web/bench/threads.html and prints what
// it finds: our core on 1 and N threads, through the page's own training worker and through
// Session in a bare worker, taking turns round after round in one page. Needs web/public/nn.wasm,
// nn-mt.wasm and data/ (./build.sh).
//
//   node tests/bench/threads-chromium.mjs [--only w1,w2,w3] [--rounds 9] [--seconds 1] [--threads 2]
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { CHROMIUM, LAUNCH_ARGS } from '../e2e/browser.js';

function options(argv) {
  const o = { only: 'w1,w2,w3', rounds: 9, seconds: 1, threads: 2 };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in o) || argv[i + 1] === undefined) throw new Error(`unknown argument ${argv[i]} (see the file's header)`);
    o[name] = argv[++i];
  }
  return o;
}

const o = options(process.argv.slice(2));
const configFile = new URL('../../web/vite.config.js', import.meta.url).pathname;
const server = await createServer({ configFile, logLevel: 'error', server: { port: 0 } });
await server.listen();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
try {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'log' && !m.text().startsWith('[vite]')) console.log(m.text());
  });
  page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  await page.goto(new URL(`bench/threads.html?${new URLSearchParams(o)}`, server.resolvedUrls.local[0]).href);
  const handle = await page.waitForFunction(() => window.threadsDone, null, { timeout: 0, polling: 500 });
  const done = await handle.jsonValue();
  if (done.error) throw new Error(done.error);
} finally {
  await browser.close();
  await server.close();
}
