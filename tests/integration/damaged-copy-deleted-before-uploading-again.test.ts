import { afterEach, describe, expect, it } from 'vitest';
import { referenceQuickXor } from '../peers/quick-xor-reference.ts';
import { DriveHarness, md5 } from '../support/drive-harness.ts';
import { OneDriveHarness } from '../support/onedrive-harness.ts';
import { sha256, UploaderHarness } from '../support/uploader-harness.ts';

const KiB = 1024;

/**
 * A stored copy fails its hash check and the first delete of it fails with a passing server
 * error: the delete is an obligation kept with the job, done before anything is uploaded again,
 * so the destination ends with exactly one copy, the good one.
 */
describe('a damaged copy whose first delete fails', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('Google Drive: deleted once the 502 has passed, then one good copy', async () => {
    const h = await DriveHarness.start();
    close = () => h.close();
    h.drive.inject({ on: 'chunk', corrupt: true });
    h.drive.inject({ on: 'delete', status: 502, message: 'Bad Gateway' });
    const bytes = await h.writeRecording('damaged.mp4', 500 * KiB);

    const [job] = await h.waitForStates(['damaged.mp4'], ['done', 'failed']);

    expect(job?.state, job?.lastError ?? '').toBe('done');
    const stored = h.drive.stored('damaged.mp4');
    expect(stored).toHaveLength(1);
    expect(stored[0]?.md5Checksum).toBe(md5(bytes));
    const deletes = h.drive.requests.filter((r) => r.kind === 'delete').map((r) => r.status);
    expect(deletes).toEqual([502, 204]);
    // The delete came before the second upload began.
    const kinds = h.drive.requests.map((r) => (r.kind === 'delete' ? `delete ${r.status}` : r.kind));
    expect(kinds.lastIndexOf('start-session')).toBeGreaterThan(kinds.indexOf('delete 204'));
  });

  it('Google Drive: a sign-in revoked before the delete holds it for the next sign-in, then one good copy', async () => {
    const h = await DriveHarness.start();
    close = () => h.close();
    h.drive.inject({ on: 'chunk', corrupt: true });
    // Revoked the moment Drive holds the damaged file, before the uploader hears of it.
    h.drive.onChunk = (chunk) => {
      if (chunk.received === chunk.total) {
        h.drive.onChunk = null;
        h.identity.revokeAll();
      }
    };
    const bytes = await h.writeRecording('revoked.mp4', 500 * KiB);

    const [held] = await h.waitForStates(['revoked.mp4'], ['needs-auth', 'done', 'failed']);
    expect(held?.state, held?.lastError ?? '').toBe('needs-auth');
    expect(h.drive.stored('revoked.mp4')).toHaveLength(1);
    expect(h.drive.requests.filter((r) => r.kind === 'start-session')).toHaveLength(1);

    await h.connect();
    const [job] = await h.waitForStates(['revoked.mp4'], ['done', 'failed']);

    expect(job?.state, job?.lastError ?? '').toBe('done');
    const stored = h.drive.stored('revoked.mp4');
    expect(stored).toHaveLength(1);
    expect(stored[0]?.md5Checksum).toBe(md5(bytes));
    expect(h.drive.requests.filter((r) => r.kind === 'delete' && r.status === 204)).toHaveLength(1);
  });

  it('OneDrive: deleted once the 503 has passed, then one good copy', async () => {
    const h = await OneDriveHarness.start();
    close = () => h.close();
    await h.connect();
    h.graph.sessions.corruptCommits = 1;
    h.graph.failDeletes(1, 503);
    const bytes = await h.writeRecording('damaged.mp4', 5 * 1024 * KiB);

    const [job] = await h.waitForStates(['damaged.mp4'], ['done', 'failed']);

    expect(job?.state, job?.lastError ?? '').toBe('done');
    const videos = h.graph.files().filter((f) => !f.name.endsWith('.receipt.json'));
    expect(videos.map((f) => f.path)).toEqual(['/Recordings/damaged.mp4']);
    expect(h.graph.fileAt('/Recordings/damaged.mp4')?.quickXorHash).toBe(referenceQuickXor(bytes));
    const deletes = h.graph.requests.filter((r) => r.method === 'DELETE').map((r) => r.status);
    expect(deletes).toEqual([503, 204]);
  });

  it('storage API: deleted once the 502 has passed, then one good copy', async () => {
    const h = await UploaderHarness.start({
      peer: { chunkSize: 256 * KiB },
      settings: { chunkSizeBytes: 256 * KiB },
    });
    close = () => h.close();
    h.peer.faults.wrongSha256(1);
    h.peer.faults.serverErrors(1, 502, ['delete']);
    const bytes = await h.writeRecording('damaged.mp4', 1024 * KiB);

    const [job] = await h.waitForStates(['damaged.mp4'], ['done', 'failed']);

    expect(job?.state, job?.lastError ?? '').toBe('done');
    const stored = h.peer.recordings().filter((r) => r.fileName === 'damaged.mp4');
    expect(stored).toHaveLength(1);
    expect(stored[0]?.sha256).toBe(sha256(bytes));
    const deletes = h.peer.requests.filter((r) => r.kind === 'delete').map((r) => r.status);
    expect(deletes).toEqual([502, 204]);
  });
});
