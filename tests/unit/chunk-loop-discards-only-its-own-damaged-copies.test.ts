import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  Chunk,
  Destination,
  RemoteFile,
  RemoteOffset,
  RemoteSession,
  UploadItem,
} from '../../src-main/core/destinations/destination.ts';
import { TransferFault } from '../../src-main/core/faults.ts';
import { uploadRecording } from '../../src-main/core/transfer/upload-recording.ts';
import { writeUploadItem } from '../support/upload-item.ts';

const WRONG = '0'.repeat(64);
const PERSISTED: RemoteSession = {
  mode: 'chunked',
  chunkMultiple: 1024,
  maxChunkBytes: null,
  expiresAt: null,
  state: { id: 'earlier' },
};

/**
 * A remote whose session from an earlier attempt is gone, which may hold files found there (by
 * name and size, or by the recording's id), stores what it is sent with the hash a test gives it,
 * and records what it was asked to delete.
 */
class DamagingRemote implements Destination {
  readonly kind = 'storage-api' as const;
  readonly hashes = ['sha256'] as const;
  readonly discarded: string[] = [];
  readonly sessionsStarted: string[] = [];
  found: RemoteFile[] = [];
  storedSha256 = WRONG;
  discardFails: TransferFault[] = [];
  /** The commit (last chunk) is refused because the name is taken, as OneDrive's "fail" does. */
  nameTaken = false;

  async findExisting(): Promise<RemoteFile[]> {
    return this.found;
  }
  async startSession(): Promise<RemoteSession> {
    this.sessionsStarted.push('new');
    return { ...PERSISTED, state: { id: 'new' } };
  }
  async probe(): Promise<RemoteOffset> {
    throw new TransferFault('session-gone', 'the earlier session is gone');
  }
  async putChunk(_session: RemoteSession, chunk: Chunk): Promise<RemoteOffset> {
    if (this.nameTaken && chunk.start + chunk.bytes.byteLength === chunk.total) {
      throw new TransferFault('rejected', 'a file named rec.mp4 is there already', { status: 409 });
    }
    return chunk.start + chunk.bytes.byteLength === chunk.total
      ? { complete: true, file: null }
      : { complete: false, confirmed: chunk.start + chunk.bytes.byteLength };
  }
  async finish(): Promise<RemoteFile> {
    return { id: 'stored-now', url: null, hashes: { sha256: this.storedSha256 } };
  }
  async discard(file: RemoteFile): Promise<void> {
    const failure = this.discardFails.shift();
    if (failure !== undefined) throw failure;
    this.discarded.push(file.id);
  }
}

