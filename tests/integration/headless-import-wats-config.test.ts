import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STORAGE_API_TOKEN_SECRET } from '../../src-main/core/auth/env-secret-store.ts';
import { openDatabase } from '../../src-main/core/store/database.ts';
import { SettingsStore } from '../../src-main/core/store/settings-store.ts';
import type { Settings } from '../../src-shared/settings.ts';
import { HeadlessFixture, MiB, sha256, sleep } from '../support/headless-fixture.ts';

let fixture: HeadlessFixture | undefined;

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** The recording system's config.json in its own folder, with `recording.output_dir` relative to it. */
function writeWatsConfig(f: HeadlessFixture, api: Record<string, unknown>): string {
  const home = join(f.root, 'wats');
  mkdirSync(join(home, 'recordings'), { recursive: true });
  const path = join(home, 'config.json');
  const config = {
    recording: { output_dir: 'recordings', fps: 10, codec: 'h264' },
    api,
    ui: { theme: 'dark' },
  };
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

function savedSettings(f: HeadlessFixture): Settings {
  const db = openDatabase(join(f.dataDir, 'uploader.db'));
  try {
    return new SettingsStore(db).load();
  } finally {
    db.close();
  }
}

const newToken = (): string => `wats_${randomBytes(20).toString('hex')}`;

describe('headless import-wats-config', () => {
  it('imports every upload setting and the token, says what it imported without the token, and run uploads with them', async () => {
    const token = newToken();
    fixture = await HeadlessFixture.start({ peer: { token } });
    const config = writeWatsConfig(fixture, {
      enabled: true,
      auto_upload: true,
      base_url: `${fixture.peer.baseUrl}/`,
      api_token: token,
      max_concurrent_uploads: 3,
      max_retries: 5,
      delete_after_upload: false,
      upload_older_recordings: true,
      max_file_age_days: 14,
      upload_timeout: 120.5,
    });
    const recordings = join(fixture.root, 'wats', 'recordings');

    const imported = await fixture.cli(['import-wats-config', config]);

    expect(imported.code).toBe(0);
    expect(`${imported.stdout}${imported.stderr}`).not.toContain(token);
    expect(imported.stdout.split('\n')).toEqual([
      `Imported ${config} into ${fixture.dataDir}:`,
      '  - destination: the company storage API',
      `  - recordings folder: ${recordings} (from "recordings", relative to ${config})`,
      `  - storage API address: ${fixture.peer.baseUrl}`,
      '  - API token: stored in the keychain',
      '  - uploads at once: 3',
      '  - retries per recording: 5',
      '  - oldest recording to upload: 14 days',
      '  - request time-out: 121 seconds',
      '  - delete recordings after upload: no',
      '  - upload recordings already in the folder: yes',
      '',
    ]);
    expect(savedSettings(fixture)).toMatchObject({
      activeDestination: 'storage-api',
      recordingsFolder: recordings,
      storageApiBaseUrl: fixture.peer.baseUrl,
      maxConcurrentUploads: 3,
      maxRetries: 5,
      maxFileAgeDays: 14,
      requestTimeoutSeconds: 121,
      deleteAfterUpload: false,
      uploadOlderRecordings: true,
      uploadsPaused: false,
    });
    expect(await fixture.keychain().get(STORAGE_API_TOKEN_SECRET)).toBe(token);

    // Only the settle time is given for the run: folder, address and token come from the import.
    fixture.writeSettings({ settleSeconds: 1 });
    const bytes = randomBytes(MiB + 99);
    writeFileSync(join(recordings, 'session_1_Server_20241026_150000.mp4'), bytes);
    const child = fixture.run({ token: null });
    await fixture.waitForStored('session_1_Server_20241026_150000.mp4');
    expect(sha256(await fixture.storedOnce('session_1_Server_20241026_150000.mp4'))).toBe(sha256(bytes));
    const stopped = await child.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(`${stopped.stdout}${stopped.stderr}`).not.toContain(token);
  });

  it('pauses uploads when the file switches them off, and run then uploads nothing', async () => {
    fixture = await HeadlessFixture.start();
    const config = writeWatsConfig(fixture, {
      enabled: false,
      auto_upload: false,
      base_url: fixture.peer.baseUrl,
    });

    const imported = await fixture.cli(['import-wats-config', config]);

    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(
      '  - uploads paused, because api.enabled and api.auto_upload is false in the file\n',
    );
    expect(imported.stdout).toContain('  - API token: none in the file\n');
    expect(savedSettings(fixture).uploadsPaused).toBe(true);
    expect(await fixture.keychain().get(STORAGE_API_TOKEN_SECRET)).toBeNull();

    fixture.writeSettings({ settleSeconds: 1 });
    writeFileSync(join(fixture.root, 'wats', 'recordings', 'held-back.mp4'), randomBytes(1000));
    const child = fixture.run();
    expect(await child.waitForOutput(/Watching /)).toMatch(/uploading to .* \(paused\)\./);
    await fixture.waitForJob('held-back.mp4', ['queued']);
    await sleep(1500);
    expect((await fixture.waitForJob('held-back.mp4', ['queued'])).confirmedBytes).toBe(0);
    expect(fixture.peer.requests).toEqual([]);
    const status = (await fixture.cli(['status'])).stdout.split('\n');
    expect(status[0]).toBe('Paused until you resume — 1 waiting');
    expect(status[3]).toMatch(/ — uploads are paused$/);
    expect(await child.stop('SIGTERM')).toMatchObject({ code: 0 });
  });

  it('pauses uploads when only one of api.enabled and api.auto_upload is false', async () => {
    fixture = await HeadlessFixture.start();
    const config = writeWatsConfig(fixture, { enabled: true, auto_upload: false });
    const imported = await fixture.cli(['import-wats-config', config]);
    expect(imported.stdout).toContain('uploads paused, because api.auto_upload is false in the file');
    expect(savedSettings(fixture).uploadsPaused).toBe(true);
  });

  it('warns about api keys it does not know, and imports the ones it does', async () => {
    fixture = await HeadlessFixture.start();
    const config = writeWatsConfig(fixture, { max_concurent_uploads: 4, max_retries: 2 });
    const imported = await fixture.cli(['import-wats-config', config]);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toBe(
      `Warning: ${config} has "api.max_concurent_uploads", which this uploader does not know: ignored\n`,
    );
    expect(savedSettings(fixture).maxRetries).toBe(2);
  });

  it('refuses a value of the wrong type, naming the key and the file, and imports nothing', async () => {
    fixture = await HeadlessFixture.start();
    const token = newToken();
    const config = writeWatsConfig(fixture, { api_token: token, max_retries: 'three' });

    const outcome = await fixture.cli(['import-wats-config', config]);

    expect(outcome.code).not.toBe(0);
    expect(outcome.stderr).toContain(`${config}: api.max_retries must be a whole number, got "three"`);
    expect(`${outcome.stdout}${outcome.stderr}`).not.toContain(token);
    expect(existsSync(join(fixture.dataDir, 'uploader.db'))).toBe(false);
  });

  it('describes a token of the wrong type by its type alone', async () => {
    fixture = await HeadlessFixture.start();
    const config = writeWatsConfig(fixture, { api_token: 918273645546372 });
    const outcome = await fixture.cli(['import-wats-config', config]);
    expect(outcome.code).not.toBe(0);
    expect(outcome.stderr).toContain('api.api_token must be text, got a number');
    expect(outcome.stderr).not.toContain('918273645546372');
  });

  it('exits with status 2 for a missing path, an unreadable file or one that is not JSON', async () => {
    fixture = await HeadlessFixture.start();
    const noPath = await fixture.cli(['import-wats-config']);
    expect(noPath.code).toBe(2);
    expect(noPath.stderr).toContain('give the path of the config.json to import');

    const missing = join(fixture.root, 'nowhere', 'config.json');
    const unreadable = await fixture.cli(['import-wats-config', missing]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain(`${missing} cannot be read`);

    const broken = join(fixture.root, 'broken.json');
    writeFileSync(broken, '{"api": {"base_url": ');
    const notJson = await fixture.cli(['import-wats-config', broken]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain(`${broken} is not valid JSON`);
    expect(existsSync(join(fixture.dataDir, 'uploader.db'))).toBe(false);
  });
});
