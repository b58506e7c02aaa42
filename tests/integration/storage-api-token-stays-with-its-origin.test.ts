import { afterEach, describe, expect, it } from 'vitest';
import { type StoragePeer, startStoragePeer } from '../peers/storage-api-peer.ts';
import { waitFor } from '../support/recording-jobs.ts';
import { policyOf, sha256, UploaderHarness } from '../support/uploader-harness.ts';

let harness: UploaderHarness | undefined;
let other: StoragePeer | undefined;
afterEach(async () => {
  await harness?.close();
  await other?.close();
  harness = undefined;
  other = undefined;
});

const hostOf = (origin: string): string => new URL(origin).host;

describe('the storage API token goes only to the origin it was entered for', () => {
  it('refuses an upload URL the server names on another origin: nothing, and no token, is sent there', async () => {
    // The same server reached as "localhost": to the client another origin, as another host would be.
    const h = await UploaderHarness.start({ peer: { uploadHost: 'localhost' }, settings: { maxRetries: 0 } });
    harness = h;
    await h.writeRecording('rdp-foreign.mp4', 300_000);
    const [job] = await h.waitForStates(['rdp-foreign.mp4'], ['failed']);
    expect(job?.lastError).toContain(`named ${h.peer.uploadOrigin} for the upload`);
    expect(job?.lastError).toContain('uploadOrigins');
    const atForeignOrigin = h.peer.requests.filter((r) => r.host === hostOf(h.peer.uploadOrigin));
    expect(atForeignOrigin).toEqual([]);
    // It did ask its own origin for the session: the refusal is the client's, not a dead server.
    expect(h.peer.requests.some((r) => r.kind === 'create' && r.hadAuthorization)).toBe(true);
    expect(h.peer.recordings()).toEqual([]);
  });

  it('refuses an upload URL of another scheme (file:, smb:) even where the policy lists other origins', async () => {
    for (const base of ['file:///srv/loot', 'smb://files.example/share']) {
      const h = await UploaderHarness.start({
        peer: { uploadBase: base },
        settings: { maxRetries: 0 },
        policy: policyOf({ uploadOrigins: ['https://blob.example'] }),
      });
      harness = h;
      await h.writeRecording('rdp-scheme.mp4', 100_000);
      const [job] = await h.waitForStates(['rdp-scheme.mp4'], ['failed']);
      expect(job?.lastError).toContain(
        `malformed body (video_upload_url: an address of scheme ${new URL(base).protocol}, not http(s): refused, nothing was sent there;`,
      );
      // Asked for a session at its own origin, then nothing more: no byte and no token went anywhere.
      expect(h.peer.requests.filter((r) => r.kind !== 'create').filter((r) => r.hadAuthorization)).toEqual(
        [],
      );
      expect(h.peer.recordings()).toEqual([]);
      await h.close();
      harness = undefined;
    }
  });

  it('sends the upload, with the token, to an origin the policy lists', async () => {
    const probe = await startStoragePeer({ uploadHost: 'localhost' });
    const port = new URL(probe.origin).port;
    await probe.close();
    const h = await UploaderHarness.start({
      peer: { uploadHost: 'localhost', port: Number(port) },
      policy: policyOf({ uploadOrigins: [`http://localhost:${port}`] }),
    });
    harness = h;
    const bytes = await h.writeRecording('rdp-allowed.mp4', 300_000, { session_id: 'allowed-1' });
    await h.waitForStates(['rdp-allowed.mp4'], ['done']);
    expect(sha256(await h.stored('rdp-allowed.mp4'))).toBe(sha256(bytes));
    const atUploadOrigin = h.peer.requests.filter((r) => r.host === hostOf(h.peer.uploadOrigin));
    expect(atUploadOrigin.length).toBeGreaterThan(0);
    expect(atUploadOrigin.every((r) => r.hadAuthorization)).toBe(true);
  });
});

describe('changing the storage API URL deactivates the token entered for the old one', () => {
  it('sends no token to the new URL and asks for a new one; the token entered again works there', async () => {
    const h = await UploaderHarness.start({ saveBaseUrl: true });
    harness = h;
    await h.uploader.setStorageApiToken({ token: h.peer.token });
    await h.writeRecording('rdp-before.mp4', 100_000);
    await h.waitForStates(['rdp-before.mp4'], ['done']);

    // Whoever drives the UI points the URL at a server of their own.
    other = await startStoragePeer({ token: 'tok_of_the_other_server_0000' });
    await h.uploader.updateSettings({ storageApiBaseUrl: other.baseUrl });
    const connection = h.uploader.getSnapshot().connections.find((c) => c.destination === 'storage-api');
    expect(connection?.state).toBe('needs-auth');
    expect(connection?.detail).toContain('enter the storage API token again');

    await h.writeRecording('rdp-after.mp4', 100_000);
    await h.waitForStates(['rdp-after.mp4'], ['needs-auth']);
    expect(other.requests.filter((r) => r.hadAuthorization)).toEqual([]);
    const tested = await h.uploader.testConnection({ destination: 'storage-api' });
    expect(tested.state).toBe('needs-auth');
    expect(other.requests.filter((r) => r.hadAuthorization)).toEqual([]);

    // The operator enters the new server's token: uploads go on there.
    await h.uploader.setStorageApiToken({ token: other.token });
    await waitFor(
      () => h.job('rdp-after.mp4')?.state === 'done',
      30_000,
      () => `rdp-after.mp4 done (now ${h.job('rdp-after.mp4')?.state})`,
    );
    expect(other.recordings().map((r) => r.fileName)).toEqual(['rdp-after.mp4']);
  });
});
