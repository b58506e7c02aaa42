import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RemoteFile,
  sidecarToSend,
  type UploadItem,
} from '../../src-main/core/destinations/destination.ts';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import type { JobRecord } from '../../src-main/core/store/job-record.ts';
import type { SqliteJobStore } from '../../src-main/core/store/job-store.ts';
import { carryOutOwedDeletion, deletionToOwe } from '../../src-main/core/transfer/local-deletion.ts';

import { prepareUploadItem } from '../../src-main/core/transfer/upload-item.ts';
import { jobStoreOn, recording, TempDatabase } from '../support/store-fixtures.ts';
import { makeTempFolder, removeFolder } from '../support/watcher-harness.ts';

const VIDEO_SHA256 = createHash('sha256').update('video bytes').digest('hex');
const VERIFIED: RemoteFile = {
  id: 'remote-1',
  url: null,
  hashes: {},
  verified: true,
  localHashes: { sha256: VIDEO_SHA256 },
};

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

  /** Done, verified, owing the deletion the engine decides on, as one transaction makes it. */
  function doneOwingDeletion(job: JobRecord, item: UploadItem): JobRecord {
    const owed = deletionToOwe(job, item, VERIFIED);
    if (typeof owed === 'string') throw new Error(owed);
    store.claimNext(['storage-api']);
    store.markDone(job.id, { id: 'remote-1', url: null, sha256: VIDEO_SHA256, deletionOwed: owed });
    const done = store.get(job.id);
    if (done === undefined) throw new Error('the job went missing');
    return done;
  }

  it('sends the bytes read when the upload began, BOM and layout kept, whatever the file says later', async () => {
    const original = '\uFEFF{\n  "session_id": "rdp_7"\n}\n';
    const { job, sidecar } = await queued(original);

    const item = await prepareUploadItem(job, store, silentLogger);
    await writeFile(sidecar, '{"session_id": "edited later"}');

    expect(item.recordingId).toBe('rdp_7');
    expect(Buffer.from(sidecarToSend(item)?.bytes ?? []).toString('utf8')).toBe(original);
  });

  it('deletes the sidecar that was sent with the video, while it is still as it was sent', async () => {
    const { job, video, sidecar } = await queued('{"session_id": "rdp_8"}');
    const done = doneOwingDeletion(job, await prepareUploadItem(job, store, silentLogger));

    await carryOutOwedDeletion(done, store, silentLogger);

    expect(existsSync(video)).toBe(false);
    expect(existsSync(sidecar)).toBe(false);
    expect(store.get(job.id)).toMatchObject({ deletionOwed: null, warning: null });
  });

  it('keeps a sidecar changed since it was sent (here turned unreadable), naming it; the video goes', async () => {
    const { job, video, sidecar } = await queued('{"session_id": "rdp_8"}');
    const done = doneOwingDeletion(job, await prepareUploadItem(job, store, silentLogger));
    await writeFile(sidecar, 'no longer JSON');

    await carryOutOwedDeletion(done, store, silentLogger);

    expect(existsSync(video)).toBe(false);
    expect(existsSync(sidecar)).toBe(true);
    const after = store.get(job.id);
    expect(after?.deletionOwed).toBeNull();
    expect(after?.localDeletedAt).not.toBeNull();
    expect(after?.warning).toContain(`"${sidecar}" was kept on disk: it is not the file that was verified`);
  });

  it('keeps a sidecar that was not sent (not JSON when the upload began), even if it was mended since', async () => {
    const { job, video, sidecar } = await queued('{"session_id": oops');
    const item = await prepareUploadItem(job, store, silentLogger);
    await writeFile(sidecar, '{"session_id": "rdp_9"}');

    expect(sidecarToSend(item)).toBeNull();
    expect(store.get(job.id)?.sidecarWarning).toContain('rec_metadata.json');
    expect(store.get(job.id)?.warning).toBeNull();
    await carryOutOwedDeletion(doneOwingDeletion(job, item), store, silentLogger);

    expect(existsSync(video)).toBe(false);
    expect(existsSync(sidecar)).toBe(true);
  });
});
