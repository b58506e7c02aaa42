import type { DestinationKind } from '../../../src-shared/settings.ts';
import type { Sidecar } from '../recording.ts';

export type HashName = 'sha256' | 'md5' | 'quickXorHash';
/** Hashes as the destination spells them: hex for sha256/md5, base64 for quickXorHash. */
export type HashSet = Partial<Record<HashName, string>>;

/** What a destination needs to know of the recording it uploads. */
export interface UploadItem {
  jobId: number;
  path: string;
  fileName: string;
  sizeBytes: number;
  mtimeMs: number;
  /** The recording's own id, stable across retries: the sidecar's session_id, else the file's base name. */
  recordingId: string;
  sidecar: Sidecar | null;
}

/**
 * The sidecar to store beside the video, as it was read when the upload began; null when there is
 * none, or when it was not valid JSON (that is reported on the job, and the video goes alone).
 */
export function sidecarToSend(item: UploadItem): { path: string; bytes: Uint8Array } | null {
  const sidecar = item.sidecar;
  if (sidecar === null || sidecar.json === null || sidecar.bytes === undefined) return null;
  return { path: sidecar.path, bytes: sidecar.bytes };
}

/** A file the destination holds, as its listing describes it: metadata only, never its bytes. */
export interface HeldFile {
  id: string;
  name: string;
  sizeBytes: number;
  /** The remote's own hashes, where its listing gives them. */
  hashes: HashSet;
}

/** The folder, at the top of where recordings go, that holds each machine's heartbeat file. */
export const FLEET_FOLDER_NAME = '_recording-uploader';

/** A small file placed beside a recording: its receipt. */
export interface BesideFile {
  name: string;
  bytes: Uint8Array;
  role: 'receipt';
}

/**
 * A remote upload session as the store persists it (JSON). `state` is the destination's own
 * (URLs, ids); the chunk loop reads only the fields outside it.
 */
export interface RemoteSession {
  /** chunked: sent in ordered pieces, resumable. single: one streamed request, restarts whole. */
  mode: 'chunked' | 'single';
  /** Every chunk but the last is a multiple of this. */
  chunkMultiple: number;
  /** Largest chunk the remote accepts in one request, if it has a limit. */
  maxChunkBytes: number | null;
  /** Epoch ms after which the remote forgets the session; null if unknown. */
  expiresAt: number | null;
  /**
   * The id of the file this session stored, checkpointed by the chunk loop the moment an answer
   * carried it: after a crash or a lost later answer, probe() finds the file by this id, never by
   * its name.
   */
  storedId?: string | null;
  state: Record<string, string | number | boolean | null>;
}

/**
 * What the remote holds of a session. Complete with a file: already committed (nothing left to
 * do but verify); complete without one: every byte is there, finish() still commits it.
 */
export type RemoteOffset =
  | { complete: false; confirmed: number }
  | { complete: true; file: RemoteFile | null };

export interface RemoteFile {
  id: string;
  url: string | null;
  /** The remote's own hashes of what it stored, where it reports them. */
  hashes: HashSet;
  /** Where a remote's ids are per drive (OneDrive), the drive that holds the file. */
  driveId?: string | null;
  /**
   * Set by the chunk loop: at least one of the remote's hashes was compared with ours and
   * matched. Only a verified upload may ever lead to the local file being deleted.
   */
  verified?: boolean;
  /** Set by the chunk loop: every hash of the local bytes it computed, SHA-256 always among them. */
  localHashes?: HashSet;
  /** Set by the chunk loop: the remote's own hashes that were compared with ours and matched. */
  matchedHashes?: HashSet;
  /**
   * findExisting only: the remote's own record of the file names this recording's id (Drive's
   * appProperties), so it is certainly an earlier upload of it. Any other file found there counts
   * as the recording only when its size and hash equal the local file's, and is never deleted.
   */
  ours?: boolean;
}

