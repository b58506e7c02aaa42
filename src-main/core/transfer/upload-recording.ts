import type {
  Destination,
  HashName,
  HashSet,
  RemoteFile,
  RemoteOffset,
  RemoteSession,
  UploadItem,
} from '../destinations/destination.ts';
import { isFault, TransferFault } from '../faults.ts';
import { ChunkReader } from './chunk-reader.ts';
import { hashesEqual, readPassHashes } from './hashers.ts';
import { type OffThreadHash, openHash, sharedBuffer } from './hashing-thread.ts';
import { type OpenForReading, RecordingFile } from './recording-file.ts';

/** Where the loop checkpoints: after every acknowledged chunk, before the next byte is sent. */
export interface TransferCheckpoint {
  saveSession(session: RemoteSession | null): void;
  saveProgress(confirmedBytes: number): void;
  /** The remote reports the file stored (found complete, or committed), before it is verified. */
  stored?(remote: RemoteFile): void;
  /** The destination placed the metadata sidecar beside the verified video. */
  sidecarPlaced?(): void;
  /**
   * A damaged copy of this recording's own upload that must be deleted before anything is sent
   * again (null once it is): kept with the job, so the obligation survives restarts and faults.
   */
  saveDiscard(file: RemoteFile | null): void;
}

export interface TransferInput {
  item: UploadItem;
  destination: Destination;
  /** The session persisted by an earlier attempt, if any. */
  session: RemoteSession | null;
  /** A damaged copy an earlier attempt could not delete yet: deleted first, before anything else. */
  pendingDiscard: RemoteFile | null;
  chunkSizeBytes: number;
  signal: AbortSignal;
  checkpoint: TransferCheckpoint;
  onProgress(confirmedBytes: number): void;
  onVerifying(): void;
  now(): number;
  /** The shared upload limit in force now (bytes per second; null: none). */
  uploadRate?(): number | null;
  /** How the recording is opened; the file system's open by default. */
  openFile?: OpenForReading;
  /**
   * The bench alone sets this, to measure what the proof of archive costs: uploads then skip the
   * SHA-256 they compute besides the destination's own hash, and so carry none and get no receipt.
   */
  withoutProofHash?: boolean;
}

/**
 * The one resumable chunk loop every destination uses (rclone's multipart driver, Teleport's
 * checkpoint-per-part): find out what the remote holds, send the rest in order while hashing,
 * checkpoint after every acknowledged chunk, then let the destination commit and compare hashes.
 * Throws TransferFault; the engine decides what each kind means for the job.
 *
 * A remote file counts as this recording's only when the loop knows its own session stored it (its
 * id came in an answer and was checkpointed at once), when the remote's metadata names the
 * recording (`ours`), or when its size and hash equal the local file's. Only a copy of its own is
 * ever deleted; a file that merely shares the name and size is someone else's to keep.
 */
export async function uploadRecording(input: TransferInput): Promise<RemoteFile> {
  const file = await RecordingFile.open(input.item, input.openFile);
  let remote: RemoteFile;
  try {
    remote = await transfer(input, file);
  } finally {
    await file.close();
  }
  if (input.destination.placeSidecar !== undefined) {
    await input.destination.placeSidecar(input.item, remote, input.signal);
    if (input.item.sidecar !== null) input.checkpoint.sidecarPlaced?.();
  }
  return remote;
}

async function transfer(input: TransferInput, file: RecordingFile): Promise<RemoteFile> {
  const { item, destination, signal } = input;
  await dischargeDiscard(input);
  let position = await resume(input);
  if (position === null || position === 'gone') {
    // The last answer may have been lost after the remote stored the file: look before sending.
    // The gone session stays on record until the look is done, so that a fault or a crash during
    // it looks again next time instead of sending a second copy.
    const existing = position === 'gone' ? await recognised(input, file) : null;
    if (existing !== null) return existing;
    if (position === 'gone') forget(input);
    position = await startNew(input);
  }
  let { session, offset } = position;
  if (offset.complete && offset.file !== null)
    return verified(input, offset.file, await digestOf(hashWhole(input, file)), true);
  let sent: Sent | Recognised;
  try {
    sent = await sendOrRecognise(input, file, session, offset);
  } catch (error) {
    if (!isFault(error, 'session-gone')) throw error;
    // The remote forgot the session mid-file (expiry): it never held the whole file, so it is
    // forgotten here too — before its replacement is asked for, which may fail — and one fresh
    // session goes on from byte 0.
    forget(input);
    ({ session, offset } = await startNew(input));
    sent = await sendOrRecognise(input, file, session, offset);
  }
  if ('recognised' in sent) return sent.recognised;
  try {
    session = remember(input, session, sent.committed);
    await file.assertUnchanged();
  } catch (error) {
    sent.hash.close();
    throw error;
  }
  input.onVerifying();
  const local = await sent.hash.digest();
  const remote = await destination.finish({ session, item, local, committed: sent.committed, signal });
  remember(input, session, remote);
  return verified(input, remote, local, true);
}

