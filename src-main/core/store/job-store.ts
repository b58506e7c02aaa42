import { basename } from 'node:path';
import { z } from 'zod';
import type { JobFilter } from '../../../src-shared/bridge-contract.ts';
import {
  JOB_FILTER_STATES,
  JOB_STATES,
  type JobState,
  type JobView,
  type OperatorAction,
  type QueueTotals,
} from '../../../src-shared/job.ts';
import type { LedgerEvent } from '../../../src-shared/ledger-events.ts';
import { DESTINATION_KINDS, type DestinationKind } from '../../../src-shared/settings.ts';
import type { SessionSealer } from '../auth/session-sealer.ts';
import type { HashSet, RemoteFile, RemoteSession } from '../destinations/destination.ts';
import type { Clock } from '../host-services.ts';
import { redactReason } from '../logging/redact-secrets.ts';
import type { Recording } from '../recording.ts';
import { stemOf } from '../watcher/recording-files.ts';
import type { Database, Statement } from './database.ts';
import type {
  JobRecord,
  JobRepository,
  OwedDeletion,
  ReconciledState,
  RecordedPlace,
  StoredFile,
} from './job-record.ts';
import { ENGINE_MOVES, type EngineMove, type Move, OPERATOR_ACTIONS } from './job-transitions.ts';
import { Ledger, type LedgerDetails, type LedgerHead, type LedgerRow } from './ledger.ts';

interface JobRow {
  id: number;
  destination: DestinationKind;
  path: string;
  file_name: string;
  size_bytes: number;
  mtime_ms: number;
  sidecar_path: string | null;
  state: JobState;
  session: string | null;
  pending_discard: string | null;
  confirmed_bytes: number;
  attempts: number;
  verify_failures: number;
  next_attempt_at: number | null;
  last_error: string | null;
  warning: string | null;
  sidecar_warning: string | null;
  remote_id: string | null;
  remote_url: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  local_deleted_at: number | null;
  recording_id: string | null;
  sha256: string | null;
  remote_hashes: string | null;
  stored_at: number | null;
  reconciled_at: number | null;
  reconciled_state: ReconciledState | null;
  receipt_owed: number;
  deletion_owed: string | null;
}

/** The states of a recording not yet archived nor given up: the queue a heartbeat reports. */
const WAITING_STATES: readonly JobState[] = [
  'queued',
  'uploading',
  'verifying',
  'waiting',
  'needs-auth',
  'paused',
];

export interface QueueFacts {
  lastSuccessAt: number | null;
  depth: number;
  oldestWaitingSince: number | null;
}

