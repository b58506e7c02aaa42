import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src-main/core/store/account-store.ts';
import type { Database } from '../../src-main/core/store/database.ts';
import type { SqliteJobStore } from '../../src-main/core/store/job-store.ts';
import { canonicalForm, entryHash, GENESIS_HASH } from '../../src-main/core/store/ledger.ts';
import { verifyLedger } from '../../src-main/core/store/ledger-verification.ts';
import { SettingsStore } from '../../src-main/core/store/settings-store.ts';
import { ledgerEvents, ledgerRows } from '../support/ledger-rows.ts';
import {
  jobStoreOn,
  type ManualClock,
  manualClock,
  recording,
  TempDatabase,
} from '../support/store-fixtures.ts';

const SHA = 'a'.repeat(64);

describe('the ledger records each change in the transaction that makes it', () => {
  let temp: TempDatabase;
  let db: Database;
  let clock: ManualClock;
  let store: SqliteJobStore;

  beforeEach(() => {
    temp = new TempDatabase();
    db = temp.open();
    clock = manualClock();
    store = jobStoreOn(db, clock);
  });
  afterEach(() => temp.remove());

  function queued(): number {
    const job = store.enqueue(recording({ path: '/recordings/session_7_Server.mp4' }), 'onedrive');
    if (job === null) throw new Error('not queued');
    return job.id;
  }

  it('follows a recording from found to its local file deleted, with both hashes when verified', () => {
    const id = queued();
    store.claimNext(['onedrive']);
    store.markVerifying(id);
    store.markStored(id, { id: 'item-1', url: null });
    store.markDone(id, { id: 'item-1', url: null, sha256: SHA, remoteHashes: { quickXorHash: 'Q==' } });
    store.markSidecarPlaced(id);
    store.markLocalDeleted(id, { sidecar: null });

    expect(ledgerEvents(db, id)).toEqual([
      'found',
      'queued',
      'upload-started',
      'verifying',
      'stored',
      'verified',
      'sidecar-placed',
      'local-deleted',
    ]);
    const verified = ledgerRows(db).find((row) => row.event === 'verified');
    expect(verified).toMatchObject({
      recording_id: 'session_7_Server',
      job_id: id,
      file_name: 'session_7_Server.mp4',
      size_bytes: 15_728_640,
      at: new Date(clock.now()).toISOString(),
    });
    expect(JSON.parse(verified?.details ?? '{}')).toEqual({
      from: 'verifying',
      remoteId: 'item-1',
      remoteQuickXorHash: 'Q==',
      sha256: SHA,
    });
    expect(store.get(id)).toMatchObject({ sha256: SHA, remoteHashes: { quickXorHash: 'Q==' } });
    expect(verifyLedger(db)).toMatchObject({ holds: true, entries: 8 });
  });

  it('writes one entry for every move, the operator and the engine alike, each chained to the last', () => {
    const id = queued();
    const steps: Array<[() => unknown, string]> = [
      [() => store.pause(id), 'paused'],
      [() => store.resume(id), 'resumed'],
      [() => store.claimNext(['onedrive']), 'upload-started'],
      [() => store.markWaiting(id, 'HTTP 503', clock.now(), true), 'waiting'],
      [() => store.retry(id), 'retried'],
      [() => store.claimNext(['onedrive']), 'upload-started'],
      [() => store.restartFromScratch(id, 'sha256 differs', true), 'restarted'],
      [() => store.holdForAuth('onedrive', 'HTTP 401'), 'held-for-sign-in'],
      [() => store.releaseAuth('onedrive'), 'released'],
      [() => store.claimNext(['onedrive']), 'upload-started'],
      [() => store.recoverInterrupted(), 'requeued'],
      [() => store.claimNext(['onedrive']), 'upload-started'],
      [() => store.markFailed(id, 'HTTP 400: bad name'), 'failed'],
      [() => store.cancel(id), 'cancelled'],
    ];
    for (const [step, event] of steps) {
      const before = ledgerRows(db).length;
      step();
      const rows = ledgerRows(db);
      expect(rows.length, event).toBe(before + 1);
      expect(rows.at(-1)?.event).toBe(event);
    }
    const failed = ledgerRows(db).find((row) => row.event === 'failed');
    expect(JSON.parse(failed?.details ?? '{}')).toMatchObject({ reason: 'HTTP 400: bad name' });
    const rows = ledgerRows(db);
    rows.forEach((row, index) => {
      expect(row.seq).toBe(index + 1);
      expect(row.prev_hash).toBe(index === 0 ? GENESIS_HASH : rows[index - 1]?.hash);
      expect(row.hash).toBe(entryHash(row.prev_hash, canonicalForm(row)));
    });
  });

  it('writes nothing for a move the store refuses', () => {
    const id = queued();
    const before = ledgerRows(db).length;
    expect(store.markDone(id, { id: 'r', url: null })).toBe(false);
    expect(() => store.resume(id)).toThrow(/cannot be resumed/);
    expect(ledgerRows(db).length).toBe(before);
  });

  it('a state change whose ledger entry cannot be written (the disk is full) leaves neither', () => {
    const id = queued();
    store.claimNext(['onedrive']);
    const before = ledgerRows(db);
    // The job's row is updated first; the ledger insert after it fails as SQLite does on a full disk.
    db.exec(`CREATE TEMP TRIGGER disk_full BEFORE INSERT ON ledger
               BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);

    expect(() => store.markFailed(id, 'HTTP 400')).toThrow(/disk is full/);
    expect(() => store.pause(id)).toThrow(/disk is full/);
    expect(() => store.holdForAuth('onedrive', 'HTTP 401')).toThrow(/disk is full/);
    expect(() => store.enqueue(recording(), 'onedrive')).toThrow(/disk is full/);

    expect(store.get(id)).toMatchObject({ state: 'uploading', lastError: null });
    expect(store.list('all', 0, 10)).toHaveLength(1);
    expect(ledgerRows(db)).toEqual(before);
  });

  it('recordings queued together go in with their entries, or, when one entry fails, none of them', () => {
    const batch = [recording(), recording(), recording()];
    const jobs = store.enqueueMany(batch, 'onedrive');
    expect(jobs.map((job) => job.path)).toEqual(batch.map((r) => r.path));
    expect(jobs.flatMap((job) => ledgerEvents(db, job.id))).toEqual([
      'found',
      'queued',
      'found',
      'queued',
      'found',
      'queued',
    ]);
    // Known ones are left out; only the new one is queued.
    expect(
      store
        .enqueueMany([...batch, recording({ path: '/recordings/later.mp4' })], 'onedrive')
        .map((j) => j.path),
    ).toEqual(['/recordings/later.mp4']);
    const before = ledgerRows(db);
    // The third recording's second entry is the one the full disk refuses.
    db.exec(`CREATE TEMP TRIGGER disk_full BEFORE INSERT ON ledger
               WHEN (SELECT COUNT(*) FROM ledger) >= ${before.length + 5}
               BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    expect(() => store.enqueueMany([recording(), recording(), recording()], 'onedrive')).toThrow(
      /disk is full/,
    );
    expect(() => store.enqueueMany([recording(), recording({ sizeBytes: -1 })], 'onedrive')).toThrow(
      /whole number/,
    );

    expect(store.list('all', 0, 10)).toHaveLength(4);
    expect(ledgerRows(db)).toEqual(before);
  });

  it('a change refused by the database writes no entry for it', () => {
    const id = queued();
    store.claimNext(['onedrive']);
    const before = ledgerRows(db);
    db.exec(`CREATE TEMP TRIGGER jobs_full BEFORE UPDATE ON jobs
               BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);

    expect(() => store.markFailed(id, 'HTTP 400')).toThrow(/disk is full/);
    expect(ledgerRows(db)).toEqual(before);
  });

  it('a real full disk (the database at its page limit) leaves neither the change nor its entry', () => {
    const id = queued();
    store.claimNext(['onedrive']);
    const before = ledgerRows(db);
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);

    // A reason this long needs new pages for the job's row and for the ledger entry.
    expect(() => store.markFailed(id, `HTTP 400: ${'x'.repeat(64 * 1024)}`)).toThrow(/full/);

    db.pragma('max_page_count = 1073741823');
    expect(store.get(id)).toMatchObject({ state: 'uploading', lastError: null });
    expect(ledgerRows(db)).toEqual(before);
  });

  it('the ledger refuses to change or lose an entry', () => {
    queued();
    expect(() => db.prepare("UPDATE ledger SET event = 'verified' WHERE seq = 1").run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare('DELETE FROM ledger WHERE seq = 1').run()).toThrow(/append-only/);
  });

  it('names the settings that changed, never their values, and who signed in and out', () => {
    const settings = new SettingsStore(db, undefined, clock);
    settings.save({ googleClientSecret: 'GOCSPX-not-in-the-ledger', maxRetries: 5 });
    settings.save({ maxRetries: 5 });
    const accounts = new AccountStore(db, clock);
    accounts.set('onedrive', 'Ana (ana@example.com)', { quotaUsed: 1 });
    accounts.set('onedrive', 'Ana (ana@example.com)', { quotaUsed: 2 });
    accounts.clear('onedrive');

    const rows = ledgerRows(db);
    expect(rows.map((row) => row.event)).toEqual(['settings-changed', 'signed-in', 'signed-out']);
    expect(JSON.parse(rows[0]?.details ?? '{}')).toEqual({ keys: ['googleClientSecret', 'maxRetries'] });
    expect(JSON.stringify(rows)).not.toContain('GOCSPX');
    expect(JSON.parse(rows[1]?.details ?? '{}')).toEqual({
      account: 'Ana (ana@example.com)',
      destination: 'onedrive',
    });
    expect(verifyLedger(db)).toMatchObject({ holds: true, entries: 3 });
  });
});
