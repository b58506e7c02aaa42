import { basename } from 'node:path';
import type { DestinationPlace, JobDetails, JobHistoryEntry } from '../../../src-shared/job-details.ts';
import { LEDGER_EVENTS, type LedgerEvent } from '../../../src-shared/ledger-events.ts';
import { isOpenableWebUrl } from '../../../src-shared/web-address.ts';
import type { JobRecord } from '../store/job-record.ts';
import { toJobView } from '../store/job-store.ts';
import type { LedgerRow } from '../store/ledger.ts';
import { sidecarOutcome } from './sidecar-outcome.ts';

/** A job's ledger entries as the store reads them: the newest, oldest first, and how many in all. */
export interface JobLedger {
  rows: readonly LedgerRow[];
  total: number;
}

/**
 * One recording's details, from its job and its own ledger entries alone: the times are the
 * ledger's (the first upload start, not the latest), the sidecar placed only when the ledger says
 * so, and the remote link only when it is a web page (a session's capability URL never is one).
 */
export function jobDetailsOf(
  job: JobRecord,
  ledger: JobLedger,
  place: DestinationPlace,
  placeAsVerified: boolean,
): JobDetails {
  const history = ledger.rows.map(historyEntry).filter((entry) => entry !== null);
  const firstStart = ledger.rows.find((row) => row.event === 'upload-started');
  const receipt = [...ledger.rows].reverse().find((row) => row.event === 'receipt-placed');
  return {
    job: toJobView(job),
    destination: place,
    placeAsVerified,
    remoteLink: job.remoteUrl !== null && isOpenableWebUrl(job.remoteUrl) ? job.remoteUrl : null,
    sha256: job.sha256,
    remoteHashes: { ...job.remoteHashes } as Record<string, string>,
    foundAt: job.createdAt,
    startedAt: firstStart === undefined ? null : Date.parse(firstStart.at),
    storedAt: job.storedAt,
    completedAt: job.completedAt,
    localDeletedAt: job.localDeletedAt,
    sidecar:
      job.sidecarPath === null
        ? null
        : {
            fileName: basename(job.sidecarPath),
            stored: sidecarOutcome(
              job,
              ledger.rows.some((row) => row.event === 'sidecar-placed'),
            ),
          },
    receipt: receipt === undefined ? null : textOf(parseDetails(receipt.details).receipt),
    history,
    earlierEntries: Math.max(0, ledger.total - ledger.rows.length),
  };
}

function historyEntry(row: LedgerRow): JobHistoryEntry | null {
  if (!isLedgerEvent(row.event)) return null;
  const details = parseDetails(row.details);
  const until = textOf(details.until);
  return {
    seq: row.seq,
    at: Date.parse(row.at),
    event: row.event,
    from: textOf(details.from),
    // A reconciliation's entry says what it found in `detail`; every other move says why in `reason`.
    reason: textOf(details.reason) ?? textOf(details.detail),
    until: until === null ? null : Date.parse(until),
    by: textOf(details.by),
    finding: textOf(details.finding),
  };
}

function isLedgerEvent(event: string): event is LedgerEvent {
  return (LEDGER_EVENTS as readonly string[]).includes(event);
}

function parseDetails(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
