import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORAGE_API_TOKEN_SECRET } from '../../src-main/core/auth/env-secret-store.ts';
import type { HeadlessProcess } from '../support/headless-cli.ts';
import { type HeadlessFixture, KiB, MiB, sleep } from '../support/headless-fixture.ts';
import { openUi, screenshot, type UiPage } from '../support/ui-browser.ts';
import { isFocusedInView, SETTLED } from '../support/ui-form-checks.ts';
import { jobRow, queueRows, rowPercent, waitForRowState } from '../support/ui-queue.ts';
import { startUiSession } from '../support/ui-session.ts';

/**
 * The queue as an operator watches it, in the real UI served by the real headless host uploading to
 * the storage API peer: rows progress to done, a failure shows its reason and is retried, pausing
 * holds uploads back, a cancel needs a confirmation, and settings are checked before they are saved.
 */
describe('the queue in the browser', () => {
  let fixture: HeadlessFixture;
  let host: HeadlessProcess;
  let browser: Browser;
  let url: string;
  let ui: UiPage;
  let page: Page;

  beforeAll(async () => {
    ({ fixture, browser } = await startUiSession({
      peer: { chunkSize: 256 * KiB },
      // One retry, so a recording fails after two server errors and a short backoff.
      settings: { maxRetries: 1, chunkSizeBytes: 256 * KiB },
    }));
    // The token in the keychain, as an operator stores it: a new one typed in the UI can replace it.
    const stored = await fixture.cli(['set-secret', 'storage-api'], { input: fixture.peer.token });
    expect(stored.code).toBe(0);
    ({ host, url } = await fixture.runWebUi([], { token: null }));
    ui = await openUi(browser, url);
    page = ui.page;
    await page.getByRole('tab', { name: 'Queue', selected: true }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
  });

  it('shows recordings dropped into the folder progressing to done in their rows', async () => {
    await page.getByText('No recordings yet.').waitFor();
    const held = fixture.peer.gates.hold('chunk', { afterCount: 2 });
    const big = fixture.writeRecording('2024-10-26_0915_ana.mp4', 2 * MiB);
    const row = await waitForRowState(page, '2024-10-26_0915_ana.mp4', 'Uploading');
    await held.whenHeld();
    // The gate holds one request: the next recording uploads beside the held one.
    const small = fixture.writeRecording('2024-10-26_0932_bruno.mp4', 300 * KiB);
    await expect.poll(() => rowPercent(row), { timeout: 5000 }).toBeGreaterThan(0);
    expect(await rowPercent(row)).toBeLessThan(100);
    expect(await row.textContent()).toContain('of 2 MiB');

    await waitForRowState(page, '2024-10-26_0932_bruno.mp4', 'Done');
    held.release();
    await waitForRowState(page, '2024-10-26_0915_ana.mp4', 'Done');
    expect(await rowPercent(row)).toBe(100);
    // The headless host has no file manager to open, so the row offers none.
    expect(await row.getByRole('button', { name: /in its folder/ }).count()).toBe(0);
    expect(await fixture.storedOnce('2024-10-26_0915_ana.mp4')).toEqual(big);
    expect(await fixture.storedOnce('2024-10-26_0932_bruno.mp4')).toEqual(small);
    await page.locator('.total-done .total-value').filter({ hasText: /^2$/ }).waitFor();
    await page.getByRole('status').filter({ hasText: 'All caught up' }).waitFor();
  });

  it('shows a failure with its reason, lists it under Failed, and retries it', async () => {
    fixture.peer.faults.serverErrors(2, 500, ['create']);
    const bytes = fixture.writeRecording('2024-10-26_1010_carla.mp4', 200 * KiB);
    const row = await waitForRowState(page, '2024-10-26_1010_carla.mp4', 'Failed', 20_000);
    expect(await row.textContent()).toMatch(/answered 500.*gave up after 2 attempts/);
    // Two tries: the first, and the one retry maxRetries allows.
    expect(await row.textContent()).toContain('Retries: 1');
    await page.getByRole('status').filter({ hasText: 'Needs attention: 1 failed' }).waitFor();

    await page.getByRole('button', { name: /^Failed/ }).click();
    expect(await queueRows(page).count()).toBe(1);
    await jobRow(page, '2024-10-26_1010_carla.mp4')
      .getByRole('button', { name: 'Retry 2024-10-26_1010_carla.mp4' })
      .click();
    // Retried, it is no longer a failure: the Failed list empties.
    await page.getByText('No failed uploads.').waitFor();
    await page.getByRole('button', { name: /^All/ }).click();
    await waitForRowState(page, '2024-10-26_1010_carla.mp4', 'Done');
    expect(await fixture.storedOnce('2024-10-26_1010_carla.mp4')).toEqual(bytes);
  });

  it('pauses and resumes all uploads, and a single recording', async () => {
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Pause until I resume' }).click();
    await page.getByRole('status').filter({ hasText: 'Paused until you resume' }).waitFor();
    fixture.writeRecording('2024-10-26_1100_davi.mp4', 200 * KiB);
    const waiting = await waitForRowState(page, '2024-10-26_1100_davi.mp4', 'Queued');
    await sleep(1500);
    expect(await waiting.locator('.badge').textContent()).toBe('Queued');
    await page.getByRole('button', { name: 'Resume uploads' }).click();
    await waitForRowState(page, '2024-10-26_1100_davi.mp4', 'Done');

    const held = fixture.peer.gates.hold('chunk', { afterCount: 1 });
    fixture.writeRecording('2024-10-26_1130_elisa.mp4', 2 * MiB);
    const row = await waitForRowState(page, '2024-10-26_1130_elisa.mp4', 'Uploading');
    await held.whenHeld();
    await row.getByRole('button', { name: 'Pause 2024-10-26_1130_elisa.mp4' }).click();
    await waitForRowState(page, '2024-10-26_1130_elisa.mp4', 'Paused');
    // The chunk that was in flight when it was paused comes back late: the job stays paused.
    held.release();
    await held.whenSettled();
    await sleep(500);
    expect(await row.locator('.badge').textContent()).toBe('Paused');
    await row.getByRole('button', { name: 'Resume 2024-10-26_1130_elisa.mp4' }).click();
    await waitForRowState(page, '2024-10-26_1130_elisa.mp4', 'Done');
  });

  it('limits the upload speed from the pause menu, and says so in the header and the row', async () => {
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Limit upload speed now' }).click();
    await page.getByRole('status').filter({ hasText: 'limited to 1 MiB/s' }).waitFor();
    // 3 MiB at 1 MiB/s: the row uploads for three seconds, under the limit it names.
    fixture.writeRecording('2024-10-26_1145_gil.mp4', 3 * MiB);
    const row = await waitForRowState(page, '2024-10-26_1145_gil.mp4', 'Uploading');
    await row.locator('.job-details', { hasText: 'limited to 1 MiB/s' }).waitFor();
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Upload at full speed' }).click();
    await page.getByRole('status').filter({ hasNotText: 'limited to' }).waitFor();
    await waitForRowState(page, '2024-10-26_1145_gil.mp4', 'Done');
  });

  it('cancels a recording only once the operator confirms', async () => {
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Pause for 1 hour' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Paused until \d/ })
      .waitFor();
    fixture.writeRecording('2024-10-26_1200_fabio.mp4', 200 * KiB);
    const row = await waitForRowState(page, '2024-10-26_1200_fabio.mp4', 'Queued');

    await row.getByRole('button', { name: 'Cancel 2024-10-26_1200_fabio.mp4' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this upload?' });
    await dialog.getByText('2024-10-26_1200_fabio.mp4').waitFor();
    await screenshot(page, 'cancel-confirmation');
    // The safe choice has the focus: Enter keeps the upload.
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    expect(await row.locator('.badge').textContent()).toBe('Queued');

    await row.getByRole('button', { name: 'Cancel 2024-10-26_1200_fabio.mp4' }).click();
    await dialog.getByRole('button', { name: 'Cancel upload' }).click();
    await waitForRowState(page, '2024-10-26_1200_fabio.mp4', 'Cancelled');
    await page.getByRole('button', { name: 'Resume uploads' }).click();
    await sleep(500);
    expect(await row.locator('.badge').textContent()).toBe('Cancelled');
    expect(fixture.peer.recordings().some((r) => r.fileName === '2024-10-26_1200_fabio.mp4')).toBe(false);
    await row.getByRole('button', { name: 'Retry 2024-10-26_1200_fabio.mp4' }).click();
    await waitForRowState(page, '2024-10-26_1200_fabio.mp4', 'Done');
  });

  it('asks for a new token when the storage API refuses the old one, and goes on with it', async () => {
    fixture.peer.setToken('tok_replaced_by_the_it_department');
    const bytes = fixture.writeRecording('2024-10-26_1215_gil.mp4', 200 * KiB);
    await waitForRowState(page, '2024-10-26_1215_gil.mp4', 'New token needed');
    await page.getByRole('status').filter({ hasText: 'The storage API needs a new token' }).waitFor();

    await page.getByRole('tab', { name: 'Destinations' }).click();
    await page.getByText('New API token needed').waitFor();
    await page.getByRole('textbox', { name: 'API token' }).fill('tok_replaced_by_the_it_department');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('Connection works: the storage API accepted the token.').waitFor();

    await page.getByRole('tab', { name: 'Queue' }).click();
    await waitForRowState(page, '2024-10-26_1215_gil.mp4', 'Done', 20_000);
    expect(await fixture.storedOnce('2024-10-26_1215_gil.mp4')).toEqual(bytes);
    expect(await fixture.keychain().get(STORAGE_API_TOKEN_SECRET)).toBe('tok_replaced_by_the_it_department');
  });

  it('checks settings before saving them, and switches the language', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    const concurrent = page.getByRole('textbox', { name: 'Uploads at once' });
    await concurrent.waitFor();
    // The headless host does not start at login: the setting is not offered where it does nothing.
    expect(await page.getByRole('checkbox', { name: 'Start at login' }).count()).toBe(0);
    const save = page.getByRole('button', { name: 'Save changes' });
    await concurrent.fill('40');
    await page.getByText('The largest allowed value is 16.').waitFor();
    // Save with a field at fault saves nothing: it takes the operator to that field.
    await save.click();
    await expect.poll(() => isFocusedInView(concurrent), SETTLED).toBe(true);
    expect(await page.getByText('Settings saved.').count()).toBe(0);
    await concurrent.fill('3');
    await save.click();
    await page.getByText('Settings saved.').waitFor();

    await page.getByRole('checkbox', { name: 'Delete recordings after upload' }).check();
    await page.getByText('deleted from this computer as soon as the destination confirms').waitFor();
    await screenshot(page, 'settings');
    await page.getByRole('button', { name: 'Discard changes' }).click();
    expect(await page.getByRole('checkbox', { name: 'Delete recordings after upload' }).isChecked()).toBe(
      false,
    );

    await page.getByRole('combobox', { name: 'Language' }).selectOption('pt-BR');
    await save.click();
    await page.getByRole('tab', { name: 'Configurações' }).waitFor();
    await page.getByText('Configurações salvas.').waitFor();

    // Saved in the core, not the page: a fresh page keeps both.
    await page.reload();
    await page.getByRole('tab', { name: 'Configurações' }).click();
    expect(await page.getByRole('textbox', { name: 'Envios simultâneos' }).inputValue()).toBe('3');
    await page.getByRole('combobox', { name: 'Idioma' }).selectOption('auto');
    await page.getByRole('button', { name: 'Salvar alterações' }).click();
    await page.getByRole('tab', { name: 'Settings' }).waitFor();
  });

  it('is usable from the keyboard, and every control has a name', async () => {
    await page.getByRole('tab', { name: 'Queue' }).click();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Destinations' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator(':focus').textContent()).toBe('Destinations');
    await page.keyboard.press('End');
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.keyboard.press('Home');

    const pause = page.getByRole('button', { name: 'Pause', exact: true });
    await pause.focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu');
    await menu.waitFor();
    expect(await page.locator(':focus').textContent()).toBe('Pause for 1 hour');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator(':focus').textContent()).toBe('Pause for 8 hours');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
    expect(await page.locator(':focus').textContent()).toBe('Pause');

    for (const tab of ['Queue', 'Destinations', 'Folders', 'History', 'Settings']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.locator(`#panel-${tab.toLowerCase()}`).waitFor();
      await page.locator('details').evaluateAll((all) => {
        for (const details of all) details.setAttribute('open', '');
      });
      const unnamed = await page
        .locator('input, select, textarea, button, [role="progressbar"]')
        .evaluateAll((controls) =>
          controls
            .filter((element) => {
              const labels = (element as { labels?: { length: number } | null }).labels;
              const named =
                (labels?.length ?? 0) > 0 ||
                element.hasAttribute('aria-label') ||
                element.hasAttribute('aria-labelledby') ||
                (element.tagName === 'BUTTON' && (element.textContent ?? '').trim() !== '');
              return !named;
            })
            .map((element) => element.outerHTML.slice(0, 120)),
        );
      expect(unnamed, tab).toEqual([]);
    }
    await page.getByRole('tab', { name: 'Queue' }).click();
  });

  it('looks calm in every state it shows (screenshots)', async () => {
    fixture.peer.faults.serverErrors(2, 503, ['create']);
    fixture.writeRecording('2024-10-26_1230_gabriel.mp4', 200 * KiB);
    await page.getByRole('tab', { name: 'Queue' }).click();
    await waitForRowState(page, '2024-10-26_1230_gabriel.mp4', 'Failed', 20_000);
    const held = fixture.peer.gates.hold('chunk', { afterCount: 5 });
    fixture.writeRecording('2024-10-26_1305_helena.mp4', 4 * MiB);
    const uploading = await waitForRowState(page, '2024-10-26_1305_helena.mp4', 'Uploading');
    await held.whenHeld();
    await expect.poll(() => rowPercent(uploading), { timeout: 5000 }).toBeGreaterThan(0);
    await screenshot(page, 'queue');
    // The totals at the top are the core's own, kept current by its events.
    const { totals } = await fixture.status();
    const shown = await page.locator('.total-value').allTextContents();
    expect(shown).toEqual(
      [totals.queued + totals.waiting + totals.paused, totals.uploading, totals.doneToday, totals.failed].map(
        String,
      ),
    );

    const dark = await openUi(browser, url, { colorScheme: 'dark' });
    await waitForRowState(dark.page, '2024-10-26_1305_helena.mp4', 'Uploading');
    await screenshot(dark.page, 'queue-dark');
    await dark.page.getByRole('tab', { name: 'Destinations' }).click();
    await dark.page.getByText(`Set up: ${fixture.peer.baseUrl}`).waitFor();
    await screenshot(dark.page, 'destinations-dark');
    await dark.context.close();

    const portuguese = await openUi(browser, url, { locale: 'pt-BR' });
    await waitForRowState(portuguese.page, '2024-10-26_1305_helena.mp4', 'Enviando');
    await portuguese.page.getByRole('tab', { name: 'Fila', selected: true }).waitFor();
    await screenshot(portuguese.page, 'queue-pt-BR');
    await portuguese.context.close();

    await page.getByRole('tab', { name: 'Destinations' }).click();
    await page.getByText(`Set up: ${fixture.peer.baseUrl}`).waitFor();
    await screenshot(page, 'destinations');
    held.release();
    expect([...ui.problems, ...dark.problems, ...portuguese.problems]).toEqual([]);
  });

  it('says so when the uploader stops answering', async () => {
    await host.stop('SIGKILL');
    await page.getByRole('alert').filter({ hasText: 'The uploader is not answering.' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Reconnecting to the uploader…' }).waitFor();
  });
});