/**
 * The id of what this session stored is checkpointed the moment an answer carries it, before
 * anything else is done with it: a crash or a lost later answer then finds it by id.
 */
function remember(input: TransferInput, session: RemoteSession, stored: RemoteFile | null): RemoteSession {
  if (stored === null || session.storedId === stored.id) return session;
  const updated = { ...session, storedId: stored.id };
  input.checkpoint.saveSession(updated);
  return updated;
}

/**
 * A refused commit because the name is taken (conflict behaviour "fail") may be this recording's
 * own copy, stored by an attempt whose answer was lost: the name is looked at before giving up.
 */
async function sendOrRecognise(
  input: TransferInput,
  file: RecordingFile,
  session: RemoteSession,
  offset: RemoteOffset,
): Promise<Sent | Recognised> {
  try {
    return await send(input, file, session, offset);
  } catch (error) {
    if (!isFault(error, 'rejected') || error.status !== 409) throw error;
    const found = await recognised(input, file);
    if (found === null) throw error;
    return { recognised: found };
  }
}

/**
 * Of the files the remote holds that may be this recording, the one that is: the recording's
 * own by the remote's metadata (verified; a damaged one is deleted), or any whose size and hash
 * equal the local file's. Files that match only by name and size are left alone.
 */
async function recognised(input: TransferInput, file: RecordingFile): Promise<RemoteFile | null> {
  const candidates = await input.destination.findExisting(input.item, input.signal);
  if (candidates.length === 0) return null;
  const local = await digestOf(hashWhole(input, file));
  const same = candidates.find((candidate) => compare(input, candidate, local).equal);
  if (same !== undefined) return verified(input, same, local, false);
  const own = candidates.find((candidate) => candidate.ours === true);
  return own === undefined ? null : verified(input, own, local, true);
}

/** Deletes the damaged copy an earlier attempt left, before anything else; throws when it cannot. */
async function dischargeDiscard(input: TransferInput): Promise<void> {
  const owed = input.pendingDiscard;
  if (owed === null) return;
  try {
    await input.destination.discard(owed, input.signal);
  } catch (error) {
    throw undeleted(input, owed, error);
  }
  input.checkpoint.saveDiscard(null);
}

/** Why a damaged copy is still there, keeping the fault's kind so the one retry policy decides. */
function undeleted(input: TransferInput, owed: RemoteFile, error: unknown): TransferFault {
  const fault = isFault(error)
    ? error
    : new TransferFault('retriable', error instanceof Error ? error.message : String(error), {
        cause: error,
      });
  if (fault.kind === 'cancelled') return fault;
  const what = `${input.destination.kind} holds a damaged copy of ${input.item.fileName} (${owed.id}) that could not be deleted yet: ${fault.message}`;
  const advice =
    fault.kind === 'rejected'
      ? '. Nothing is uploaded beside it: delete it there, then retry'
      : '. It is deleted before anything is uploaded again';
  return new TransferFault(fault.kind, `${what}${advice}`, {
    ...(fault.status === undefined ? {} : { status: fault.status }),
    ...(fault.retryAfterMs === undefined ? {} : { retryAfterMs: fault.retryAfterMs }),
    cause: fault,
  });
}

/** What a send produced: the hash of every byte, and the file if the last answer committed it. */
interface Sent {
  hash: OffThreadHash;
  committed: RemoteFile | null;
}

