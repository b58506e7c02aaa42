import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteJobStore } from '../../src-main/core/store/job-store.ts';
import { OPERATOR_ACTIONS } from '../../src-main/core/store/job-transitions.ts';
import { countInFilter, inFilter, JOB_FILTERS } from '../../src-renderer/state/job-lists.ts';
import { ACTION_STATES, JOB_STATES, type JobState } from '../../src-shared/job.ts';
import { jobStoreOn, manualClock, recording, TempDatabase } from '../support/store-fixtures.ts';

describe("the UI's job lists and buttons", () => {
  let temp: TempDatabase;
  let store: SqliteJobStore;
  const clock = manualClock(new Date(2024, 9, 26, 10, 0, 0).getTime());

  beforeEach(() => {
    temp = new TempDatabase();
    store = jobStoreOn(temp.open(), clock);
  });
  afterEach(() => temp.remove());

  /** One job in each state, through the store's own moves. */
  function oneOfEach(): Record<JobState, number> {
    const ids = {} as Record<JobState, number>;
    for (const state of JOB_STATES) {
      const destination = state === 'needs-auth' ? 'onedrive' : 'storage-api';
      const id = store.enqueue(recording(), destination)?.id ?? -1;
      store.claimNext([destination]);
      ids[state] = id;
    }
    store.markQueued(ids.queued);
    store.markVerifying(ids.verifying);
    store.markDone(ids.done, { id: 'r', url: null });
    store.markWaiting(ids.waiting, 'offline', clock.now() + 3_600_000, false);
    store.holdForAuth('onedrive', 'HTTP 401');
    store.markFailed(ids.failed, 'HTTP 400');
    store.pause(ids.paused);
    store.cancel(ids.cancelled);
    return ids;
  }

  it('filter the same jobs as the core lists, and count them from its totals', () => {
    const ids = oneOfEach();
    for (const state of JOB_STATES) expect(store.get(ids[state])?.state).toBe(state);
    const totals = store.totals();
    for (const filter of JOB_FILTERS) {
      const listed = store
        .list(filter, 0, 100)
        .map((job) => job.state)
        .sort();
      const shown = JOB_STATES.filter((state) => inFilter(state, filter)).sort();
      expect(listed, filter).toEqual(shown);
      expect(countInFilter(totals, filter), filter).toBe(listed.length);
    }
  });

  it("offer a button only where the core's operator move applies", () => {
    expect(ACTION_STATES.retry).toEqual(OPERATOR_ACTIONS.retry.from);
    expect(ACTION_STATES.resume).toEqual(OPERATOR_ACTIONS.resume.from);
    expect([...ACTION_STATES.pause].sort()).toEqual([...OPERATOR_ACTIONS.pause.from].sort());
    expect([...ACTION_STATES.cancel].sort()).toEqual([...OPERATOR_ACTIONS.cancel.from].sort());
  });
});
