// vitest.browser.config.js: the tests that need a real browser (canvas, layout, pointer events):
// tests/web/**/*.browser.test.js, run in headless Chromium through Playwright. The Chromium is the
// system's (Debian's `chromium` package, which build.sh installs), never a downloaded build: set
// CHROMIUM_PATH to use another binary.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

function findChromium() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const path = join(dir, name);
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // not here
      }
    }
  }
  throw new Error('no chromium on PATH: install Debian\'s chromium package (build.sh does) or set CHROMIUM_PATH');
}

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['tests/web/**/*.browser.test.js'],
    testTimeout: 30_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: {
          executablePath: findChromium(),
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
        },
      }),
      instances: [{ browser: 'chromium', viewport: { width: 900, height: 700 } }],
    },
  },
});
