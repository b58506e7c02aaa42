import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STORAGE_API_TOKEN_SECRET } from '../../src-main/core/auth/env-secret-store.ts';
import { type StoragePeer, startStoragePeer } from '../peers/storage-api-peer.ts';
import { HeadlessFixture, KiB, MiB, sha256 } from '../support/headless-fixture.ts';

let fixture: HeadlessFixture | undefined;
let other: StoragePeer | undefined;

afterEach(async () => {
  await fixture?.close();
  await other?.close();
  fixture = undefined;
  other = undefined;
});

const newToken = (): string => `tok_${randomBytes(18).toString('base64url')}`;

/** `run`'s settings with the storage API at `baseUrl`, written to the fixture's settings file. */
function runAgainst(f: HeadlessFixture, baseUrl: string): void {
  f.writeSettings({
    recordingsFolder: f.folder,
    storageApiBaseUrl: baseUrl,
    settleSeconds: 1,
    chunkSizeBytes: MiB,
  });
}

/** A second storage API on its own origin, which would accept `token` if it were ever sent there. */
const anotherServer = (token: string): Promise<StoragePeer> =>
  startStoragePeer({ chunkSize: 256 * KiB, token });

describe('a token stored from the command line is bound to the storage API address it was given for', () => {
  it('set-secret --settings binds it to that file’s address: run against another address sends no token there and asks for one; entered for that address, it uploads there', async () => {
    const token = newToken();
    fixture = await HeadlessFixture.start({ peer: { token } });
    const stored = await fixture.cli(['set-secret', 'storage-api', '--settings', fixture.settingsFile], {
      input: `${token}\n`,
    });
    expect(stored.code).toBe(0);

    // The same token would open the other server too: only the binding keeps it away.
    other = await anotherServer(token);
    runAgainst(fixture, other.baseUrl);
    fixture.writeRecording('moved-address.mp4', 200 * KiB);
    const child = fixture.run({ token: null });
    const held = await fixture.waitForJob('moved-address.mp4', ['needs-auth']);
    expect(held.lastError).toContain(
      `the credentials were given for ${fixture.peer.origin}, but storageApiBaseUrl now points to ${other.origin}`,
    );
    expect(held.lastError).toContain('enter the storage API token again');
    expect(other.requests.filter((r) => r.hadAuthorization)).toEqual([]);
    expect(other.recordings()).toEqual([]);
    expect((await child.stop('SIGTERM')).code).toBe(0);

    // The operator enters a token for the other address, with its settings: it is bound there.
    const otherToken = newToken();
    other.setToken(otherToken);
    const again = await fixture.cli(['set-secret', 'storage-api', '--settings', fixture.settingsFile], {
      input: `${otherToken}\n`,
    });
    expect(again.code).toBe(0);
    const resumed = fixture.run({ token: null });
    await fixture.waitForJob('moved-address.mp4', ['done']);
    expect(other.recordings().map((r) => r.fileName)).toEqual(['moved-address.mp4']);
    expect(fixture.peer.recordings()).toEqual([]);
    expect((await resumed.stop('SIGTERM')).code).toBe(0);
  });

  it('import-wats-config binds the file’s token to the file’s base_url: run against another address sends it no token', async () => {
    const token = newToken();
    fixture = await HeadlessFixture.start({ peer: { token } });
    const home = join(fixture.root, 'wats');
    mkdirSync(join(home, 'recordings'), { recursive: true });
    const config = join(home, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        recording: { output_dir: 'recordings' },
        api: { base_url: fixture.peer.baseUrl, api_token: token },
      }),
    );
    expect((await fixture.cli(['import-wats-config', config])).code).toBe(0);

    other = await anotherServer(token);
    runAgainst(fixture, other.baseUrl);
    const bytes = fixture.writeRecording('imported-token.mp4', 200 * KiB);
    const child = fixture.run({ token: null });
    const held = await fixture.waitForJob('imported-token.mp4', ['needs-auth']);
    expect(held.lastError).toContain(`the credentials were given for ${fixture.peer.origin}`);
    expect(other.requests.filter((r) => r.hadAuthorization)).toEqual([]);
    expect((await child.stop('SIGTERM')).code).toBe(0);

    // Back at the file's address the same token is taken, and the held upload goes on there.
    runAgainst(fixture, fixture.peer.baseUrl);
    const home2 = fixture.run({ token: null });
    await fixture.waitForJob('imported-token.mp4', ['done']);
    expect(sha256(await fixture.storedOnce('imported-token.mp4'))).toBe(sha256(bytes));
    expect((await home2.stop('SIGTERM')).code).toBe(0);
  });

  it('import-wats-config skips the file’s token when the policy locks the address to another server: the token entered for that server stays and uploads go on there', async () => {
    const fileToken = newToken();
    fixture = await HeadlessFixture.start({ peer: { token: fileToken } });
    const serverToken = newToken();
    other = await anotherServer(serverToken);
    fixture.writePolicy({ settings: { storageApiBaseUrl: other.baseUrl }, locked: ['storageApiBaseUrl'] });
    expect((await fixture.cli(['set-secret', 'storage-api'], { input: `${serverToken}\n` })).code).toBe(0);
    const config = join(fixture.root, 'config.json');
    writeFileSync(config, JSON.stringify({ api: { base_url: fixture.peer.baseUrl, api_token: fileToken } }));

    const imported = await fixture.cli(['import-wats-config', config]);

    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('  - API token: not stored (see the warning below)\n');
    expect(imported.stderr).toContain(
      `Warning: skipped the API token from ${config}: it was given for ${fixture.peer.origin}, but the policy ${fixture.policyFile} sets the storage API address to ${other.baseUrl}; enter that server's token with set-secret storage-api\n`,
    );
    expect(`${imported.stdout}${imported.stderr}`).not.toContain(fileToken);
    expect(await fixture.keychain().get(STORAGE_API_TOKEN_SECRET)).toBe(serverToken);

    fixture.writeSettings({ recordingsFolder: fixture.folder, settleSeconds: 1, chunkSizeBytes: MiB });
    fixture.writeRecording('policy-address.mp4', 200 * KiB);
    const child = fixture.run({ token: null });
    await fixture.waitForJob('policy-address.mp4', ['done']);
    expect(other.recordings().map((r) => r.fileName)).toEqual(['policy-address.mp4']);
    expect(fixture.peer.requests).toEqual([]);
    expect((await child.stop('SIGTERM')).code).toBe(0);
  });
});
