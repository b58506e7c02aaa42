import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import type { SqliteJobStore } from '../../src-main/core/store/job-store.ts';
import { carryOutOwedDeletion } from '../../src-main/core/transfer/local-deletion.ts';
import { jobStoreOn, recording, TempDatabase } from '../support/store-fixtures.ts';
import { makeTempFolder, removeFolder } from '../support/watcher-harness.ts';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const VIDEO = 'video bytes';
const SIDECAR = '{"session_id": "rdp_5"}';

describe('a local deletion that fails', () => {
  let temp: TempDatabase;
  let store: SqliteJobStore;
  let folder = '';

  beforeEach(async () => {
    temp = new TempDatabase();
    store = jobStoreOn(temp.open());
    folder = await makeTempFolder('deletion-fails-');
  });
  afterEach(async () => {
    temp.remove();
    await removeFolder(folder);
  });

  it('stays owed and says so; the next try deletes what is left and clears that warning', async () => {
    const video = join(folder, 'rec.mp4');
    await writeFile(video, VIDEO);
    // The sidecar's folder is a file now: the system refuses to look at the sidecar at all
    // (ENOTDIR), as it refuses a delete it does not permit, whoever runs the uploader.
    const blocked = join(folder, 'meta');
    await writeFile(blocked, 'not a folder');
    const sidecar = join(blocked, 'rec_metadata.json');
    const job = store.enqueue(recording({ path: video, sizeBytes: VIDEO.length }), 'storage-api');
    if (job === null) throw new Error('the recording was not queued');
    store.claimNext(['storage-api']);
    const owed = { sidecar: { path: sidecar, sizeBytes: SIDECAR.length, sha256: sha256(SIDECAR) } };
    store.markDone(job.id, { id: 'remote-1', url: null, sha256: sha256(VIDEO), deletionOwed: owed });

    await carryOutOwedDeletion(store.get(job.id) ?? job, store, silentLogger);

    const failed = store.get(job.id);
    expect(failed?.deletionOwed).toEqual(owed);
    expect(failed?.localDeletedAt).toBeNull();
    expect(failed?.warning).toMatch(
      /^uploaded and verified, but the local file could not be deleted: .*ENOTDIR.* \(tried again at the next start\)$/,
    );

    await rm(blocked);
    await mkdir(blocked);
    await writeFile(sidecar, SIDECAR);
    await carryOutOwedDeletion(store.owingDeletions()[0] ?? job, store, silentLogger);

    expect(existsSync(video)).toBe(false);
    expect(existsSync(sidecar)).toBe(false);
    expect(store.get(job.id)).toMatchObject({ deletionOwed: null, warning: null });
    expect(store.get(job.id)?.localDeletedAt).not.toBeNull();
  });
});
