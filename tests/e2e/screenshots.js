#!/usr/bin/env node
// screenshots.js: the README's pictures, each the first screen a student sees at a real window size:
// a laptop (1366x768) in English and in Chinese, a phone (390x844), and a lesson (the XOR lesson
// after its two runs) on a laptop. Written to web/docs/. Serves web/dist/ (run ./build.sh first)
// and drives Debian's Chromium.
//
//   node tests/e2e/screenshots.js

import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { openPage, start, waitForStatus } from './browser.js';

const OUT = fileURLToPath(new URL('../../web/docs/', import.meta.url));

/**
 * Each picture: its file, the link it opens, the window, and what happens before it is taken. The
 * default experiment trains by itself on a first visit and is over in a few seconds; the picture
 * shows it finished, with the numbers and curves a student reads.
 */
const SHOTS = [
  { file: 'screenshot-en.png', hash: '#lang=en', width: 1366, height: 768, wait: 'done' },
  { file: 'screenshot-zh.png', hash: '#lang=zh', width: 1366, height: 768, wait: 'done' },
  { file: 'screenshot-phone-en.png', hash: '#lang=en', width: 390, height: 844, wait: 'done', scale: 2 },
  { file: 'screenshot-lesson-en.png', hash: '#lesson=xor&lang=en', width: 1366, height: 768, wait: 'ready', lesson: 2 },
];

await mkdir(OUT, { recursive: true });
const env = await start();
try {
  for (const shot of SHOTS) {
    const { page, context, problems } = await openPage(env.browser, null, { width: shot.width, height: shot.height, scale: shot.scale });
    await page.goto(`${env.server.url}${shot.hash}`);
    await waitForStatus(page, [shot.wait], 120_000);
    if (shot.lesson) {
      await page.locator('nn-lesson-panel #lesson-run').click();
      await page.waitForFunction((n) => {
        const l = document.querySelector('nn-playground').lessons;
        return !l.running && l.results.length >= n;
      }, shot.lesson, { timeout: 120_000, polling: 200 });
    }
    // Every view has had its turn since, and nothing has focus (no focus ring in the picture).
    await page.waitForTimeout(600);
    await page.evaluate(() => document.activeElement?.blur());
    // A lesson's picture starts at the lesson: its text and table of results beside the charts.
    await page.evaluate((lesson) => {
      const card = lesson && document.querySelector('nn-playground').shadowRoot.querySelector('section.lesson');
      window.scrollTo(0, card ? card.getBoundingClientRect().top + scrollY - 12 : 0);
    }, Boolean(shot.lesson));
    await page.screenshot({ path: `${OUT}${shot.file}` });
    console.log(`wrote web/docs/${shot.file} (${shot.width}x${shot.height})${problems.length ? `; page problems: ${problems.join('; ')}` : ''}`);
    await context.close();
  }
} finally {
  await env.close();
}
