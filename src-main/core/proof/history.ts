import {
  HISTORY_PERIODS,
  type HistoryDay,
  type HistoryExport,
  type HistoryPeriod,
  type HistoryView,
  historyBounds,
  utcDay,
} from '../../../src-shared/history.ts';
import { csvHeader, csvLine } from '../../../src-shared/report.ts';
import type { Clock } from '../host-services.ts';
import type { Database } from '../store/database.ts';
import { reportRows } from './report.ts';

/**
 * The History view's figures and its export, read through the same rows `report` prints: a day's
 * counts add up to exactly the lines its CSV holds for that day.
 */
export class HistoryBook {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Every day of the period, oldest first, each counted over the recordings found that day. */
  days(days: HistoryPeriod): HistoryView {
    const { fromMs, toMs } = historyBounds(checkedPeriod(days), this.#clock.now());
    const byDay = new Map<string, HistoryDay>();
    for (let ms = fromMs; ms < toMs; ms += 86_400_000) {
      const day = utcDay(ms);
      byDay.set(day, { day, uploaded: 0, bytes: 0, failures: 0 });
    }
    for (const row of reportRows(this.#db, fromMs, toMs)) {
      const day = byDay.get(row.foundAt.slice(0, 10));
      if (day === undefined) continue;
      if (row.state === 'done') {
        day.uploaded += 1;
        day.bytes += row.sizeBytes;
      } else if (row.state === 'failed') {
        day.failures += 1;
      }
    }
    return {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      days: [...byDay.values()],
    };
  }

  /** The period's report, as `report --from … --to … --format csv` writes it. */
  csv(days: HistoryPeriod): HistoryExport {
    const { fromMs, toMs } = historyBounds(checkedPeriod(days), this.#clock.now());
    let csv = csvHeader();
    for (const row of reportRows(this.#db, fromMs, toMs)) csv += csvLine(row);
    return { fileName: `recordings-${utcDay(fromMs)}-to-${utcDay(toMs - 1)}.csv`, csv };
  }
}

/** The period comes from the page: only the view's own choices are answered. */
function checkedPeriod(days: unknown): HistoryPeriod {
  if (!HISTORY_PERIODS.includes(days as HistoryPeriod))
    throw new Error(`a history period is ${HISTORY_PERIODS.join(', ')} days, not ${String(days)}`);
  return days as HistoryPeriod;
}
