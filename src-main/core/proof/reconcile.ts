import type { DestinationKind } from '../../../src-shared/settings.ts';
import type { Destination, HashName, HeldFile } from '../destinations/destination.ts';
import type { ReconciledState } from '../store/job-record.ts';
import type { SqliteJobStore } from '../store/job-store.ts';
import { hashesEqual } from '../transfer/hashers.ts';

export interface ReconcileFinding {
  jobId: number;
  fileName: string;
  remoteId: string | null;
  state: ReconciledState;
  /** What differs, for altered recordings; what could not be compared, for present ones. */
  detail: string | null;
}

export interface ReconcileResult {
  destination: DestinationKind;
  /** ISO time the destination was listed: each recording is present and unchanged as of then. */
  asOf: string;
  since: string | null;
  checked: number;
  present: number;
  missing: ReconcileFinding[];
  altered: ReconcileFinding[];
  /** Recordings the destination holds that the ledger does not know as verified here. */
  unexpected: HeldFile[];
}

/**
 * Lists what the destination holds (metadata only) and checks that every recording the ledger
 * says this destination verified since `sinceMs` is still there, unchanged: the same id, size and
 * the remote hash that matched when it was verified. The findings go into the ledger.
 */
export async function reconcile(
  store: SqliteJobStore,
  destination: Destination,
  sinceMs: number | null,
  now: () => number,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  if (destination.listHeld === undefined) {
    throw new Error(`${destination.kind} cannot list what it holds: there is nothing to reconcile with`);
  }
  const asOf = now();
  const held = await destination.listHeld(signal);
  const byId = new Map(held.map((file) => [file.id, file]));
  const jobs = store.verifiedJobs(destination.kind, sinceMs ?? 0);
  const findings = jobs.map((job): ReconcileFinding => {
    const base = { jobId: job.id, fileName: job.fileName, remoteId: job.remoteId };
    const file = job.remoteId === null ? undefined : byId.get(job.remoteId);
    if (file === undefined) return { ...base, state: 'missing', detail: null };
    const difference = differenceOf(file, job.sizeBytes, job.remoteHashes);
    if (difference !== null) return { ...base, state: 'altered', detail: difference };
    return { ...base, state: 'present', detail: null };
  });
  const known = new Set(store.remoteIdsOf(destination.kind));
  const unexpected = held.filter((file) => !known.has(file.id));
  const missing = findings.filter((f) => f.state === 'missing');
  const altered = findings.filter((f) => f.state === 'altered');
  const result: ReconcileResult = {
    destination: destination.kind,
    asOf: new Date(asOf).toISOString(),
    since: sinceMs === null ? null : new Date(sinceMs).toISOString(),
    checked: findings.length,
    present: findings.length - missing.length - altered.length,
    missing,
    altered,
    unexpected,
  };
  store.recordReconciliation(destination.kind, findings, {
    asOf: result.asOf,
    since: result.since,
    checked: result.checked,
    present: result.present,
    missing: missing.map((f) => String(f.jobId)),
    altered: altered.map((f) => String(f.jobId)),
    unexpected: unexpected.map((f) => f.name),
  });
  return result;
}

function differenceOf(
  file: HeldFile,
  sizeBytes: number,
  verifiedHashes: Partial<Record<HashName, string>>,
): string | null {
  if (file.sizeBytes !== sizeBytes) return `${file.sizeBytes} bytes now, ${sizeBytes} when verified`;
  for (const [name, then] of Object.entries(verifiedHashes) as [HashName, string][]) {
    const nowHash = file.hashes[name];
    if (nowHash !== undefined && !hashesEqual(name, nowHash, then))
      return `${name} ${nowHash} now, ${then} when verified`;
  }
  return null;
}
