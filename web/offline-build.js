// offline-build.js: the Vite plugin that writes web/dist/sw.js once the page is built: this
// deployment's VERSION (a hash of every file it lists) and FILES (the page's files, relative to
// it), followed by src/offline/sw.js. It also gives the page the URLs of nn.wasm and nn-mt.wasm
// with each wasm's own hash in it (nn.wasm?v=...), so a cached page never pairs with another
// deployment's wasm.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const hash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

/** 'nn.wasm?v=<16 hex>' for the wasm `name` in publicDir, or plain 'nn.wasm' before build.sh made it. */
export function wasmFile(publicDir, name = 'nn.wasm') {
  const file = path.join(publicDir, name);
  return existsSync(file) ? `${name}?v=${hash(readFileSync(file))}` : name;
}

async function filesUnder(dir, rel = '') {
  const out = [];
  for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const name = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await filesUnder(dir, name)));
    else out.push(name);
  }
  return out;
}

// MNIST is cached by the page after its checks; sw.js is the worker itself.
const SKIP = /^(data\/|sw\.js$)/;

export function offlineShell() {
  let outDir;
  let wasm;
  let wasmMt;
  return {
    name: 'nn-offline-shell',
    config(config, { command }) {
      const publicDir = path.resolve(config.root ?? '.', config.publicDir || 'public');
      wasm = wasmFile(publicDir);
      wasmMt = wasmFile(publicDir, 'nn-mt.wasm');
      // __NN_OFFLINE__: a build has a sw.js to register; Vite's dev server has none.
      const define = { __NN_WASM_FILE__: wasm, __NN_WASM_MT_FILE__: wasmMt, __NN_OFFLINE__: command === 'build' };
      return { define: Object.fromEntries(Object.entries(define).map(([k, v]) => [k, JSON.stringify(v)])) };
    },
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      if (!outDir || !existsSync(path.join(outDir, 'index.html'))) return;
      const names = (await filesUnder(outDir)).filter((f) => !SKIP.test(f)).sort();
      const digest = createHash('sha256');
      const files = [];
      for (const name of names) {
        const bytes = await readFile(path.join(outDir, name));
        digest.update(`${name}\0`).update(bytes);
        files.push(name === 'nn.wasm' ? wasm : name === 'nn-mt.wasm' ? wasmMt : name);
      }
      const version = digest.digest('hex').slice(0, 16);
      const body = await readFile(new URL('./src/offline/sw.js', import.meta.url), 'utf8');
      const head = `const VERSION = ${JSON.stringify(version)};\nconst FILES = ${JSON.stringify(files, null, 1)};\n`;
      await writeFile(path.join(outDir, 'sw.js'), head + body);
    },
  };
}
