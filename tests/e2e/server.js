// server.js: a small static file server for the end-to-end tests and the screenshot script. It
// serves a directory (web/dist) on 127.0.0.1 at a random port, optionally under a sub-path (to
// prove the built page needs no particular root), with the MIME types the page needs and
// Cache-Control headers like a real host.

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

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

/**
 * Starts serving `root` under `prefix` (e.g. '/course/playground/'). Resolves to
 * {url, port, requests, close()}: url is the page's address; requests lists every path asked for.
 */
export async function serve(root, { prefix = '/' } = {}) {
  const base = path.resolve(root);
  const requests = [];
  // The page's own Content-Security-Policy (its meta tag), sent as a header as a careful host
  // would: a header also binds the worker, which a document's meta tag does not reach.
  const index = await readFile(path.join(base, 'index.html'), 'utf8').catch(() => '');
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(index)?.[1];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    requests.push(url.pathname);
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
      });
      createReadStream(file).pipe(res);
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
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
