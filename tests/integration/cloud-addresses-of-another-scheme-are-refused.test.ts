import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src-main/core/destinations/http-client.ts';
import { GraphClient } from '../../src-main/core/destinations/onedrive/graph-client.ts';
import { OneDriveFolders } from '../../src-main/core/destinations/onedrive/onedrive-folders.ts';
import { isFault } from '../../src-main/core/faults.ts';
import { startGraphPeer } from '../peers/graph-peer.ts';
import { DriveHarness } from '../support/drive-harness.ts';
import { OneDriveHarness } from '../support/onedrive-harness.ts';

// A server naming an address of another scheme (a next page, an upload session) is refused in
// words that name the scheme, and nothing is sent there: no request, no token, no byte.

const ELSEWHERE = [
  { base: 'file:///srv/loot', scheme: 'file:' },
  { base: 'smb://files.example/share', scheme: 'smb:' },
];
const refusal = (scheme: string) =>
  `an address of scheme ${scheme}, not http(s): refused, nothing was sent there`;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

describe('an address of another scheme from a cloud drive', () => {
  it('Graph: an @odata.nextLink of another scheme is refused naming it, and not followed', async () => {
    for (const { base, scheme } of ELSEWHERE) {
      const graph = await startGraphPeer({
        authorize: (token) =>
          token === 'good' ? { id: 'u1', displayName: 'U', userPrincipalName: 'u@x' } : null,
        pageSize: 1,
        addressBase: base,
      });
      cleanups.push(() => graph.close());
      graph.drive.createFolder(graph.drive.rootId, 'A', 'fail');
      graph.drive.createFolder(graph.drive.rootId, 'B', 'fail');
      const client = new GraphClient({
        baseUrl: () => graph.baseUrl,
        http: new HttpClient(fetch, () => 10_000),
        token: async () => 'good',
        now: () => Date.now(),
      });
      const listing = new OneDriveFolders(client, () => null).list(null, AbortSignal.timeout(10_000));
      const error = await listing.catch((e: unknown) => e);
      expect(isFault(error, 'rejected')).toBe(true);
      expect((error as Error).message).toContain(`@odata.nextLink: ${refusal(scheme)}`);
      expect(graph.requests).toHaveLength(1);
    }
  });

  it('OneDrive: an upload session’s uploadUrl of another scheme fails the recording naming it, and no byte goes', {
    timeout: 60_000,
  }, async () => {
    for (const { base, scheme } of ELSEWHERE) {
      const h = await OneDriveHarness.start({ graph: { addressBase: base }, settings: { maxRetries: 0 } });
      cleanups.push(() => h.close());
      await h.connect();
      await h.writeRecording('elsewhere.mp4', 5 * 1024 * 1024);
      const [job] = await h.waitForStates(['elsewhere.mp4'], ['failed'], 30_000);
      expect(job?.lastError).toContain(`uploadUrl: ${refusal(scheme)}`);
      expect(h.graph.requests.filter((r) => r.kind === 'upload')).toEqual([]);
      expect(h.graph.fileAt('/Recordings/elsewhere.mp4')).toBeUndefined();
    }
  });

  it('Google Drive: a resumable session URI of another scheme fails the recording naming it, and no byte goes', {
    timeout: 60_000,
  }, async () => {
    for (const { base, scheme } of ELSEWHERE) {
      const h = await DriveHarness.start({ drive: { uploadBase: base }, settings: { maxRetries: 0 } });
      cleanups.push(() => h.close());
      await h.writeRecording('elsewhere.mp4', 300 * 1024);
      const [job] = await h.waitForStates(['elsewhere.mp4'], ['failed'], 30_000);
      expect(job?.lastError).toContain(`session URI: ${refusal(scheme)}`);
      expect(h.drive.requests.filter((r) => r.kind === 'chunk')).toEqual([]);
      expect(h.fetched.filter((request) => !/ https?:\/\//.test(request))).toEqual([]);
    }
  });
});