const sessionSchema = z.object({
  mode: z.enum(['chunked', 'single']),
  chunkMultiple: z.number().int().positive(),
  maxChunkBytes: z.number().int().positive().nullable(),
  expiresAt: z.number().nullable(),
  storedId: z.string().nullish(),
  state: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

const remoteFileSchema = z.object({
  id: z.string().min(1),
  url: z.string().nullable(),
  hashes: z.record(z.string(), z.string()),
  driveId: z.string().nullish(),
});

/** Columns an update may set, by JobRecord name; anything else is a programming error. */
const COLUMNS = {
  state: 'state',
  session: 'session',
  pendingDiscard: 'pending_discard',
  confirmedBytes: 'confirmed_bytes',
  attempts: 'attempts',
  verifyFailures: 'verify_failures',
  nextAttemptAt: 'next_attempt_at',
  lastError: 'last_error',
  warning: 'warning',
  sidecarWarning: 'sidecar_warning',
  sidecarPath: 'sidecar_path',
  remoteId: 'remote_id',
  remoteUrl: 'remote_url',
  completedAt: 'completed_at',
  localDeletedAt: 'local_deleted_at',
  recordingId: 'recording_id',
  sha256: 'sha256',
  remoteHashes: 'remote_hashes',
  storedAt: 'stored_at',
  reconciledAt: 'reconciled_at',
  reconciledState: 'reconciled_state',
  receiptOwed: 'receipt_owed',
  deletionOwed: 'deletion_owed',
} as const;
type Changes = Partial<Record<keyof typeof COLUMNS, string | number | null>>;
type ChangesOf = (job: JobRecord, now: number) => Changes;
/** The ledger entry a change writes: its event and what it says beyond the job's own columns. */
type EntryOf = (job: JobRecord) => { event: LedgerEvent; details?: LedgerDetails };

/** The ledger event of each engine move (a move between states always writes one). */
const MOVE_EVENTS: Readonly<Record<EngineMove, LedgerEvent>> = {
  claim: 'upload-started',
  verify: 'verifying',
  finish: 'verified',
  wait: 'waiting',
  fail: 'failed',
  requeue: 'requeued',
  restart: 'restarted',
  holdForAuth: 'held-for-sign-in',
  releaseAuth: 'released',
  recoverInterrupted: 'requeued',
};

const ACTION_EVENTS: Readonly<Record<OperatorAction, LedgerEvent>> = {
  pause: 'paused',
  resume: 'resumed',
  cancel: 'cancelled',
  retry: 'retried',
};

/**
 * The job queue in SQLite. Every public method is one transaction; see JobRepository. Every change
 * of a job's state, and every fact the proof of archive needs (stored, verified, deleted), writes
 * its ledger entry inside that same transaction: both commit, or neither does.
 */
export class SqliteJobStore implements JobRepository {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #ledger: Ledger;
  readonly #statements = new Map<string, Statement>();

  /** Seals upload sessions (capability URLs) before they are written; without one they are read only. */
  readonly #sealer: SessionSealer | null;

  constructor(db: Database, clock: Clock, sealer: SessionSealer | null = null) {
    this.#db = db;
    this.#clock = clock;
    this.#ledger = new Ledger(db);
    this.#sealer = sealer;
  }

  /** Seals sessions written before they were sealed (by an older version): at start, once the key is there. */
  sealPlainSessions(): number {
    const sealer = this.#sealer;
    if (sealer === null) return 0;
    return this.#immediate(() => {
      const rows = this.#db
        .prepare(`SELECT id, session FROM jobs WHERE session IS NOT NULL AND session NOT LIKE 'sealed:%'`)
        .all() as Array<{ id: number; session: string }>;
      const write = this.#sql('UPDATE jobs SET session = ? WHERE id = ?');
      for (const row of rows) write.run(sealer.seal(row.session), row.id);
      return rows.length;
    });
  }

  #sealed(text: string): string {
    if (this.#sealer === null) throw new Error('upload sessions are only written by a store that seals them');
    return this.#sealer.seal(text);
  }

  #recordOf(row: JobRow): JobRecord {
    return toRecord(row, (text) => (this.#sealer === null ? text : this.#sealer.open(text)));
  }

  enqueue(recording: Recording, destination: DestinationKind): JobRecord | null {
    return this.enqueueMany([recording], destination)[0] ?? null;
  }

  /**
   * One transaction for the lot: thousands of recordings already in the folder at start settle
   * together, and a commit each (with two ledger entries) made queuing them take seconds.
   */
  enqueueMany(recordings: readonly Recording[], destination: DestinationKind): JobRecord[] {
    for (const recording of recordings) checkQueueable(recording, destination);
    if (recordings.length === 0) return [];
    const insert = this.#sql(
      `INSERT INTO jobs (destination, path, file_name, size_bytes, mtime_ms, sidecar_path, state,
           created_at, updated_at, recording_id)
         VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)
         ON CONFLICT (destination, path, size_bytes, mtime_ms) DO NOTHING`,
    );
    return this.#immediate(() => {
      const now = this.#clock.now();
      const queued: JobRecord[] = [];
      for (const recording of recordings) {
        const fileName = basename(recording.path);
        const result = insert.run(
          destination,
          recording.path,
          fileName,
          recording.sizeBytes,
          recording.mtimeMs,
          recording.sidecarPath,
          now,
          now,
          stemOf(fileName),
        );
        if (result.changes === 0) continue;
        const job = this.#require(Number(result.lastInsertRowid));
        const modified = new Date(recording.mtimeMs).toISOString();
        this.#record(job, 'found', { path: job.path, modified, sidecar: job.sidecarPath }, now);
        this.#record(job, 'queued', { destination }, now);
        queued.push(job);
      }
      return queued;
    });
  }

  get(id: number): JobRecord | undefined {
    const row = this.#sql('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row === undefined ? undefined : this.#recordOf(row);
  }

  claimNext(destinations: readonly DestinationKind[]): JobRecord | undefined {
    if (destinations.length === 0) return undefined;
    return this.#immediate(() => {
      const now = this.#clock.now();
      const among = placeholders(destinations);
      const [queuedState, waitingState] = ENGINE_MOVES.claim.from;
      // Two index-backed lookups rather than one OR, so finished jobs piling up never slow a claim.
      const queued = this.#value(
        `SELECT id FROM jobs WHERE state = ? AND destination IN ${among} ORDER BY id LIMIT 1`,
      ).get(queuedState, ...destinations) as number | undefined;
      const due = this.#value(
        `SELECT id FROM jobs WHERE state = ? AND next_attempt_at <= ? AND destination IN ${among}
           ORDER BY id LIMIT 1`,
      ).get(waitingState, now, ...destinations) as number | undefined;
      const id = queued === undefined ? due : due === undefined ? queued : Math.min(queued, due);
      if (id === undefined) return undefined;
      this.#write(id, { state: ENGINE_MOVES.claim.to, nextAttemptAt: null }, now);
      const job = this.#require(id);
      this.#record(job, MOVE_EVENTS.claim, { destination: job.destination, from: job.confirmedBytes }, now);
      return job;
    });
  }

  nextDueAt(destinations: readonly DestinationKind[]): number | null {
    if (destinations.length === 0) return null;
    const due = this.#value(
      `SELECT MIN(next_attempt_at) FROM jobs WHERE state = 'waiting' AND destination IN ${placeholders(destinations)}`,
    ).get(...destinations) as number | null;
    return due ?? null;
  }

  dueNow(destination: DestinationKind, until: number): number {
    return this.#immediate(() => {
      const now = this.#clock.now();
      return this.#sql(
        `UPDATE jobs SET next_attempt_at = ?, updated_at = ?
           WHERE state = 'waiting' AND destination = ? AND next_attempt_at <= ?`,
      ).run(now, now, destination, until).changes;
    });
  }

  saveSession(id: number, session: RemoteSession | null): void {
    this.#update(id, () => ({ session: session === null ? null : this.#sealed(JSON.stringify(session)) }));
  }

  saveDiscard(id: number, file: RemoteFile | null): void {
    // The session that stored a damaged copy has nothing more to give: forgotten in the same
    // transaction, so a crash before the restart is recorded never verifies that copy again.
    this.#update(id, () =>
      file === null
        ? { pendingDiscard: null }
        : { pendingDiscard: JSON.stringify(file), session: null, confirmedBytes: 0 },
    );
  }

  saveProgress(id: number, confirmedBytes: number): void {
    if (!Number.isSafeInteger(confirmedBytes) || confirmedBytes < 0) {
      throw new Error(`job ${id}: confirmed bytes must be a whole number of bytes, not ${confirmedBytes}`);
    }
    this.#update(id, (job) =>
      confirmedBytes > job.confirmedBytes ? { confirmedBytes, attempts: 0 } : { confirmedBytes },
    );
  }

  setSidecar(id: number, sidecarPath: string | null): void {
    this.#update(id, () => ({ sidecarPath }));
  }

  setWarning(id: number, given: string | null): void {
    const warning = redactReason(given);
    this.#update(id, () => ({ warning }));
  }

  setSidecarWarning(id: number, given: string | null): void {
    const sidecarWarning = redactReason(given);
    this.#update(id, () => ({ sidecarWarning }));
  }

  setRecordingId(id: number, recordingId: string): void {
    this.#update(id, () => ({ recordingId }));
  }

  markVerifying(id: number): boolean {
    return this.#transition(id, 'verify', () => ({}));
  }

  markStored(id: number, remote: StoredFile): void {
    this.#update(
      id,
      (_job, now) => ({ remoteId: remote.id, remoteUrl: remote.url, storedAt: now }),
      () => ({ event: 'stored', details: { remoteId: remote.id } }),
    );
  }

  markDone(id: number, remote: StoredFile): boolean {
    const remoteHashes = remote.remoteHashes ?? {};
    return this.#transition(
      id,
      'finish',
      (job, now) => ({
        remoteId: remote.id,
        remoteUrl: remote.url,
        completedAt: now,
        storedAt: job.storedAt ?? now,
        sha256: remote.sha256 ?? job.sha256,
        remoteHashes: JSON.stringify(remoteHashes),
        lastError: null,
        nextAttemptAt: null,
        receiptOwed: remote.receiptOwed === true ? 1 : 0,
        deletionOwed: remote.deletionOwed === undefined ? null : JSON.stringify(remote.deletionOwed),
      }),
      (job) => ({
        event: 'verified',
        details: {
          remoteId: remote.id,
          sha256: remote.sha256 ?? job.sha256,
          ...prefixed(remoteHashes),
          ...(remote.place === undefined
            ? {}
            : { account: remote.place.account, folder: remote.place.folder }),
        },
      }),
    );
  }

  /**
   * The account and folder the job's `verified` entry names; null for a job not verified, or
   * verified before the entry named them.
   */
  recordedPlace(id: number): RecordedPlace | null {
    const row = this.#ledger.latest(id, 'verified');
    if (row === null) return null;
    const details = JSON.parse(row.details) as Record<string, unknown>;
    if (!('folder' in details)) return null;
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    return { account: text(details.account), folder: text(details.folder) };
  }

  markSidecarPlaced(id: number): void {
    this.#update(
      id,
      () => ({}),
      (job) => ({ event: 'sidecar-placed', details: { sidecar: job.sidecarPath } }),
    );
  }

  markWaiting(id: number, given: string, nextAttemptAt: number, countAttempt: boolean): boolean {
    // Server words may carry a credential (an echoed Authorization header): never to disk or the bridge.
    const reason = redactReason(given);
    return this.#transition(
      id,
      'wait',
      (job) => ({
        lastError: reason,
        nextAttemptAt,
        attempts: countAttempt ? job.attempts + 1 : job.attempts,
      }),
      () => ({ event: 'waiting', details: { reason, until: new Date(nextAttemptAt).toISOString() } }),
    );
  }

  markFailed(id: number, given: string): boolean {
    // Server words may carry a credential (an echoed Authorization header): never to disk or the bridge.
    const reason = redactReason(given);
    return this.#transition(
      id,
      'fail',
      () => ({ lastError: reason, nextAttemptAt: null }),
      () => ({ event: 'failed', details: { reason } }),
    );
  }

  markQueued(id: number): boolean {
    // The session and confirmed offset stay: the next claim resumes where the remote left off.
    return this.#transition(id, 'requeue', () => ({}));
  }

  restartFromScratch(id: number, given: string, countVerifyFailure: boolean): boolean {
    // Server words may carry a credential (an echoed Authorization header): never to disk or the bridge.
    const reason = redactReason(given);
    return this.#transition(
      id,
      'restart',
      (job) => ({
        session: null,
        confirmedBytes: 0,
        // A copy whose hash differed is no longer this recording's stored file.
        remoteId: null,
        remoteUrl: null,
        storedAt: null,
        lastError: reason,
        nextAttemptAt: null,
        verifyFailures: countVerifyFailure ? job.verifyFailures + 1 : job.verifyFailures,
      }),
      () => ({ event: 'restarted', details: { reason } }),
    );
  }

  markLocalDeleted(id: number, deleted: { sidecar: string | null }, given?: string | null): void {
    const warning = given === undefined ? undefined : redactReason(given);
    this.#update(
      id,
      (_job, now) => ({
        localDeletedAt: now,
        deletionOwed: null,
        ...(warning === undefined ? {} : { warning }),
      }),
      (job) => ({ event: 'local-deleted', details: { path: job.path, sidecar: deleted.sidecar } }),
    );
  }

  keepLocalFiles(id: number, given?: string | null): void {
    const warning = given === undefined ? undefined : redactReason(given);
    this.#update(id, () => ({ deletionOwed: null, ...(warning === undefined ? {} : { warning }) }));
  }

  /** Done jobs whose local files are still to be deleted (the process stopped first, or a delete failed). */
  owingDeletions(): JobRecord[] {
    const rows = this.#sql(
      `SELECT * FROM jobs WHERE deletion_owed IS NOT NULL AND state = 'done' ORDER BY id`,
    ).all();
    return (rows as JobRow[]).map((row) => this.#recordOf(row));
  }

  /** The receipt of a verified recording was placed at the destination under `name`: it owes none. */
  markReceiptPlaced(id: number, name: string): void {
    this.#update(
      id,
      () => ({ receiptOwed: 0 }),
      () => ({ event: 'receipt-placed', details: { receipt: name } }),
    );
  }

  /** The destination has no place for receipts (a server without the extension): none is owed. */
  markReceiptUnplaceable(id: number): void {
    this.#update(id, () => ({ receiptOwed: 0 }));
  }

  /** Done jobs whose receipt is still to be placed (the process stopped first, or placing failed). */
  owingReceipts(): JobRecord[] {
    const rows = this.#sql(`SELECT * FROM jobs WHERE receipt_owed = 1 AND state = 'done' ORDER BY id`).all();
    return (rows as JobRow[]).map((row) => this.#recordOf(row));
  }

  /** A job's `verified` ledger entry: its receipt names it. */
  verifiedEntry(id: number): { seq: number; hash: string } | null {
    const row = this.#ledger.latest(id, 'verified');
    return row === null ? null : { seq: row.seq, hash: row.hash };
  }

  /** Whether the job's metadata sidecar was placed beside the video at the destination (the ledger says so). */
  sidecarPlaced(id: number): boolean {
    return this.#ledger.latest(id, 'sidecar-placed') !== null;
  }

  /** A job's ledger entries, the newest `limit` of them oldest first, with how many it has in all. */
  historyOf(id: number, limit: number): { rows: LedgerRow[]; total: number } {
    return this.#ledger.entriesOf(id, limit);
  }

  /** The recordings this destination verified since `sinceMs`, oldest first: what reconciliation checks. */
  verifiedJobs(destination: DestinationKind, sinceMs: number): JobRecord[] {
    const rows = this.#sql(
      `SELECT * FROM jobs WHERE destination = ? AND state = 'done' AND completed_at >= ? ORDER BY completed_at, id`,
    ).all(destination, sinceMs) as JobRow[];
    return rows.map((row) => this.#recordOf(row));
  }

  /**
   * When the destination's archive was last reconciled, else when its first recording was verified;
   * null while nothing was verified there.
   */
  reconcileDueFrom(destination: DestinationKind): number | null {
    const last = this.#value(
      `SELECT at FROM ledger WHERE event = 'reconciled' AND job_id IS NULL
         AND json_extract(details, '$.destination') = ? ORDER BY seq DESC LIMIT 1`,
    ).get(destination) as string | undefined;
    if (last !== undefined) return Date.parse(last);
    const first = this.#value(
      `SELECT MIN(completed_at) FROM jobs WHERE destination = ? AND state = 'done'`,
    ).get(destination) as number | null;
    return first ?? null;
  }

  /** What the fleet heartbeat tells: the last success, and the recordings still to go. */
  queueFacts(): QueueFacts {
    const waiting = placeholders(WAITING_STATES);
    return {
      lastSuccessAt: this.#value(`SELECT MAX(completed_at) FROM jobs WHERE state = 'done'`).get() as
        | number
        | null,
      depth: this.#value(`SELECT COUNT(*) FROM jobs WHERE state IN ${waiting}`).get(
        ...WAITING_STATES,
      ) as number,
      oldestWaitingSince: this.#value(`SELECT MIN(created_at) FROM jobs WHERE state IN ${waiting}`).get(
        ...WAITING_STATES,
      ) as number | null,
    };
  }

  /** The ledger's last entry. */
  ledgerHead(): LedgerHead {
    return this.#ledger.head();
  }

  /** Every remote id this destination ever stored a recording under. */
  remoteIdsOf(destination: DestinationKind): string[] {
    return this.#value('SELECT remote_id FROM jobs WHERE destination = ? AND remote_id IS NOT NULL').all(
      destination,
    ) as string[];
  }

  /**
   * A reconciliation's findings, in one transaction: each recording's state and time on its job,
   * an entry for each one missing or altered, and one entry for the whole run.
   */
  recordReconciliation(
    destination: DestinationKind,
    findings: readonly { jobId: number; state: ReconciledState; detail: string | null }[],
    summary: LedgerDetails,
  ): void {
    this.#immediate(() => {
      const now = this.#clock.now();
      for (const finding of findings) {
        this.#write(finding.jobId, { reconciledAt: now, reconciledState: finding.state }, now);
        if (finding.state === 'present') continue;
        const job = this.#require(finding.jobId);
        const details = {
          destination,
          finding: finding.state,
          remoteId: job.remoteId,
          detail: finding.detail,
        };
        this.#record(job, 'reconciled', details, now);
      }
      this.#ledger.append({ event: 'reconciled', details: { destination, ...summary } }, now);
    });
  }

  holdForAuth(destination: DestinationKind, given: string): number {
    // Server words may carry a credential (an echoed Authorization header): never to disk or the bridge.
    const reason = redactReason(given);
    return this.#moveAll('holdForAuth', destination, { lastError: reason, nextAttemptAt: null }, { reason });
  }

  releaseAuth(destination: DestinationKind): number {
    return this.#moveAll('releaseAuth', destination, { lastError: null }, {});
  }

  /** How many jobs of the destination wait for new credentials. */
  countHeldForAuth(destination: DestinationKind): number {
    return this.#value(`SELECT COUNT(*) FROM jobs WHERE state = 'needs-auth' AND destination = ?`).get(
      destination,
    ) as number;
  }

  recoverInterrupted(): number {
    // The session and confirmed offset stay: the engine asks the remote where to go on from.
    return this.#moveAll('recoverInterrupted', null, {}, { reason: 'interrupted by a stop' });
  }

  pause(id: number): JobRecord {
    return this.#operate(id, 'pause', () => ({}));
  }

  resume(id: number): JobRecord {
    return this.#operate(id, 'resume', () => ({}));
  }

  cancel(id: number): JobRecord {
    return this.#operate(id, 'cancel', () => ({ nextAttemptAt: null }));
  }

  retry(id: number): JobRecord {
    return this.#operate(id, 'retry', () => ({
      attempts: 0,
      verifyFailures: 0,
      lastError: null,
      nextAttemptAt: null,
    }));
  }

  list(filter: JobFilter, offset: number, limit: number): JobRecord[] {
    const states: readonly JobState[] | undefined = JOB_FILTER_STATES[filter];
    if (states === undefined) {
      throw new Error(`unknown job filter "${filter}" (known: ${Object.keys(JOB_FILTER_STATES).join(', ')})`);
    }
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(limit) || limit < 0) {
      throw new Error(`a job list needs a whole offset and limit of 0 or more, not ${offset} and ${limit}`);
    }
    const where = filter === 'all' ? '' : `WHERE state IN ${placeholders(states)}`;
    const rows = this.#sql(`SELECT * FROM jobs ${where} ORDER BY id DESC LIMIT ? OFFSET ?`).all(
      ...(filter === 'all' ? [] : states),
      limit,
      offset,
    ) as JobRow[];
    return rows.map((row) => this.#recordOf(row));
  }

  totals(): QueueTotals {
    const midnight = new Date(this.#clock.now());
    midnight.setHours(0, 0, 0, 0);
    return this.#db.transaction(() => {
      const counts = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
      const rows = this.#sql('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all() as {
        state: JobState;
        n: number;
      }[];
      for (const row of rows) counts[row.state] = row.n;
      const doneToday = this.#value(
        `SELECT COUNT(*) FROM jobs WHERE completed_at >= ? AND state = 'done'`,
      ).get(midnight.getTime()) as number;
      return { ...counts, doneToday };
    })();
  }

  /** An engine-facing move: false, and nothing written, when the table does not allow it now. */
  #transition(id: number, move: EngineMove, changes: ChangesOf, entry?: EntryOf): boolean {
    const rule: Move = ENGINE_MOVES[move];
    return this.#immediate(() => {
      const job = this.#require(id);
      if (!rule.from.includes(job.state)) return false;
      const now = this.#clock.now();
      this.#write(id, { ...changes(job, now), state: rule.to }, now);
      const { event, details } = entry?.(job) ?? { event: MOVE_EVENTS[move] };
      this.#record(this.#require(id), event, { ...details, from: job.state }, now);
      return true;
    });
  }

  /** Moves every job in the move's starting states (of one destination, or all), each with its entry. */
  #moveAll(
    move: EngineMove,
    destination: DestinationKind | null,
    changes: Changes,
    details: LedgerDetails,
  ): number {
    const rule: Move = ENGINE_MOVES[move];
    const where = [
      `state IN ${placeholders(rule.from)}`,
      ...(destination === null ? [] : ['destination = ?']),
    ];
    return this.#immediate(() => {
      const now = this.#clock.now();
      const rows = this.#sql(`SELECT * FROM jobs WHERE ${where.join(' AND ')} ORDER BY id`).all(
        ...rule.from,
        ...(destination === null ? [] : [destination]),
      ) as JobRow[];
      for (const job of rows.map((row) => this.#recordOf(row))) {
        this.#write(job.id, { ...changes, state: rule.to }, now);
        this.#record(job, MOVE_EVENTS[move], { ...details, from: job.state }, now);
      }
      return rows.length;
    });
  }

  /** An operator's move: refused with a message naming the job, as the UI shows it. */
  #operate(id: number, action: OperatorAction, changes: ChangesOf): JobRecord {
    const rule = OPERATOR_ACTIONS[action];
    return this.#immediate(() => {
      const job = this.#require(id);
      if (!rule.from.includes(job.state)) {
        throw new Error(`job ${id} (${job.fileName}) is ${job.state}: it cannot be ${rule.verb}`);
      }
      const now = this.#clock.now();
      this.#write(id, { ...changes(job, now), state: rule.to }, now);
      this.#record(job, ACTION_EVENTS[action], { by: 'operator', from: job.state }, now);
      return this.#require(id);
    });
  }

  /** A change that is not a move between states (progress, session, notes), with its entry if it is a fact of record. */
  #update(id: number, changes: ChangesOf, entry?: EntryOf): void {
    this.#immediate(() => {
      const now = this.#clock.now();
      const job = this.#require(id);
      this.#write(id, changes(job, now), now);
      if (entry === undefined) return;
      const { event, details } = entry(job);
      this.#record(this.#require(id), event, details ?? {}, now);
    });
  }

  #record(job: JobRecord, event: LedgerEvent, details: LedgerDetails, now: number): void {
    this.#ledger.append(
      {
        event,
        recordingId: job.recordingId,
        jobId: job.id,
        fileName: job.fileName,
        sizeBytes: job.sizeBytes,
        details,
      },
      now,
    );
  }

  #write(id: number, changes: Changes, now: number): void {
    const names = Object.keys(changes) as (keyof Changes)[];
    const sets = names.map((name) => `${COLUMNS[name]} = ?`);
    this.#sql(`UPDATE jobs SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ?`).run(
      ...names.map((name) => changes[name] ?? null),
      now,
      id,
    );
  }

  /** Statements are prepared once and kept: the queue runs the same few queries thousands of times. */
  #sql(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** A query of one column, answering with that value rather than a row object. */
  #value(sql: string): Statement {
    const key = `value:${sql}`;
    let statement = this.#statements.get(key);
    if (statement === undefined) {
      statement = this.#db.prepare(sql).pluck();
      this.#statements.set(key, statement);
    }
    return statement;
  }

  #require(id: number): JobRecord {
    const job = this.get(id);
    if (job === undefined) throw new Error(`job ${id} does not exist`);
    return job;
  }

  /** BEGIN IMMEDIATE: the state read and the write it decides belong to the same writer lock. */
  #immediate<T>(body: () => T): T {
    return this.#db.transaction(body).immediate();
  }
}

