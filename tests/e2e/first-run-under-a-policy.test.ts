import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HeadlessFixture, MiB } from '../support/headless-fixture.ts';
import { openUi, screenshot, type UiPage } from '../support/ui-browser.ts';
import { primaryButtons, SETTLED } from '../support/ui-form-checks.ts';
import { startUiSession } from '../support/ui-session.ts';

/**
 * A machine the IT department set up: the policy names the recordings folder and the one
 * destination, locked, and the operator has only the token left to give. The real UI, served by
 * the real headless host under that policy, shows what the organization manages wherever it could
 * otherwise be changed, and offers no way to change it.
 */
describe('the first run and the quick controls under a policy', () => {
  let fixture: HeadlessFixture;
  let browser: Browser;
  let ui: UiPage;

  beforeAll(async () => {
    ({ fixture, browser } = await startUiSession());
    fixture.writeSettings({ settleSeconds: 1, chunkSizeBytes: MiB });
    fixture.writePolicy({
      settings: {
        recordingsFolder: fixture.folder,
        activeDestination: 'storage-api',
        uploadsPaused: false,
        uploadRateLimit: '4M',
      },
      locked: 'all',
      allowedDestinations: ['storage-api'],
    });
    const { url } = await fixture.runWebUi([], { token: null });
    // Tall enough for the whole destination step in one picture.
    ui = await openUi(browser, url, { height: 900 });
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
  });

  it('shows the folder and the destination the policy sets as managed, with nothing to change', async () => {
    const { page } = ui;
    await page.getByRole('heading', { name: 'Where are recordings saved?' }).waitFor();
    const folder = page.getByRole('textbox', { name: 'Recordings folder' });
    expect(await folder.inputValue()).toBe(fixture.folder);
    expect(await folder.isEditable()).toBe(false);
    expect(await folder.getAttribute('aria-describedby')).toBeTruthy();
    await page.getByText('Managed by your organization', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Save folder' }).count()).toBe(0);
    // The policy's folder is this step done: Next is the one thing to press.
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Where should recordings go?' }).waitFor();
    expect(await page.getByRole('radio', { name: 'Company storage API', exact: true }).isChecked()).toBe(
      true,
    );
    for (const other of ['OneDrive', 'Google Drive']) {
      expect(await page.getByRole('radio', { name: other, exact: true }).isDisabled()).toBe(true);
    }
    expect(await page.getByText('Not offered by your organization.').count()).toBe(2);
    await page.getByText('Managed by your organization', { exact: true }).waitFor();
    // What is left to the operator stays theirs: the token.
    expect(await page.getByRole('textbox', { name: 'API token' }).isEditable()).toBe(true);
    await screenshot(page, 'first-run-managed');
    expect(ui.problems).toEqual([]);
  });

  it('offers no pause, resume or full speed the policy holds, in the header, Settings and Destinations', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: 'Skip set-up' }).click();
    // Set-up is the headline: the header says so with its one button, no banner repeats it.
    await page.getByRole('status').filter({ hasText: 'Set-up needed: connect a destination' }).waitFor();
    await expect.poll(() => primaryButtons(page), SETTLED).toEqual(['Finish set-up']);
    await page.getByRole('button', { name: 'Pause' }).click();
    const menu = page.getByRole('menu');
    for (const length of ['Pause for 1 hour', 'Pause for 8 hours', 'Pause until I resume']) {
      expect(await menu.getByRole('menuitem', { name: length }).isDisabled()).toBe(true);
    }
    // The policy's 4 MiB/s is the organization's floor: lifting it is not offered either.
    expect(await menu.getByRole('menuitem', { name: 'Upload at full speed' }).isDisabled()).toBe(true);
    expect(await menu.getByText('Managed by your organization', { exact: true }).count()).toBe(2);
    await screenshot(page, 'pause-menu-managed');
    // Every item held, the menu still answers the keyboard: Escape closes it.
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });

    await page.getByRole('tab', { name: 'Settings' }).click();
    const pausePanel = page.getByRole('region', { name: 'Pause uploads' });
    for (const length of ['1 hour', '8 hours', 'Until I resume']) {
      expect(await pausePanel.getByRole('button', { name: length }).isDisabled()).toBe(true);
    }
    await pausePanel.getByText('Managed by your organization', { exact: true }).waitFor();

    await page.getByRole('tab', { name: 'Destinations' }).click();
    for (const other of ['OneDrive', 'Google Drive']) {
      const card = page.getByRole('region', { name: other, exact: true });
      expect(await card.getByRole('button', { name: 'Use for uploads' }).isDisabled()).toBe(true);
      await card.getByText('Managed by your organization', { exact: true }).waitFor();
    }
    expect(ui.problems).toEqual([]);
  });

  it('says the same in Portuguese', async () => {
    const portuguese = await openUi(browser, ui.page.url(), { locale: 'pt-BR' });
    const { page } = portuguese;
    await page.getByRole('heading', { name: 'Onde as gravações são salvas?' }).waitFor();
    await page.getByText('Dois passos, cerca de um minuto.').waitFor();
    await page.getByText('Gerenciado pela sua organização', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Avançar' }).click();
    expect(await page.getByText('Não oferecido pela sua organização.').count()).toBe(2);
    expect(portuguese.problems).toEqual([]);
  });
});
