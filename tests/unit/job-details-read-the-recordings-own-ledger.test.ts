import { afterEach, describe, expect, it } from 'vitest';
import { jobDetailsOf } from '../../src-main/core/proof/job-details.ts';
import { HISTORY_LIMIT } from '../../src-shared/job-details.ts';
import { jobStoreOn, manualClock, recording, STORAGE_API, TempDatabase } from '../support/store-fixtures.ts';

const PLACE = { kind: STORAGE_API, account: null, folder: 'https://storage.example/api' };

describe('a recording’s details, from its job and its ledger entries', () => {
  const temp = new TempDatabase();
  afterEach(() => temp.remove());

  it('carry only its own entries, in order, with the reason, the state left and who moved it', () => {
    const clock = manualClock();
    const store = jobStoreOn(temp.open(), clock);
    const job = store.enqueue(recording({ path: '/rec/a.mp4' }), STORAGE_API);
    const other = store.enqueue(recording({ path: '/rec/b.mp4' }), STORAGE_API);
    if (job === null || other === null) throw new Error('not queued');
    clock.advance(1000);
    store.claimNext([STORAGE_API]);
    clock.advance(1000);
    const until = clock.now() + 30_000;
    store.markWaiting(job.id, 'storage API answered 503: down for maintenance', until, true);
    store.pause(job.id);

    const details = jobDetailsOf(
      store.get(job.id) ?? job,
      store.historyOf(job.id, HISTORY_LIMIT),
      PLACE,
      false,
    );
    expect(details.history.map((entry) => entry.event)).toEqual([
      'found',
      'queued',
      'upload-started',
      'waiting',
      'paused',
    ]);
    expect(details.history[3]).toMatchObject({
      from: 'uploading',
      reason: 'storage API answered 503: down for maintenance',
      until,
    });
    expect(details.history[4]).toMatchObject({ from: 'waiting', by: 'operator', reason: null });
    expect(details.startedAt).toBe(details.history[2]?.at);
    expect(details.foundAt).toBe(job.createdAt);
    expect(details.completedAt).toBeNull();
    expect(details.remoteLink).toBeNull();
    expect(details.earlierEntries).toBe(0);
  });

  it('keep the newest entries of a long history and say how many earlier ones there are', () => {
    const store = jobStoreOn(temp.open());
    const job = store.enqueue(recording(), STORAGE_API);
    if (job === null) throw new Error('not queued');
    // found + queued, then a pause and a resume 300 times: 602 entries.
    for (let i = 0; i < 300; i += 1) {
      store.pause(job.id);
      store.resume(job.id);
    }
    const details = jobDetailsOf(job, store.historyOf(job.id, HISTORY_LIMIT), PLACE, false);
    expect(details.history).toHaveLength(HISTORY_LIMIT);
    expect(details.earlierEntries).toBe(602 - HISTORY_LIMIT);
    expect(details.history.at(-1)?.event).toBe('resumed');
    const seqs = details.history.map((entry) => entry.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('link the stored file only when it is a web page, never another scheme or an address with credentials', () => {
    const store = jobStoreOn(temp.open());
    const job = store.enqueue(recording(), STORAGE_API);
    if (job === null) throw new Error('not queued');
    const ledger = store.historyOf(job.id, HISTORY_LIMIT);
    const linkOf = (remoteUrl: string) =>
      jobDetailsOf({ ...job, remoteUrl }, ledger, PLACE, false).remoteLink;
    expect(linkOf('https://contoso.sharepoint.com/rec/a.mp4')).toBe(
      'https://contoso.sharepoint.com/rec/a.mp4',
    );
    expect(linkOf('file:///etc/passwd')).toBeNull();
    expect(linkOf('javascript:alert(1)')).toBeNull();
    expect(linkOf('https://user:secret@storage.example/rec/1')).toBeNull();
  });
});
