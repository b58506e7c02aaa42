import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DestinationKind } from '../../src-shared/settings.ts';
import {
  jobStoreOn,
  type ManualClock,
  manualClock,
  recording,
  TempDatabase,
} from '../support/store-fixtures.ts';

describe('the job queue takes each recording once per destination', () => {
  let temp: TempDatabase;
  let clock: ManualClock;

  beforeEach(() => {
    temp = new TempDatabase();
    clock = manualClock();
  });
  afterEach(() => temp.remove());

  it('queues a new recording with its identity, base name and sidecar', () => {
    const store = jobStoreOn(temp.open(), clock);
    const rec = recording({ path: '/rec/session_123_Prod_20241026_150000.mp4', sidecarPath: '/rec/s.json' });

    const job = store.enqueue(rec, 'storage-api');

    expect(job).toMatchObject({
      destination: 'storage-api',
      path: rec.path,
      fileName: 'session_123_Prod_20241026_150000.mp4',
      sizeBytes: rec.sizeBytes,
      mtimeMs: rec.mtimeMs,
      sidecarPath: '/rec/s.json',
      state: 'queued',
      session: null,
      confirmedBytes: 0,
      attempts: 0,
      verifyFailures: 0,
      createdAt: clock.now(),
      updatedAt: clock.now(),
      completedAt: null,
    });
    expect(store.get(job?.id ?? -1)).toEqual(job);
  });

  it('answers null for the same file identity again, and keeps one job', () => {
    const store = jobStoreOn(temp.open(), clock);
    const rec = recording();

    const first = store.enqueue(rec, 'onedrive');
    const again = store.enqueue({ ...rec, sidecarPath: '/elsewhere.json' }, 'onedrive');

    expect(first).not.toBeNull();
    expect(again).toBeNull();
    expect(store.list('all', 0, 100)).toHaveLength(1);
    expect(store.get(first?.id ?? -1)?.sidecarPath).toBeNull();
  });

  it('dedupes a fractional modification time exactly', () => {
    const store = jobStoreOn(temp.open(), clock);
    const rec = recording({ mtimeMs: 1_729_950_022_123.25 });

    expect(store.enqueue(rec, 'gdrive')).not.toBeNull();
    expect(store.enqueue({ ...rec }, 'gdrive')).toBeNull();
    expect(store.enqueue({ ...rec, mtimeMs: rec.mtimeMs + 0.001 }, 'gdrive')).not.toBeNull();
  });

  it('queues the same file for another destination, and a changed file as a new job', () => {
    const store = jobStoreOn(temp.open(), clock);
    const rec = recording();

    const forApi = store.enqueue(rec, 'storage-api');
    const forDrive = store.enqueue(rec, 'gdrive');
    const grown = store.enqueue({ ...rec, sizeBytes: rec.sizeBytes + 1 }, 'storage-api');
    const touched = store.enqueue({ ...rec, mtimeMs: rec.mtimeMs + 1000 }, 'storage-api');

    const ids = [forApi?.id, forDrive?.id, grown?.id, touched?.id];
    expect(ids.every((id) => typeof id === 'number')).toBe(true);
    expect(new Set(ids).size).toBe(4);
  });

  it('still knows a recording after the process starts again', () => {
    const rec = recording();
    expect(jobStoreOn(temp.open(), clock).enqueue(rec, 'storage-api')).not.toBeNull();

    const reopened = jobStoreOn(temp.restart(), clock);

    expect(reopened.enqueue(rec, 'storage-api')).toBeNull();
    expect(reopened.list('all', 0, 10)).toHaveLength(1);
  });

  it('keeps one job when two connections queue the same recording', () => {
    const a = jobStoreOn(temp.open(), clock);
    const b = jobStoreOn(temp.open(), clock);
    const rec = recording();

    const results = [a.enqueue(rec, 'storage-api'), b.enqueue(rec, 'storage-api')];

    expect(results.filter((job) => job !== null)).toHaveLength(1);
    expect(b.list('all', 0, 10)).toHaveLength(1);
  });

  it('tells whether an identity is already uploaded to a destination', () => {
    const store = jobStoreOn(temp.open(), clock);
    const rec = recording();
    const job = store.enqueue(rec, 'storage-api');
    const id = job?.id ?? -1;
    const isDone = (path: string, sizeBytes: number, mtimeMs: number, destination: DestinationKind) =>
      store
        .list('done', 0, 100)
        .some(
          (done) =>
            done.destination === destination &&
            done.path === path &&
            done.sizeBytes === sizeBytes &&
            done.mtimeMs === mtimeMs,
        );
    const uploaded = () => isDone(rec.path, rec.sizeBytes, rec.mtimeMs, 'storage-api');

    expect(uploaded()).toBe(false);
    store.claimNext(['storage-api']);
    expect(uploaded()).toBe(false);
    expect(store.markDone(id, { id: 'file-1', url: null })).toBe(true);

    expect(uploaded()).toBe(true);
    expect(isDone(rec.path, rec.sizeBytes, rec.mtimeMs, 'onedrive')).toBe(false);
    expect(isDone(rec.path, rec.sizeBytes + 1, rec.mtimeMs, 'storage-api')).toBe(false);
  });

  it('refuses a recording it could not identify, naming it', () => {
    const store = jobStoreOn(temp.open(), clock);

    expect(() => store.enqueue(recording({ path: '/rec/a.mp4', sizeBytes: -1 }), 'storage-api')).toThrow(
      /"\/rec\/a\.mp4".*size -1/,
    );
    expect(() =>
      store.enqueue(recording({ path: '/rec/b.mp4', mtimeMs: Number.NaN }), 'storage-api'),
    ).toThrow(/"\/rec\/b\.mp4".*modification time/);
    expect(() => store.enqueue(recording({ path: '/rec/c.mp4' }), 'dropbox' as 'gdrive')).toThrow(
      /"\/rec\/c\.mp4".*unknown destination "dropbox"/,
    );
    expect(store.list('all', 0, 10)).toHaveLength(0);
  });
});
