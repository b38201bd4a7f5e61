// vite.config.js: the page lives in web/; static files (nn.wasm, data/*.gz, made by build.sh)
// are served from web/public/ and copied into web/dist/ by `vite build`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { offlineShell } from './offline-build.js';
import { cssLiterals } from './css-literals.js';

/** What makes a page cross-origin isolated: shared memory, and so the training worker's threads. */
export const ISOLATION_HEADERS = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
});

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative URLs: the built page works from any static server and under any sub-path.
  base: './',
  publicDir: 'public',
  // The offline app shell (web/dist/sw.js) and nn.wasm's versioned URL; the CSS of the elements'
  // css`...` templates minified (about 3 KB of the page's gzip'ed JS).
  plugins: [offlineShell(), cssLiterals(fileURLToPath(new URL('src/', import.meta.url)))],
  // Terser: 8.5 KB less gzip'ed JS than esbuild's minifier (249.1 KB to 240.5 KB, the same code).
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', minify: 'terser' },
  worker: { format: 'es' },
  // Cross-origin isolation, so the training worker may run the threaded core (README, Threads).
  server: { host: '127.0.0.1', port: 5173, headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', port: 4173, headers: ISOLATION_HEADERS },
});
