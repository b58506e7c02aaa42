import { afterEach, describe, expect, it } from 'vitest';
import { DrivePeer } from '../peers/drive-peer.ts';
import { GoogleIdentityPeer } from '../peers/google-identity-peer.ts';
import { DriveHarness } from '../support/drive-harness.ts';

let harness: DriveHarness | undefined;
const others: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  await harness?.close();
  for (const other of others.splice(0)) await other.close();
  harness = undefined;
});

/** Signed in, one recording uploaded: the sign-in is in use before its endpoint moves. */
async function signedInAndUploading(): Promise<DriveHarness> {
  const h = await DriveHarness.start({ saveEndpoints: true });
  harness = h;
  await h.writeRecording('rdp-before.mp4', 200_000);
  await h.waitForStates(['rdp-before.mp4'], ['done']);
  return h;
}

/** The connection says the sign-in was given elsewhere, and the next upload waits for a new one. */
async function expectHeldFor(h: DriveHarness, setting: string, now: string): Promise<void> {
  const connection = h.uploader.getSnapshot().connections.find((c) => c.destination === 'gdrive');
  expect(connection?.state).toBe('needs-auth');
  expect(connection?.detail).toContain(`${setting} now points to ${now}`);
  expect(connection?.detail).toContain('sign in to Google Drive again');
  await h.writeRecording('rdp-after.mp4', 200_000);
  await h.waitForStates(['rdp-after.mp4'], ['needs-auth']);
  expect((await h.uploader.testConnection({ destination: 'gdrive' })).state).toBe('needs-auth');
}

describe('a Google endpoint changed through the bridge deactivates the Drive sign-in', () => {
  it('the token endpoint: the refresh token is not sent to the new one', async () => {
    const h = await signedInAndUploading();
    const thief = await GoogleIdentityPeer.start();
    others.push(thief);
    await h.uploader.updateSettings({ googleTokenUrl: thief.tokenUrl, googleRevokeUrl: thief.revokeUrl });
    await expectHeldFor(h, 'googleTokenUrl', thief.tokenUrl);
    expect(thief.tokenRequests).toEqual([]);
    expect(thief.revocations).toEqual([]);
  });

  it("Drive's API: the access token is not sent to the new one", async () => {
    const h = await signedInAndUploading();
    const thief = await DrivePeer.start({ identity: h.identity });
    others.push(thief);
    await h.uploader.updateSettings({ driveApiBaseUrl: thief.baseUrl });
    await expectHeldFor(h, 'driveApiBaseUrl', new URL(thief.baseUrl).origin);
    expect(thief.requests.filter((r) => r.authorized)).toEqual([]);
  });
});
