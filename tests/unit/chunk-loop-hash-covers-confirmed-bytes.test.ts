import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  Chunk,
  Destination,
  FinishStep,
  HashSet,
  RemoteFile,
  RemoteOffset,
  RemoteSession,
  UploadItem,
} from '../../src-main/core/destinations/destination.ts';
import { TransferFault } from '../../src-main/core/faults.ts';
import { uploadRecording } from '../../src-main/core/transfer/upload-recording.ts';
import { writeUploadItem } from '../support/upload-item.ts';

const MULTIPLE = 1024;
const CHUNK = 16 * MULTIPLE;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** How many bytes of a chunk the remote keeps, and whether it forgets some it held. */
type Decide = (call: number, start: number, length: number) => { held: number };

/**
 * A remote that holds bytes in memory and confirms what a script says, the way real servers may
 * confirm less than was sent (Drive, Graph, the storage API) or lose what they held.
 */
class ScriptedRemote implements Destination {
  readonly kind = 'storage-api' as const;
  readonly hashes = ['sha256'] as const;
  readonly starts: number[] = [];
  held = Buffer.alloc(0);
  finishedWith: HashSet | null = null;
  readonly #total: number;
  readonly #decide: Decide;

  constructor(total: number, decide: Decide) {
    this.#total = total;
    this.#decide = decide;
  }

  async testConnection(): Promise<void> {}

  async findExisting(): Promise<RemoteFile[]> {
    return [];
  }

  async startSession(): Promise<RemoteSession> {
    return { mode: 'chunked', chunkMultiple: MULTIPLE, maxChunkBytes: null, expiresAt: null, state: {} };
  }

  async probe(): Promise<RemoteOffset> {
    return { complete: false, confirmed: this.held.byteLength };
  }

  async putChunk(_session: RemoteSession, chunk: Chunk): Promise<RemoteOffset> {
    if (chunk.start !== this.held.byteLength) {
      throw new TransferFault('rejected', `chunk at ${chunk.start}, expected ${this.held.byteLength}`);
    }
    this.starts.push(chunk.start);
    const received = Buffer.concat([this.held, chunk.bytes]);
    const { held } = this.#decide(this.starts.length, chunk.start, chunk.bytes.byteLength);
    this.held = Buffer.from(received.subarray(0, held));
    return this.held.byteLength === this.#total
      ? { complete: true, file: null }
      : { complete: false, confirmed: this.held.byteLength };
  }

  async sendWhole(): Promise<void> {
    throw new Error('chunked remote');
  }

  async finish({ local }: FinishStep): Promise<RemoteFile> {
    this.finishedWith = local;
    return { id: 'remote-1', url: null, hashes: { sha256: sha256(this.held) } };
  }

  async discard(): Promise<void> {
    throw new Error('nothing is ever discarded here');
  }
}

describe('chunk loop', () => {
  let dir: string;
  let item: UploadItem;
  let content: Buffer;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chunk-loop-'));
    content = randomBytes(7 * CHUNK + 555);
    item = writeUploadItem(dir, 'rec.mp4', content, 'rec');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const upload = async (remote: ScriptedRemote) => {
    const progress: number[] = [];
    const file = await uploadRecording({
      item,
      destination: remote,
      session: null,
      chunkSizeBytes: CHUNK,
      signal: new AbortController().signal,
      pendingDiscard: null,
      checkpoint: {
        saveSession: () => {},
        saveProgress: (confirmed) => progress.push(confirmed),
        saveDiscard: () => {},
      },
      onProgress: () => {},
      onVerifying: () => {},
      now: () => Date.now(),
    });
    return { file, progress };
  };

  it('hashes exactly the file when every chunk is confirmed whole', async () => {
    const remote = new ScriptedRemote(content.byteLength, (_n, start, length) => ({ held: start + length }));
    const { file, progress } = await upload(remote);
    expect(file.id).toBe('remote-1');
    expect(remote.finishedWith?.sha256).toBe(sha256(content));
    expect(Buffer.compare(remote.held, content)).toBe(0);
    expect(remote.starts).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => i * CHUNK));
    expect(progress).toEqual([0, ...remote.starts.slice(1), content.byteLength]);
  });

  it('sends on from what the remote confirmed when it keeps only part of each chunk', async () => {
    // Half of every chunk but the last is kept: each send starts where the last confirmation ended.
    const remote = new ScriptedRemote(content.byteLength, (_n, start, length) => ({
      held: start + (length === CHUNK ? CHUNK / 2 : length),
    }));
    const { progress } = await upload(remote);
    expect(remote.finishedWith?.sha256).toBe(sha256(content));
    expect(Buffer.compare(remote.held, content)).toBe(0);
    expect(remote.starts.slice(0, 3)).toEqual([0, CHUNK / 2, CHUNK]);
    expect(progress.slice(0, 3)).toEqual([0, CHUNK / 2, CHUNK]);
  });

  it('rebuilds the hash when the remote forgets bytes it had confirmed', async () => {
    // After the fourth chunk the remote says it holds only the first one.
    const remote = new ScriptedRemote(content.byteLength, (n, start, length) => ({
      held: n === 4 ? CHUNK : start + length,
    }));
    const { progress } = await upload(remote);
    expect(remote.finishedWith?.sha256).toBe(sha256(content));
    expect(Buffer.compare(remote.held, content)).toBe(0);
    expect(remote.starts.slice(0, 6)).toEqual([0, CHUNK, 2 * CHUNK, 3 * CHUNK, CHUNK, 2 * CHUNK]);
    expect(progress).toContain(CHUNK);
  });

  it('confirms nothing new when a chunk is kept not at all, and then sends it again', async () => {
    const remote = new ScriptedRemote(content.byteLength, (n, start, length) => ({
      held: n === 2 ? start : start + length,
    }));
    await upload(remote);
    expect(remote.finishedWith?.sha256).toBe(sha256(content));
    expect(remote.starts.slice(0, 4)).toEqual([0, CHUNK, CHUNK, 2 * CHUNK]);
  });

  it('fails with the remote’s words, after every read it started has ended', async () => {
    const remote = new ScriptedRemote(content.byteLength, (n, start, length) => {
      if (n === 3) throw new TransferFault('rejected', 'the remote refused the third chunk');
      return { held: start + length };
    });
    await expect(upload(remote)).rejects.toMatchObject({
      kind: 'rejected',
      message: 'the remote refused the third chunk',
    });
    expect(remote.held.byteLength).toBe(2 * CHUNK);
  });
});
