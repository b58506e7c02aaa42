import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  Chunk,
  Destination,
  FinishStep,
  HashName,
  HashSet,
  RemoteFile,
  RemoteOffset,
  RemoteSession,
  UploadItem,
} from '../../src-main/core/destinations/destination.ts';
import { uploadRecording } from '../../src-main/core/transfer/upload-recording.ts';
import { writeUploadItem } from '../support/upload-item.ts';

const MULTIPLE = 1024;
const digest = (name: string, bytes: Uint8Array): string => createHash(name).update(bytes).digest('hex');

/** A remote that verifies with md5 only, like Google Drive, and keeps what it is sent. */
class Md5Remote implements Destination {
  readonly kind = 'gdrive' as const;
  readonly hashes: readonly HashName[] = ['md5'];
  held = Buffer.alloc(0);
  finishedWith: HashSet | null = null;
  readonly #mode: 'chunked' | 'single';

  constructor(mode: 'chunked' | 'single') {
    this.#mode = mode;
  }

  async findExisting(): Promise<RemoteFile[]> {
    return [];
  }
  async startSession(): Promise<RemoteSession> {
    return { mode: this.#mode, chunkMultiple: MULTIPLE, maxChunkBytes: null, expiresAt: null, state: {} };
  }
  async probe(): Promise<RemoteOffset> {
    return { complete: false, confirmed: this.held.byteLength };
  }
  async putChunk(_s: RemoteSession, chunk: Chunk): Promise<RemoteOffset> {
    this.held = Buffer.concat([this.held, chunk.bytes]);
    return this.held.byteLength === chunk.total
      ? { complete: true, file: null }
      : { complete: false, confirmed: this.held.byteLength };
  }
  async sendWhole(_s: RemoteSession, _i: UploadItem, body: ReadableStream<Uint8Array>): Promise<void> {
    for await (const piece of body) this.held = Buffer.concat([this.held, piece]);
  }
  async finish({ local }: FinishStep): Promise<RemoteFile> {
    this.finishedWith = local;
    return { id: 'file-1', url: null, hashes: { md5: digest('md5', this.held) } };
  }
  async discard(): Promise<void> {
    throw new Error('nothing is ever discarded here');
  }
}

describe('the read pass computes SHA-256 whatever the destination verifies with', () => {
  let dir: string;
  let item: UploadItem;
  let content: Buffer;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'read-pass-'));
    content = randomBytes(5 * 16 * MULTIPLE + 77);
    item = writeUploadItem(dir, 'rec.mp4', content, 'rec');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const mode of ['chunked', 'single'] as const) {
    it(`keeps the SHA-256 of the bytes sent beside the md5 that matched (${mode})`, async () => {
      const remote = new Md5Remote(mode);
      const stored: string[] = [];
      const file = await uploadRecording({
        item,
        destination: remote,
        session: null,
        chunkSizeBytes: 16 * MULTIPLE,
        signal: new AbortController().signal,
        pendingDiscard: null,
        checkpoint: {
          saveSession: () => {},
          saveProgress: () => {},
          saveDiscard: () => {},
          stored: (f) => stored.push(f.id),
        },
        onProgress: () => {},
        onVerifying: () => {},
        now: () => Date.now(),
      });

      expect(file.verified).toBe(true);
      expect(file.localHashes?.sha256).toBe(digest('sha256', content));
      expect(file.localHashes?.md5).toBe(digest('md5', content));
      expect(file.matchedHashes).toEqual({ md5: digest('md5', content) });
      expect(remote.finishedWith?.sha256).toBe(digest('sha256', content));
      expect(stored).toEqual(['file-1']);
    });
  }
});
