// cache.js: a readFile for loadMnist (datasets.js) that keeps the gzip'ed MNIST files in the
// browser's Cache Storage, so a second visit reads them from disk without touching the network,
// and fetches them otherwise with byte-level progress (the HTTP cache helps as well). A cached
// copy that fails verification is dropped with forget() and fetched again.
//
// Each file is handed to the loader as a stream, which decompresses it while it arrives. A
// download is written to Cache Storage only once the loader has checked it (keep(), not waited
// for): so a download that fails the checks is never cached, and the write costs the load
// nothing (writing it while it arrived, through Response.clone(), cost the first visit about
// 0.15 s on this project's 2-core build machine, and waiting for the write after the last byte,
// as this file once did, 0.6 s).

import { bodyStream } from './datasets.js';
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

/** A Response over chunks already in memory (read by the cache as a stream: no copy of them all at once). */
function responseOf(chunks, contentType) {
  const length = chunks.reduce((n, c) => n + c.length, 0);
  let i = 0;
  const body = new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': contentType || 'application/gzip', 'content-length': String(length) } });
}

/**
 * Returns {readFile, keep, discard, forget, hits}: readFile(name, onBytes) resolves to a stream of
 * the bytes of `name` under baseUrl; keep() writes the files downloaded since the last keep() or
 * discard() to Cache Storage (call it once they have passed every check), discard() lets them go;
 * forget() empties the cache; `hits` counts the files served from Cache Storage (the page says
 * "from cache").
 */
export function cachedSource(baseUrl) {
  const state = { hits: 0 };
  let downloads = new Map(); // url -> {chunks, type}: fetched, not yet kept
  const readFile = async (name, onBytes) => {
    const url = new URL(name, baseUrl).href;
    const cache = await openCache();
    if (cache) {
      const hit = await cache.match(url);
      if (hit) {
        state.hits++;
        return bodyStream(hit, onBytes);
      }
    }
    // The browser's own words for a network failure ("Failed to fetch") say neither what nor where.
    const wordError = (err) => (err.msg ? err : errorOf(say('err.data.fetch', { name, url, reason: err.message })));
    let response;
    try {
      response = await fetch(url);
    } catch (err) {
      throw wordError(err);
    }
    if (!response.ok) throw errorOf(say('err.data.http', { name, status: response.status, url }));
    const download = { chunks: [], type: response.headers.get('content-type') };
    if (cache) downloads.set(url, download);
    return bodyStream(response, onBytes, { wordError, onChunk: (chunk) => download.chunks.push(chunk) });
  };
  const keep = async () => {
    const kept = downloads;
    downloads = new Map();
    if (!kept.size) return;
    const cache = await openCache();
    for (const [url, { chunks, type }] of kept) {
      // A full disk or a quota refusal only costs the next visit a download.
      try {
        cache?.put(url, responseOf(chunks, type)).catch(() => {});
      } catch {
        // refused at once: the same
      }
    }
  };
  const discard = () => {
    downloads = new Map();
  };
  const forget = async () => {
    discard();
    try {
      if (typeof caches !== 'undefined') await caches.delete(CACHE_NAME);
    } catch {
      // nothing cached, nothing to forget
    }
  };
  return { readFile, keep, discard, forget, get hits() { return state.hits; } };
}
