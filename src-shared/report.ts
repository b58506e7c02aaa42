import type { JobState } from './job.ts';
import type { DestinationKind } from './settings.ts';

/** One recording in a report: what `report` prints and the History view exports, column for column. */
export interface ReportRow {
  jobId: number;
  recordingId: string;
  fileName: string;
  sizeBytes: number;
  sha256: string | null;
  destination: DestinationKind;
  remoteId: string | null;
  state: JobState;
  /** Why it failed or waits, or what went wrong beside a success (a receipt not placed). */
  reason: string | null;
  foundAt: string;
  uploadedAt: string | null;
  verifiedAt: string | null;
  localDeletedAt: string | null;
  /** The last reconciliation's finding: "present", "missing" or "altered", and when. */
  reconciled: string | null;
  reconciledAt: string | null;
}

export const REPORT_COLUMNS = [
  'jobId',
  'recordingId',
  'fileName',
  'sizeBytes',
  'sha256',
  'destination',
  'remoteId',
  'state',
  'reason',
  'foundAt',
  'uploadedAt',
  'verifiedAt',
  'localDeletedAt',
  'reconciled',
  'reconciledAt',
] as const satisfies readonly (keyof ReportRow)[];

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeader(): string {
  return `${REPORT_COLUMNS.join(',')}\r\n`;
}

export function csvLine(row: ReportRow): string {
  return `${REPORT_COLUMNS.map((column) => csvField(row[column])).join(',')}\r\n`;
}
