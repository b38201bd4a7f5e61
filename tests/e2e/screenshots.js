#!/usr/bin/env node
// screenshots.js: the README's pictures of the page training, in English and in Chinese:
// web/docs/screenshot-en.png and web/docs/screenshot-zh.png (1280 px wide), plus the tablet width
// (768 px) in English. Serves web/dist/ (run ./build.sh first) and drives Debian's Chromium.
//
//   node tests/e2e/screenshots.js [--steps N]

import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openPage, start, waitForStatus, waitForSteps } from './browser.js';

const OUT = fileURLToPath(new URL('../../web/docs/', import.meta.url));
const { values } = parseArgs({ options: { steps: { type: 'string', default: '600' } } });
const steps = Number(values.steps);

const SHOTS = [
  { file: 'screenshot-en.png', lang: 'en', width: 1280 },
  { file: 'screenshot-zh.png', lang: 'zh', width: 1280 },
  { file: 'screenshot-tablet-en.png', lang: 'en', width: 768 },
];

await mkdir(OUT, { recursive: true });
const env = await start();
try {
  for (const shot of SHOTS) {
    // Tall enough that every view is on screen, so every chart keeps drawing while it trains.
    const { page, context, problems } = await openPage(env.browser, null, { width: shot.width, height: shot.width < 1000 ? 4200 : 2300 });
    // Three epochs of the default MLP, so the picture is taken while it trains.
    await page.goto(`${env.server.url}#v=1&epochs=3&lang=${shot.lang}`);
    await waitForStatus(page, ['ready'], 120_000);
    await page.locator('nn-run-controls button.primary').click();
    await waitForSteps(page, steps, 120_000);
    await page.waitForTimeout(400); // every view has had its turn since
    // The draw pad with a stroke, so its bars show.
    const pad = page.locator('nn-draw-pad canvas.pad');
    const box = await pad.boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.18);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.85, { steps: 14 });
      await page.mouse.up();
      await page.waitForTimeout(300);
    }
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.screenshot({ path: `${OUT}${shot.file}`, fullPage: true });
    console.log(`wrote web/docs/${shot.file} (${shot.width}x${height})${problems.length ? `; page problems: ${problems.join('; ')}` : ''}`);
    await context.close();
  }
} finally {
  await env.close();
}
