import type { JobView } from './job.ts';
import type { LedgerEvent } from './ledger-events.ts';
import type { DestinationKind } from './settings.ts';

/**
 * One recording as an administrator checks it: where it went, what it is, when each thing happened
 * and every move it made on the way, read from the job and its ledger entries. Nothing here is a
 * secret: no token, no upload session, no capability URL.
 */
export interface JobDetails {
  job: JobView;
  destination: DestinationPlace;
  /**
   * The account and folder are those in force when it was verified (its `verified` ledger entry
   * names them); false: not verified yet (or before entries named them), they are the ones set now.
   */
  placeAsVerified: boolean;
  /** The stored file's page at the destination, only when it is a web address to open (http or https). */
  remoteLink: string | null;
  /** SHA-256 (hex) of every byte the destination confirmed, computed as they were read and sent. */
  sha256: string | null;
  /** The destination's own hashes of the stored file that matched ours, by name (sha256, md5, quickXorHash…). */
  remoteHashes: Record<string, string>;
  /** When the recording was found in the folder (epoch ms). */
  foundAt: number;
  /** When its upload first started, or null when it never did. */
  startedAt: number | null;
  /** When the destination reported the file stored, before it was verified. */
  storedAt: number | null;
  /** When it was verified and done. */
  completedAt: number | null;
  /** When the local copy was deleted after the verified upload. */
  localDeletedAt: number | null;
  sidecar: SidecarDetails | null;
  /** The receipt's file name at the destination, once it was placed. */
  receipt: string | null;
  /** Every entry of the recording's ledger, oldest first (the newest HISTORY_LIMIT of them). */
  history: JobHistoryEntry[];
  /** Entries older than those in `history`, left out to keep the answer small. */
  earlierEntries: number;
}

/** The most ledger entries a details view carries; a recording that waited out a long outage has more. */
export const HISTORY_LIMIT = 500;

/** Where the recording goes, as its receipt names it. */
export interface DestinationPlace {
  kind: DestinationKind;
  /** The account signed in there (a name or an e-mail), or null (the storage API has none). */
  account: string | null;
  /** The folder recordings go to (the storage API: its address); null when not chosen. */
  folder: string | null;
}

export interface SidecarDetails {
  fileName: string;
  /**
   * Where it went: placed beside the video (the cloud drives, as the ledger records), sent with the
   * upload itself (the storage API takes it in the upload session), or not (yet): an unreadable one
   * is named in the job's sidecar warning and the video goes without it.
   */
  stored: 'beside-the-video' | 'with-the-upload' | 'no';
}

/** One ledger entry of the recording: a move between states, or a fact of its archiving. */
export interface JobHistoryEntry {
  seq: number;
  at: number;
  event: LedgerEvent;
  /** The state it left, for a move. */
  from: string | null;
  /** Why: the error that made it wait or fail, what interrupted it… */
  reason: string | null;
  /** Until when it waits, for a wait. */
  until: number | null;
  /** Who moved it, when it was the operator. */
  by: string | null;
  /** What a reconciliation found at the destination (missing, altered), for its entry. */
  finding: string | null;
}
