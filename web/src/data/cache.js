// cache.js: a readFile for loadMnist (datasets.js) that keeps the gzip'ed MNIST files in the
// browser's Cache Storage, so a second visit reads them from disk without touching the network,
// and fetches them otherwise with byte-level progress (the HTTP cache helps as well). A cached
// copy that fails verification is dropped with forget() and fetched again.

import { readBody } from './datasets.js';
import { errorOf, say } from '../i18n/errors.js';

/** Bump when the files change, so old copies are never read. */
export const CACHE_NAME = 'nn-playground-mnist-v1';

async function openCache() {
  try {
    return typeof caches === 'undefined' ? null : await caches.open(CACHE_NAME);
  } catch {
    return null; // opaque origins and some private modes refuse Cache Storage: fetch every time
  }
}

/**
 * Returns {readFile, forget, hits}: readFile(name, onBytes) resolves to the bytes of `name` under
 * baseUrl; `hits` counts the files served from Cache Storage (the page says "from cache").
 */
export function cachedSource(baseUrl) {
  const state = { hits: 0 };
  const readFile = async (name, onBytes) => {
    const url = new URL(name, baseUrl).href;
    const cache = await openCache();
    if (cache) {
      const hit = await cache.match(url);
      if (hit) {
        state.hits++;
        return readBody(hit, onBytes);
      }
    }
    let bytes;
    try {
      const response = await fetch(url);
      if (!response.ok) throw errorOf(say('err.data.http', { name, status: response.status, url }));
      bytes = await readBody(response, onBytes);
    } catch (err) {
      // The browser's own words for a network failure ("Failed to fetch") say neither what nor where.
      if (err.msg) throw err;
      throw errorOf(say('err.data.fetch', { name, url, reason: err.message }));
    }
    if (cache) {
      try {
        await cache.put(url, new Response(bytes, { headers: { 'content-type': 'application/gzip', 'content-length': String(bytes.length) } }));
      } catch {
        // A full disk or a quota refusal only costs the next visit a download.
      }
    }
    return bytes;
  };
  const forget = async () => {
    try {
      if (typeof caches !== 'undefined') await caches.delete(CACHE_NAME);
    } catch {
      // nothing cached, nothing to forget
    }
  };
  return { readFile, forget, get hits() { return state.hits; } };
}
