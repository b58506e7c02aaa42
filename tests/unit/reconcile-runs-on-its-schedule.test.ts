import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import { ReconcileSchedule } from '../../src-main/core/proof/reconcile-schedule.ts';
import type { SqliteJobStore } from '../../src-main/core/store/job-store.ts';
import {
  jobStoreOn,
  type ManualClock,
  manualClock,
  recording,
  TempDatabase,
} from '../support/store-fixtures.ts';

const DAY = 86_400_000;

describe('reconciliation on its schedule', () => {
  let temp: TempDatabase;
  let clock: ManualClock;
  let store: SqliteJobStore;
  let everyDays: number;
  let runs: number;
  let schedule: ReconcileSchedule;

  beforeEach(() => {
    temp = new TempDatabase();
    clock = manualClock();
    store = jobStoreOn(temp.open(), clock);
    everyDays = 7;
    runs = 0;
    schedule = new ReconcileSchedule({
      everyDays: () => everyDays,
      dueFrom: () => store.reconcileDueFrom('storage-api'),
      // What the uploader's run leaves behind: the run's summary entry in the ledger.
      run: async () => {
        runs += 1;
        store.recordReconciliation('storage-api', [], { checked: 0 });
      },
      clock,
      logger: silentLogger,
    });
  });
  afterEach(async () => {
    await schedule.stop();
    temp.remove();
  });

  const settled = () => new Promise((resolve) => setImmediate(resolve));

  it('waits for a first verified recording, then runs each interval after the last run', async () => {
    schedule.check();
    expect(runs).toBe(0);

    const job = store.enqueue(recording(), 'storage-api');
    store.claimNext(['storage-api']);
    store.markDone(job?.id ?? 0, { id: 'r', url: null, sha256: 'a'.repeat(64) });
    clock.advance(7 * DAY - 1);
    schedule.check();
    expect(runs).toBe(0);

    clock.advance(1);
    schedule.check();
    await settled();
    expect(runs).toBe(1);

    clock.advance(6 * DAY);
    schedule.check();
    await settled();
    expect(runs).toBe(1);
    clock.advance(DAY);
    schedule.check();
    await settled();
    expect(runs).toBe(2);
  });

  it('never runs when the setting is 0', async () => {
    everyDays = 0;
    const job = store.enqueue(recording(), 'storage-api');
    store.claimNext(['storage-api']);
    store.markDone(job?.id ?? 0, { id: 'r', url: null, sha256: 'a'.repeat(64) });
    clock.advance(365 * DAY);
    schedule.check();
    await settled();
    expect(runs).toBe(0);
  });
});
