import { mkdirSync, renameSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headlineText } from '../../src-shared/health-words.ts';
import { type StoragePeer, startStoragePeer } from '../peers/storage-api-peer.ts';
import { type HeadlessFixture, KiB } from '../support/headless-fixture.ts';
import { openUi, screenshot } from '../support/ui-browser.ts';
import { waitForRowState } from '../support/ui-queue.ts';
import { startUiSession } from '../support/ui-session.ts';

/**
 * The header says what is wrong, in the words the tray and `status` use, with the button that
 * fixes it; the row says the same of its recording. The real headless host, the storage API peer
 * and Debian's Chromium, one session through the states an operator meets.
 */
describe('the header tells the health', () => {
  let fixture: HeadlessFixture;
  let browser: Browser;
  let page: Page;
  const later: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    ({ fixture, browser } = await startUiSession({ settings: { chunkSizeBytes: 256 * KiB } }));
    const stored = await fixture.cli(['set-secret', 'storage-api'], { input: fixture.peer.token });
    expect(stored.code).toBe(0);
    const { url } = await fixture.runWebUi([], { token: null });
    page = (await openUi(browser, url)).page;
    await page.getByRole('tab', { name: 'Queue', selected: true }).waitFor();
  });

  afterAll(async () => {
    for (const close of later) await close();
    await browser?.close();
    await fixture?.close();
  });

  const header = () => page.locator('header output.status');

  /** The header reads `pattern`, and so does the headline the tray and `status` take from the core. */
  async function headlineIs(pattern: RegExp): Promise<void> {
    await header().filter({ hasText: pattern }).waitFor({ timeout: 20_000 });
    const report = await fixture.cli(['status', '--json', '--settings', fixture.settingsFile]);
    const { health, headline } = JSON.parse(report.stdout) as { health: never; headline: string };
    expect(headline).toMatch(pattern);
    // The tray's tooltip is the same function of the same headline.
    expect(headlineText((health as { headline: never }).headline, 'en', Date.now())).toMatch(pattern);
  }

  it('a folder that disappears: says so with Choose folder, and recovers when it is back', async () => {
    await headlineIs(/^Watching the folder — nothing to upload yet$/);
    renameSync(fixture.folder, `${fixture.folder}-gone`);
    const missing = new RegExp(`^The recordings folder is missing: ${fixture.folder} — nothing is watched$`);
    await headlineIs(missing);
    await screenshot(page, 'header-folder-missing');
    await page.getByRole('button', { name: 'Choose folder' }).click();
    await page.getByRole('tab', { name: 'Folders', selected: true }).waitFor();
    // The field to fix it in has the focus.
    await page.waitForFunction(`document.activeElement?.getAttribute('data-focus') === 'recordings-folder'`);
    mkdirSync(fixture.folder);
    await page.getByRole('tab', { name: 'Queue' }).click();
    fixture.writeRecording('2024-10-26_0800_back.mp4', 100 * KiB);
    await waitForRowState(page, '2024-10-26_0800_back.mp4', 'Done', 20_000);
    await headlineIs(/^All caught up$/);
  });

  it('a token the server refuses: Enter a new token, right there, and uploads go on', async () => {
    fixture.peer.setToken('tok_rotated_by_the_it_department');
    fixture.writeRecording('2024-10-26_0900_refused.mp4', 100 * KiB);
    await waitForRowState(page, '2024-10-26_0900_refused.mp4', 'New token needed');
    await headlineIs(/^The storage API needs a new token — 1 recording waits$/);
    await page.getByRole('note').filter({ hasText: 'The server refused the token' }).waitFor();
    await screenshot(page, 'header-token-refused');
    await page.getByRole('button', { name: 'Enter a new token' }).click();
    const field = page.getByRole('textbox', { name: 'API token' });
    await page.waitForFunction(`document.activeElement?.getAttribute('data-focus') === 'storage-api-token'`);
    await field.fill('tok_rotated_by_the_it_department');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('tab', { name: 'Queue' }).click();
    await waitForRowState(page, '2024-10-26_0900_refused.mp4', 'Done', 20_000);
    await headlineIs(/^All caught up$/);
  });

  it('a server that is down, in plain words with the next try, then back', async () => {
    const port = Number(new URL(fixture.peer.origin).port);
    await fixture.peer.close();
    fixture.writeRecording('2024-10-26_1000_outage.mp4', 100 * KiB);
    const waiting = await waitForRowState(page, '2024-10-26_1000_outage.mp4', 'Waiting to retry');
    // The row counts down to its next try, as the header does.
    await waiting.getByText(/next try (in \d+ s|now)/).waitFor();
    await headlineIs(/^The storage API is unreachable since .+ — next try (in \d+ s|now)$/);
    const note = page.getByRole('note');
    await note
      .filter({
        hasText: `Nothing answers at 127.0.0.1:${port} — is the address right and the server running?`,
      })
      .waitFor();
    await note.getByText('Technical details').click();
    await note.getByText(/ECONNREFUSED/).waitFor();
    await screenshot(page, 'header-server-down');
    const back: StoragePeer = await startStoragePeer({
      port,
      storeDir: fixture.peer.storeDir,
      token: 'tok_rotated_by_the_it_department',
      chunkSize: 256 * KiB,
    });
    later.push(() => back.close());
    await waitForRowState(page, '2024-10-26_1000_outage.mp4', 'Done', 40_000);
    await headlineIs(/^All caught up$/);
    expect(await note.count()).toBe(0);

    back.faults.throttle(1, 6, ['create']);
    fixture.writeRecording('2024-10-26_1100_slow.mp4', 100 * KiB);
    await headlineIs(/^The storage API asked to slow down — uploads go on in \d s$/);
    await screenshot(page, 'header-throttled');
    await waitForRowState(page, '2024-10-26_1100_slow.mp4', 'Done', 20_000);
    await headlineIs(/^All caught up$/);
  });
});