/** A send that ended in finding the recording already there (see sendOrRecognise). */
interface Recognised {
  recognised: RemoteFile;
}

interface Position {
  session: RemoteSession;
  offset: RemoteOffset;
}

/**
 * Asks the remote what it holds of a persisted session before a byte is sent: null when there is
 * none, 'gone' when the remote no longer knows it (what it stored must then be looked for).
 */
async function resume(input: TransferInput): Promise<Position | 'gone' | null> {
  const { session } = input;
  if (session === null) return null;
  if (session.expiresAt !== null && session.expiresAt <= input.now()) return 'gone';
  try {
    const offset = await input.destination.probe(session, input.item, input.signal);
    if (!offset.complete) input.checkpoint.saveProgress(offset.confirmed);
    return { session, offset };
  } catch (error) {
    if (isFault(error, 'session-gone')) return 'gone';
    throw error;
  }
}

function forget(input: TransferInput): void {
  input.checkpoint.saveSession(null);
  input.checkpoint.saveProgress(0);
}

async function startNew(input: TransferInput): Promise<Position> {
  const session = await input.destination.startSession(input.item, input.signal);
  // Persisted before the first chunk, so a crash after this point resumes the same session.
  input.checkpoint.saveSession(session);
  input.checkpoint.saveProgress(0);
  return { session, offset: { complete: false, confirmed: 0 } };
}

async function send(
  input: TransferInput,
  file: RecordingFile,
  session: RemoteSession,
  offset: RemoteOffset,
): Promise<Sent> {
  if (offset.complete) return { hash: await hashWhole(input, file), committed: null };
  if (session.mode === 'chunked') return sendChunks(input, file, session, offset.confirmed);
  // single mode cannot resume part-way; it only skips a body the remote already holds whole.
  const held = input.item.sizeBytes > 0 && offset.confirmed >= input.item.sizeBytes;
  const hash = held ? await hashWhole(input, file) : await sendWhole(input, file, session);
  return { hash, committed: null };
}

export function chunkLength(session: RemoteSession, wanted: number): number {
  const multiple = Math.max(1, session.chunkMultiple);
  const capped = session.maxChunkBytes === null ? wanted : Math.min(wanted, session.maxChunkBytes);
  return Math.max(multiple, Math.floor(capped / multiple) * multiple);
}

/** Under a speed limit no chunk should take longer than this to send (AzCopy's stall under a cap). */
export const MAX_CHUNK_SECONDS = 60;

/**
 * The next chunk's length: the configured one, shrunk under a low limit to what the limit sends in
 * a minute, but never below the destination's multiple (and never above `longest`).
 */
export function chunkLengthAtRate(session: RemoteSession, longest: number, rate: number | null): number {
  if (rate === null) return longest;
  return Math.min(longest, chunkLength(session, Math.floor(rate * MAX_CHUNK_SECONDS)));
}

