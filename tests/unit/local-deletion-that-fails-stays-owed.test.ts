import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import type { Database } from '../../src-main/core/store/database.ts';
import type { JobRecord } from '../../src-main/core/store/job-record.ts';
import type { SqliteJobStore } from '../../src-main/core/store/job-store.ts';
import { carryOutOwedDeletion } from '../../src-main/core/transfer/local-deletion.ts';
import { OwedDeletions } from '../../src-main/core/transfer/owed-deletions.ts';
import { ledgerEvents } from '../support/ledger-rows.ts';
import { jobStoreOn, recording, TempDatabase } from '../support/store-fixtures.ts';
import { makeTempFolder, removeFolder } from '../support/watcher-harness.ts';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const VIDEO = 'video bytes';
const SIDECAR = '{"session_id": "rdp_5"}';

describe('a local deletion that fails', () => {
  let temp: TempDatabase;
  let store: SqliteJobStore;
  let db: Database;
  let folder = '';

  beforeEach(async () => {
    temp = new TempDatabase();
    db = temp.open();
    store = jobStoreOn(db);
    folder = await makeTempFolder('deletion-fails-');
  });
  afterEach(async () => {
    temp.remove();
    await removeFolder(folder);
  });

  /** A done job owing the deletion of its video and of a sidecar the system refuses to look at. */
  async function owingABlockedDeletion() {
    const video = join(folder, 'rec.mp4');
    await writeFile(video, VIDEO);
    // The sidecar's folder is a file now: the system refuses to look at the sidecar at all
    // (ENOTDIR), as it refuses a delete it does not permit, whoever runs the uploader. It is a
    // link, so that it becomes the real folder in one step (a rename) and no pass sees it absent.
    const blocked = join(folder, 'meta');
    await writeFile(join(folder, 'a-file'), 'not a folder');
    await mkdir(join(folder, 'real-meta'));
    await writeFile(join(folder, 'real-meta', 'rec_metadata.json'), SIDECAR);
    await symlink(join(folder, 'a-file'), blocked);
    const sidecar = join(blocked, 'rec_metadata.json');
    const job = store.enqueue(recording({ path: video, sizeBytes: VIDEO.length }), 'storage-api');
    if (job === null) throw new Error('the recording was not queued');
    store.claimNext(['storage-api']);
    const owed = { sidecar: { path: sidecar, sizeBytes: SIDECAR.length, sha256: sha256(SIDECAR) } };
    store.markDone(job.id, { id: 'remote-1', url: null, sha256: sha256(VIDEO), deletionOwed: owed });
    const unblock = async (): Promise<void> => {
      await symlink(join(folder, 'real-meta'), `${blocked}.new`);
      await rename(`${blocked}.new`, blocked);
    };
    return { job: store.get(job.id) ?? job, owed, video, sidecar, unblock };
  }

  it('stays owed and says so; the next try deletes what is left and clears that warning', async () => {
    const { job, owed, video, sidecar, unblock } = await owingABlockedDeletion();

    await carryOutOwedDeletion(job, store, silentLogger);

    const failed = store.get(job.id);
    expect(failed?.deletionOwed).toEqual(owed);
    expect(failed?.localDeletedAt).toBeNull();
    expect(failed?.warning).toMatch(
      /^uploaded and verified, but the local file could not be deleted: .*ENOTDIR.* \(tried again every few minutes and at each start\)$/,
    );

    await unblock();
    await carryOutOwedDeletion(store.owingDeletions()[0] ?? job, store, silentLogger);

    expect(existsSync(video)).toBe(false);
    expect(existsSync(sidecar)).toBe(false);
    expect(store.get(job.id)).toMatchObject({ deletionOwed: null, warning: null });
    expect(store.get(job.id)?.localDeletedAt).not.toBeNull();
  });

  it('is tried again while the uploader runs, every few minutes (here 20 ms)', async () => {
    const { job, sidecar, unblock } = await owingABlockedDeletion();
    let deleted: () => void = () => undefined;
    const whenDeleted = new Promise<void>((resolve) => {
      deleted = resolve;
    });
    const deletions = owedDeletions((changed) => {
      if (changed.localDeletedAt !== null) deleted();
    }, 20);
    deletions.start();
    try {
      await deletions.carryOut(job);
      expect(store.get(job.id)?.deletionOwed).not.toBeNull();
      await unblock();
      await whenDeleted;
      // Asked again with what it knew before: the store says nothing is owed any more.
      await deletions.carryOut(job);
    } finally {
      await deletions.stop();
    }

    expect(existsSync(sidecar)).toBe(false);
    expect(ledgerEvents(db, job.id).filter((event) => event === 'local-deleted')).toHaveLength(1);
  });

  it('is carried out once however many ask at once', async () => {
    const { job, unblock } = await owingABlockedDeletion();
    await unblock();
    const deletions = owedDeletions(() => undefined, 60_000);

    await Promise.all([deletions.carryOut(job), deletions.carryOut(job), deletions.carryOut(job)]);

    expect(store.get(job.id)?.deletionOwed).toBeNull();
    expect(ledgerEvents(db, job.id).filter((event) => event === 'local-deleted')).toHaveLength(1);
  });

  function owedDeletions(changed: (job: JobRecord) => void, retryMs: number): OwedDeletions {
    return new OwedDeletions({
      store,
      logger: silentLogger,
      enabled: () => true,
      heldBy: () => null,
      changed,
      retryMs,
    });
  }
});
