import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessProcess } from '../support/headless-cli.ts';
import { type HeadlessFixture, MiB } from '../support/headless-fixture.ts';
import { openUi, type UiPage } from '../support/ui-browser.ts';
import { jobRow, rowPercent, waitForRowState } from '../support/ui-queue.ts';
import { startUiSession } from '../support/ui-session.ts';

/**
 * The headless host stopped and started again under a page left open: the page says truthfully
 * whether it can come back, shows nothing of the upload it can no longer see, and once the host
 * serves its address again it reconnects by itself and shows the queue as it is now.
 */
describe('a page left open while the headless host restarts', () => {
  let fixture: HeadlessFixture;
  let browser: Browser;
  let ui: UiPage;
  let page: Page;
  let url: string;

  const startHost = (extra: string[] = []): Promise<{ host: HeadlessProcess; url: string }> =>
    fixture.runWebUi(extra);

  beforeAll(async () => {
    ({ fixture, browser } = await startUiSession());
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
  });

  const header = () => page.locator('header output.status');
  const banner = () => page.getByRole('alert');

  it('drops the stale upload while away, reconnects at the same address and shows the queue as it is', async () => {
    const gate = fixture.peer.gates.hold('chunk', { afterCount: 2 });
    fixture.writeRecording('2024-10-26_0800_restart.mp4', 4 * MiB);
    let first: HeadlessProcess;
    ({ host: first, url } = await startHost());
    ui = await openUi(browser, url);
    page = ui.page;
    await gate.whenHeld();
    const row = await waitForRowState(page, '2024-10-26_0800_restart.mp4', 'Uploading');
    await expect.poll(() => rowPercent(row)).toBe(50);

    // The host dies mid-upload (a crash, or a service manager's kill).
    await first.stop('SIGKILL');
    await banner()
      .filter({
        hasText:
          'The uploader is not answering. This page reconnects by itself as soon as the uploader serves this address again',
      })
      .waitFor();
    await header()
      .filter({ hasText: /^Reconnecting to the uploader…$/ })
      .waitFor();
    // Neither the state nor a figure of an upload it can no longer see.
    await waitForRowState(page, '2024-10-26_0800_restart.mp4', 'Not connected');
    expect(await jobRow(page, '2024-10-26_0800_restart.mp4').getByRole('progressbar').count()).toBe(0);
    expect(await jobRow(page, '2024-10-26_0800_restart.mp4').textContent()).not.toMatch(/%|left|MiB\/s/);

    gate.release();
    const second = await startHost();
    expect(second.url).toBe(url);
    // The same page, never reloaded: it reconnects and fetches the queue afresh.
    await banner().waitFor({ state: 'detached', timeout: 20_000 });
    await waitForRowState(page, '2024-10-26_0800_restart.mp4', 'Done', 30_000);
    await header()
      .filter({ hasText: /^All caught up$/ })
      .waitFor({ timeout: 20_000 });
    await fixture.storedOnce('2024-10-26_0800_restart.mp4');
    expect(
      ui.problems.filter((p) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(p)),
    ).toEqual([]);
    await second.host.stop('SIGTERM');
  });

  it('says it cannot reconnect when its address now serves another page', async () => {
    await banner().filter({ hasText: 'This page reconnects by itself' }).waitFor();
    // A new secret on the same port: the old page's address is no longer served.
    rmSync(join(fixture.dataDir, 'web-ui.json'));
    const third = await startHost(['--web-ui-port', new URL(url).port]);
    expect(third.url).not.toBe(url);
    await banner()
      .filter({ hasText: 'This page cannot reconnect. The uploader at this address no longer serves it' })
      .waitFor({ timeout: 20_000 });
    await header()
      .filter({ hasText: /^Not connected to the uploader$/ })
      .waitFor();
    await third.host.stop('SIGTERM');
  });
});
