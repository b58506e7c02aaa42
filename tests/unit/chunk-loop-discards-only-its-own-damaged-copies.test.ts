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
 * A remote whose session from an earlier attempt is gone, which then holds a file (found, or
 * stored on finish) with the hash a test gives it, and records what it was asked to delete.
 */
class DamagingRemote implements Destination {
  readonly kind = 'storage-api' as const;
  readonly hashes = ['sha256'] as const;
  readonly discarded: Array<{ id: string; session: RemoteSession | null }> = [];
  found: RemoteFile | null = null;
  storedSha256 = WRONG;
  discardFails: Error | null = null;

  async testConnection(): Promise<void> {}
  async findExisting(): Promise<RemoteFile | null> {
    return this.found;
  }
  async startSession(): Promise<RemoteSession> {
    return { ...PERSISTED, state: { id: 'new' } };
  }
  async probe(): Promise<RemoteOffset> {
    throw new TransferFault('session-gone', 'the earlier session is gone');
  }
  async putChunk(_session: RemoteSession, chunk: Chunk): Promise<RemoteOffset> {
    return chunk.start + chunk.bytes.byteLength === chunk.total
      ? { complete: true, file: null }
      : { complete: false, confirmed: chunk.start + chunk.bytes.byteLength };
  }
  async finish(): Promise<RemoteFile> {
    return { id: 'stored-now', url: null, hashes: { sha256: this.storedSha256 } };
  }
  async discard(file: RemoteFile, session: RemoteSession | null): Promise<void> {
    if (this.discardFails !== null) throw this.discardFails;
    this.discarded.push({ id: file.id, session });
  }
}

describe('the chunk loop, when a stored copy hashes differently', () => {
  let dir: string;
  let item: UploadItem;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chunk-loop-discard-'));
    item = writeUploadItem(dir, 'rec.mp4', randomBytes(5000), 'rec-1');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const upload = (remote: DamagingRemote): Promise<RemoteFile> =>
    uploadRecording({
      item,
      destination: remote,
      session: PERSISTED,
      chunkSizeBytes: 4096,
      signal: new AbortController().signal,
      checkpoint: { saveSession: () => {}, saveProgress: () => {} },
      onProgress: () => {},
      onVerifying: () => {},
      now: () => Date.now(),
    });

  const failure = async (remote: DamagingRemote): Promise<TransferFault> => {
    const error = await upload(remote).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TransferFault);
    return error as TransferFault;
  };

  it('leaves alone a file found only by its name and size: it may be someone else’s', async () => {
    const remote = new DamagingRemote();
    remote.found = { id: 'same-name', url: null, hashes: { sha256: WRONG } };
    const fault = await failure(remote);
    expect(fault.kind).toBe('hash-mismatch');
    expect(fault.message).toMatch(
      /^storage-api stored rec\.mp4 with sha256 0{64}, but the local file's is [0-9a-f]{64}$/,
    );
    expect(remote.discarded).toEqual([]);
  });

  it('deletes an earlier upload of this recording found by its id, naming the session it had', async () => {
    const remote = new DamagingRemote();
    remote.found = { id: 'by-id', url: null, hashes: { sha256: WRONG }, byRecordingId: true };
    const fault = await failure(remote);
    expect(fault.kind).toBe('hash-mismatch');
    expect(fault.message).toMatch(/; the stored copy was deleted$/);
    expect(remote.discarded).toEqual([{ id: 'by-id', session: PERSISTED }]);
  });

  it('deletes the copy its own session stored, and keeps a copy that matches', async () => {
    const remote = new DamagingRemote();
    const fault = await failure(remote);
    expect(fault.message).toMatch(/; the stored copy was deleted$/);
    expect(remote.discarded).toEqual([{ id: 'stored-now', session: { ...PERSISTED, state: { id: 'new' } } }]);

    const good = new DamagingRemote();
    good.storedSha256 = createHash('sha256').update(readFileSync(item.path)).digest('hex');
    const file = await upload(good);
    expect(file.verified).toBe(true);
    expect(good.discarded).toEqual([]);
  });

  it('says in the reason when the damaged copy could not be deleted', async () => {
    const remote = new DamagingRemote();
    remote.discardFails = new Error('DELETE /recordings/{id} answered HTTP 405');
    const fault = await failure(remote);
    expect(fault.kind).toBe('hash-mismatch');
    expect(fault.message).toMatch(
      /; the stored copy could not be deleted \(DELETE \/recordings\/\{id\} answered HTTP 405\)$/,
    );
  });
});
