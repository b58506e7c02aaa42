import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RemoteFile, sidecarToSend } from '../../src-main/core/destinations/destination.ts';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import type { SqliteJobStore } from '../../src-main/core/store/job-store.ts';
import { deleteAfterVerifiedUpload } from '../../src-main/core/transfer/local-deletion.ts';
import { prepareUploadItem } from '../../src-main/core/transfer/upload-item.ts';
import { jobStoreOn, recording, TempDatabase } from '../support/store-fixtures.ts';
import { makeTempFolder, removeFolder } from '../support/watcher-harness.ts';

const VERIFIED: RemoteFile = { id: 'remote-1', url: null, hashes: {}, verified: true };

describe('a sidecar is read once, as its upload begins, and carried with the job', () => {
  let temp: TempDatabase;
  let store: SqliteJobStore;
  let folder = '';

  beforeEach(async () => {
    temp = new TempDatabase();
    store = jobStoreOn(temp.open());
    folder = await makeTempFolder('sidecar-once-');
  });
  afterEach(async () => {
    temp.remove();
    await removeFolder(folder);
  });

  /** A video and its sidecar on disk, queued as the watcher would queue them. */
  async function queued(sidecarText: string) {
    const video = join(folder, 'rec.mp4');
    const sidecar = join(folder, 'rec_metadata.json');
    await writeFile(video, 'video bytes');
    await writeFile(sidecar, sidecarText);
    const job = store.enqueue(recording({ path: video, sizeBytes: 11, sidecarPath: sidecar }), 'storage-api');
    if (job === null) throw new Error('the recording was not queued');
    return { job, video, sidecar };
  }

  it('sends the bytes read when the upload began, BOM and layout kept, whatever the file says later', async () => {
    const original = '\uFEFF{\n  "session_id": "rdp_7"\n}\n';
    const { job, sidecar } = await queued(original);

    const item = await prepareUploadItem(job, store, silentLogger);
    await writeFile(sidecar, '{"session_id": "edited later"}');

    expect(item.recordingId).toBe('rdp_7');
    expect(Buffer.from(sidecarToSend(item)?.bytes ?? []).toString('utf8')).toBe(original);
  });

  it('deletes the sidecar that was sent with the video, even if it turned unreadable since', async () => {
    const { job, video, sidecar } = await queued('{"session_id": "rdp_8"}');
    const item = await prepareUploadItem(job, store, silentLogger);
    await writeFile(sidecar, 'no longer JSON');

    await deleteAfterVerifiedUpload(job, item, VERIFIED, store, silentLogger);

    expect(existsSync(video)).toBe(false);
    expect(existsSync(sidecar)).toBe(false);
  });

  it('keeps a sidecar that was not sent (not JSON when the upload began), even if it was mended since', async () => {
    const { job, video, sidecar } = await queued('{"session_id": oops');
    const item = await prepareUploadItem(job, store, silentLogger);
    await writeFile(sidecar, '{"session_id": "rdp_9"}');

    expect(sidecarToSend(item)).toBeNull();
    expect(store.get(job.id)?.sidecarWarning).toContain('rec_metadata.json');
    expect(store.get(job.id)?.warning).toBeNull();
    await deleteAfterVerifiedUpload(job, item, VERIFIED, store, silentLogger);

    expect(existsSync(video)).toBe(false);
    expect(existsSync(sidecar)).toBe(true);
  });
});
