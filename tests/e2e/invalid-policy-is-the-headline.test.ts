import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessFixture } from '../support/headless-fixture.ts';
import { openUi } from '../support/ui-browser.ts';
import { waitForRowState } from '../support/ui-queue.ts';
import { startUiSession } from '../support/ui-session.ts';

/**
 * A machine policy that does not validate stops every upload: the header says so first, in the
 * words the tray and `status` use, and the recording it holds back waits in the queue.
 */
describe('an invalid machine policy in the browser', () => {
  let fixture: HeadlessFixture;
  let browser: Browser;

  beforeAll(async () => {
    ({ fixture, browser } = await startUiSession({ policy: { settings: { maxRetries: 'five' } } }));
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
  });

  it('is the header’s headline, above the recording that waits', async () => {
    const { url } = await fixture.runWebUi();
    const { page } = await openUi(browser, url);
    fixture.writeRecording('2024-10-26_0700_held.mp4', 100 * 1024);
    await waitForRowState(page, '2024-10-26_0700_held.mp4', 'Queued', 20_000);
    const said = `Uploads are stopped until the policy is fixed: the policy ${fixture.policyFile} is not valid: key "settings.maxRetries"`;
    const header = page.locator('header output.status');
    await header.filter({ hasText: said }).waitFor();
    const report = await fixture.cli(['status', '--json', '--settings', fixture.settingsFile]);
    expect((JSON.parse(report.stdout) as { headline: string }).headline).toBe(await header.textContent());
    expect(fixture.peer.requests.filter((r) => r.kind === 'create')).toEqual([]);
  });
});
