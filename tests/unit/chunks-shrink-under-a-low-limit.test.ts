import { describe, expect, it } from 'vitest';
import type { RemoteSession } from '../../src-main/core/destinations/destination.ts';
import { chunkLengthAtRate } from '../../src-main/core/transfer/upload-recording.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

const session = (chunkMultiple: number, maxChunkBytes: number | null = null): RemoteSession => ({
  mode: 'chunked',
  chunkMultiple,
  maxChunkBytes,
  expiresAt: null,
  state: {},
});
const oneDrive = session(320 * KiB, 60 * MiB);
const drive = session(256 * KiB, 8 * MiB);
const storageApi = session(MiB);

describe('chunk length under an upload limit', () => {
  it('is the configured length with no limit, or when a chunk takes under a minute', () => {
    expect(chunkLengthAtRate(oneDrive, 10 * MiB, null)).toBe(10 * MiB);
    expect(chunkLengthAtRate(drive, 8 * MiB, 2 * MiB)).toBe(8 * MiB);
  });

  it('shrinks to what the limit sends in a minute, in the destination’s multiples', () => {
    // 100 KiB/s: 6000 KiB a minute, which is 18 OneDrive multiples of 320 KiB (5760 KiB).
    expect(chunkLengthAtRate(oneDrive, 10 * MiB, 100 * KiB)).toBe(18 * 320 * KiB);
    // 64 KiB/s: 3840 KiB, 15 Drive multiples of 256 KiB.
    expect(chunkLengthAtRate(drive, 8 * MiB, 64 * KiB)).toBe(15 * 256 * KiB);
    expect(chunkLengthAtRate(storageApi, 10 * MiB, 40 * KiB)).toBe(2 * MiB);
  });

  it('never goes below the destination’s multiple, however low the limit', () => {
    expect(chunkLengthAtRate(oneDrive, 10 * MiB, KiB)).toBe(320 * KiB);
    expect(chunkLengthAtRate(drive, 8 * MiB, KiB)).toBe(256 * KiB);
    expect(chunkLengthAtRate(storageApi, 10 * MiB, KiB)).toBe(MiB);
  });
});
