import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/core/store/database.ts';
import { SettingsStore } from '../../src-main/core/store/settings-store.ts';
import { HeadlessFixture, MiB, sha256 } from '../support/headless-fixture.ts';

let fixture: HeadlessFixture | undefined;

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('headless run --settings FILE', () => {
  it('runs with the settings named in the file, for this run only', async () => {
    fixture = await HeadlessFixture.start();
    const bytes = fixture.writeRecording('override.mp4', MiB + 3);
    const child = fixture.run();
    const output = await child.waitForOutput(/Watching /);
    expect(output).toContain(`Watching ${fixture.folder}; uploading to ${fixture.peer.baseUrl}.`);
    await fixture.waitForStored('override.mp4');
    expect(sha256(await fixture.storedOnce('override.mp4'))).toBe(sha256(bytes));
    // 1 MiB chunks from the file, not the 10 MiB default: the body arrives as two PUTs.
    expect(fixture.peer.requests.filter((r) => r.kind === 'chunk').map((r) => r.contentRange)).toEqual([
      `bytes 0-${MiB - 1}/${MiB + 3}`,
      `bytes ${MiB}-${MiB + 2}/${MiB + 3}`,
    ]);
    expect(await child.stop('SIGTERM')).toMatchObject({ code: 0 });

    const db = openDatabase(join(fixture.dataDir, 'uploader.db'));
    try {
      const saved = new SettingsStore(db).load();
      expect(saved).toMatchObject({ recordingsFolder: '', storageApiBaseUrl: '', settleSeconds: 30 });
    } finally {
      db.close();
    }
  });

  const rejected: Array<{ what: string; content: string; message: RegExp }> = [
    {
      what: 'an unknown setting name',
      content: JSON.stringify({ settleSeconds: 1, chunkSize: 1048576 }),
      message: /unknown setting "chunkSize"/,
    },
    {
      what: 'a value of the wrong type',
      content: JSON.stringify({ settleSeconds: 'soon' }),
      message: /setting "settleSeconds": .*number/i,
    },
    {
      what: 'a value out of range',
      content: JSON.stringify({ maxConcurrentUploads: 0 }),
      message: /setting "maxConcurrentUploads"/,
    },
    { what: 'a file that is not JSON', content: '{ settleSeconds: 1 ', message: /is not valid JSON/ },
    { what: 'JSON that is not an object', content: '[1, 2]', message: /must be a JSON object/ },
  ];

  for (const { what, content, message } of rejected) {
    it(`exits with status 2 at once, naming the fault, for ${what}`, async () => {
      fixture = await HeadlessFixture.start();
      writeFileSync(fixture.settingsFile, content);
      const started = Date.now();
      const outcome = await fixture.run().exited;

      expect(outcome.code).toBe(2);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(outcome.stderr).toMatch(message);
      expect(outcome.stderr).toContain(fixture.settingsFile);
      expect(outcome.stdout).not.toMatch(/Watching/);
      // Nothing was started: no lock left behind, no request made.
      expect(existsSync(join(fixture.dataDir, 'uploader.lock'))).toBe(false);
      expect(fixture.peer.requests).toHaveLength(0);
    });
  }

  it('exits with status 2 naming the file when it cannot be read', async () => {
    fixture = await HeadlessFixture.start();
    const missing = join(fixture.root, 'no-such-settings.json');
    const outcome = await fixture.spawn(['run', '--data-dir', fixture.dataDir, '--settings', missing]).exited;
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(`settings file ${missing} cannot be read`);
  });
});
