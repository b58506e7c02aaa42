import type { JobFilter } from '../../../src-shared/bridge-contract.ts';
import type { JobState, QueueTotals } from '../../../src-shared/job.ts';
import type { DestinationKind } from '../../../src-shared/settings.ts';
import type { HashSet, RemoteFile, RemoteSession } from '../destinations/destination.ts';
import type { Recording } from '../recording.ts';

/** A job as the store keeps it: one recording for one destination. */
export interface JobRecord {
  id: number;
  destination: DestinationKind;
  path: string;
  fileName: string;
  sizeBytes: number;
  mtimeMs: number;
  sidecarPath: string | null;
  state: JobState;
  session: RemoteSession | null;
  /** A damaged copy of this recording's own upload still to be deleted, before anything is sent again. */
  pendingDiscard: RemoteFile | null;
  confirmedBytes: number;
  /** Consecutive failed attempts without progress; reset when a chunk is acknowledged. */
  attempts: number;
  /** How often the remote's hash did not match ours. */
  verifyFailures: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  warning: string | null;
  /** Why the metadata sidecar could not be used (the video went without it), or null: kept apart from `warning`. */
  sidecarWarning: string | null;
  remoteId: string | null;
  remoteUrl: string | null;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
  localDeletedAt: number | null;
  /** The recording's own id (the sidecar's session_id, else the file's name without extension). */
  recordingId: string;
  /** SHA-256 (hex) of every byte the remote confirmed, computed in the upload's read pass. */
  sha256: string | null;
  /** The remote's own hashes of the stored file that matched the local ones. */
  remoteHashes: HashSet;
  /** When the remote reported the file stored (before it was verified). */
  storedAt: number | null;
  /** The last reconciliation that looked for this recording at the destination, and what it found. */
  reconciledAt: number | null;
  reconciledState: ReconciledState | null;
  /** Done, and its receipt still to be placed at the destination (placed again at the next start). */
  receiptOwed: boolean;
  /** Done, and its local files still to be deleted (deleteAfterUpload): deleted at the next start if unchanged. */
  deletionOwed: OwedDeletion | null;
}

/**
 * What a verified recording's deletion must find on disk: the video as the job knows it (its size
 * and SHA-256), and the sidecar uploaded with it, as it was sent.
 */
export interface OwedDeletion {
  sidecar: { path: string; sizeBytes: number; sha256: string } | null;
}

export type ReconciledState = 'present' | 'missing' | 'altered';

/** What the remote reported when it committed the file, and what matched when verified. */
export interface StoredFile {
  id: string;
  url: string | null;
  /** The local SHA-256, always computed whatever the destination verifies with. */
  sha256?: string | null;
  /** The remote's own hashes that were compared with ours and matched. */
  remoteHashes?: HashSet;
  /** The destination places receipts: the job owes one until it is placed (or has no place). */
  receiptOwed?: boolean;
  /** The operator deletes recordings once verified: their local files are owed a deletion. */
  deletionOwed?: OwedDeletion;
  /** Where it went: the account and the folder (the storage API: its address) in force as it was verified. */
  place?: RecordedPlace;
}

/** The account and folder a recording was verified in, as its `verified` ledger entry keeps them. */
export interface RecordedPlace {
  account: string | null;
  folder: string | null;
}

/**
 * The job queue's store, injected into the engine so tests drive it directly.
 * Every method is one transaction. Engine-facing transitions return false (and change nothing)
 * when the job is no longer in a state that allows them, e.g. the operator paused it meanwhile.
 * Operator actions (pause, resume, cancel, retry) throw an Error naming the job and its state.
 */
export interface JobRepository {
  /** Queues a recording once per destination + file identity; null when it is already known. */
  enqueue(recording: Recording, destination: DestinationKind): JobRecord | null;
  /**
   * Queues recordings that settled together, in one transaction with every ledger entry: the new
   * jobs, in the order given (those already known are left out). Throws, writing nothing, when any
   * of them cannot be queued.
   */
  enqueueMany(recordings: readonly Recording[], destination: DestinationKind): JobRecord[];
  get(id: number): JobRecord | undefined;
  /** The oldest queued job, or waiting job whose time has come, of the given destinations → uploading. */
  claimNext(destinations: readonly DestinationKind[]): JobRecord | undefined;
  /** The earliest nextAttemptAt of waiting jobs of these destinations, or null. */
  nextDueAt(destinations: readonly DestinationKind[]): number | null;
  /** The destination's jobs waiting until `until` or sooner are due now (a pause that ended early by the wall clock). */
  dueNow(destination: DestinationKind, until: number): number;
  saveSession(id: number, session: RemoteSession | null): void;
  /**
   * Keeps (or, with null, clears) the obligation to delete a damaged copy; survives restarts and
   * retries. Keeping one forgets the session that stored the copy, in the same transaction.
   */
  saveDiscard(id: number, file: RemoteFile | null): void;
  /** The remote confirmed this many bytes; a confirmed advance resets attempts. */
  saveProgress(id: number, confirmedBytes: number): void;
  setSidecar(id: number, sidecarPath: string | null): void;
  setWarning(id: number, warning: string | null): void;
  /** The sidecar could not be used (or, with null, could again): kept apart from every other warning. */
  setSidecarWarning(id: number, warning: string | null): void;
  markVerifying(id: number): boolean;
  /** The recording's own id is known (from its sidecar): later ledger entries carry it. */
  setRecordingId(id: number, recordingId: string): void;
  /** The remote committed the file (not yet verified): its id is kept and the ledger says so. */
  markStored(id: number, remote: StoredFile): void;
  /** The remote's hash matched ours: done, with both hashes in the ledger. */
  markDone(id: number, remote: StoredFile): boolean;
  /** The metadata sidecar was placed beside the video at the destination. */
  markSidecarPlaced(id: number): void;
  markWaiting(id: number, reason: string, nextAttemptAt: number, countAttempt: boolean): boolean;
  markFailed(id: number, reason: string): boolean;
  /** uploading/verifying → queued, keeping session and offset: a stop or pause interrupted it. */
  markQueued(id: number): boolean;
  /** Back to queued with no session and nothing confirmed (a hash mismatch: counts verifyFailures). */
  restartFromScratch(id: number, reason: string, countVerifyFailure: boolean): boolean;
  /**
   * The local files the owed deletion found still the same were deleted (the sidecar's path, if it
   * was among them); the obligation ends with the same transaction. `warning` replaces the job's
   * (a file kept; null: none any more), and when left out the job's stays as it is.
   */
  markLocalDeleted(id: number, deleted: { sidecar: string | null }, warning?: string | null): void;
  /** The owed deletion ends without deleting the video (it changed, or deleting is off); `warning` as above. */
  keepLocalFiles(id: number, warning?: string | null): void;
  /** Every queued, waiting or uploading job of the destination → needs-auth. Returns how many. */
  holdForAuth(destination: DestinationKind, reason: string): number;
  /** Every needs-auth job of the destination → queued. Returns how many. */
  releaseAuth(destination: DestinationKind): number;
  /** At start-up: jobs left uploading or verifying by a crash → queued. Returns how many. */
  recoverInterrupted(): number;
  pause(id: number): JobRecord;
  resume(id: number): JobRecord;
  cancel(id: number): JobRecord;
  retry(id: number): JobRecord;
  list(filter: JobFilter, offset: number, limit: number): JobRecord[];
  totals(): QueueTotals;
}
