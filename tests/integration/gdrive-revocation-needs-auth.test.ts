import { afterEach, describe, expect, it } from 'vitest';
import { GOOGLE_REFRESH_TOKEN_SECRET } from '../../src-main/core/destinations/gdrive/google-credentials.ts';
import { systemClock } from '../../src-main/core/host-services.ts';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import { Uploader } from '../../src-main/core/uploader.ts';
import type { ConnectionView } from '../../src-shared/bridge-contract.ts';
import { DriveHarness, googlePeerSettings, md5 } from '../support/drive-harness.ts';
import { waitFor } from '../support/recording-jobs.ts';

const MiB = 1024 * 1024;
const NAMES = ['a.mp4', 'b.mp4', 'c.mp4', 'd.mp4', 'e.mp4'];

let harness: DriveHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Revokes every grant as soon as the first chunk of the first upload lands. */
function revokeAfterFirstChunk(h: DriveHarness): void {
  let revoked = false;
  h.drive.onChunk = () => {
    if (revoked) return;
    revoked = true;
    h.identity.revokeAll();
  };
}

async function expectAllLanded(h: DriveHarness, written: Map<string, Buffer>): Promise<void> {
  for (const [name, bytes] of written) {
    const { file, bytes: stored } = await h.stored(name);
    expect(stored.equals(bytes), name).toBe(true);
    expect(file.md5Checksum, name).toBe(md5(bytes));
  }
}

describe('a Google sign-in revoked while uploading', () => {
  it('holds every Drive job in needs-auth, fails none, and a new sign-in lets every one finish', {
    timeout: 60_000,
  }, async () => {
    harness = await DriveHarness.start({ settings: { maxConcurrentUploads: 2 } });
    const h = harness;
    revokeAfterFirstChunk(h);
    const written = new Map<string, Buffer>();
    for (const name of NAMES) written.set(name, await h.writeRecording(name, 2 * MiB + 1));

    await waitFor(
      () =>
        h.jobs().some((j) => j.state === 'needs-auth') &&
        h.jobs().every((j) => ['needs-auth', 'done'].includes(j.state)),
      30_000,
      () =>
        `every job to wait for sign-in; now ${h
          .jobs()
          .map((j) => `${j.fileName}=${j.state}`)
          .join(', ')}`,
    );
    const held = h.jobs().filter((j) => j.state === 'needs-auth');
    expect(held.length).toBeGreaterThanOrEqual(3);
    expect(held[0]?.lastError).toMatch(/invalid_grant/);
    expect(h.jobs().some((j) => j.state === 'failed')).toBe(false);
    const connection = h.uploader.getSnapshot().connections.find((c) => c.destination === 'gdrive');
    expect(connection?.state).toBe('needs-auth');
    const changes = h.events
      .filter((e) => e.event === 'connection-changed')
      .map((e) => e.payload as ConnectionView);
    expect(changes.some((c) => c.destination === 'gdrive' && c.state === 'needs-auth')).toBe(true);

    const view = await h.connect();

    expect(view.state).toBe('connected');
    await h.waitForStates(NAMES, ['done'], 30_000);
    await expectAllLanded(h, written);
    // Each recording once (its receipt, placed after it is verified, is a file of its own).
    expect(h.drive.stored().filter((f) => !f.name.endsWith('.receipt.json'))).toHaveLength(NAMES.length);
  });

  it('notices a sign-in made by another process (the headless `connect gdrive`) and goes on by itself', {
    timeout: 60_000,
  }, async () => {
    harness = await DriveHarness.start();
    const h = harness;
    revokeAfterFirstChunk(h);
    const written = new Map<string, Buffer>();
    for (const name of NAMES.slice(0, 3)) written.set(name, await h.writeRecording(name, MiB + 1));
    await waitFor(
      () =>
        h.jobs().length === 3 &&
        h.jobs().every((j) => ['needs-auth', 'done'].includes(j.state)) &&
        h.jobs().some((j) => j.state === 'needs-auth'),
      30_000,
      () =>
        `jobs to wait for sign-in; now ${h
          .jobs()
          .map((j) => `${j.fileName}=${j.state}`)
          .join(', ')}`,
    );
    const rejected = await h.secrets.get(GOOGLE_REFRESH_TOKEN_SECRET);

    // Another process on the same data folder signs in; it shares only the database and keychain.
    const other = new Uploader({
      host: {
        fetch: globalThis.fetch,
        openBrowser: h.openBrowser,
        secrets: h.secrets,
        dataDir: h.dataDir,
        clock: systemClock,
        logger: silentLogger,
      },
      db: h.db,
      overrides: googlePeerSettings(h.identity, h.drive),
    });
    await other.connect({ destination: 'gdrive' });
    expect(await h.secrets.get(GOOGLE_REFRESH_TOKEN_SECRET)).not.toBe(rejected);

    await h.waitForStates(NAMES.slice(0, 3), ['done'], 30_000);
    await expectAllLanded(h, written);
  });
});
