import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeychainSecretStore } from '../../src-main/core/auth/keychain-secret-store.ts';
import { ONEDRIVE_CACHE_SECRET } from '../../src-main/core/destinations/onedrive/auth/msal-secret-cache.ts';
import { openDatabase } from '../../src-main/core/store/database.ts';
import { readInstallId } from '../../src-main/core/store/install-id.ts';
import { dataPaths } from '../../src-main/node-host/data-dir.ts';
import { type GraphPeer, startGraphPeer } from '../peers/graph-peer.ts';
import { type IdentityProviderPeer, startIdentityProvider } from '../peers/identity-provider.ts';
import { HeadlessProcess } from '../support/headless-cli.ts';
import { ensureRendererBuild } from '../support/renderer-build.ts';
import { launchChromium, openUi, screenshot, type UiPage } from '../support/ui-browser.ts';
import { fieldsWithoutOwnLabel, primaryButtons, SETTLED } from '../support/ui-form-checks.ts';
import { waitForRowState } from '../support/ui-queue.ts';

/**
 * OneDrive set up entirely in the browser UI: the sign-in runs through the test identity
 * provider's own page, opened from the link the UI shows while the sign-in waits (the headless
 * host itself can only print the address), then the folder browser walks the Graph peer's drive,
 * creates a folder and chooses it.
 */
