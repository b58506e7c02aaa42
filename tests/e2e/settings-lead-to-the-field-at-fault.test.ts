import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessFixture } from '../support/headless-fixture.ts';
import { openUi, type UiPage } from '../support/ui-browser.ts';
import { isFocusedInView, SETTLED } from '../support/ui-form-checks.ts';
import { startUiSession } from '../support/ui-session.ts';

/**
 * The Settings view in the real UI of the real headless host, in a window too short for the whole
 * form: Save pressed with a field at fault takes the operator to that field, wherever it is, and
 * the settings this host does not act on are not there to be set.
 */
describe('Settings with a field at fault', () => {
  let fixture: HeadlessFixture;
  let browser: Browser;
  let ui: UiPage;

  beforeAll(async () => {
    ({ fixture, browser } = await startUiSession());
    const { url } = await fixture.runWebUi();
    ui = await openUi(browser, url, { height: 600 });
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
  });

  it('offers only what the headless host acts on: no start at login, no update address', async () => {
    const { page } = ui;
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByRole('textbox', { name: 'Uploads at once' }).waitFor();
    expect(await page.getByRole('checkbox', { name: 'Start at login' }).count()).toBe(0);
    expect(await page.getByRole('textbox', { name: 'Update address' }).count()).toBe(0);
  });

  it('brings the field at fault into view and focus when Save is pressed, opening its section', async () => {
    const { page } = ui;
    const top = page.getByRole('heading', { name: 'Settings', level: 1 });
    const save = page.getByRole('button', { name: 'Save changes' });

    // A field in a closed advanced section: opened, typed into, the section closed again.
    const advanced = page.getByText('Google Drive app registration (advanced)');
    await advanced.click();
    const driveChunk = page.getByRole('textbox', { name: 'Drive chunk size' });
    await driveChunk.fill('1.1');
    await page.getByText('Use a multiple of 0.25.').waitFor();
    await advanced.click();
    expect(await driveChunk.isVisible()).toBe(false);
    await top.scrollIntoViewIfNeeded();
    await save.click();
    expect(await driveChunk.isVisible()).toBe(true);
    await expect.poll(() => isFocusedInView(driveChunk), SETTLED).toBe(true);
    await driveChunk.fill('8');

    // A field far above the save bar, the form scrolled away from it.
    const retries = page.getByRole('textbox', { name: 'Retries' });
    await retries.fill('lots');
    await page.getByText('Enter a number.').waitFor();
    await top.scrollIntoViewIfNeeded();
    expect(await isFocusedInView(retries)).toBe(false);
    await save.click();
    await expect.poll(() => isFocusedInView(retries), SETTLED).toBe(true);
    expect(await page.getByText('Settings saved.').count()).toBe(0);

    await retries.fill('4');
    await save.click();
    await page.getByText('Settings saved.').waitFor();
    expect(ui.problems).toEqual([]);
  });

  it("puts the core's refusal of a recordings folder under that field, and takes the operator there", async () => {
    const { page } = ui;
    const folder = page.getByRole('textbox', { name: 'Recordings folder' });
    const missing = join(fixture.folder, 'not-there');
    await folder.fill(missing);
    // Only the core can tell the folder is missing: the form has nothing to mark before Save.
    await page.getByRole('textbox', { name: 'Storage API address' }).scrollIntoViewIfNeeded();
    expect(await isFocusedInView(folder)).toBe(false);
    await page.getByRole('button', { name: 'Save changes' }).click();
    const refusal = page.getByText(`the recordings folder "${missing}" cannot be used`);
    await refusal.waitFor();
    await expect.poll(() => isFocusedInView(folder), SETTLED).toBe(true);
    expect(await folder.getAttribute('aria-invalid')).toBe('true');
    const described = (await folder.getAttribute('aria-describedby')) ?? '';
    expect(described.split(' ')).toContain(await refusal.getAttribute('id'));

    // Back to the folder in use: the refusal goes, and there is nothing left to save.
    await folder.fill(fixture.folder);
    expect(await refusal.count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Save changes' }).isDisabled()).toBe(true);
    expect(ui.problems).toEqual([]);
  });
});