/** What finish() is given: the session whose every byte the remote holds, and what is known of it. */
export interface FinishStep {
  session: RemoteSession;
  item: UploadItem;
  /** The hashes of the local file, computed while its bytes were read. */
  local: HashSet;
  /** The file the last chunk's answer already reported as stored (remotes that commit on the last byte), else null. */
  committed: RemoteFile | null;
  signal: AbortSignal;
}

export interface Chunk {
  start: number;
  bytes: Uint8Array;
  total: number;
}

/**
 * One destination's protocol, and nothing else: no retry loops, no reading files, no state.
 * Every method throws TransferFault (see faults.ts) classified by the destination.
 */
export interface Destination {
  readonly kind: DestinationKind;
  /** The hashes the chunk loop computes while reading, which finish() verifies against. */
  readonly hashes: readonly HashName[];
  /**
   * Before a new session for a job that had one (its answer may have been lost after the remote
   * stored the file): the files there that may be this recording — found by the recording's id in
   * the remote's own metadata (`ours`), or by its name, as the remote may have renamed it, and size.
   * The chunk loop counts one only when it is `ours` or its hash equals the local file's.
   */
  findExisting(item: UploadItem, signal: AbortSignal): Promise<RemoteFile[]>;
  startSession(item: UploadItem, signal: AbortSignal): Promise<RemoteSession>;
  /** After a restart or an error: what does the remote hold? Throws session-gone when it forgot. */
  probe(session: RemoteSession, item: UploadItem, signal: AbortSignal): Promise<RemoteOffset>;
  /** chunked mode: send one chunk; the answer says what the remote now holds. */
  putChunk(session: RemoteSession, chunk: Chunk, signal: AbortSignal): Promise<RemoteOffset>;
  /** single mode: stream the whole file in one request. Only remotes that offer sessions in that mode. */
  sendWhole?(
    session: RemoteSession,
    item: UploadItem,
    body: ReadableStream<Uint8Array>,
    signal: AbortSignal,
  ): Promise<void>;
  /** The remote holds every byte: upload the sidecar, commit, and report what was stored. */
  finish(step: FinishStep): Promise<RemoteFile>;
  /**
   * Remotes that keep the sidecar as a file of its own beside the video place it here, once the
   * video is verified, however it got there (sent now, or found complete after a restart).
   * Called again after a crash, so it must be idempotent.
   */
  placeSidecar?(item: UploadItem, video: RemoteFile, signal: AbortSignal): Promise<void>;
  /**
   * Deletes a stored copy of this recording's own upload whose hash differs from the recording's,
   * so that it neither stays looking like the recording nor is found complete by the next attempt.
   * Gone already counts as deleted. Throws a TransferFault classified like any other request's
   * when the copy could not be deleted: the chunk loop keeps the obligation and tries again.
   */
  discard(file: RemoteFile, signal: AbortSignal): Promise<void>;
  /**
   * Places a small file of the uploader's own beside the verified video (its receipt), once: a
   * file of that name holding the same bytes already there is left as it is. Resolves false when
   * this destination has no place for it (a storage API server without the extension).
   */
  placeBeside?(item: UploadItem, video: RemoteFile, file: BesideFile, signal: AbortSignal): Promise<boolean>;
  /**
   * Every recording the destination holds where this uploader puts them, from its listing alone
   * (no download): OneDrive's folder tree, Drive's files marked as recordings, the storage API's
   * GET /recordings. Throws when the destination cannot list them.
   */
  listHeld?(signal: AbortSignal): Promise<HeldFile[]>;
  /**
   * Writes this machine's heartbeat (a small JSON file) where the fleet's admin sees it: NAME in
   * the _recording-uploader folder at the top of the upload folder, replacing the last one; the
   * storage API: by its optional heartbeat extension. Resolves false where there is no place for it.
   */
  writeHeartbeat?(name: string, bytes: Uint8Array, signal: AbortSignal): Promise<boolean>;
}
