import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RemoteFile, RemoteSession } from '../../src-main/core/destinations/destination.ts';
import { jobStoreOn, recording, TempDatabase } from '../support/store-fixtures.ts';

const DAMAGED: RemoteFile = { id: 'item-7', url: null, hashes: { quickXorHash: 'AAAA' }, driveId: 'drive-1' };
const SESSION: RemoteSession = {
  mode: 'chunked',
  chunkMultiple: 1,
  maxChunkBytes: null,
  expiresAt: null,
  storedId: 'item-7',
  state: { kind: 'simple', name: 'a.mp4' },
};

describe('the obligation to delete a damaged copy', () => {
  let temp: TempDatabase;
  beforeEach(() => {
    temp = new TempDatabase();
  });
  afterEach(() => temp.remove());

  it('is kept with the job through a restart from scratch, a process restart and an operator retry', () => {
    const store = jobStoreOn(temp.open());
    const job = store.enqueue(recording(), 'onedrive');
    if (job === null) throw new Error('not queued');
    expect(job.pendingDiscard).toBeNull();
    store.claimNext(['onedrive']);
    store.saveSession(job.id, SESSION);
    store.saveDiscard(job.id, DAMAGED);
    store.restartFromScratch(job.id, 'quickXorHash differs', true);

    const reopened = jobStoreOn(temp.restart());
    expect(reopened.get(job.id)?.pendingDiscard).toEqual(DAMAGED);
    expect(reopened.get(job.id)?.session).toBeNull();
    reopened.claimNext(['onedrive']);
    reopened.markFailed(job.id, 'the damaged copy could not be deleted');
    reopened.retry(job.id);
    expect(reopened.get(job.id)?.pendingDiscard).toEqual(DAMAGED);

    reopened.saveDiscard(job.id, null);
    expect(jobStoreOn(temp.restart()).get(job.id)?.pendingDiscard).toBeNull();
  });

  it('forgets the session that stored the damaged copy in the same write, so a crash never verifies it again', () => {
    const store = jobStoreOn(temp.open());
    const job = store.enqueue(recording(), 'onedrive');
    if (job === null) throw new Error('not queued');
    store.saveSession(job.id, SESSION);
    store.saveProgress(job.id, 1000);
    store.saveDiscard(job.id, DAMAGED);
    const after = jobStoreOn(temp.restart()).get(job.id);
    expect(after?.session).toBeNull();
    expect(after?.confirmedBytes).toBe(0);
    expect(after?.pendingDiscard).toEqual(DAMAGED);
  });

  it('keeps the id a session stored, checkpointed with the session', () => {
    const store = jobStoreOn(temp.open());
    const job = store.enqueue(recording(), 'onedrive');
    if (job === null) throw new Error('not queued');
    store.saveSession(job.id, SESSION);
    expect(jobStoreOn(temp.restart()).get(job.id)?.session?.storedId).toBe('item-7');
  });
});