async function sendChunks(
  input: TransferInput,
  file: RecordingFile,
  session: RemoteSession,
  startAt: number,
): Promise<Sent> {
  const { item, destination, signal } = input;
  const total = item.sizeBytes;
  const size = chunkLength(session, input.chunkSizeBytes);
  // The hash covers exactly the bytes the remote confirmed, [0, confirmed): all but the last
  // answer's are in `hash`; the last answer's are `unhashed`, folded in while the next chunk
  // travels, and never a byte the remote did not confirm.
  let hash = await hashPrefix(input, file, startAt, size);
  let unhashed: Uint8Array = new Uint8Array(0);
  let confirmed = startAt;
  let overlapped: Promise<void> = Promise.resolve();
  let reader: ChunkReader | null = null;
  let committed: RemoteFile | null = null;
  try {
    if (total === 0) {
      const answer = await destination.putChunk(
        session,
        { start: 0, bytes: new Uint8Array(0), total },
        signal,
      );
      if (!answer.complete) throw incomplete(input, answer.confirmed);
      return { hash, committed: answer.file };
    }
    // Buffers for the longest chunk; under a limit, chunks shrink (and grow back) with the rate.
    reader = new ChunkReader(file, Math.min(size, total));
    const ahead = reader;
    while (confirmed < total) {
      if (signal.aborted) throw new TransferFault('cancelled', `upload of ${item.path} was stopped`);
      await file.assertUnchanged();
      const length = Math.min(
        chunkLengthAtRate(session, size, input.uploadRate?.() ?? null),
        total - confirmed,
      );
      const bytes = await reader.read(confirmed, length);
      const answered = destination.putChunk(session, { start: confirmed, bytes, total }, signal);
      // While this chunk travels, the hashing thread hashes the last one where it lies, and then
      // the disk reads the next one into that buffer.
      const next = confirmed + length;
      overlapped = hash.update(unhashed).then(() => {
        if (next < total) {
          ahead.readAhead(
            next,
            Math.min(chunkLengthAtRate(session, size, input.uploadRate?.() ?? null), total - next),
          );
        }
      });
      const [answer] = await Promise.all([answered, overlapped]);
      const now = answer.complete ? total : answer.confirmed;
      if (answer.complete) committed = answer.file;
      if (now > confirmed + length || now > total) {
        throw new TransferFault(
          'rejected',
          `${destination.kind} confirmed ${now} bytes of ${item.fileName}, more than was sent`,
        );
      }
      if (now >= confirmed) {
        unhashed = bytes.subarray(0, now - confirmed);
      } else {
        // The remote lost bytes it had confirmed: the hash must be rebuilt to match.
        hash.close();
        hash = await hashPrefix(input, file, now, size);
        unhashed = new Uint8Array(0);
      }
      if (now !== confirmed) input.checkpoint.saveProgress(now);
      confirmed = now;
      input.onProgress(confirmed);
    }
    await hash.update(unhashed);
    return { hash, committed };
  } catch (error) {
    hash.close();
    throw error;
  } finally {
    await overlapped.catch(() => {});
    await reader?.settle();
  }
}

function incomplete(input: TransferInput, confirmed: number): TransferFault {
  return new TransferFault(
    'retriable',
    `${input.destination.kind} holds ${confirmed} of ${input.item.sizeBytes} bytes of ${input.item.fileName} after the last chunk`,
  );
}

/** Single-request mode's pieces in flight at most: 8 MiB of shared memory, reused. */
const PIECE_RING = 8;

/** single mode: one streamed request, hashed as it is read; an interruption restarts it whole. */
async function sendWhole(
  input: TransferInput,
  file: RecordingFile,
  session: RemoteSession,
): Promise<OffThreadHash> {
  const send = input.destination.sendWhole?.bind(input.destination);
  if (send === undefined) {
    throw new TransferFault('rejected', `${input.destination.kind} cannot take a recording in one request`);
  }
  const hash = openHash(readPassHashes(input.destination.hashes, input.withoutProofHash !== true));
  const total = input.item.sizeBytes;
  const pieceSize = Math.min(input.chunkSizeBytes, 1024 * 1024);
  // Pieces in a ring of shared memory: the hashing thread reads each where it lies while it goes
  // out. A fresh buffer per piece left a gigabyte of garbage per gigabyte sent, held by the
  // hashing thread's heap until it collected (peaks of 800 MB). A slot is read into again only
  // once its hash is done and PIECE_RING - 1 later pieces have been asked for: this stream is
  // pulled only when its one-piece queue is empty, and the pacing and time-out streams after it
  // and fetch's writing hold a few pieces at most. (Were a piece ever overwritten before it was
  // sent, the server's hash of what it got would differ from ours, and the upload would not count.)
  const ring: Buffer[] = [];
  const hashed: Array<Promise<void>> = [];
  let position = 0;
  let piece = 0;
  const body = new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      if (position >= total) {
        controller.close();
        return;
      }
      const length = Math.min(pieceSize, total - position);
      const slot = piece % PIECE_RING;
      piece += 1;
      await hashed[slot];
      ring[slot] ??= sharedBuffer(pieceSize);
      const bytes = await file.read(position, length, ring[slot]);
      position += length;
      input.onProgress(position);
      controller.enqueue(bytes);
      const done = hash.update(bytes);
      hashed[slot] = done;
      await done;
    },
  });
  try {
    await send(session, input.item, body, input.signal);
    if (position !== total) throw incomplete(input, position);
  } catch (error) {
    hash.close();
    throw error;
  }
  input.checkpoint.saveProgress(total);
  return hash;
}

