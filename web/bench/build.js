// build.js: the benchmark's two Vite builds, kept out of the page's build and cached under
// node_modules/.cache/nn-bench/ until an input changes:
//  - tfjs.js bundled for Node. TF.js ships its gradients only as extension-less ES modules inside a
//    CommonJS package, which Node cannot import: bundled, Node runs the same module graph of
//    TF.js's ES builds as the browser does.
//  - the Chromium bench page (web/bench/index.html, its workers, the page's own worker.js).
// And two builds of files elsewhere, rebuilt when older than their inputs:
//  - tests/.build/bench/gemm_bench.wasm (`bash tests/bench/run.sh gemm-wasm`, emcc);
//  - the page itself, web/dist (./build.sh), whose sizes and behaviour the bench measures.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const WEB_DIR = path.dirname(BENCH_DIR);
const ROOT = path.dirname(WEB_DIR);
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'nn-bench');

async function filesUnder(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (/\.(js|json|html)$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

/** A hash of the inputs of a build: source files and the versions of the packages used. */
async function inputHash(files, salt) {
  const hash = createHash('sha256').update(salt);
  const packages = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', 'vite'];
  for (const name of packages) {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8'));
    hash.update(`${name}@${pkg.version}\n`);
  }
  for (const f of files) hash.update(path.relative(ROOT, f)).update(await readFile(f));
  return hash.digest('hex').slice(0, 16);
}

/** Builds into a temporary folder and renames it into place, so a stopped build leaves nothing. */
async function cachedBuild(name, key, run) {
  const dir = path.join(CACHE_DIR, `${name}-${key}`);
  if (existsSync(path.join(dir, 'done'))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await run(tmp);
  await writeFile(path.join(tmp, 'done'), '');
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return dir;
}

// Emscripten's Node glue and TF.js's Node platform expect CommonJS globals.
const NODE_BANNER = [
  "import { createRequire as __benchCreateRequire } from 'node:module';",
  "import { fileURLToPath as __benchFileURLToPath } from 'node:url';",
  "import { dirname as __benchDirname } from 'node:path';",
  'const require = __benchCreateRequire(import.meta.url);',
  'const __filename = __benchFileURLToPath(import.meta.url);',
  'const __dirname = __benchDirname(__filename);',
].join(' ');

/** The path of tfjs.js bundled for Node (an ES module exporting {tf, tfWasm}). */
export async function tfjsForNode(log = () => {}) {
  const entry = path.join(BENCH_DIR, 'tfjs.js');
  const key = await inputHash([entry], 'node');
  const dir = await cachedBuild('tfjs-node', key, async (out) => {
    log('bundling TF.js for Node (once; cached in node_modules/.cache/nn-bench/)');
    const { build } = await import('vite');
    await build({
      configFile: false, logLevel: 'warn', root: BENCH_DIR, publicDir: false,
      build: {
        ssr: true, outDir: out, emptyOutDir: false, target: 'node20', minify: false,
        rollupOptions: { input: { tfjs: entry }, output: { format: 'es', entryFileNames: '[name].mjs', banner: NODE_BANNER } },
      },
      ssr: { noExternal: true, target: 'node' },
    });
  });
  return path.join(dir, 'tfjs.mjs');
}

/** The folder of the built Chromium bench page (index.html and its assets). */
export async function benchPage(log = () => {}) {
  const files = [...(await filesUnder(BENCH_DIR)), ...(await filesUnder(path.join(WEB_DIR, 'src')))];
  const key = await inputHash(files, 'page');
  return cachedBuild('page', key, async (out) => {
    log('building the bench page with Vite (cached until web/src or web/bench change)');
    const { build } = await import('vite');
    await build({
      configFile: false, logLevel: 'warn', root: BENCH_DIR, base: './', publicDir: false,
      build: { outDir: out, emptyOutDir: false, target: 'es2022', minify: true, chunkSizeWarningLimit: 4096 },
      worker: { format: 'es' },
    });
  });
}

/** The newest modification time (ms) of the files under `paths` (folders walked), 0 if none. */
function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    const info = statSync(p, { throwIfNoEntry: false });
    if (!info) return;
    if (info.isDirectory()) {
      for (const entry of readdirSyncSafe(p)) visit(path.join(p, entry));
    } else {
      newest = Math.max(newest, info.mtimeMs);
    }
  };
  for (const p of paths) visit(p);
  return newest;
}

function readdirSyncSafe(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Whether `output` is missing or older than any file under `inputs` (paths relative to the root). */
export function isStale(output, inputs) {
  const out = statSync(path.join(ROOT, output), { throwIfNoEntry: false });
  return !out || newestMtime(inputs.map((p) => path.join(ROOT, p))) > out.mtimeMs;
}

const run = promisify(execFile);

/**
 * tests/.build/bench/gemm_bench.wasm, built with emcc by tests/bench/run.sh when older than the
 * core's sources or the benchmark's; resolves to its path.
 */
export async function gemmBenchWasm(log = () => {}) {
  const output = 'tests/.build/bench/gemm_bench.wasm';
  if (isStale(output, ['c', 'tests/bench/gemm_bench.c', 'tests/bench/bench.h', 'tests/bench/run.sh'])) {
    log('building tests/bench/gemm_bench.c to wasm (bash tests/bench/run.sh gemm-wasm)');
    try {
      await run('bash', ['tests/bench/run.sh', 'gemm-wasm'], { cwd: ROOT, maxBuffer: 16 * 2 ** 20 });
    } catch (err) {
      throw new Error(`bash tests/bench/run.sh gemm-wasm failed: ${(err.stderr || err.message).trim().split('\n').slice(-5).join(' | ')}`);
    }
  }
  return path.join(ROOT, output);
}

/** What build.sh looks at to rebuild web/dist (a file newer than web/dist/index.html). */
const PAGE_INPUTS = ['web/index.html', 'web/src', 'web/public'];

/** web/dist, rebuilt with ./build.sh when missing or older than the page's sources; resolves to its path. */
export async function builtPage(log = () => {}) {
  if (isStale('web/dist/index.html', PAGE_INPUTS)) {
    log('web/dist is missing or older than web/src: running ./build.sh');
    try {
      await run('bash', ['build.sh'], { cwd: ROOT, maxBuffer: 64 * 2 ** 20 });
    } catch (err) {
      throw new Error(`./build.sh failed: ${(err.stderr || err.stdout || err.message).trim().split('\n').slice(-5).join(' | ')}`);
    }
  }
  return path.join(ROOT, 'web', 'dist');
}
