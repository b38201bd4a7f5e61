// setup.js: what every end-to-end file shares across its tests: the server of web/dist and one
// Chromium, started before the file's first test and closed after its last.
import { afterAll, beforeAll } from 'vitest';
import { start } from './browser.js';

/** Registers the file's start/close hooks; the object returned gets start()'s {server, browser, close}. */
export function useBrowser() {
  const env = {};
  beforeAll(async () => {
    Object.assign(env, await start());
  }, 60_000);
  afterAll(async () => {
    await env.close?.();
  });
  return env;
}
