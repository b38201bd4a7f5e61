// server.js: a small static file server for the end-to-end tests and the screenshot script. It
// serves a directory (web/dist) on 127.0.0.1 at a random port, optionally under a sub-path (to
// prove the built page needs no particular root), with the MIME types the page needs and
// Cache-Control headers like a real host. The cross-engine tests also ask it to collect the
// browser's CSP violation reports, to send MNIST slowly (so its progress can be watched), and to
// act as a network that is switched off. It sends the headers that make the page cross-origin
// isolated (so the training worker runs its threads) unless asked not to.

import { createServer } from 'node:http';
import { Transform } from 'node:stream';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ISOLATION_HEADERS } from '../../web/vite.config.js';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.gz': 'application/gzip',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A stream that lets through about `rate` bytes a second, in 64 KB pieces. */
function paced(rate) {
  return new Transform({
    transform(chunk, _, done) {
      setTimeout(() => done(null, chunk), (1000 * chunk.length) / rate);
    },
  });
}

/**
 * Starts serving `root` under `prefix` (e.g. '/course/playground/'). Resolves to
 * {url, port, requests, cspReports, offline, close()}: url is the page's address; requests lists
 * every path asked for. Options: reportCsp adds a report-uri to the CSP (reports land in
 * cspReports, in every engine alike); dataBytesPerSecond paces the data/ files; isolated: false
 * leaves out the COOP/COEP headers (a host like GitHub Pages); setting `offline` to true drops
 * every connection unanswered, as a dead network would.
 */
export async function serve(root, { prefix = '/', reportCsp = false, dataBytesPerSecond = 0, isolated = true } = {}) {
  let base = path.resolve(root);
  const requests = [];
  const cspReports = [];
  const state = { offline: false };
  // The page's own Content-Security-Policy (its meta tag), sent as a header as a careful host
  // would: a header also binds the worker, which a document's meta tag does not reach.
  const index = await readFile(path.join(base, 'index.html'), 'utf8').catch(() => '');
  let csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(index)?.[1];
  if (csp && reportCsp) csp += `; report-uri ${prefix}__csp-report`;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (state.offline) {
      req.socket.destroy();
      return;
    }
    requests.push(url.pathname + url.search);
    if (req.method === 'POST' && url.pathname === `${prefix}__csp-report`) {
      let body = '';
      req.on('data', (c) => { body += c; }).on('end', () => {
        cspReports.push(body);
        res.writeHead(204).end();
      });
      return;
    }
    if (!url.pathname.startsWith(prefix)) {
      res.writeHead(404).end('not found');
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(prefix.length));
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(base, rel);
    if (!file.startsWith(base + path.sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': file.includes(`${path.sep}data${path.sep}`) ? 'public, max-age=86400' : 'no-cache',
        ...(csp ? { 'content-security-policy': csp } : {}),
        ...(isolated ? ISOLATION_HEADERS : {}),
      });
      const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
      if (dataBytesPerSecond && rel.startsWith('data/')) stream.pipe(paced(dataBytesPerSecond)).pipe(res);
      else stream.pipe(res);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    port,
    requests,
    cspReports,
    get offline() { return state.offline; },
    set offline(on) {
      state.offline = on;
      if (on) server.closeAllConnections();
    },
    /** Serves another directory from now on (a new deployment at the same address). */
    deploy(dir) {
      base = path.resolve(dir);
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
