import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';

const BLOCK_BYTES = 16 * 1024 * 1024;
const PAGE_BYTES = 4096;

export interface TestFile {
  path: string;
  sizeBytes: number;
  sha256: string;
}

/**
 * Writes `sizeBytes` of incompressible content fast: one random 16 MiB block, repeated, with the
 * block's number stamped into every 4 KiB page, so no two pages of the file are alike and nothing
 * on the way (page dedupe, compression) can make the bench look better than real recordings.
 * Returns the content's sha256, computed as it is written.
 */
export async function writeTestFile(path: string, sizeBytes: number): Promise<TestFile> {
  const base = randomBytes(BLOCK_BYTES);
  const block = Buffer.allocUnsafe(BLOCK_BYTES);
  const hash = createHash('sha256');
  const handle = await open(path, 'wx');
  try {
    for (let written = 0, index = 0; written < sizeBytes; index += 1) {
      base.copy(block);
      for (let page = 0; page < BLOCK_BYTES; page += PAGE_BYTES) block.writeUInt32LE(index, page);
      const length = Math.min(BLOCK_BYTES, sizeBytes - written);
      const bytes = block.subarray(0, length);
      hash.update(bytes);
      await handle.write(bytes, 0, length, written);
      written += length;
    }
  } finally {
    await handle.close();
  }
  return { path, sizeBytes, sha256: hash.digest('hex') };
}

/** sha256 of a file on disk, read in large pieces: how uploads are proven byte-identical. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  const buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  try {
    for (let position = 0; ; ) {
      const { bytesRead } = await handle.read(buffer, 0, BLOCK_BYTES, position);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}