describe('OneDrive in the browser', () => {
  let idp: IdentityProviderPeer;
  let graph: GraphPeer;
  let host: HeadlessProcess;
  let browser: Browser;
  let ui: UiPage;
  const root = mkdtempSync(join(tmpdir(), 'onedrive-ui-'));
  const folder = join(root, 'recordings');
  const dataDir = join(root, 'data');

  beforeAll(async () => {
    const [, provider] = await Promise.all([
      ensureRendererBuild(),
      startIdentityProvider(),
      launchChromium().then((launched) => {
        browser = launched;
      }),
    ]);
    idp = provider;
    graph = await startGraphPeer({
      authorize: (token) => {
        const user = provider.userOf(token);
        return user && { id: user.oid, displayName: user.name, userPrincipalName: user.preferredUsername };
      },
    });
    graph.makeFolders('Recordings');
    graph.makeFolders('Shared with the team');
    mkdirSync(folder, { recursive: true });
    const caFile = join(root, 'idp-ca.pem');
    writeFileSync(caFile, idp.certificate);
    const settingsFile = join(root, 'settings.json');
    writeFileSync(
      settingsFile,
      JSON.stringify({
        recordingsFolder: folder,
        activeDestination: 'onedrive',
        oneDriveClientId: idp.clientId,
        oneDriveAuthorityHost: idp.origin,
        graphBaseUrl: graph.baseUrl,
        settleSeconds: 1,
        chunkSizeBytes: 4 * 320 * 1024,
      }),
    );
    // Node reads NODE_EXTRA_CA_CERTS only as a process starts: the honest way to trust a test CA.
    host = new HeadlessProcess(['run', '--data-dir', dataDir, '--settings', settingsFile, '--web-ui'], {
      env: { NODE_EXTRA_CA_CERTS: caFile },
    });
    const output = await host.waitForOutput(/Web UI: (\S+)/);
    ui = await openUi(browser, /Web UI: (\S+)/.exec(output)?.[1] ?? '', { ignoreHTTPSErrors: true });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop('SIGKILL').catch(() => undefined);
    const db = openDatabase(dataPaths(dataDir).database);
    await new KeychainSecretStore({ namespace: readInstallId(db), dataDir })
      .delete(ONEDRIVE_CACHE_SECRET)
      .catch(() => undefined);
    db.close();
    await graph?.close();
    await idp?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('signs in through the identity provider page, browses, creates and chooses a folder, and uploads into it', async () => {
    const { page } = ui;
    // The folder is set but OneDrive is not connected: the guide opens, its first step done.
    await page.getByRole('heading', { name: 'Where are recordings saved?' }).waitFor();
    // A cloud drive has a folder to choose: three steps, as the lead and the stepper both say.
    const steps = page.getByRole('list', { name: 'Set-up steps' }).getByRole('listitem');
    expect(await steps.locator('.step-name').allInnerTexts()).toEqual([
      'Recordings folder',
      'Destination',
      'Remote folder',
    ]);
    await page.getByText('Three steps, about a minute.').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Where should recordings go?' }).waitFor();
    expect(await page.getByRole('radio', { name: /OneDrive/ }).isChecked()).toBe(true);

    await page.getByRole('button', { name: 'Connect' }).click();
    // The headless host can only print the sign-in address in its terminal: the page links to it.
    const signInLink = page.getByRole('link', { name: 'Open the sign-in page' });
    await signInLink.waitFor();
    await page.getByText('Waiting for you to sign in on the sign-in page.').waitFor();
    await screenshot(page, 'first-run-onedrive-sign-in');
    const printed = await host.waitForOutput(/sign in:\s+(https:\S+)/);
    expect(await signInLink.getAttribute('href')).toBe(/sign in:\s+(https:\S+)/.exec(printed)?.[1]);
    expect(await signInLink.getAttribute('target')).toBe('_blank');
    expect(await signInLink.getAttribute('rel')).toBe('noopener noreferrer');
    const [signInPage] = await Promise.all([ui.context.waitForEvent('page'), signInLink.click()]);
    await signInPage.getByText('Signed in to OneDrive').waitFor();
    await signInPage.close();

    await page.getByText(`Connected as ${idp.user.name} (${idp.user.preferredUsername})`).waitFor();
    await expect.poll(() => primaryButtons(page), SETTLED).toEqual(['Next']);
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Which folder should they go into?' }).waitFor();
    const folders = page.getByRole('list', { name: 'Folders in My files' });
    await folders.getByRole('button', { name: 'Shared with the team' }).waitFor();
    // One obvious button: choosing a folder, until one is chosen; every field its own label.
    await expect
      .poll(() => primaryButtons(page), SETTLED)
      .toEqual(['Open or create a folder to upload into']);
    expect(await fieldsWithoutOwnLabel(page)).toEqual([]);
    // The drive's root cannot be chosen: an upload needs a folder.
    expect(
      await page.getByRole('button', { name: 'Open or create a folder to upload into' }).isDisabled(),
    ).toBe(true);
    await folders.getByRole('button', { name: 'Recordings' }).click();
    await page.getByRole('navigation', { name: 'Folder path' }).getByText('Recordings').waitFor();
    await page.getByText('No folders here.').waitFor();
    await page.getByRole('textbox', { name: 'New folder here' }).fill('Ana 2024');
    await page.getByRole('button', { name: 'Create folder' }).click();
    // Created, it opens: the breadcrumb walks back up by name.
    const path = page.getByRole('navigation', { name: 'Folder path' });
    await path.locator('[aria-current="location"]').filter({ hasText: 'Ana 2024' }).waitFor();
    expect(await path.getByRole('button').allTextContents()).toEqual(['My files', 'Recordings']);
    await screenshot(page, 'first-run-remote-folder');
    await page.getByRole('button', { name: 'Upload into “Ana 2024”' }).click();
    await page.getByText('Recordings are uploaded into /Recordings/Ana 2024.').waitFor();
    await expect.poll(() => primaryButtons(page), SETTLED).toEqual(['Next']);
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'All set' }).waitFor();
    await page.getByRole('definition').filter({ hasText: '/Recordings/Ana 2024' }).waitFor();
    await page.getByRole('button', { name: 'Open the queue' }).click();

    const bytes = randomBytes(1500 * 1024);
    writeFileSync(join(folder, '2024-10-26_1400_ana.mp4'), bytes);
    await waitForRowState(page, '2024-10-26_1400_ana.mp4', 'Done', 30_000);
    const stored = graph.files().find((file) => file.name === '2024-10-26_1400_ana.mp4');
    expect(stored?.path).toBe('/Recordings/Ana 2024/2024-10-26_1400_ana.mp4');

    // Breadcrumbs lead back up; the chosen folder is marked where it is listed.
    await page.getByRole('tab', { name: 'Folders' }).click();
    await page.getByText('Uploads go into /Recordings/Ana 2024').waitFor();
    await page
      .getByRole('list', { name: 'Folders in My files' })
      .getByRole('button', { name: 'Recordings' })
      .click();
    await page
      .getByRole('list', { name: 'Folders in Recordings' })
      .getByRole('button', { name: /Ana 2024.*Current/ })
      .waitFor();
    await screenshot(page, 'folders-onedrive');
    await page
      .getByRole('navigation', { name: 'Folder path' })
      .getByRole('button', { name: 'My files' })
      .click();
    await page.getByRole('list', { name: 'Folders in My files' }).waitFor();
    expect(ui.problems).toEqual([]);
  });
});
