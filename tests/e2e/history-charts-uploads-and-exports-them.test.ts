import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_COLUMNS } from '../../src-shared/report.ts';
import { type HeadlessFixture, KiB } from '../support/headless-fixture.ts';
import { openUi, screenshot, type UiPage } from '../support/ui-browser.ts';
import { waitForRowState } from '../support/ui-queue.ts';
import { startUiSession } from '../support/ui-session.ts';

/**
 * The History view over real uploads: the headless host uploads to the storage API peer, the chart
 * is drawn by uPlot with one point per day of the period, and Export downloads the period's report
 * with one row per recording and the SHA-256 the peer stored.
 */
describe('the History view in the browser', () => {
  let fixture: HeadlessFixture;
  let browser: Browser;
  let ui: UiPage;
  let page: Page;

  beforeAll(async () => {
    ({ fixture, browser } = await startUiSession({ settings: { chunkSizeBytes: 256 * KiB } }));
    const { url } = await fixture.runWebUi();
    ui = await openUi(browser, url);
    page = ui.page;
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
  });

  it('charts the uploads and failures of the period and exports them, one row per recording', async () => {
    const names = ['2024-10-26_0915_ana.mp4', '2024-10-26_0932_bruno.mp4'];
    const bytes = [
      fixture.writeRecording(names[0] ?? '', 300 * KiB),
      fixture.writeRecording(names[1] ?? '', 200 * KiB),
    ];
    for (const name of names) await waitForRowState(page, name, 'Done');
    // A refusal the storage API gives for good: the recording fails at once, with no retry.
    fixture.peer.faults.serverErrors(1, 400, ['create'], 'metadata rejected');
    fixture.writeRecording('2024-10-26_1010_carla.mp4', 100 * KiB);
    await waitForRowState(page, '2024-10-26_1010_carla.mp4', 'Failed');

    await page.getByRole('tab', { name: 'History' }).click();
    const chart = page.locator('.history-chart');
    await chart.locator('canvas').waitFor();
    await expect.poll(() => chart.getAttribute('data-points')).toBe('7');
    const today = new Date().toISOString().slice(0, 10);
    const row = page.locator(`.history-table tr[data-day="${today}"]`);
    expect(await row.locator('td').allTextContents()).toEqual(['2', '500 KiB', '1']);
    expect(await page.locator('.history-table tbody tr').count()).toBe(7);
    await page.getByText('2 recordings uploaded (500 KiB) and 1 failed').waitFor();
    // The canvas holds a drawing: some pixel is not blank.
    const drawn = await chart.locator('canvas').evaluate((element) => {
      const canvas = element as unknown as {
        width: number;
        height: number;
        getContext(kind: '2d'): { getImageData(...box: number[]): { data: ArrayLike<number> } } | null;
      };
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      for (let alpha = 3; alpha < pixels.length; alpha += 4) if ((pixels[alpha] ?? 0) > 0) return true;
      return false;
    });
    expect(drawn).toBe(true);

    await page.getByRole('button', { name: 'Last 30 days' }).click();
    await expect.poll(() => chart.getAttribute('data-points')).toBe('30');
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await expect.poll(() => chart.getAttribute('data-points')).toBe('7');
    await screenshot(page, 'history');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^recordings-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path()) ?? '', 'utf8');
    const [header, ...lines] = csv.trimEnd().split('\r\n');
    expect(header).toBe(REPORT_COLUMNS.join(','));
    const rows = lines.map((line) =>
      Object.fromEntries(line.split(',').map((v, i) => [REPORT_COLUMNS[i], v])),
    );
    expect(rows.map((r) => r.fileName).sort()).toEqual([...names, '2024-10-26_1010_carla.mp4'].sort());
    const stored = fixture.peer.recordings();
    for (const [index, name] of names.entries()) {
      const r = rows.find((candidate) => candidate.fileName === name);
      const peerCopy = stored.find((candidate) => candidate.fileName === name);
      expect(r?.state).toBe('done');
      expect(r?.sha256).toBe(peerCopy?.sha256);
      expect(r?.sha256).toBe(
        createHash('sha256')
          .update(bytes[index] ?? '')
          .digest('hex'),
      );
      expect(r?.remoteId).toBe(peerCopy?.fileId);
    }
    expect(rows.find((r) => r.fileName === '2024-10-26_1010_carla.mp4')?.state).toBe('failed');
    // The dark theme draws the chart in its own colours (the CSS variables the chart reads).
    const dark = await openUi(browser, page.url(), { colorScheme: 'dark' });
    await dark.page.getByRole('tab', { name: 'History' }).click();
    await expect.poll(() => dark.page.locator('.history-chart').getAttribute('data-points')).toBe('7');
    await screenshot(dark.page, 'history-dark');
    await dark.context.close();
    expect([...ui.problems, ...dark.problems]).toEqual([]);
  });
});
