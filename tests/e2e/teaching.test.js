// teaching.test.js: the teaching features in Debian's headless Chromium, on small 2-D runs: a
// homework link locks and hides what it says and shows its goal as text; training stops at the
// budget; Submit gives a result link that the headless runner verifies (and a doctored one it
// refuses); the page replays a result link; runs are kept, overlaid on the charts, compared with
// the differing setting marked, exported, and still there after a reload; an embedding shows only
// its parts; instructor mode writes a homework link; the export buttons download and upload.

import { execFile } from 'node:child_process';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { unzipSync, strFromU8 } from 'fflate';
import { openDrawer, openPage, press, waitForStatus } from './browser.js';
import { useBrowser } from './setup.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/** Runs the headless runner; resolves {code, lines} whatever the exit code. */
async function runner(...args) {
  try {
    const { stdout } = await run(process.execPath, [path.join(ROOT, 'web/cli/train.js'), ...args], { cwd: ROOT, maxBuffer: 1 << 24 });
    return { code: 0, lines: stdout.trim().split('\n').map((l) => JSON.parse(l)) };
  } catch (err) {
    return { code: err.code, lines: err.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)), stderr: err.stderr };
  }
}

// XOR, 200 points, batch 20: 10 steps an epoch.
const XOR = 'v=1&data=xor&count=200&noise=0.1&layers=dense:4,tanh,dense:2&loss=ce&opt=adam&lr=0.03&init=torch_default&batch=20&epochs=5&seed=1';
const GOAL_TEXT = '<b>Reach</b> 60 % <img src=x onerror=alert(1)> in 3 epochs';
const HOMEWORK = `${XOR}&goal=acc&target=0.6&max_epochs=3&lock=layers,opt&hide=seed,init&goal_en=${encodeURIComponent(GOAL_TEXT)}&goal_zh=${encodeURIComponent('三轮内达到 60 %')}`;

const env = useBrowser();

const pg = (page, expression) => page.evaluate(`(() => { const pg = document.querySelector('nn-playground'); return ${expression}; })()`);

