import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeychainSecretStore } from '../../src-main/core/auth/keychain-secret-store.ts';
import { GOOGLE_REFRESH_TOKEN_SECRET } from '../../src-main/core/destinations/gdrive/google-credentials.ts';
import { openDatabase } from '../../src-main/core/store/database.ts';
import { readInstallId } from '../../src-main/core/store/install-id.ts';
import type { StatusReport } from '../../src-main/headless/commands/status-command.ts';
import { dataPaths } from '../../src-main/node-host/data-dir.ts';
import { headlineText } from '../../src-shared/health-words.ts';
import { DrivePeer } from '../peers/drive-peer.ts';
import { GoogleIdentityPeer } from '../peers/google-identity-peer.ts';
import { googlePeerSettings } from '../support/drive-harness.ts';
import { HeadlessProcess, runCli } from '../support/headless-cli.ts';
import { ensureRendererBuild } from '../support/renderer-build.ts';
import { launchChromium, openUi, screenshot, type UiPage } from '../support/ui-browser.ts';
import { waitForRowState } from '../support/ui-queue.ts';

/**
 * Google Drive from the Destinations and Folders screens: the sign-in through the test Google
 * consent page, and the drive.file scope as the UI explains it — a folder the operator made in
 * Drive is not listed, a folder the uploader creates is, and recordings land in it.
 */
