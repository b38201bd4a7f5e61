// vitest.config.js: the tests that run in Node (run from the repository root): the JS and the
// wasm core under tests/web/, and the end-to-end tests under tests/e2e/ (they drive Debian's
// Chromium themselves through playwright-core). Tests that need to run inside a browser are
// *.browser.test.js, run by vitest.browser.config.js.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['tests/web/**/*.test.js', 'tests/e2e/**/*.test.js'],
    exclude: ['**/node_modules/**', '**/*.browser.test.js'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
