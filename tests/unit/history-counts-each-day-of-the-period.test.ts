import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryBook } from '../../src-main/core/proof/history.ts';
import type { SqliteJobStore } from '../../src-main/core/store/job-store.ts';
import { csvHeader } from '../../src-shared/report.ts';
import {
  jobStoreOn,
  type ManualClock,
  manualClock,
  recording,
  STORAGE_API,
  TempDatabase,
} from '../support/store-fixtures.ts';

const DAY = 86_400_000;
const TODAY = Date.UTC(2024, 9, 26, 15, 0, 0);

describe('the History view counts each day of the period', () => {
  let temp: TempDatabase;
  let clock: ManualClock;
  let store: SqliteJobStore;
  let book: HistoryBook;

  /** A recording found `daysAgo` days before today, left in the given end state. */
  function found(daysAgo: number, end: 'done' | 'failed' | 'waiting', sizeBytes: number): void {
    clock.set(TODAY - daysAgo * DAY);
    const id = store.enqueue(recording({ sizeBytes }), STORAGE_API)?.id ?? -1;
    expect(store.claimNext([STORAGE_API])?.id).toBe(id);
    if (end === 'done') store.markDone(id, { id: `remote-${id}`, url: null });
    else if (end === 'failed') store.markFailed(id, 'HTTP 400');
    else store.markWaiting(id, 'offline', clock.now() + 60_000, false);
  }

  beforeEach(() => {
    temp = new TempDatabase();
    clock = manualClock(TODAY);
    const db = temp.open();
    store = jobStoreOn(db, clock);
    book = new HistoryBook(db, clock);
  });
  afterEach(() => temp.remove());

  it('gives every day of the period, empty ones too, with uploads, bytes and failures', () => {
    found(0, 'done', 1_000);
    found(0, 'done', 2_500);
    found(0, 'failed', 7_000);
    found(2, 'done', 4_000);
    found(2, 'waiting', 9_000);
    found(6, 'failed', 1);
    found(7, 'done', 123_456); // the eighth day back: outside the last 7 days
    clock.set(TODAY);

    const week = book.days(7);
    expect(week.from).toBe('2024-10-20T00:00:00.000Z');
    expect(week.to).toBe('2024-10-27T00:00:00.000Z');
    expect(week.days).toEqual([
      { day: '2024-10-20', uploaded: 0, bytes: 0, failures: 1 },
      { day: '2024-10-21', uploaded: 0, bytes: 0, failures: 0 },
      { day: '2024-10-22', uploaded: 0, bytes: 0, failures: 0 },
      { day: '2024-10-23', uploaded: 0, bytes: 0, failures: 0 },
      { day: '2024-10-24', uploaded: 1, bytes: 4_000, failures: 0 },
      { day: '2024-10-25', uploaded: 0, bytes: 0, failures: 0 },
      { day: '2024-10-26', uploaded: 2, bytes: 3_500, failures: 1 },
    ]);

    const month = book.days(30);
    expect(month.days).toHaveLength(30);
    expect(month.days.find((day) => day.day === '2024-10-19')).toEqual({
      day: '2024-10-19',
      uploaded: 1,
      bytes: 123_456,
      failures: 0,
    });
  });

  it('exports the period as report rows, one line per recording found in it', () => {
    found(0, 'done', 1_000);
    found(3, 'failed', 2_000);
    found(8, 'done', 3_000);
    clock.set(TODAY);

    const exported = book.csv(7);
    expect(exported.fileName).toBe('recordings-2024-10-20-to-2024-10-26.csv');
    const lines = exported.csv.split('\r\n');
    expect(`${lines[0]}\r\n`).toBe(csvHeader());
    expect(lines.slice(1, -1)).toHaveLength(2);
    expect(lines.at(-1)).toBe('');
    expect(lines[1]).toMatch(/,2000,.*,failed,HTTP 400,/);
    expect(lines[2]).toMatch(/,1000,.*,done,/);
  });

  it('refuses a period the view does not offer, naming the choices', () => {
    expect(() => book.days(8 as 7)).toThrow('a history period is 7, 30, 90 days, not 8');
  });
});