/**
 * After a restart the remote already holds [0, upTo): those bytes are hashed again, not re-sent.
 * Two buffers: the disk reads one while the hashing thread hashes the other.
 */
async function hashPrefix(
  input: TransferInput,
  file: RecordingFile,
  upTo: number,
  size: number,
): Promise<OffThreadHash> {
  const hash = openHash(readPassHashes(input.destination.hashes, input.withoutProofHash !== true));
  const length = Math.max(1, Math.min(size, upTo));
  const buffers = upTo > length ? [sharedBuffer(length), sharedBuffer(length)] : [sharedBuffer(length)];
  // The update of the buffer read before this one: awaited before that buffer is read into again.
  let hashed: Promise<void> = Promise.resolve();
  try {
    for (let position = 0, turn = 0; position < upTo; turn += 1) {
      if (input.signal.aborted)
        throw new TransferFault('cancelled', `upload of ${input.item.path} was stopped`);
      const take = Math.min(length, upTo - position);
      const bytes = await file.read(position, take, buffers[turn % buffers.length]);
      await hashed;
      hashed = hash.update(bytes);
      position += take;
    }
    await hashed;
  } catch (error) {
    await hashed.catch(() => {});
    hash.close();
    throw error;
  }
  return hash;
}

function hashWhole(input: TransferInput, file: RecordingFile): Promise<OffThreadHash> {
  return hashPrefix(input, file, input.item.sizeBytes, input.chunkSizeBytes);
}

async function digestOf(hashing: Promise<OffThreadHash>): Promise<HashSet> {
  return (await hashing).digest();
}

/** The remote's hashes against the local ones: equal only when at least one was compared. */
function compare(
  input: TransferInput,
  remote: RemoteFile,
  local: HashSet,
): {
  equal: boolean;
  compared: boolean;
  matched: HashSet;
  differs: { name: HashName; theirs: string; mine: string } | null;
} {
  const matched: HashSet = {};
  for (const name of input.destination.hashes) {
    const theirs = remote.hashes[name];
    const mine = local[name];
    if (theirs === undefined || mine === undefined) continue;
    if (!hashesEqual(name, theirs, mine)) {
      return { equal: false, compared: true, matched, differs: { name, theirs, mine } };
    }
    matched[name] = theirs;
  }
  const compared = Object.keys(matched).length > 0;
  return { equal: compared, compared, matched, differs: null };
}

/**
 * The one hash comparison of every upload of this recording's own. A copy that differs is to be
 * deleted: the obligation is kept with the job first, then the delete is tried at once; what it
 * could not do now, the next attempt does before anything else.
 */
async function verified(
  input: TransferInput,
  remote: RemoteFile,
  mine: HashSet,
  ours: boolean,
): Promise<RemoteFile> {
  // A copy this upload made is on record as stored before it is compared; a file found only by
  // name and size is someone else's until its hash proves it is this recording.
  if (ours) input.checkpoint.stored?.(remote);
  const { compared, differs, matched } = compare(input, remote, mine);
  if (differs === null) {
    if (!ours) input.checkpoint.stored?.(remote);
    return { ...remote, verified: compared, localHashes: mine, matchedHashes: matched };
  }
  const fate = ours ? await discardNow(input, remote) : '';
  throw new TransferFault(
    'hash-mismatch',
    `${input.destination.kind} stored ${input.item.fileName} with ${differs.name} ${differs.theirs}, but the local file's ${differs.name} is ${differs.mine}${fate}`,
  );
}

/** Says what became of a copy that failed verification, for the job's reason and the log. */
async function discardNow(input: TransferInput, remote: RemoteFile): Promise<string> {
  const owed: RemoteFile = { id: remote.id, url: remote.url, hashes: remote.hashes };
  if (remote.driveId !== undefined) owed.driveId = remote.driveId;
  input.checkpoint.saveDiscard(owed);
  try {
    await input.destination.discard(owed, input.signal);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `; the stored copy could not be deleted yet (${reason}): it is deleted before anything is uploaded again`;
  }
  input.checkpoint.saveDiscard(null);
  return '; the stored copy was deleted';
}
