import { afterEach, describe, expect, it } from 'vitest';
import { type GraphPeer, startGraphPeer } from '../peers/graph-peer.ts';
import { OneDriveHarness } from '../support/onedrive-harness.ts';

let harness: OneDriveHarness | undefined;
let other: GraphPeer | undefined;
afterEach(async () => {
  await harness?.close();
  await other?.close();
  harness = undefined;
  other = undefined;
});

describe("Graph's address changed through the bridge deactivates the OneDrive sign-in", () => {
  it('sends no token to the new address, holds the uploads and asks for a new sign-in', async () => {
    const h = await OneDriveHarness.start({ saveGraphBaseUrl: true });
    harness = h;
    await h.connect();
    await h.writeRecording('rdp-before.mp4', 200_000);
    await h.waitForStates(['rdp-before.mp4'], ['done']);

    // Whoever drives the UI points Graph at a server of their own, which would take any token.
    other = await startGraphPeer({
      authorize: () => ({ id: 'thief', displayName: 'Thief', userPrincipalName: 'thief@example.com' }),
    });
    await h.uploader.updateSettings({ graphBaseUrl: other.baseUrl });
    const connection = h.uploader.getSnapshot().connections.find((c) => c.destination === 'onedrive');
    expect(connection?.state).toBe('needs-auth');
    expect(connection?.detail).toContain(`graphBaseUrl now points to ${new URL(other.baseUrl).origin}`);
    expect(connection?.detail).toContain('sign in to OneDrive again');

    await h.writeRecording('rdp-after.mp4', 200_000);
    await h.waitForStates(['rdp-after.mp4'], ['needs-auth']);
    expect((await h.uploader.testConnection({ destination: 'onedrive' })).state).toBe('needs-auth');
    expect(other.requests.filter((r) => r.authorization)).toEqual([]);
  });
});
