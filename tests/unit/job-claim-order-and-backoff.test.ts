import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteJobStore } from '../../src-main/core/store/job-store.ts';
import type { DestinationKind } from '../../src-shared/settings.ts';
import {
  jobStoreOn,
  type ManualClock,
  manualClock,
  recording,
  TempDatabase,
} from '../support/store-fixtures.ts';

describe('claiming the next job', () => {
  let temp: TempDatabase;
  let clock: ManualClock;
  let store: SqliteJobStore;

  beforeEach(() => {
    temp = new TempDatabase();
    clock = manualClock();
    store = jobStoreOn(temp.open(), clock);
  });
  afterEach(() => temp.remove());

  const queue = (destination: DestinationKind = 'storage-api'): number => {
    const job = store.enqueue(recording(), destination);
    if (job === null) throw new Error('already queued');
    return job.id;
  };

  /** Claims a job and sends it back to wait until `dueAt`. */
  const backOff = (id: number, dueAt: number): void => {
    expect(store.claimNext(['storage-api'])?.id).toBe(id);
    expect(store.markWaiting(id, 'HTTP 503', dueAt, true)).toBe(true);
  };

  it('takes queued jobs oldest first and marks each uploading', () => {
    const ids = [queue(), queue(), queue()];
    clock.advance(10);

    const claimed = [1, 2, 3].map(() => store.claimNext(['storage-api']));

    expect(claimed.map((job) => job?.id)).toEqual(ids);
    expect(claimed.every((job) => job?.state === 'uploading' && job.updatedAt === clock.now())).toBe(true);
    expect(store.claimNext(['storage-api'])).toBeUndefined();
  });

  it('leaves a waiting job until its time has come, then takes it by age among the queued', () => {
    const first = queue();
    backOff(first, clock.now() + 30_000);
    const second = queue();
    const third = queue();

    expect(store.claimNext(['storage-api'])?.id).toBe(second);
    clock.advance(29_999);
    expect(store.claimNext(['storage-api'])?.id).toBe(third);
    expect(store.claimNext(['storage-api'])).toBeUndefined();

    clock.advance(1);
    const due = store.claimNext(['storage-api']);
    expect(due).toMatchObject({ id: first, state: 'uploading', nextAttemptAt: null, attempts: 1 });
  });

  it('prefers an older due job over a newer queued one', () => {
    const older = queue();
    backOff(older, clock.now() + 1000);
    const newer = queue();
    clock.advance(1000);

    expect(store.claimNext(['storage-api'])?.id).toBe(older);
    expect(store.claimNext(['storage-api'])?.id).toBe(newer);
  });

  it('claims only for the destinations asked for', () => {
    const drive = queue('gdrive');
    const api = queue('storage-api');
    const onedrive = queue('onedrive');

    expect(store.claimNext([])).toBeUndefined();
    expect(store.claimNext(['storage-api'])?.id).toBe(api);
    expect(store.claimNext(['storage-api'])).toBeUndefined();
    expect(store.claimNext(['onedrive', 'gdrive'])?.id).toBe(drive);
    expect(store.claimNext(['onedrive', 'gdrive'])?.id).toBe(onedrive);
  });

  it('never claims paused, failed, held or cancelled jobs', () => {
    const paused = queue();
    store.pause(paused);
    const cancelled = queue();
    store.cancel(cancelled);
    const failed = queue();
    store.claimNext(['storage-api']);
    store.markFailed(failed, 'HTTP 400');
    queue('onedrive');
    store.holdForAuth('onedrive', 'HTTP 401');
    clock.advance(86_400_000);

    expect(store.claimNext(['storage-api', 'onedrive', 'gdrive'])).toBeUndefined();
  });

  it('gives a job to one claimer only, across two connections to the file', () => {
    const other = jobStoreOn(temp.open(), clock);
    const id = queue();

    const claims = [store.claimNext(['storage-api']), other.claimNext(['storage-api'])];

    expect(claims.filter((job) => job !== undefined).map((job) => job?.id)).toEqual([id]);
  });

  it('tells when the earliest waiting job of the destinations falls due', () => {
    expect(store.nextDueAt(['storage-api'])).toBeNull();
    const late = queue();
    backOff(late, clock.now() + 60_000);
    const soon = queue();
    backOff(soon, clock.now() + 5_000);
    const drive = queue('gdrive');
    store.claimNext(['gdrive']);
    store.markWaiting(drive, 'offline', clock.now() + 1_000, false);

    expect(store.nextDueAt(['storage-api'])).toBe(clock.now() + 5_000);
    expect(store.nextDueAt(['storage-api', 'gdrive'])).toBe(clock.now() + 1_000);
    expect(store.nextDueAt(['onedrive'])).toBeNull();
    expect(store.nextDueAt([])).toBeNull();

    store.pause(soon);
    expect(store.nextDueAt(['storage-api'])).toBe(clock.now() + 60_000);
  });
});
