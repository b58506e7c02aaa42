import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src-main/core/host-services.ts';
import { openDatabase } from '../../src-main/core/store/database.ts';
import { SqliteJobStore } from '../../src-main/core/store/job-store.ts';
import { dataPaths } from '../../src-main/node-host/data-dir.ts';
import { HeadlessProcess } from '../support/headless-cli.ts';
import { ensureRendererBuild } from '../support/renderer-build.ts';
import { launchChromium, openUi, type UiPage } from '../support/ui-browser.ts';
import { jobRow, queueRows } from '../support/ui-queue.ts';

const JOBS = 10_000;

/**
 * Ten thousand queued recordings: the page holds only the rows in view, loads the list page by
 * page as it scrolls, and a progress event or a job update touches only its own row.
 */
describe('the queue with ten thousand recordings', () => {
  const root = mkdtempSync(join(tmpdir(), 'queue-10k-'));
  const dataDir = join(root, 'data');
  let host: HeadlessProcess;
  let browser: Browser;
  let ui: UiPage;

  beforeAll(async () => {
    const folder = join(root, 'recordings');
    mkdirSync(folder, { recursive: true });
    const db = openDatabase(dataPaths(dataDir).database);
    const store = new SqliteJobStore(db, systemClock);
    db.transaction(() => {
      for (let n = 1; n <= JOBS; n += 1) {
        const name = `session_${String(n).padStart(5, '0')}.mp4`;
        store.enqueue(
          {
            path: join(folder, name),
            sizeBytes: 1000 + n,
            mtimeMs: 1_729_950_000_000 + n,
            sidecarPath: null,
          },
          'storage-api',
        );
      }
    })();
    db.close();
    const settingsFile = join(root, 'settings.json');
    // Paused, so the list stays as it is while the test scrolls it (the files do not exist).
    writeFileSync(
      settingsFile,
      JSON.stringify({
        recordingsFolder: folder,
        storageApiBaseUrl: 'http://127.0.0.1:9/api',
        uploadsPaused: true,
      }),
    );
    const [, launched] = await Promise.all([ensureRendererBuild(), launchChromium()]);
    browser = launched;
    host = new HeadlessProcess(['run', '--data-dir', dataDir, '--settings', settingsFile, '--web-ui']);
    const output = await host.waitForOutput(/Web UI: (\S+)/);
    ui = await openUi(browser, /Web UI: (\S+)/.exec(output)?.[1] ?? '');
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop('SIGKILL').catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  it('renders only the rows in view and reaches the oldest by scrolling', async () => {
    const { page } = ui;
    await page.locator('.total-queued .total-value').filter({ hasText: '10,000' }).waitFor();
    await jobRow(page, 'session_10000.mp4').waitFor();
    expect(await queueRows(page).count()).toBeLessThan(40);

    const started = Date.now();
    const scroller = page.getByRole('region', { name: 'Recordings' });
    // Scrolling to the end as an operator would drag the scrollbar: the pages load as they come in view.
    await expect
      .poll(
        async () => {
          await scroller.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
          return jobRow(page, 'session_00001.mp4').count();
        },
        { timeout: 20_000, interval: 100 },
      )
      .toBe(1);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(15_000);
    expect(await queueRows(page).count()).toBeLessThan(40);
    // Rows are whole: names, sizes and a progress bar each, not placeholders.
    const last = jobRow(page, 'session_00001.mp4');
    expect(await last.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('0');
    expect(await last.textContent()).toContain('1,001 B');

    // Filtering starts the other list at its top.
    await page.getByRole('button', { name: /^Active/ }).click();
    await jobRow(page, 'session_10000.mp4').waitFor();
    expect(ui.problems).toEqual([]);
  });
});