describe('a homework link', () => {
  let resultLink;

  it('locks and hides what it says, shows the goal as text, stops at the budget, and Submit gives a link the runner verifies', async () => {
    const { page, problems, context } = await openPage(env.browser, `${env.server.url}#${HOMEWORK}`);
    try {
      await waitForStatus(page, ['ready']);
      // The goal, in the page's language, as plain text: the markup in the link is characters.
      const text = page.locator('nn-goal-panel [data-goal-text]');
      expect(await text.textContent()).toBe(GOAL_TEXT);
      expect(await page.locator('nn-goal-panel').evaluate((el) => el.shadowRoot.querySelectorAll('b, img, script').length)).toBe(0);
      expect(await page.locator('nn-goal-panel [data-goal="metric"]').textContent()).toContain('at least 60.00 %');
      expect(await page.locator('nn-goal-panel [data-goal="max_epochs"]').textContent()).toContain('3 epochs (30 steps)');
      expect(await page.locator('nn-goal-panel [data-fixed]').textContent()).toMatch(/Fixed by the assignment: layers, optimizer\.\s*Hidden by the assignment: weight initialiser, seed\./);
      // Locked: shown, disabled.
      expect(await page.locator('nn-layer-editor').getAttribute('disabled')).not.toBeNull();
      expect(await page.locator('nn-layer-row select#kind').first().isDisabled()).toBe(true);
      expect(await page.locator('nn-layer-row nn-num-field input').first().isDisabled()).toBe(true);
      expect(await page.locator('nn-layer-editor button', { hasText: 'Add layer' }).count()).toBe(0);
      expect(await page.locator('nn-settings-panel select#opt-type').isDisabled()).toBe(true);
      expect(await page.locator('nn-settings-panel label[for="opt-type"]').textContent()).toContain('(locked)');
      // Free: editable.
      expect(await page.locator('nn-settings-panel nn-num-field[data-field="optimizer.lr"] input').isDisabled()).toBe(false);
      // Hidden: not there at all; nor is the preset picker, which would overwrite them.
      expect(await page.locator('nn-settings-panel nn-num-field[data-field="seed"]').count()).toBe(0);
      expect(await page.locator('nn-settings-panel nn-init-editor').count()).toBe(0);
      expect(await page.locator('nn-playground #preset').count()).toBe(0);
      expect(await page.locator('nn-playground #instructor').count()).toBe(0);
      // The budget: 3 epochs of 10 steps, although the experiment says 5.
      await press(page, 'Train');
      await waitForStatus(page, ['paused']);
      expect(await pg(page, 'pg.live.stepCount')).toBe(30);
      expect(await page.locator('nn-run-controls .status').textContent()).toContain('budget (30 steps)');
      await page.locator('nn-goal-panel #submit').click();
      await page.waitForFunction(() => document.querySelector('nn-playground').homework.resultLink, null, { polling: 100 });
      resultLink = await pg(page, 'pg.homework.resultLink');
      expect(await page.locator('nn-goal-panel #result-link').inputValue()).toBe(resultLink);
      expect(resultLink).toContain('&claim_steps=30&claim_acc=');
      expect(resultLink.startsWith(`${env.server.url}#${XOR}&goal=acc`)).toBe(true);
      // The whole test set's number is the one the goal is judged on now.
      expect(await page.locator('nn-goal-panel .progress').textContent()).toContain('on the whole test set');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }

    const r = await runner('--verify', resultLink, '--assignment', `${env.server.url}#${HOMEWORK}`);
    expect(r.code).toBe(0);
    const [report, summary] = r.lines;
    console.log(`e2e: the browser's result verified in Node: claimed ${JSON.stringify(report.claim)}, replayed ${JSON.stringify(report.replayed)}`);
    expect(report).toMatchObject({ verified: true, digest_ok: true, claim_matches: true, follows_assignment: true });
    expect(report.replayed).toEqual(report.claim);
    expect(report.goal.budgets).toEqual([{ budget: 'max_epochs', limit: 3, used: 3, ok: true }]);
    expect(summary).toMatchObject({ links: 1, verified: 1 });
  }, 180_000);

  it('a doctored result link is refused by the runner, and flagged by the page', async () => {
    expect(resultLink).toBeTruthy();
    const claimed = /claim_acc=([0-9.]+)/.exec(resultLink)[1];
    const raised = resultLink.replace(`claim_acc=${claimed}`, 'claim_acc=0.999');
    const changed = resultLink.replace('lr=0.03', 'lr=0.3');
    const r = await runner('--verify', raised, '--verify', changed);
    expect(r.code).toBe(1);
    expect(r.lines[0]).toMatchObject({ verified: false, digest_ok: false, claim_matches: false });
    expect(r.lines[0].replayed.test_accuracy).toBe(Number(claimed));
    expect(r.lines[1]).toMatchObject({ verified: false, digest_ok: false });
    expect(r.lines[2]).toMatchObject({ links: 2, verified: 0, refused: 2 });

    // The page opened with a result link shows the claim and whether its digest holds, and replays it.
    const { page, problems, context } = await openPage(env.browser, raised);
    try {
      await waitForStatus(page, ['ready']);
      expect(await page.locator('nn-goal-panel [data-digest]').getAttribute('data-digest')).toBe('bad');
      await page.locator('nn-goal-panel #replay').click();
      const verdict = page.locator('nn-goal-panel [data-replay]');
      await verdict.waitFor({ timeout: 60_000 });
      expect(await verdict.getAttribute('data-replay')).toBe('differs');
      expect(await pg(page, 'pg.live.stepCount')).toBe(30);
      await page.goto(resultLink);
      await page.reload();
      await waitForStatus(page, ['ready']);
      expect(await page.locator('nn-goal-panel [data-digest]').getAttribute('data-digest')).toBe('ok');
      await page.locator('nn-goal-panel #replay').click();
      await verdict.waitFor({ timeout: 60_000 });
      expect(await verdict.getAttribute('data-replay')).toBe('match');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});

describe('runs', () => {
  it('are kept, overlaid on the charts, compared with the differing setting marked, exported, and survive a reload', async () => {
    const { page, problems, context } = await openPage(env.browser, `${env.server.url}#${XOR.replace('epochs=5', 'epochs=2')}`);
    try {
      await waitForStatus(page, ['ready']);
      await press(page, 'Train');
      await waitForStatus(page, ['done']);
      await openDrawer(page);
      const lr = page.locator('nn-settings-panel nn-num-field[data-field="optimizer.lr"] input');
      await lr.fill('0.1');
      await expect.poll(async () => (await pg(page, 'pg.experiment')).optimizer.lr).toBe(0.1);
      await waitForStatus(page, ['ready']);
      await press(page, 'Train');
      await waitForStatus(page, ['done']);
      await expect.poll(() => pg(page, 'pg.history.runs.length')).toBe(2);
      const rows = page.locator('nn-run-list table.list tbody tr');
      expect(await rows.count()).toBe(2);
      // Only the live run is drawn until another is ticked.
      expect(await page.locator('#loss-chart').evaluate((el) => el.runs.length)).toBe(1);
      await rows.nth(1).locator('input[type="checkbox"]').check();
      const chart = async (id) => page.locator(id).evaluate((el) => ({ runs: el.runs.map((r) => ({ label: r.label, n: r.train.length ?? r.train.steps.length })), drawn: el.drawn }));
      await expect.poll(async () => (await chart('#loss-chart')).runs.length).toBe(2);
      const loss = await chart('#loss-chart');
      expect(loss.runs).toEqual([{ label: 'Run 2', n: 20 }, { label: 'Run 1', n: 20 }]);
      expect((await chart('#accuracy-chart')).runs.map((r) => r.label)).toEqual(['Run 2', 'Run 1']);
      await expect.poll(async () => (await chart('#loss-chart')).drawn).toBe(true);
      // The comparison: lr is the one setting that differs, and is marked.
      const differing = page.locator('nn-run-list table.compare tr.differs');
      expect(await differing.count()).toBe(1);
      expect(await differing.getAttribute('data-key')).toBe('lr');
      expect((await differing.locator('td').allTextContents())).toEqual(['0.1', '0.03']);
      // Rename with the keyboard.
      await rows.nth(1).locator('button.rename-button').click();
      const input = page.locator('nn-run-list input.rename');
      await input.fill('slow lr');
      await input.press('Enter');
      await expect.poll(() => pg(page, 'pg.history.runs.map((r) => r.name).join()')).toBe(',slow lr');
      expect(await loss.runs.length).toBe(2);
      await expect.poll(async () => (await chart('#loss-chart')).runs.map((r) => r.label).join()).toBe('Run 2,slow lr');
      // Export the two as CSV and JSON.
      const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('nn-run-list button[data-export="table"]').click()]);
      const table = (await readFile(await csv.path(), 'utf8')).trim().split('\n');
      expect(csv.suggestedFilename()).toMatch(/^runs-table-.*\.csv$/);
      expect(table[0]).toMatch(/^run,name,link,steps,test_accuracy/);
      expect(table[1]).toMatch(/^2,Run 2,"http:\/\/127\.0\.0\.1:\d+\/course\/playground\/#v=1&data=xor&count=200/);
      expect(table[2]).toMatch(/^1,slow lr,/);
      const [json] = await Promise.all([page.waitForEvent('download'), page.locator('nn-run-list button[data-export="json"]').click()]);
      const runs = JSON.parse(await readFile(await json.path(), 'utf8')).runs;
      expect(runs.map((r) => [r.name, r.experiment.optimizer.lr, r.train.steps.length])).toEqual([['Run 2', 0.1, 20], ['slow lr', 0.03, 20]]);

      // After a reload: the same runs, names and numbers, from the browser's storage.
      const before = await pg(page, 'pg.history.runs.map((r) => [r.name, r.number, r.final.steps, r.final.test_accuracy])');
      await page.reload();
      await waitForStatus(page, ['ready']);
      await expect.poll(() => pg(page, 'pg.history.runs.length')).toBe(2);
      expect(await pg(page, 'pg.history.runs.map((r) => [r.name, r.number, r.final.steps, r.final.test_accuracy])')).toEqual(before);
      // Tick both: the kept curves overlay again.
      for (const box of await page.locator('nn-run-list table.list tbody input[type="checkbox"]').all()) await box.check();
      await expect.poll(async () => (await chart('#loss-chart')).runs.map((r) => `${r.label}:${r.n}`).sort().join()).toBe('Run 2:20,slow lr:20');
      // Delete one.
      await page.locator('nn-run-list button.delete-button').first().click();
      await expect.poll(() => pg(page, 'pg.history.runs.length')).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});

describe('embed mode', () => {
  it('shows only the parts the link names, without the page\'s header', async () => {
    const { page, problems, context } = await openPage(env.browser, `${env.server.url}#${XOR}&embed=charts,controls`, { width: 640, height: 700 });
    try {
      await waitForStatus(page, ['ready']);
      const parts = await page.evaluate(() => {
        const root = document.querySelector('nn-playground').shadowRoot;
        return {
          header: Boolean(root.querySelector('header')),
          parts: [...root.querySelectorAll('[data-part]')].map((el) => el.dataset.part),
          editors: root.querySelectorAll('nn-layer-editor, nn-settings-panel, nn-run-list, nn-goal-panel').length,
          views: root.querySelectorAll('#weights-chart, #confusion, #boundary').length,
        };
      });
      expect(parts).toEqual({ header: false, parts: ['controls', 'charts', 'exports'], editors: 0, views: 0 });
      await press(page, 'Train');
      await waitForStatus(page, ['done']);
      await expect.poll(() => page.locator('#loss-chart').evaluate((el) => el.drawn && el.pointCount > 0)).toBe(true);
      // The hash keeps the embedding, so a reload (or a copied link) shows the same parts.
      expect(page.url()).toContain('&embed=controls,charts');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});

describe('instructor mode', () => {
  it('builds a homework link from the controls it fixes and the goal it states', async () => {
    const { page, problems, context } = await openPage(env.browser, `${env.server.url}#${XOR}`);
    try {
      await waitForStatus(page, ['ready']);
      await page.locator('#instructor').click();
      expect(page.url()).toContain('mode=instructor');
      await page.locator('nn-assignment-editor select#goal-metric').selectOption('test_accuracy');
      await page.locator('nn-assignment-editor nn-num-field[data-field="target"] input').fill('95');
      await page.locator('nn-assignment-editor nn-num-field[data-field="max_steps"] input').fill('40');
      await page.locator('nn-assignment-editor select#control-lr').selectOption('lock');
      await page.locator('nn-assignment-editor select#control-seed').selectOption('hide');
      await page.locator('nn-assignment-editor textarea#goal-zh').fill('在 40 步内达到 95 %');
      const link = await page.locator('nn-assignment-editor #homework-link').inputValue();
      expect(link).toBe(`${env.server.url}#${XOR}&goal=acc&target=0.95&max_steps=40&lock=lr&hide=seed&goal_zh=${encodeURIComponent('在 40 步内达到 95 %')}`);
      // While the instructor edits, nothing is locked for them.
      expect(await page.locator('nn-settings-panel nn-num-field[data-field="optimizer.lr"] input').isDisabled()).toBe(false);
      // A student opening it, in Chinese.
      const student = await context.newPage();
      await student.goto(`${link}&lang=zh`);
      await waitForStatus(student, ['ready']);
      expect(await student.locator('nn-goal-panel [data-goal-text]').textContent()).toBe('在 40 步内达到 95 %');
      expect(await student.locator('nn-settings-panel nn-num-field[data-field="optimizer.lr"] input').isDisabled()).toBe(true);
      expect(await student.locator('nn-settings-panel nn-num-field[data-field="seed"]').count()).toBe(0);
      expect(await student.locator('nn-goal-panel #submit').textContent()).toContain('提交');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});

describe('the export buttons', () => {
  it('download a PyTorch script with the weights and the weights alone, and upload weights back', async () => {
    const { page, problems, context } = await openPage(env.browser, `${env.server.url}#${XOR}`);
    try {
      await waitForStatus(page, ['ready']);
      await press(page, 'Step');
      await expect.poll(() => pg(page, 'pg.live.stepCount')).toBe(1);
      const [zip] = await Promise.all([page.waitForEvent('download'), page.locator('#export-pytorch').click()]);
      expect(zip.suggestedFilename()).toBe('xor-dense4-tanh-dense2-adam-lr0.03-pytorch.zip');
      const files = unzipSync(new Uint8Array(await readFile(await zip.path())));
      expect(Object.keys(files).sort()).toEqual(['xor-dense4-tanh-dense2-adam-lr0.03.py', 'xor-dense4-tanh-dense2-adam-lr0.03.safetensors']);
      expect(strFromU8(files['xor-dense4-tanh-dense2-adam-lr0.03.py'])).toContain('import torch');
      const [weights] = await Promise.all([page.waitForEvent('download'), page.locator('#download-weights').click()]);
      expect(weights.suggestedFilename()).toBe('xor-dense4-tanh-dense2-adam-lr0.03-step1.safetensors');
      const bytes = await readFile(await weights.path());
      const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString());
      expect(header['layers.0.weight']).toMatchObject({ dtype: 'F32', shape: [4, 2] });
      expect(header.__metadata__.step).toBe('1');
      // Back in after a reset: the weights of step 1 again.
      await press(page, 'Reset');
      await waitForStatus(page, ['ready']);
      await page.locator('#weights-file').setInputFiles(await weights.path());
      await expect.poll(() => page.locator('.export-message').textContent()).toContain('Loaded the weights of');
      const [again] = await Promise.all([page.waitForEvent('download'), page.locator('#download-weights').click()]);
      const second = await readFile(await again.path());
      const offset = 8 + Number(second.readBigUInt64LE(0));
      expect(second.subarray(offset)).toEqual(bytes.subarray(8 + Number(bytes.readBigUInt64LE(0))));
      // A file that is not weights is refused with a message, and the page carries on.
      await page.locator('#weights-file').setInputFiles({ name: 'notes.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('hello') });
      await expect.poll(() => page.locator('.export-message').textContent()).toMatch(/^Could not: weights file:/);
      await press(page, 'Step');
      await expect.poll(() => pg(page, 'pg.live.stepCount')).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
