// sizes.test.js: the built page's sizes as `npm run bench` counts them: which files (every .wasm
// but MNIST's, every .js under assets/), gzip at level 9, the totals against 150 KB and 250 KB.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSize, pageFiles, summarizeSizes } from '../../../web/bench/sizes.js';
import { SIZE_TARGETS } from '../../../web/bench/targets.js';

/** Bytes that compress to roughly a known share: `n` bytes, one in `every` random. */
function bytes(n, seed) {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = i % 4 === 0 ? s >>> 24 : 65;
  }
  return out;
}

let dist;
beforeAll(async () => {
  dist = await mkdtemp(path.join(tmpdir(), 'nn-sizes-'));
  await mkdir(path.join(dist, 'assets'));
  await mkdir(path.join(dist, 'data'));
  await writeFile(path.join(dist, 'index.html'), '<!doctype html>');
  await writeFile(path.join(dist, 'nn.wasm'), bytes(5000, 1));
  await writeFile(path.join(dist, 'assets', 'index-abc.js'), bytes(8000, 2));
  await writeFile(path.join(dist, 'assets', 'worker-def.js'), bytes(3000, 3));
  await writeFile(path.join(dist, 'assets', 'index-abc.css'), bytes(3000, 4));
  await writeFile(path.join(dist, 'data', 'train-images-idx3-ubyte.gz'), bytes(9000, 5));
  await writeFile(path.join(dist, 'data', 'extra.wasm'), bytes(100, 6));
  await writeFile(path.join(dist, 'stray.js'), bytes(100, 7)); // not under assets/: not the page's JS
});
afterAll(() => rm(dist, { recursive: true, force: true }));

describe('gzipSize', () => {
  it('is the length of a level-9 gzip of the bytes, which gunzips back to them', () => {
    const b = bytes(10000, 9);
    const z = gzipSync(b, { level: 9 });
    expect(gzipSize(b)).toBe(z.length);
    expect(Buffer.compare(gunzipSync(z), Buffer.from(b))).toBe(0);
    expect(gzipSize(b)).toBeLessThan(b.length / 2);
  });
});

describe('pageFiles', () => {
  it('counts every .wasm outside data/ and every .js under assets/, nothing else', () => {
    const files = pageFiles(dist);
    expect(files.map((f) => [f.file, f.kind])).toEqual([
      ['assets/index-abc.js', 'js'], ['assets/worker-def.js', 'js'], ['nn.wasm', 'wasm'],
    ]);
    expect(files.find((f) => f.file === 'nn.wasm')).toMatchObject({ bytes: 5000, gzip: gzipSize(bytes(5000, 1)) });
  });
});

describe('summarizeSizes', () => {
  it('adds each kind up and compares the gzip total with its target, strictly', () => {
    const files = [
      { file: 'nn.wasm', kind: 'wasm', bytes: 400_000, gzip: SIZE_TARGETS.wasm },
      { file: 'assets/a.js', kind: 'js', bytes: 500_000, gzip: 200_000 },
      { file: 'assets/b.js', kind: 'js', bytes: 100_000, gzip: 49_999 },
    ];
    const s = summarizeSizes(files);
    expect(s.wasm).toMatchObject({ bytes: 400_000, gzip: 150_000, target: 150_000, met: false }); // not under 150 KB
    expect(s.js).toMatchObject({ bytes: 600_000, gzip: 249_999, target: 250_000, met: true });
    files[2].gzip = 50_000;
    expect(summarizeSizes(files).js.met).toBe(false);
  });

  it('does not call a page without any wasm small', () => {
    expect(summarizeSizes([{ file: 'assets/a.js', kind: 'js', bytes: 10, gzip: 10 }]).wasm.met).toBe(false);
  });
});
