import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STORAGE_API_TOKEN_SECRET } from '../../src-main/core/auth/env-secret-store.ts';
import { HeadlessFixture } from '../support/headless-fixture.ts';

let fixture: HeadlessFixture | undefined;

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** A misspelled recordings folder is refused where it is set, naming it, and nothing is saved. */
describe('the recordings folder is checked wherever it is set', () => {
  it('run --settings with a folder that does not exist exits 2 naming it, before anything starts', async () => {
    fixture = await HeadlessFixture.start();
    const missing = join(fixture.root, 'Recordngs');
    fixture.writeSettings({ recordingsFolder: missing, storageApiBaseUrl: fixture.peer.baseUrl });
    const outcome = await fixture.cli(['run', '--settings', fixture.settingsFile]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(`the recordings folder "${missing}" cannot be used: it does not exist`);
  });

  it('import-wats-config with a folder that does not exist imports nothing, not even the token', async () => {
    fixture = await HeadlessFixture.start();
    const config = join(fixture.root, 'config.json');
    const token = 'wats_0123456789abcdef0123456789abcdef01234567';
    writeFileSync(
      config,
      JSON.stringify({
        recording: { output_dir: 'no-such-folder' },
        api: { enabled: true, auto_upload: true, base_url: fixture.peer.baseUrl, api_token: token },
      }),
    );
    const outcome = await fixture.cli(['import-wats-config', config]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(
      `the recordings folder "${join(fixture.root, 'no-such-folder')}" cannot be used: it does not exist; nothing was imported`,
    );
    expect(await fixture.keychain().get(STORAGE_API_TOKEN_SECRET)).toBeNull();
    const status = await fixture.status();
    expect(status.health.watcher.state).toBe('not-configured');
    expect(status.destination.state).toBe('not-set-up');
  });
});
