import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GOOGLE_REFRESH_TOKEN_SECRET } from '../../src-main/core/destinations/gdrive/google-credentials.ts';
import { systemClock } from '../../src-main/core/host-services.ts';
import { AccountStore } from '../../src-main/core/store/account-store.ts';
import { DRIVE_FILE_SCOPE, DRIVE_SCOPE } from '../peers/google-identity-peer.ts';
import { DriveHarness } from '../support/drive-harness.ts';

let harness: DriveHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Every file under a folder, read whole (the database, its WAL, logs, sealed secrets). */
function everyFile(dir: string): Array<{ path: string; text: string }> {
  const found: Array<{ path: string; text: string }> = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...everyFile(path));
    else found.push({ path, text: readFileSync(path).toString('latin1') });
  }
  return found;
}

describe('Google sign-in through the system browser', () => {
  it('tries the account call again when Drive fails for a moment just after the sign-in succeeded', async () => {
    harness = await DriveHarness.start({ connect: false });
    harness.drive.inject({ on: 'about', status: 503, reason: 'backendError', times: 1 });

    const view = await harness.connect();

    expect(view).toMatchObject({ destination: 'gdrive', state: 'connected', label: 'operator@example.com' });
    const abouts = harness.drive.requests.filter((r) => r.kind === 'about');
    expect(abouts.map((r) => r.status).slice(0, 2)).toEqual([503, 200]);
  });

  it('signs in with PKCE S256 over a loopback redirect, keeps the refresh token in the keychain only, and shows the account', async () => {
    harness = await DriveHarness.start({ connect: false });
    expect(harness.uploader.getSnapshot().connections.find((c) => c.destination === 'gdrive')?.state).toBe(
      'not-configured',
    );

    const view = await harness.connect();

    expect(view).toMatchObject({ destination: 'gdrive', state: 'connected', label: 'operator@example.com' });
    expect(view.detail).toMatch(/^[\d.,]+ [KMG]?i?B of 15 GiB used/);
    // What the browser was sent to ask Google for.
    expect(harness.browserVisits).toHaveLength(1);
    const [authorization] = harness.identity.authorizations;
    expect(authorization?.params).toMatchObject({
      client_id: harness.identity.clientId,
      response_type: 'code',
      access_type: 'offline',
      prompt: 'consent',
      code_challenge_method: 'S256',
      scope: DRIVE_FILE_SCOPE,
    });
    expect(authorization?.params.redirect_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(authorization?.params.state?.length).toBeGreaterThanOrEqual(32);
    expect(authorization?.params.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The code was exchanged once, with the verifier the peer checked.
    expect(harness.identity.tokenRequests).toEqual([
      { grantType: 'authorization_code', status: 200, error: null },
    ]);
    // Google's client went through the host's fetch (the proxy- and certificate-aware one).
    expect(harness.fetched).toContain(`POST ${harness.identity.tokenUrl}`);

    const refreshToken = await harness.secrets.get(GOOGLE_REFRESH_TOKEN_SECRET);
    expect(refreshToken).toMatch(/^1\/\/refresh-/);
    for (const file of everyFile(harness.dataDir)) {
      expect(file.text.includes(refreshToken as string), file.path).toBe(false);
    }

    // drive.file: the app made its own folder and uploads there.
    const folder = harness.uploader.settings.googleDriveFolder;
    expect(folder?.path).toBe('/Recording Uploader');
    const made = harness.drive.files.get(folder?.id as string);
    expect(made).toMatchObject({ name: 'Recording Uploader', byApp: true, parents: [harness.drive.rootId] });
    const account = new AccountStore(harness.db, systemClock).get('gdrive');
    expect(account?.details).toMatchObject({ scope: 'drive.file', quotaLimitBytes: 15 * 1024 ** 3 });
  });

  it('finds its own folder again on a second sign-in instead of making another', async () => {
    harness = await DriveHarness.start();
    await harness.uploader.disconnect({ destination: 'gdrive' });
    await harness.uploader.updateSettings({ googleDriveFolder: null });
    await harness.connect();
    const folders = harness.drive.files.all().filter((f) => f.name === 'Recording Uploader');
    expect(folders).toHaveLength(1);
    expect(harness.uploader.settings.googleDriveFolder?.id).toBe(folders[0]?.id);
  });

  it('asks for the wider drive scope when the operator opts in, and then lists folders it did not make', async () => {
    harness = await DriveHarness.start({ connect: false, settings: { googleDriveScope: 'drive' } });
    const mine = harness.drive.addFolder('Team recordings');
    await harness.connect();
    expect(harness.identity.authorizations[0]?.params.scope).toBe(DRIVE_SCOPE);
    const listed = await harness.uploader.listRemoteFolders({ destination: 'gdrive', parentId: null });
    expect(listed.map((f) => f.path)).toContain('/Team recordings');
    expect(listed.find((f) => f.path === '/Team recordings')?.id).toBe(mine.id);
  });

  it('asks for a new sign-in when the Drive access setting no longer matches the one granted', async () => {
    harness = await DriveHarness.start();
    await harness.uploader.updateSettings({ googleDriveScope: 'drive' });
    const stale = harness.uploader.getSnapshot().connections.find((c) => c.destination === 'gdrive');
    expect(stale).toMatchObject({ state: 'needs-auth', detail: expect.stringContaining('sign in again') });
    await harness.connect();
    expect(harness.identity.authorizations.at(-1)?.params.scope).toBe(DRIVE_SCOPE);
    expect(harness.uploader.getSnapshot().connections.find((c) => c.destination === 'gdrive')?.state).toBe(
      'connected',
    );
  });

  it('with drive.file, a folder the operator made in Drive stays out of sight', async () => {
    harness = await DriveHarness.start({ connect: false });
    harness.drive.addFolder('Team recordings');
    await harness.connect();
    const listed = await harness.uploader.listRemoteFolders({ destination: 'gdrive', parentId: null });
    expect(listed.map((f) => f.path)).toEqual(['/Recording Uploader']);
  });

  it('reports a refusal on the consent screen and keeps nothing', async () => {
    harness = await DriveHarness.start({ connect: false });
    harness.identity.consent = 'deny';
    await expect(harness.connect()).rejects.toThrow(/did not grant access \(access_denied\)/);
    expect(await harness.secrets.get(GOOGLE_REFRESH_TOKEN_SECRET)).toBeNull();
    expect(harness.uploader.getSnapshot().connections.find((c) => c.destination === 'gdrive')?.state).toBe(
      'not-configured',
    );
  });

  it('names a wrong client secret as the problem', async () => {
    harness = await DriveHarness.start({
      connect: false,
      settings: { googleClientSecret: 'not-the-secret' },
    });
    await expect(harness.connect()).rejects.toThrow(/invalid_client/);
    expect(await harness.secrets.get(GOOGLE_REFRESH_TOKEN_SECRET)).toBeNull();
  });

  it('refuses to start without a client id, naming the settings and the set-up guide', async () => {
    harness = await DriveHarness.start({ connect: false, settings: { googleClientId: '' } });
    await expect(harness.connect()).rejects.toThrow(/googleClientId.*google-drive-setup\.md/);
    expect(harness.browserVisits).toEqual([]);
  });

  it('disconnect revokes the grant at Google and forgets it here', async () => {
    harness = await DriveHarness.start();
    const refreshToken = await harness.secrets.get(GOOGLE_REFRESH_TOKEN_SECRET);
    expect(harness.identity.liveRefreshTokens()).toBe(1);

    const view = await harness.uploader.disconnect({ destination: 'gdrive' });

    expect(harness.identity.revocations).toEqual([refreshToken]);
    expect(harness.fetched).toContain(`POST ${harness.identity.revokeUrl}`);
    expect(harness.identity.liveRefreshTokens()).toBe(0);
    expect(await harness.secrets.get(GOOGLE_REFRESH_TOKEN_SECRET)).toBeNull();
    expect(view).toMatchObject({ state: 'not-configured', label: null });
    expect(new AccountStore(harness.db, systemClock).get('gdrive')).toBeNull();
  });

  it('signs out locally even when Google cannot be reached to revoke', async () => {
    harness = await DriveHarness.start();
    await harness.identity.close();
    const view = await harness.uploader.disconnect({ destination: 'gdrive' });
    expect(view.state).toBe('not-configured');
    expect(await harness.secrets.get(GOOGLE_REFRESH_TOKEN_SECRET)).toBeNull();
  });
});
