import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SqliteJobStore, toJobView } from '../../src-main/core/store/job-store.ts';
import { JOB_STATES, type JobState } from '../../src-shared/job.ts';
import {
  jobStoreOn,
  type ManualClock,
  manualClock,
  recording,
  TempDatabase,
} from '../support/store-fixtures.ts';

describe('job lists and totals', () => {
  let temp: TempDatabase;
  let clock: ManualClock;
  let store: SqliteJobStore;
  const ids = {} as Record<JobState, number>;

  /** One job in each state, made in the order of JOB_STATES; needs-auth alone is for OneDrive. */
  function oneOfEach(): void {
    for (const state of JOB_STATES) {
      const destination = state === 'needs-auth' ? 'onedrive' : 'storage-api';
      const id = store.enqueue(recording(), destination)?.id ?? -1;
      expect(store.claimNext([destination])?.id).toBe(id);
      ids[state] = id;
    }
    const to: Record<JobState, (id: number) => unknown> = {
      queued: (id) => store.markQueued(id),
      uploading: () => {},
      verifying: (id) => store.markVerifying(id),
      done: (id) => store.markDone(id, { id: 'r', url: null }),
      waiting: (id) => store.markWaiting(id, 'offline', clock.now() + 3_600_000, false),
      'needs-auth': () => store.holdForAuth('onedrive', 'HTTP 401'),
      failed: (id) => store.markFailed(id, 'HTTP 400'),
      paused: (id) => store.pause(id),
      cancelled: (id) => store.cancel(id),
    };
    for (const state of JOB_STATES) to[state](ids[state]);
  }

  beforeEach(() => {
    temp = new TempDatabase();
    // 10:00 local time, so "today" has begun well before and ends well after.
    clock = manualClock(new Date(2024, 9, 26, 10, 0, 0).getTime());
    store = jobStoreOn(temp.open(), clock);
  });
  afterEach(() => temp.remove());

  it('makes one job in each state to list from', () => {
    oneOfEach();
    for (const state of JOB_STATES) expect(store.get(ids[state])?.state).toBe(state);
  });

  it.each([
    ['all', [...JOB_STATES]],
    ['active', ['queued', 'uploading', 'verifying', 'paused', 'needs-auth']],
    ['waiting', ['waiting', 'needs-auth']],
    ['failed', ['failed']],
    ['done', ['done']],
  ] as const)('lists %s jobs newest first', (filter, states) => {
    oneOfEach();

    const listed = store.list(filter, 0, 100);

    const expected = states.map((state) => ids[state]).sort((a, b) => b - a);
    expect(listed.map((job) => job.id)).toEqual(expected);
  });

  it('pages through a list', () => {
    const made = Array.from({ length: 7 }, () => store.enqueue(recording(), 'gdrive')?.id ?? -1);
    const newestFirst = [...made].reverse();

    expect(store.list('active', 0, 3).map((job) => job.id)).toEqual(newestFirst.slice(0, 3));
    expect(store.list('active', 3, 3).map((job) => job.id)).toEqual(newestFirst.slice(3, 6));
    expect(store.list('active', 6, 3).map((job) => job.id)).toEqual(newestFirst.slice(6));
    expect(store.list('active', 7, 3)).toEqual([]);
  });

  it('names a bad filter or page', () => {
    expect(() => store.list('recent' as 'all', 0, 10)).toThrow(/unknown job filter "recent"/);
    expect(() => store.list('all', -1, 10)).toThrow(/offset and limit/);
    expect(() => store.list('all', 0, 2.5)).toThrow(/offset and limit/);
  });

  it('counts every state, and what was done since local midnight', () => {
    const yesterday = store.enqueue(recording(), 'onedrive')?.id ?? -1;
    clock.set(new Date(2024, 9, 25, 23, 59, 59).getTime());
    store.claimNext(['onedrive']);
    store.markDone(yesterday, { id: 'y', url: null });
    clock.set(new Date(2024, 9, 26, 0, 0, 0).getTime());
    const atMidnight = store.enqueue(recording(), 'onedrive')?.id ?? -1;
    store.claimNext(['onedrive']);
    store.markDone(atMidnight, { id: 'm', url: null });
    clock.set(new Date(2024, 9, 26, 10, 0, 0).getTime());
    oneOfEach();

    const totals = store.totals();

    const expected = Object.fromEntries(JOB_STATES.map((state) => [state, state === 'done' ? 3 : 1]));
    expect(totals).toEqual({ ...expected, doneToday: 2 });
  });

  it('shows a job to the bridge without its session or sidecar', () => {
    const id = store.enqueue(recording({ sidecarPath: '/rec/s.json' }), 'onedrive')?.id ?? -1;
    store.claimNext(['onedrive']);
    store.saveSession(id, {
      mode: 'single',
      chunkMultiple: 1,
      maxChunkBytes: null,
      expiresAt: null,
      state: {},
    });
    const record = store.get(id);
    if (record === undefined) throw new Error('job vanished');

    const view = toJobView(record);

    expect(view).not.toHaveProperty('session');
    expect(view).not.toHaveProperty('sidecarPath');
    expect(view).toMatchObject({
      id,
      state: 'uploading',
      fileName: record.fileName,
      sizeBytes: record.sizeBytes,
    });
    expect(structuredClone(view)).toEqual(view);
  });
});