describe('the chunk loop, when a stored copy hashes differently', () => {
  let dir: string;
  let item: UploadItem;
  let good: string;
  /** What the loop asked the job to keep as its delete obligation, in order. */
  let obligations: Array<string | null>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chunk-loop-discard-'));
    item = writeUploadItem(dir, 'rec.mp4', randomBytes(5000), 'rec-1');
    good = createHash('sha256').update(readFileSync(item.path)).digest('hex');
    obligations = [];
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const upload = (
    remote: DamagingRemote,
    pendingDiscard: RemoteFile | null = null,
    session: RemoteSession | null = PERSISTED,
  ): Promise<RemoteFile> =>
    uploadRecording({
      item,
      destination: remote,
      session,
      pendingDiscard,
      chunkSizeBytes: 4096,
      signal: new AbortController().signal,
      checkpoint: {
        saveSession: () => {},
        saveProgress: () => {},
        saveDiscard: (file) => obligations.push(file === null ? null : file.id),
      },
      onProgress: () => {},
      onVerifying: () => {},
      now: () => Date.now(),
    });

  const failure = async (attempt: Promise<RemoteFile>): Promise<TransferFault> => {
    const error = await attempt.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TransferFault);
    return error as TransferFault;
  };

  it('neither counts nor deletes a file found only by its name and size: it uploads its own beside it', async () => {
    const remote = new DamagingRemote();
    remote.found = [{ id: 'someone-elses', url: null, hashes: { sha256: WRONG } }];
    remote.storedSha256 = good;
    const file = await upload(remote);
    expect(file.id).toBe('stored-now');
    expect(file.verified).toBe(true);
    expect(remote.sessionsStarted).toHaveLength(1);
    expect(remote.discarded).toEqual([]);
    expect(obligations).toEqual([]);
  });

  it('counts a file of the same size and hash as the recording, whatever its name, and sends nothing', async () => {
    const remote = new DamagingRemote();
    remote.found = [
      { id: 'someone-elses', url: null, hashes: { sha256: WRONG } },
      { id: 'renamed-copy', url: null, hashes: { sha256: good } },
    ];
    const file = await upload(remote);
    expect(file).toMatchObject({ id: 'renamed-copy', verified: true });
    expect(remote.sessionsStarted).toEqual([]);
    expect(remote.discarded).toEqual([]);
  });

  it('takes a commit refused for a taken name as its own copy only when the file there has its hash', async () => {
    const remote = new DamagingRemote();
    remote.nameTaken = true;
    remote.found = [{ id: 'stored-by-a-lost-answer', url: null, hashes: { sha256: good } }];
    const file = await upload(remote, null, null);
    expect(file).toMatchObject({ id: 'stored-by-a-lost-answer', verified: true });
    expect(remote.sessionsStarted).toHaveLength(1);

    const foreign = new DamagingRemote();
    foreign.nameTaken = true;
    foreign.found = [{ id: 'someone-elses', url: null, hashes: { sha256: WRONG } }];
    const fault = await failure(upload(foreign, null, null));
    expect(fault.kind).toBe('rejected');
    expect(fault.status).toBe(409);
    expect(foreign.discarded).toEqual([]);
  });

  it('deletes an earlier upload of this recording found by its id, keeping the obligation until it is done', async () => {
    const remote = new DamagingRemote();
    remote.found = [{ id: 'by-id', url: null, hashes: { sha256: WRONG }, ours: true }];
    const fault = await failure(upload(remote));
    expect(fault.kind).toBe('hash-mismatch');
    expect(fault.message).toMatch(/; the stored copy was deleted$/);
    expect(remote.discarded).toEqual(['by-id']);
    expect(obligations).toEqual(['by-id', null]);
  });

  it('deletes the copy its own session stored, and keeps a copy that matches', async () => {
    const remote = new DamagingRemote();
    const fault = await failure(upload(remote));
    expect(fault.message).toMatch(/; the stored copy was deleted$/);
    expect(remote.discarded).toEqual(['stored-now']);

    const matching = new DamagingRemote();
    matching.storedSha256 = good;
    const file = await upload(matching);
    expect(file.verified).toBe(true);
    expect(matching.discarded).toEqual([]);
  });

  it('keeps the obligation when the delete fails, and the next attempt deletes before it sends anything', async () => {
    const remote = new DamagingRemote();
    remote.discardFails = [
      new TransferFault('retriable', 'DELETE answered 502', { status: 502 }),
      new TransferFault('network', 'DELETE could not connect (ECONNRESET)'),
    ];
    const first = await failure(upload(remote));
    expect(first.kind).toBe('hash-mismatch');
    expect(first.message).toMatch(
      /; the stored copy could not be deleted yet \(DELETE answered 502\): it is deleted before anything is uploaded again$/,
    );
    expect(obligations).toEqual(['stored-now']);
    const owed: RemoteFile = { id: 'stored-now', url: null, hashes: {} };

    const second = await failure(upload(remote, owed));
    expect(second.kind).toBe('network');
    expect(second.message).toContain('damaged copy of rec.mp4 (stored-now) that could not be deleted yet');
    expect(remote.sessionsStarted).toHaveLength(1);

    remote.storedSha256 = good;
    const file = await upload(remote, owed);
    expect(file.verified).toBe(true);
    expect(remote.discarded).toEqual(['stored-now']);
    expect(remote.sessionsStarted).toHaveLength(2);
    expect(obligations).toEqual(['stored-now', null]);
  });

  it('reports a copy it may not delete, and uploads nothing beside it', async () => {
    const remote = new DamagingRemote();
    remote.discardFails = [
      new TransferFault('rejected', 'DELETE answered 403: not allowed', { status: 403 }),
    ];
    const fault = await failure(upload(remote, { id: 'damaged', url: null, hashes: {} }));
    expect(fault.kind).toBe('rejected');
    expect(fault.status).toBe(403);
    expect(fault.message).toBe(
      'storage-api holds a damaged copy of rec.mp4 (damaged) that could not be deleted yet: DELETE answered 403: not allowed. Nothing is uploaded beside it: delete it there, then retry',
    );
    expect(remote.sessionsStarted).toEqual([]);
    expect(obligations).toEqual([]);
  });
});
