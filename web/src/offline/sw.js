// sw.js: the service worker that keeps the app shell (the page, its scripts and styles, nn.wasm)
// for visits without a network. The build (web/offline-build.js) writes web/dist/sw.js as two
// constants, VERSION and FILES (this deployment's files, relative to the page), then this file.
//
// Every file but index.html has its version in its URL (Vite's hashed asset names, nn.wasm?v=<its
// hash>), so a page and the wasm it asks for always belong to one deployment: a page from the
// network asks for URLs this cache does not hold and gets them from the network; a page from this
// cache asks for exactly what was cached beside it. The page is fetched from the network first (a
// new deployment is seen on the next visit) and from the cache only when the network fails.
// MNIST (data/) is not handled here: the page keeps it in its own cache once it has checked it.
/* global VERSION, FILES */

const PREFIX = 'nn-playground-shell-';
const CACHE = PREFIX + VERSION;
const SCOPE = self.registration.scope;
const urlOf = (file) => new URL(file, SCOPE).href;
const SHELL = new Set(FILES.map(urlOf));
const INDEX = urlOf('index.html');

/** Resolves when every file of this deployment is in CACHE, or rejects (and the install fails). */
async function precache() {
  const cache = await caches.open(CACHE);
  // cache: 'reload' skips the HTTP cache: the copies are the server's, not an older download.
  await cache.addAll(FILES.map((file) => new Request(urlOf(file), { cache: 'reload' })));
  // A deployment that landed while this one was being fetched would leave a newer index.html
  // beside this deployment's scripts: refuse it, so no page is ever cached with a foreign script.
  const page = await (await cache.match(INDEX)).text();
  for (const [, file] of page.matchAll(/(?:src|href)="\.\/([^"]+)"/g)) {
    if (!SHELL.has(urlOf(file))) {
      await caches.delete(CACHE);
      throw new Error(`index.html names ${file}, which is not part of deployment ${VERSION}`);
    }
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const old = (await caches.keys()).filter((name) => name.startsWith(PREFIX) && name !== CACHE);
    await Promise.all(old.map((name) => caches.delete(name)));
    // No clients.claim(): the page that installed the shell keeps talking to the network directly;
    // the next page opened is served by this worker.
  })());
});

async function page(request) {
  try {
    return await fetch(request);
  } catch (err) {
    const cached = await caches.match(INDEX, { cacheName: CACHE });
    if (cached) return cached;
    throw err;
  }
}

async function shellFile(request, href) {
  return (await caches.match(href, { cacheName: CACHE })) ?? fetch(request);
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(request));
    return;
  }
  const url = new URL(request.url);
  url.hash = '';
  if (SHELL.has(url.href)) event.respondWith(shellFile(request, url.href));
});

// The page asks which deployment is saved (it says so when that changed since the last visit).
self.addEventListener('message', (event) => {
  if (event.data?.type === 'nn-shell-version') event.source?.postMessage({ type: 'nn-shell', version: VERSION });
});
