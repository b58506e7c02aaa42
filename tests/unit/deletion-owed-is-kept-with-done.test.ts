import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src-main/core/store/database.ts';
import type { OwedDeletion } from '../../src-main/core/store/job-record.ts';
import type { SqliteJobStore } from '../../src-main/core/store/job-store.ts';
import { ledgerEvents, ledgerRows } from '../support/ledger-rows.ts';
import { jobStoreOn, recording, TempDatabase } from '../support/store-fixtures.ts';

const SHA = 'b'.repeat(64);
const OWED: OwedDeletion = {
  sidecar: { path: '/recordings/r_metadata.json', sizeBytes: 42, sha256: 'c'.repeat(64) },
};

describe('the deletion a verified recording owes is kept with its done state', () => {
  let temp: TempDatabase;
  let db: Database;
  let store: SqliteJobStore;

  beforeEach(() => {
    temp = new TempDatabase();
    db = temp.open();
    store = jobStoreOn(db);
  });
  afterEach(() => temp.remove());

  function uploading(): number {
    const job = store.enqueue(recording({ path: '/recordings/r.mp4' }), 'storage-api');
    if (job === null) throw new Error('not queued');
    store.claimNext(['storage-api']);
    return job.id;
  }

  it('is written by the same transaction as done, and outlives the process', () => {
    const id = uploading();
    store.markDone(id, { id: 'remote-1', url: null, sha256: SHA, deletionOwed: OWED });

    const reopened = jobStoreOn(temp.restart());
    expect(reopened.owingDeletions().map((job) => [job.id, job.deletionOwed])).toEqual([[id, OWED]]);
  });

  it('is not written when done is not (the ledger entry could not be written: the disk is full)', () => {
    const id = uploading();
    db.exec(`CREATE TEMP TRIGGER disk_full BEFORE INSERT ON ledger
               BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);

    expect(() => store.markDone(id, { id: 'remote-1', url: null, sha256: SHA, deletionOwed: OWED })).toThrow(
      /disk is full/,
    );
    expect(store.get(id)).toMatchObject({ state: 'uploading', deletionOwed: null });
    expect(store.owingDeletions()).toEqual([]);
  });

  it('ends with the local-deleted entry, which names the sidecar only if it was deleted', () => {
    const id = uploading();
    store.markDone(id, { id: 'remote-1', url: null, sha256: SHA, deletionOwed: OWED });
    store.setWarning(id, 'uploaded and verified, but its receipt was not placed: HTTP 503');

    store.markLocalDeleted(id, { sidecar: null }, 'the sidecar was kept: it changed');

    expect(store.owingDeletions()).toEqual([]);
    expect(store.get(id)).toMatchObject({ deletionOwed: null, warning: 'the sidecar was kept: it changed' });
    expect(ledgerEvents(db, id).at(-1)).toBe('local-deleted');
    expect(JSON.parse(ledgerRows(db).at(-1)?.details ?? '{}')).toEqual({
      path: '/recordings/r.mp4',
      sidecar: null,
    });
  });

  it('ends without an entry when the files are kept, leaving an earlier warning unless it gives its own', () => {
    const id = uploading();
    store.markDone(id, { id: 'remote-1', url: null, sha256: SHA, deletionOwed: OWED });
    store.setWarning(id, 'an earlier warning');
    const entries = ledgerRows(db).length;

    store.keepLocalFiles(id);

    expect(store.get(id)).toMatchObject({
      deletionOwed: null,
      warning: 'an earlier warning',
      localDeletedAt: null,
    });
    expect(ledgerRows(db)).toHaveLength(entries);
  });
});
