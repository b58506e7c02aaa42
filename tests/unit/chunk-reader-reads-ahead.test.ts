import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChunkReader } from '../../src-main/core/transfer/chunk-reader.ts';
import { RecordingFile } from '../../src-main/core/transfer/recording-file.ts';

const CHUNK = 64 * 1024;

describe('chunk reader', () => {
  let dir: string;
  let path: string;
  let content: Buffer;
  let file: RecordingFile;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chunk-reader-'));
    path = join(dir, 'rec.mp4');
    content = randomBytes(5 * CHUNK + 123);
    writeFileSync(path, content);
    const stat = statSync(path);
    file = await RecordingFile.open({ path, sizeBytes: stat.size, mtimeMs: stat.mtimeMs });
  });

  afterEach(async () => {
    await file.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands out the chunk it read ahead, byte for byte', async () => {
    const reader = new ChunkReader(file, CHUNK);
    const first = await reader.read(0, CHUNK);
    expect(Buffer.compare(first, content.subarray(0, CHUNK))).toBe(0);
    reader.readAhead(CHUNK, CHUNK);
    const second = await reader.read(CHUNK, CHUNK);
    expect(Buffer.compare(second, content.subarray(CHUNK, 2 * CHUNK))).toBe(0);
    expect(second.buffer).not.toBe(first.buffer);
  });

  it('reads the asked range when the read-ahead guessed another, and keeps the last chunk intact', async () => {
    const reader = new ChunkReader(file, CHUNK);
    const first = await reader.read(0, CHUNK);
    const firstCopy = Buffer.from(first);
    // The remote confirmed only 1000 bytes of the first chunk: the guess at CHUNK missed.
    reader.readAhead(CHUNK, CHUNK);
    const again = await reader.read(1000, CHUNK);
    expect(Buffer.compare(again, content.subarray(1000, 1000 + CHUNK))).toBe(0);
    // The first chunk's bytes are still needed (they are hashed while the next one travels).
    expect(Buffer.compare(first, firstCopy)).toBe(0);
  });

  it('alternates two buffers through a whole file, the short last chunk included', async () => {
    const reader = new ChunkReader(file, CHUNK);
    const seen: Buffer[] = [];
    let position = 0;
    while (position < content.byteLength) {
      const length = Math.min(CHUNK, content.byteLength - position);
      const bytes = await reader.read(position, length);
      seen.push(Buffer.from(bytes));
      position += length;
      if (position < content.byteLength)
        reader.readAhead(position, Math.min(CHUNK, content.byteLength - position));
    }
    expect(Buffer.compare(Buffer.concat(seen), content)).toBe(0);
    expect(seen.at(-1)?.byteLength).toBe(123);
  });

  it('reports a read-ahead that failed when its chunk is asked for', async () => {
    const reader = new ChunkReader(file, CHUNK);
    await reader.read(0, CHUNK);
    truncateSync(path, CHUNK + 10);
    reader.readAhead(CHUNK, CHUNK);
    await expect(reader.read(CHUNK, CHUNK)).rejects.toMatchObject({
      name: 'TransferFault',
      kind: 'changed',
      message: expect.stringContaining('became shorter'),
    });
  });
});
