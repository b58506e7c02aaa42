import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORAGE_API_TOKEN_SECRET } from '../../src-main/core/auth/env-secret-store.ts';
import { HeadlessFixture, KiB, MiB } from '../support/headless-fixture.ts';
import { ensureRendererBuild } from '../support/renderer-build.ts';
import { launchChromium, openUi, screenshot, type UiPage } from '../support/ui-browser.ts';
import { fieldsWithoutOwnLabel, primaryButtons, SETTLED } from '../support/ui-form-checks.ts';
import { jobRow, waitForRowState } from '../support/ui-queue.ts';

/**
 * A new operator's first minutes, in the real UI served by the real headless host: nothing is set
 * up, the first-run guide takes them through the folder and the storage API, and a recording
 * dropped into the folder afterwards is uploaded.
 */
describe('first run in the browser', () => {
  let fixture: HeadlessFixture;
  let browser: Browser;
  let ui: UiPage;

  beforeAll(async () => {
    const [built, started] = await Promise.all([
      ensureRendererBuild(),
      HeadlessFixture.start({ peer: { chunkSize: 256 * KiB } }),
      launchChromium().then((launched) => {
        browser = launched;
      }),
    ]);
    expect(built).toMatch(/renderer/);
    fixture = started;
    // Nothing an operator would set: only what keeps the test short.
    fixture.writeSettings({ settleSeconds: 1, chunkSizeBytes: MiB });
    const { url } = await fixture.runWebUi([], { token: null });
    // Tall enough for the whole destination step, its success notice included, in one picture.
    ui = await openUi(browser, url, { height: 900 });
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.keychain().delete(STORAGE_API_TOKEN_SECRET);
    await fixture?.close();
  });

  it('guides from nothing to an uploaded recording, and never shows the stored token', async () => {
    const { page } = ui;
    await page.getByRole('heading', { name: 'Where are recordings saved?' }).waitFor();
    const next = page.getByRole('button', { name: 'Next' });
    expect(await next.isDisabled()).toBe(true);
    // The storage API files recordings itself: two steps, as the lead and the stepper both say.
    const steps = page.getByRole('list', { name: 'Set-up steps' }).getByRole('listitem');
    expect(await steps.locator('.step-name').allInnerTexts()).toEqual(['Recordings folder', 'Destination']);
    await page.getByText('Two steps, about a minute.').waitFor();
    // One obvious button: the step's own until its part is done, then Next.
    await expect.poll(() => primaryButtons(page), SETTLED).toEqual(['Save folder']);
    expect(await fieldsWithoutOwnLabel(page)).toEqual([]);

    // The headless host states it has no folder dialog: none is offered, and the path is typed,
    // in the form of the host's OS (this one's paths start at /).
    await page.getByText('Type the full path of the folder').waitFor();
    expect(await page.getByRole('button', { name: 'Browse…' }).count()).toBe(0);
    const folderField = page.getByLabel('Recordings folder');
    expect(await folderField.getAttribute('placeholder')).toBe('e.g. /home/you/recordings');
    await folderField.fill(fixture.folder);
    await screenshot(page, 'first-run-folder');
    await page.getByRole('button', { name: 'Save folder' }).click();
    await page.getByText(`Saved. The uploader now watches ${fixture.folder}.`).waitFor();
    await expect.poll(() => primaryButtons(page), SETTLED).toEqual(['Next']);
    // Another folder typed and not saved: saving it is the one thing to do, and Next waits for it.
    await folderField.fill(`${fixture.folder}-elsewhere`);
    await expect.poll(() => primaryButtons(page), SETTLED).toEqual(['Save folder']);
    await expect.poll(() => next.isDisabled(), SETTLED).toBe(true);
    await folderField.fill(fixture.folder);
    await expect.poll(() => primaryButtons(page), SETTLED).toEqual(['Next']);
    await next.click();

    await page.getByRole('heading', { name: 'Where should recordings go?' }).waitFor();
    // Each choice is named by its destination alone; what it is describes it.
    const storageApi = page.getByRole('radio', { name: 'Company storage API', exact: true });
    expect(await storageApi.isChecked()).toBe(true);
    expect(await fieldsWithoutOwnLabel(page)).toEqual([]);
    expect(await next.isDisabled()).toBe(true);
    await expect.poll(() => primaryButtons(page), SETTLED).toEqual(['Test connection']);
    // A bad address is refused before anything is sent, in words an operator understands.
    await page.getByRole('textbox', { name: 'Address' }).fill('storage.example.com');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('Enter an address starting with http:// or https://.').waitFor();
    await page.getByRole('textbox', { name: 'Address' }).fill(fixture.peer.baseUrl);
    // A wrong token: the test says why it failed.
    await page.getByRole('textbox', { name: 'API token' }).fill('not-the-token');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(/The connection test failed: .+/).waitFor();
    await page.getByRole('textbox', { name: 'API token' }).fill(fixture.peer.token);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('Connection works: the storage API accepted the token.').waitFor();
    expect(await page.getByRole('textbox', { name: 'API token' }).inputValue()).toBe('');
    await expect.poll(() => primaryButtons(page), SETTLED).toEqual(['Next']);
    // A new token typed: testing it is the one thing to do, and Next waits for it.
    await page.getByRole('textbox', { name: 'API token' }).fill('a-token-not-yet-tested');
    await expect.poll(() => primaryButtons(page), SETTLED).toEqual(['Test connection']);
    await expect.poll(() => next.isDisabled(), SETTLED).toBe(true);
    await page.getByRole('textbox', { name: 'API token' }).fill('');
    await expect.poll(() => primaryButtons(page), SETTLED).toEqual(['Next']);
    await screenshot(page, 'first-run-destination');
    await next.click();

    // No remote folder to choose: straight to the summary, every step done.
    await page.getByRole('heading', { name: 'All set' }).waitFor();
    expect(await steps.evaluateAll((items) => items.map((item) => item.className))).toEqual([
      'step is-done',
      'step is-done',
    ]);
    await page.getByRole('definition').filter({ hasText: fixture.folder }).waitFor();
    await expect.poll(() => primaryButtons(page), SETTLED).toEqual(['Open the queue']);
    await page.getByRole('button', { name: 'Open the queue' }).click();

    await page.getByText('No recordings yet.').waitFor();
    await page.getByRole('status').filter({ hasText: 'All caught up' }).waitFor();

    const bytes = Buffer.alloc(600 * KiB, 7);
    writeFileSync(join(fixture.folder, 'first-session.mp4'), bytes);
    await waitForRowState(page, 'first-session.mp4', 'Done', 20_000);
    expect(
      await jobRow(page, 'first-session.mp4').getByRole('progressbar').getAttribute('aria-valuenow'),
    ).toBe('100');
    expect(await fixture.storedOnce('first-session.mp4')).toEqual(bytes);

    // The token field is write-only: the stored token is in the keychain, never in the page.
    await page.getByRole('tab', { name: 'Destinations' }).click();
    await page.getByText(`Set up: ${fixture.peer.baseUrl}`).waitFor();
    expect(await page.getByRole('textbox', { name: 'API token' }).inputValue()).toBe('');
    expect(await page.content()).not.toContain(fixture.peer.token);
    expect(await fixture.keychain().get(STORAGE_API_TOKEN_SECRET)).toBe(fixture.peer.token);
    expect(ui.problems).toEqual([]);
  });
});
