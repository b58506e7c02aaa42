import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STORAGE_API_TOKEN_ENV } from '../../src-main/core/auth/env-secret-store.ts';
import { openDatabase } from '../../src-main/core/store/database.ts';
import { SettingsStore } from '../../src-main/core/store/settings-store.ts';
import type { Settings } from '../../src-shared/settings.ts';
import { HeadlessFixture, MiB, sha256 } from '../support/headless-fixture.ts';

/** A server with no desktop session: no Secret Service answers on the session bus. */
const NO_KEYCHAIN = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };

let fixture: HeadlessFixture | undefined;

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

function writeWatsConfig(f: HeadlessFixture, token: string): { config: string; recordings: string } {
  const home = join(f.root, 'wats');
  const recordings = join(home, 'recordings');
  mkdirSync(recordings, { recursive: true });
  const config = join(home, 'config.json');
  const api = { enabled: true, auto_upload: true, base_url: f.peer.baseUrl, api_token: token };
  writeFileSync(config, JSON.stringify({ recording: { output_dir: 'recordings' }, api }));
  return { config, recordings };
}

function savedSettings(f: HeadlessFixture): Settings | null {
  const file = join(f.dataDir, 'uploader.db');
  if (!existsSync(file)) return null;
  const db = openDatabase(file);
  try {
    return new SettingsStore(db).load();
  } finally {
    db.close();
  }
}

const newToken = (): string => `wats_${randomBytes(20).toString('hex')}`;

describe('import-wats-config on a server without a keychain', () => {
  it('imports with the token in the environment, says where the token is, and run uploads with it', async () => {
    const token = newToken();
    fixture = await HeadlessFixture.start({ peer: { token } });
    const { config, recordings } = writeWatsConfig(fixture, token);
    const env = { ...NO_KEYCHAIN, [STORAGE_API_TOKEN_ENV]: token };

    const imported = await fixture.cli(['import-wats-config', config], { env });

    expect(imported.code).toBe(0);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toContain(
      `  - API token: not stored, as there is no OS keychain here; ${STORAGE_API_TOKEN_ENV} holds the same token, and the uploader takes it from there\n`,
    );
    expect(`${imported.stdout}${imported.stderr}`).not.toContain(token);
    expect(savedSettings(fixture)).toMatchObject({
      recordingsFolder: recordings,
      storageApiBaseUrl: fixture.peer.baseUrl,
    });

    fixture.writeSettings({ settleSeconds: 1 });
    const bytes = randomBytes(MiB + 5);
    writeFileSync(join(recordings, 'no-keychain.mp4'), bytes);
    const child = fixture.run({ token, env: NO_KEYCHAIN });
    await fixture.waitForStored('no-keychain.mp4');
    expect(sha256(await fixture.storedOnce('no-keychain.mp4'))).toBe(sha256(bytes));
    await child.stop('SIGTERM');
  });

  it('with another token in the environment: imports the settings and warns that the file’s token went nowhere', async () => {
    const token = newToken();
    const other = newToken();
    fixture = await HeadlessFixture.start({ peer: { token } });
    const { config } = writeWatsConfig(fixture, token);

    const imported = await fixture.cli(['import-wats-config', config], {
      env: { ...NO_KEYCHAIN, [STORAGE_API_TOKEN_ENV]: other },
    });

    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('  - API token: not stored (see the warning below)\n');
    expect(imported.stderr).toContain(
      `Warning: the API token from ${config} was not stored: there is no OS keychain here (`,
    );
    expect(imported.stderr).toContain(
      `The uploader uses ${STORAGE_API_TOKEN_ENV}, which holds another token: put the file's token there if it is the right one`,
    );
    expect(`${imported.stdout}${imported.stderr}`).not.toContain(token);
    expect(`${imported.stdout}${imported.stderr}`).not.toContain(other);
  });

  it('with no token in the environment either: fails naming the keychain and the variable, and imports nothing', async () => {
    const token = newToken();
    fixture = await HeadlessFixture.start({ peer: { token } });
    const { config } = writeWatsConfig(fixture, token);

    const imported = await fixture.cli(['import-wats-config', config], { env: NO_KEYCHAIN });

    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain('the OS keychain is unavailable');
    expect(imported.stderr).toContain(STORAGE_API_TOKEN_ENV);
    expect(imported.stderr).toContain('nothing was imported');
    expect(imported.stdout).toBe('');
    expect(savedSettings(fixture)?.recordingsFolder ?? '').toBe('');
    expect(`${imported.stdout}${imported.stderr}`).not.toContain(token);
  });
});