function checkQueueable(recording: Recording, destination: DestinationKind): void {
  const problem = queueProblem(recording, destination);
  if (problem !== null) throw new Error(`cannot queue the recording "${recording.path}": ${problem}`);
}

function queueProblem(recording: Recording, destination: DestinationKind): string | null {
  if (recording.path === '') return 'the path is empty';
  if (!DESTINATION_KINDS.includes(destination)) return `unknown destination "${destination}"`;
  if (!Number.isSafeInteger(recording.sizeBytes) || recording.sizeBytes < 0) {
    return `the size ${recording.sizeBytes} is not a whole number of bytes`;
  }
  if (!Number.isFinite(recording.mtimeMs)) return `the modification time ${recording.mtimeMs} is not a time`;
  return null;
}

function placeholders(values: readonly unknown[]): string {
  return `(${values.map(() => '?').join(', ')})`;
}

function toRecord(row: JobRow, openSession: (text: string) => string | null): JobRecord {
  return {
    id: row.id,
    destination: row.destination,
    path: row.path,
    fileName: row.file_name,
    sizeBytes: row.size_bytes,
    mtimeMs: row.mtime_ms,
    sidecarPath: row.sidecar_path,
    state: row.state,
    session: parseSession(row.session === null ? null : openSession(row.session)),
    pendingDiscard: parseRemoteFile(row.pending_discard),
    confirmedBytes: row.confirmed_bytes,
    attempts: row.attempts,
    verifyFailures: row.verify_failures,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    warning: row.warning,
    sidecarWarning: row.sidecar_warning,
    remoteId: row.remote_id,
    remoteUrl: row.remote_url,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
    localDeletedAt: row.local_deleted_at,
    recordingId: row.recording_id ?? stemOf(row.file_name),
    sha256: row.sha256,
    remoteHashes: parseHashes(row.remote_hashes),
    storedAt: row.stored_at,
    reconciledAt: row.reconciled_at,
    reconciledState: row.reconciled_state,
    receiptOwed: row.receipt_owed === 1,
    deletionOwed: parseOwedDeletion(row.deletion_owed),
  };
}

