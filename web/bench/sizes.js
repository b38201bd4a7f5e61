// sizes.js: what the built page (web/dist) weighs over the wire, for `npm run bench`: each
// .wasm file (MNIST's data/ folder aside) and each .js file under assets/, gzip'ed at level 9 by
// Node's zlib, one by one as a host would send them; the totals against the speed issue's targets.
// 1 KB = 1000 bytes here.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { SIZE_TARGETS } from './targets.js';

/** The size of `bytes` gzip'ed at level 9. */
export function gzipSize(bytes) {
  return gzipSync(bytes, { level: 9 }).length;
}

function walk(dir, rel = '') {
  const out = [];
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const name = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...walk(dir, name));
    else out.push(name);
  }
  return out.sort();
}

/**
 * The page's files that count: [{file (relative to distDir, '/'-separated), kind: 'wasm' | 'js',
 * bytes, gzip}]. wasm: every .wasm outside data/; js: every .js under assets/.
 */
export function pageFiles(distDir) {
  const files = [];
  for (const file of walk(distDir)) {
    const kind = file.endsWith('.wasm') && !file.startsWith('data/') ? 'wasm' : file.startsWith('assets/') && file.endsWith('.js') ? 'js' : null;
    if (!kind) continue;
    const bytes = readFileSync(path.join(distDir, file));
    files.push({ file, kind, bytes: bytes.length, gzip: gzipSize(bytes) });
  }
  return files;
}

/** Totals per kind and whether each is under its target: {wasm: {bytes, gzip, target, met, files}, js: {...}}. */
export function summarizeSizes(files) {
  const out = {};
  for (const kind of ['wasm', 'js']) {
    const mine = files.filter((f) => f.kind === kind);
    const gzip = mine.reduce((a, f) => a + f.gzip, 0);
    out[kind] = {
      files: mine, bytes: mine.reduce((a, f) => a + f.bytes, 0), gzip,
      target: SIZE_TARGETS[kind], met: mine.length > 0 && gzip < SIZE_TARGETS[kind],
    };
  }
  return out;
}
