import { afterEach, describe, expect, it } from 'vitest';
import { startGraphPeer } from '../peers/graph-peer.ts';
import { startIdentityProvider } from '../peers/identity-provider.ts';
import { OneDriveHarness } from '../support/onedrive-harness.ts';

let harness: OneDriveHarness | undefined;
const others: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  await harness?.close();
  for (const other of others.splice(0)) await other.close();
  harness = undefined;
});

/** Signed in, one recording uploaded: the sign-in is in use before its endpoint moves. */
async function signedInAndUploading(): Promise<OneDriveHarness> {
  const h = await OneDriveHarness.start({ saveEndpoints: true });
  harness = h;
  await h.connect();
  await h.writeRecording('rdp-before.mp4', 200_000);
  await h.waitForStates(['rdp-before.mp4'], ['done']);
  return h;
}

/** The connection says the sign-in was given elsewhere, and the next upload waits for a new one. */
async function expectHeldFor(h: OneDriveHarness, setting: string, now: string): Promise<void> {
  const connection = h.uploader.getSnapshot().connections.find((c) => c.destination === 'onedrive');
  expect(connection?.state).toBe('needs-auth');
  expect(connection?.detail).toContain(`${setting} now points to ${now}`);
  expect(connection?.detail).toContain('sign in to OneDrive again');
  await h.writeRecording('rdp-after.mp4', 200_000);
  await h.waitForStates(['rdp-after.mp4'], ['needs-auth']);
  expect((await h.uploader.testConnection({ destination: 'onedrive' })).state).toBe('needs-auth');
}

describe('an endpoint of OneDrive changed through the bridge deactivates its sign-in', () => {
  it("Graph's address: the access token is not sent to the new one", async () => {
    const h = await signedInAndUploading();
    // Whoever drives the UI points Graph at a server of their own, which would take any token.
    const thief = await startGraphPeer({
      authorize: () => ({ id: 'thief', displayName: 'Thief', userPrincipalName: 'thief@example.com' }),
    });
    others.push(thief);
    await h.uploader.updateSettings({ graphBaseUrl: thief.baseUrl });
    await expectHeldFor(h, 'graphBaseUrl', new URL(thief.baseUrl).origin);
    expect(thief.requests.filter((r) => r.authorization)).toEqual([]);
  });

  it('the sign-in authority: the refresh token is not sent to the new one', async () => {
    const h = await signedInAndUploading();
    const thief = await startIdentityProvider();
    others.push(thief);
    await h.uploader.updateSettings({ oneDriveAuthorityHost: thief.origin });
    await expectHeldFor(h, 'oneDriveAuthorityHost', thief.origin);
    expect(thief.tokenRequests).toEqual([]);
  });
});