const owedDeletionSchema = z.object({
  sidecar: z
    .object({ path: z.string(), sizeBytes: z.number().int().nonnegative(), sha256: z.string() })
    .nullable(),
});

/**
 * The deletion a done job owes; one this version cannot read still counts as owed, with no
 * sidecar: the video alone is then deleted, and only if unchanged.
 */
function parseOwedDeletion(text: string | null): OwedDeletion | null {
  if (text === null) return null;
  try {
    return owedDeletionSchema.parse(JSON.parse(text));
  } catch {
    return { sidecar: null };
  }
}

function parseHashes(text: string | null): HashSet {
  if (text === null) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as HashSet) : {};
  } catch {
    return {};
  }
}

/** The remote's hashes in a ledger entry: remoteQuickXorHash, remoteMd5, remoteSha256. */
function prefixed(hashes: HashSet): Record<string, string> {
  return Object.fromEntries(
    Object.entries(hashes).map(([name, value]) => [`remote${name[0]?.toUpperCase()}${name.slice(1)}`, value]),
  );
}

/**
 * A session that does not read back as one is treated as none: the engine then checks whether the
 * remote already holds the file before opening a new session, so nothing is uploaded twice.
 */
function parseSession(text: string | null): RemoteSession | null {
  if (text === null) return null;
  try {
    const parsed = sessionSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The damaged copy a job must delete, as saveDiscard wrote it; null when there is none. */
function parseRemoteFile(text: string | null): RemoteFile | null {
  if (text === null) return null;
  try {
    const parsed = remoteFileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return null;
    const { driveId, ...file } = parsed.data;
    return driveId === undefined ? file : { ...file, driveId };
  } catch {
    return null;
  }
}

/** What the bridge shows of a job: no local session details, no sidecar path. */
export function toJobView(record: JobRecord): JobView {
  return {
    id: record.id,
    destination: record.destination,
    path: record.path,
    fileName: record.fileName,
    sizeBytes: record.sizeBytes,
    state: record.state,
    confirmedBytes: record.confirmedBytes,
    attempts: record.attempts,
    lastError: record.lastError,
    warning: record.warning,
    sidecarWarning: record.sidecarWarning,
    remoteId: record.remoteId,
    remoteUrl: record.remoteUrl,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    completedAt: record.completedAt,
    nextAttemptAt: record.nextAttemptAt,
    reconciledState: record.reconciledState,
    reconciledAt: record.reconciledAt,
  };
}
