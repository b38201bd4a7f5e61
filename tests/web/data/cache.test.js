// cache.test.js: the page's MNIST source (web/src/data/cache.js) over a stand-in for the browser's
// fetch and Cache Storage: downloads stream into the loader with progress, reach Cache Storage
// only once they have passed the checks (keep()), a second source reads them from there without a
// request, and a download that fails the checks is never cached.
import { gzipSync } from 'fflate';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cachedSource, CACHE_NAME } from '../../../web/src/data/cache.js';
import { loadMnist, MNIST_FILES } from '../../../web/src/data/datasets.js';
import { freshCore } from '../../../web/src/node.js';
import { idx } from '../fixtures.js';

let core;
beforeAll(async () => {
  core = await freshCore();
});

const BASE = 'https://example.test/playground/data/';
const served = () => ({
  [MNIST_FILES.trainImages]: gzipSync(idx([30, 28, 28], (i) => (i * 31) & 255)),
  [MNIST_FILES.trainLabels]: gzipSync(idx([30], (i) => i % 10)),
  [MNIST_FILES.testImages]: gzipSync(idx([30, 28, 28])),
  [MNIST_FILES.testLabels]: gzipSync(idx([30], (i) => (i * 7) % 10)),
});

/** Stand-ins for fetch and caches: {files (by name), requests, stores (cache name -> Map url -> bytes)}. */
function fakeBrowser(files) {
  const state = { files, requests: [], stores: new Map() };
  const store = (name) => {
    if (!state.stores.has(name)) state.stores.set(name, new Map());
    const map = state.stores.get(name);
    return {
      match: async (url) => (map.has(url) ? new Response(map.get(url), { headers: { 'content-length': String(map.get(url).length) } }) : undefined),
      put: async (url, response) => {
        map.set(url, new Uint8Array(await response.arrayBuffer()));
      },
      keys: async () => [...map.keys()],
    };
  };
  globalThis.caches = { open: async (name) => store(name), delete: async (name) => state.stores.delete(name) };
  globalThis.fetch = async (url) => {
    state.requests.push(String(url));
    const bytes = state.files[String(url).slice(BASE.length)];
    return bytes ? new Response(bytes, { headers: { 'content-length': String(bytes.length) } }) : new Response('not found', { status: 404 });
  };
  return state;
}

const MADE_UP = { checksums: null };
const realFetch = globalThis.fetch;
let browser;
beforeEach(() => {
  browser = fakeBrowser(served());
});
afterEach(() => {
  delete globalThis.caches;
  globalThis.fetch = realFetch;
});

/** Waits for the writes keep() started (it does not wait for them itself). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('cachedSource', () => {
  it('streams downloads into the loader with progress, caches them once kept, and serves a second visit from the cache', async () => {
    const source = cachedSource(BASE);
    const progress = [];
    const data = await loadMnist(core, source.readFile, { ...MADE_UP, onProgress: (p) => progress.push(p) });
    expect(data.train.count).toBe(30);
    data.dispose();
    expect(browser.requests).toHaveLength(4);
    const last = progress.at(-1);
    expect(last.loaded).toBe(last.total);
    expect(last.total).toBe(Object.values(browser.files).reduce((n, b) => n + b.length, 0));
    // Nothing is cached before the loader's checks have passed.
    expect(browser.stores.get(CACHE_NAME)?.size ?? 0).toBe(0);
    await source.keep();
    await settle();
    const stored = browser.stores.get(CACHE_NAME);
    expect(stored.size).toBe(4);
    for (const [name, bytes] of Object.entries(browser.files)) expect(Buffer.from(stored.get(BASE + name)).equals(Buffer.from(bytes))).toBe(true);

    const again = cachedSource(BASE);
    const second = await loadMnist(core, again.readFile, MADE_UP);
    expect(Array.from(core.u8(second.test.y, 3))).toEqual([0, 7, 4]);
    second.dispose();
    expect(again.hits).toBe(4);
    expect(browser.requests).toHaveLength(4); // no request on the second visit
  });

  it('never caches a download that failed the checks (discard), and words a failed request', async () => {
    browser.files[MNIST_FILES.testLabels] = gzipSync(idx([30], () => 12)); // not digits
    const source = cachedSource(BASE);
    await expect(loadMnist(core, source.readFile, MADE_UP)).rejects.toThrow(/label 12 at index 0 is not a digit/);
    source.discard();
    await source.keep();
    await settle();
    expect(browser.stores.get(CACHE_NAME)?.size ?? 0).toBe(0);

    delete browser.files[MNIST_FILES.trainLabels];
    await expect(loadMnist(core, cachedSource(BASE).readFile, MADE_UP)).rejects.toThrow(/^train-labels-idx1-ubyte.gz: HTTP 404 fetching https:\/\/example.test\//);
  });

  it('words a download that breaks off in the middle as a failed download, not as bad gzip', async () => {
    const gz = browser.files[MNIST_FILES.trainImages];
    const fetchOk = globalThis.fetch;
    globalThis.fetch = async (url) => {
      if (!String(url).endsWith(MNIST_FILES.trainImages)) return fetchOk(url);
      let sent = false;
      const body = new ReadableStream({
        pull(controller) {
          if (sent) controller.error(new TypeError('network error'));
          else controller.enqueue(gz.slice(0, 100));
          sent = true;
        },
      });
      return new Response(body, { headers: { 'content-length': String(gz.length) } });
    };
    await expect(loadMnist(core, cachedSource(BASE).readFile, MADE_UP))
      .rejects.toThrow(/^train-images-idx3-ubyte.gz: could not download https:\/\/example.test\/playground\/data\/train-images-idx3-ubyte.gz \(network error\)/);
  });
});
