import type { Hash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';

/**
 * Writes one chunk (or one whole single-request upload) into a session's file at the next
 * expected offset, hashing a copy of the session's running hash. Nothing counts as held until
 * `commit`: a chunk cut short by a reset is truncated away and its bytes never reach the hash,
 * so the sha256 the server reports is always that of the bytes it holds.
 */
export class ByteSink {
  readonly start: number;
  private readonly file: FileHandle;
  private readonly hash: Hash;
  private readonly limit: number;
  private written = 0;

  private constructor(file: FileHandle, start: number, hash: Hash, limit: number) {
    this.file = file;
    this.start = start;
    this.hash = hash;
    this.limit = limit;
  }

  /** `limit`: the most bytes this write may keep; more is the caller's rule to enforce. */
  static async open(path: string, start: number, committedHash: Hash, limit: number): Promise<ByteSink> {
    const file = await open(path, 'r+');
    await file.truncate(start);
    return new ByteSink(file, start, committedHash.copy(), limit);
  }

  get bytesWritten(): number {
    return this.written;
  }

  /** Keeps at most `limit` bytes in all; bytes past it are read but dropped (partial acknowledgement). */
  async write(bytes: Buffer): Promise<void> {
    const room = this.limit - this.written;
    const kept = bytes.length <= room ? bytes : bytes.subarray(0, Math.max(0, room));
    if (kept.length === 0) return;
    await this.file.write(kept, 0, kept.length, this.start + this.written);
    this.hash.update(kept);
    this.written += kept.length;
  }

  async commit(): Promise<{ hash: Hash; written: number }> {
    await this.file.close();
    return { hash: this.hash, written: this.written };
  }

  async abort(): Promise<void> {
    try {
      await this.file.truncate(this.start);
    } finally {
      await this.file.close();
    }
  }
}
