// build.js: the benchmark's two Vite builds, kept out of the page's build and cached under
// node_modules/.cache/nn-bench/ until an input changes:
//  - tfjs.js bundled for Node. TF.js ships its gradients only as extension-less ES modules inside a
//    CommonJS package, which Node cannot import: bundled, Node runs the same module graph of
//    TF.js's ES builds as the browser does.
//  - the Chromium bench page (web/bench/index.html, its workers, the page's own worker.js).

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
