/** The History view's periods: the last 7, 30 or 90 days, today (UTC) included. */
export const HISTORY_PERIODS = [7, 30, 90] as const;
export type HistoryPeriod = (typeof HISTORY_PERIODS)[number];

/** One UTC day of a period, counted over the recordings found that day (the rows its report lists). */
export interface HistoryDay {
  /** YYYY-MM-DD, UTC. */
  day: string;
  /** Recordings uploaded and verified. */
  uploaded: number;
  /** Their bytes. */
  bytes: number;
  /** Recordings that failed for good (not those still waiting to be retried). */
  failures: number;
}

/** A period, every day in it (days with nothing included), oldest first. */
export interface HistoryView {
  /** The period's bounds: from its first day's midnight UTC up to (not including) the next day after its last. */
  from: string;
  to: string;
  days: HistoryDay[];
}

/** The period's report as `report --format csv` writes it, and the file name to save it under. */
export interface HistoryExport {
  fileName: string;
  csv: string;
}

const DAY_MS = 86_400_000;

/** [fromMs, toMs) of the last `days` days, today (UTC) at `nowMs` included. */
export function historyBounds(days: HistoryPeriod, nowMs: number): { fromMs: number; toMs: number } {
  const toMs = Math.floor(nowMs / DAY_MS) * DAY_MS + DAY_MS;
  return { fromMs: toMs - days * DAY_MS, toMs };
}

/** The YYYY-MM-DD (UTC) of a time. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