describe('Google Drive in the browser', () => {
  let identity: GoogleIdentityPeer;
  let drive: DrivePeer;
  let host: HeadlessProcess;
  let browser: Browser;
  let ui: UiPage;
  const root = mkdtempSync(join(tmpdir(), 'gdrive-ui-'));
  const folder = join(root, 'recordings');
  const dataDir = join(root, 'data');
  const settingsFile = join(root, 'settings.json');

  beforeAll(async () => {
    const [, launched] = await Promise.all([ensureRendererBuild(), launchChromium()]);
    browser = launched;
    identity = await GoogleIdentityPeer.start();
    drive = await DrivePeer.start({ identity });
    drive.addFolder('Made by hand in Drive');
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      settingsFile,
      JSON.stringify({
        recordingsFolder: folder,
        activeDestination: 'gdrive',
        ...googlePeerSettings(identity, drive),
        settleSeconds: 1,
        chunkSizeBytes: 256 * 1024,
      }),
    );
    host = new HeadlessProcess(['run', '--data-dir', dataDir, '--settings', settingsFile, '--web-ui']);
    const output = await host.waitForOutput(/Web UI: (\S+)/);
    ui = await openUi(browser, /Web UI: (\S+)/.exec(output)?.[1] ?? '', { height: 860 });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop('SIGKILL').catch(() => undefined);
    const db = openDatabase(dataPaths(dataDir).database);
    const secrets = new KeychainSecretStore({ namespace: readInstallId(db), dataDir });
    db.close();
    await secrets.delete(GOOGLE_REFRESH_TOKEN_SECRET).catch(() => undefined);
    await drive?.close();
    await identity?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('signs in through the consent page and uploads into a folder the uploader created', async () => {
    const { page } = ui;
    // Skipping the guide leaves a way back to it in sight: the header's headline and its button.
    await page.getByRole('button', { name: 'Skip set-up' }).click();
    await page.getByRole('status').filter({ hasText: 'Set-up needed: connect a destination' }).waitFor();
    const finishSetUp = page.getByRole('button', { name: 'Finish set-up' });
    await finishSetUp.waitFor();
    await page.getByRole('tab', { name: 'Destinations' }).click();
    const card = page.getByRole('region', { name: 'Google Drive' });
    expect(await card.getByRole('radio', { name: /Only folders the uploader creates/ }).isChecked()).toBe(
      true,
    );
    // The choice says what each access means before anyone signs in.
    await card.getByText('it makes its own folder, /Recording Uploader, and uploads into it').waitFor();
    await card.getByText('see and change everything in the Google account').waitFor();
    await card.getByText('Google allows this only after a verification review of the app').waitFor();
    await card.getByText('switching needs Google Drive to be connected again').waitFor();
    await card.getByRole('button', { name: 'Connect' }).click();
    // The consent page opens from the card's link, as an operator of the browser UI opens it.
    const signInLink = card.getByRole('link', { name: 'Open the sign-in page' });
    const [signInPage] = await Promise.all([ui.context.waitForEvent('page'), signInLink.click()]);
    await card.getByText(`Connected as ${identity.user.email}`).waitFor();
    // The one consent page Google's peer served is the one the link opened.
    expect(identity.authorizations).toHaveLength(1);
    await signInPage.close();
    await finishSetUp.waitFor({ state: 'detached' });
    await screenshot(page, 'destinations-google-drive');

    await card.getByRole('button', { name: 'Choose folder' }).click();
    await page.getByText('The uploader may only see folders it created').waitFor();
    // Signing in made the uploader's own folder and chose it; the folder made by hand in Drive
    // exists, but drive.file cannot see it, so it is not listed.
    await page.getByText('Uploads go into /Recording Uploader').waitFor();
    const listed = page.getByRole('list', { name: 'Folders in My files' });
    await listed.getByRole('button', { name: /Recording Uploader.*Current/ }).waitFor();
    expect(await listed.getByRole('button').allTextContents()).toEqual(['Recording UploaderCurrent']);
    await page.getByRole('textbox', { name: 'New folder here' }).fill('Recordings');
    await page.getByRole('button', { name: 'Create folder' }).click();
    await page.getByRole('button', { name: 'Upload into “Recordings”' }).click();
    await page.getByText('Recordings are uploaded into /Recordings.').waitFor();
    await screenshot(page, 'folders-google-drive');

    const bytes = randomBytes(700 * 1024);
    writeFileSync(join(folder, '2024-10-26_1500_rita.mp4'), bytes);
    await page.getByRole('tab', { name: 'Queue' }).click();
    await waitForRowState(page, '2024-10-26_1500_rita.mp4', 'Done', 30_000);
    const [stored] = drive.stored('2024-10-26_1500_rita.mp4');
    expect(stored && drive.pathOf(stored)).toBe('/Recordings/2024-10-26_1500_rita.mp4');
    expect(stored && (await drive.content(stored))).toEqual(bytes);
    expect(ui.problems).toEqual([]);
  });

  /** The headline as `status --json` gives it, and the tray's words for the same health. */
  async function statusHeadline(): Promise<string> {
    const outcome = await runCli(['status', '--json', '--data-dir', dataDir, '--settings', settingsFile]);
    const report = JSON.parse(outcome.stdout) as StatusReport;
    expect(headlineText(report.health.headline, 'en', Date.now())).toBe(report.headline);
    return report.headline;
  }

  it('a sign-in Google no longer honours: the header, the row and status say so, and Sign in again there brings uploads back', async () => {
    const { page } = ui;
    const header = page.locator('header output.status');
    identity.revokeAll();
    writeFileSync(join(folder, '2024-10-26_1600_revoked.mp4'), randomBytes(300 * 1024));
    await page.getByRole('tab', { name: 'Queue' }).click();
    await waitForRowState(page, '2024-10-26_1600_revoked.mp4', 'Sign-in needed', 30_000);
    const needed = 'Sign in to Google Drive again — 1 recording waits';
    await header.filter({ hasText: new RegExp(`^${needed}$`) }).waitFor();
    expect(await statusHeadline()).toBe(needed);
    await screenshot(page, 'header-drive-sign-in');

    await page.locator('header').getByRole('button', { name: 'Sign in again' }).click();
    const link = page.locator('header').getByRole('link', { name: 'Open the sign-in page' });
    const [consent] = await Promise.all([ui.context.waitForEvent('page'), link.click()]);
    await waitForRowState(page, '2024-10-26_1600_revoked.mp4', 'Done', 30_000);
    await header.filter({ hasText: /^All caught up$/ }).waitFor({ timeout: 20_000 });
    await consent.close();
    expect(identity.authorizations).toHaveLength(2);
    expect(await statusHeadline()).toBe('All caught up');
    expect(drive.stored('2024-10-26_1600_revoked.mp4')).toHaveLength(1);
  });
});
