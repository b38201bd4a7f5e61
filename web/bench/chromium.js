// chromium.js: the Chromium half of `npm run bench`. Builds the bench page (build.js), serves it,
// the core's bytes and gemm_bench.wasm's from 127.0.0.1 with a small static server, opens it in
// Debian's headless Chromium through playwright-core and returns what the page leaves in
// window.benchDone.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchPage } from './build.js';
import { ISOLATION_HEADERS } from '../vite.config.js';

const require = createRequire(import.meta.url);
const WEB_DIR = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'; // Debian's chromium package
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const TIMEOUT_MS = 30 * 60 * 1000;

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm', '.gz': 'application/octet-stream' };

/** URL prefix -> folder. Longest prefix first; the page's build answers everything else. */
function routes(pageDir) {
  return [
    ['/tfjs-wasm/', path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))], // its .wasm binaries
    ['/experiments/', path.join(WEB_DIR, 'experiments')],
    ['/data/', path.join(WEB_DIR, 'public', 'data')], // the gzip'ed MNIST files build.sh copies
    ['/', pageDir],
  ];
}

async function resolveFile(table, urlPath) {
  for (const [prefix, target] of table) {
    if (!urlPath.startsWith(prefix)) continue;
    const rest = urlPath.slice(prefix.length);
    const file = rest ? path.join(target, rest) : target;
    if (file !== target && !file.startsWith(target + path.sep)) return null; // no way out of the folder
    const info = await stat(file).catch(() => null);
    if (info?.isFile()) return { file, size: info.size };
    if (info?.isDirectory()) return resolveFile([[urlPath, path.join(file, 'index.html')]], urlPath);
    return null;
  }
  return null;
}

// Cross-origin isolated, as `npm run serve` serves the page: shared memory for the threads of our
// core and of TF.js's threaded build.
function serve(pageDir, wasmBytes, gemmBytes, wasmMtBytes) {
  const table = routes(pageDir);
  const server = http.createServer(async (req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    // The cores bench.js read once at the start, for Node and Chromium alike.
    const bytes = { '/nn.wasm': wasmBytes, '/nn-mt.wasm': wasmMtBytes, '/gemm_bench.wasm': gemmBytes }[urlPath];
    if (bytes) {
      res.writeHead(200, { 'content-type': 'application/wasm', 'content-length': bytes.length, 'cache-control': 'no-store', ...ISOLATION_HEADERS }).end(bytes);
      return;
    }
    const found = await resolveFile(table, urlPath);
    if (!found || req.method !== 'GET') {
      res.writeHead(found ? 405 : 404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(found.file)] ?? 'application/octet-stream',
      'content-length': found.size,
      'cache-control': 'no-store',
      ...ISOLATION_HEADERS,
    });
    createReadStream(found.file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/**
 * Runs the plan in Chromium, then gemm_bench when given its bytes and arguments (gemm: {bytes,
 * args}): {results, gemm (parsed report, {error}, or null), version, userAgent, oursPath}. With
 * wasmMtBytes and threads > 1, also ours on that many threads and TF.js's threaded build.
 */
export async function runInChromium({ wasmBytes, wasmMtBytes = null, threads = 1, quick, workloads, cpu, oursPath, gemm = null, log }) {
  const pageDir = await benchPage(log);
  const server = await serve(pageDir, wasmBytes, gemm?.bytes, wasmMtBytes);
  const { chromium } = await import('playwright-core');
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    page.on('console', (msg) => {
      const text = msg.text();
      if (text.startsWith('[bench] ')) log(text.slice(8));
      else if (msg.type() === 'error' || msg.type() === 'warning') log(`page ${msg.type()}: ${text}`);
    });
    page.on('pageerror', (err) => log(`page error: ${err.message}`));
    const query = new URLSearchParams({ workloads: workloads.join(','), quick: quick ? '1' : '0', cpu: cpu ? '1' : '0', ours: oursPath, threads: String(wasmMtBytes ? threads : 1) });
    if (gemm) query.set('gemm', gemm.args.join(','));
    await page.goto(`http://127.0.0.1:${server.address().port}/index.html?${query}`);
    const handle = await page.waitForFunction(() => window.benchDone ?? null, null, { timeout: TIMEOUT_MS, polling: 250 });
    const done = await handle.jsonValue();
    if (done.error) throw new Error(`the bench page failed: ${done.error}`);
    return { results: done.results, gemm: done.gemm ?? null, version: browser.version(), userAgent: done.userAgent, oursPath: done.oursPath };
  } finally {
    await browser?.close();
    server.close();
  }
}
