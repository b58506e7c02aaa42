import type { ReportRow } from '../../../src-shared/report.ts';
import type { Database } from '../store/database.ts';
import { stemOf } from '../watcher/recording-files.ts';
import { isoTime } from './iso-time.ts';

interface Row {
  id: number;
  recording_id: string | null;
  file_name: string;
  size_bytes: number;
  sha256: string | null;
  destination: ReportRow['destination'];
  remote_id: string | null;
  state: ReportRow['state'];
  last_error: string | null;
  warning: string | null;
  sidecar_warning: string | null;
  created_at: number;
  stored_at: number | null;
  completed_at: number | null;
  local_deleted_at: number | null;
  reconciled_state: string | null;
  reconciled_at: number | null;
}

/**
 * One row per recording found in [fromMs, toMs), oldest first, read straight from the jobs table
 * and streamed: a hundred thousand recordings never sit in memory at once.
 */
export function* reportRows(db: Database, fromMs: number, toMs: number): Generator<ReportRow> {
  const rows = db
    .prepare(
      `SELECT id, recording_id, file_name, size_bytes, sha256, destination, remote_id, state, last_error,
              warning, sidecar_warning, created_at, stored_at, completed_at, local_deleted_at, reconciled_state, reconciled_at
         FROM jobs WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id`,
    )
    .iterate(fromMs, toMs) as IterableIterator<Row>;
  for (const row of rows) yield toReportRow(row);
}

function toReportRow(row: Row): ReportRow {
  return {
    jobId: row.id,
    recordingId: row.recording_id ?? stemOf(row.file_name),
    fileName: row.file_name,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    destination: row.destination,
    remoteId: row.remote_id,
    state: row.state,
    reason: row.last_error ?? row.warning ?? row.sidecar_warning,
    foundAt: isoTime(row.created_at),
    uploadedAt: isoOrNull(row.stored_at),
    verifiedAt: row.state === 'done' ? isoOrNull(row.completed_at) : null,
    localDeletedAt: isoOrNull(row.local_deleted_at),
    reconciled: row.reconciled_state,
    reconciledAt: isoOrNull(row.reconciled_at),
  };
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : isoTime(ms);
}

/**
 * A report's bound: YYYY-MM-DD is that day's midnight UTC (an end date counts its whole day),
 * anything else must be an ISO 8601 time with its zone.
 */
export function parseReportDate(text: string, end: boolean): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (day !== null) {
    const ms = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    if (!Number.isNaN(ms) && new Date(ms).toISOString().startsWith(text)) return end ? ms + 86_400_000 : ms;
  } else if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new Error(`"${text}" is not a date: give YYYY-MM-DD (UTC) or an ISO 8601 time with its zone`);
}
