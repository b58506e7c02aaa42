import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessFixture } from '../support/headless-fixture.ts';
import { openUi, type UiPage } from '../support/ui-browser.ts';
import { startUiSession } from '../support/ui-session.ts';

/**
 * An administrator's policy locks settings: the real UI, served by the real headless host running
 * under that policy, shows them as managed and offers no way to change them.
 */
describe('settings the policy locks, in the browser', () => {
  let fixture: HeadlessFixture;
  let browser: Browser;
  let ui: UiPage;

  beforeAll(async () => {
    ({ fixture, browser } = await startUiSession());
    fixture.writePolicy({
      settings: { deleteAfterUpload: false, maxRetries: 5, storageApiBaseUrl: fixture.peer.baseUrl },
      locked: 'all',
      allowedDestinations: ['storage-api', 'onedrive'],
      updates: { enabled: false },
    });
    const { url } = await fixture.runWebUi();
    ui = await openUi(browser, url);
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
  });

  it('shows a locked setting as managed by the organization and does not let it change', async () => {
    const { page } = ui;
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByText('Updates are managed by your organization.').waitFor();

    const remove = page.getByRole('checkbox', { name: 'Delete recordings after upload' });
    expect(await remove.isDisabled()).toBe(true);
    expect(await remove.isChecked()).toBe(false);
    const retries = page.getByRole('textbox', { name: 'Retries' });
    expect(await retries.inputValue()).toBe('5');
    expect(await retries.isEditable()).toBe(false);
    expect(await retries.getAttribute('aria-describedby')).toBeTruthy();
    const managed = page.getByText('Managed by your organization', { exact: true });
    expect(await managed.count()).toBe(3);

    // The destination is the operator's to choose, among those the policy allows.
    const destination = page.getByRole('combobox', { name: 'Destination in use' });
    expect(await destination.isDisabled()).toBe(false);
    const offered = await destination
      .locator('option')
      .evaluateAll((options) =>
        options.map(
          (option) => `${option.textContent}:${(option as unknown as { disabled: boolean }).disabled}`,
        ),
      );
    expect(offered).toEqual([
      'Company storage API:false',
      'OneDrive:false',
      'Google Drive — Not offered by your organization.:true',
    ]);

    // A setting the policy leaves alone stays the operator's.
    const concurrent = page.getByRole('textbox', { name: 'Uploads at once' });
    expect(await concurrent.isEditable()).toBe(true);
    await concurrent.fill('3');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Settings saved.').waitFor();
    expect(await remove.isDisabled()).toBe(true);
  });

  it('shows the storage API address as managed where the destination is set up', async () => {
    const { page } = ui;
    await page.getByRole('tab', { name: 'Destinations' }).click();
    const address = page.getByRole('textbox', { name: 'Address', exact: true });
    expect(await address.isEditable()).toBe(false);
    expect(await address.inputValue()).toBe(fixture.peer.baseUrl);
    await page.getByText('Managed by your organization', { exact: true }).waitFor();
    // A destination the policy leaves out cannot be put in use from its card either.
    const drive = page.getByRole('region', { name: 'Google Drive', exact: true });
    expect(await drive.getByRole('button', { name: 'Use for uploads' }).isDisabled()).toBe(true);
    await drive.getByText('Not offered by your organization.').waitFor();
    const oneDrive = page.getByRole('region', { name: 'OneDrive', exact: true });
    expect(await oneDrive.getByRole('button', { name: 'Use for uploads' }).isDisabled()).toBe(false);
  });
});
