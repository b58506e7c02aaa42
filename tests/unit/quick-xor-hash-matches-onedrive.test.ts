import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { QuickXorHash, quickXorHashOf } from '../../src-main/core/destinations/onedrive/quick-xor-hash.ts';
import { referenceQuickXor } from '../peers/quick-xor-reference.ts';

interface Vector {
  size: number;
  input: string;
  quickXorHash: string;
}

/** rclone's published vectors (backend/onedrive/quickxorhash), checked against OneDrive. */
const VECTORS = JSON.parse(
  readFileSync(new URL('../fixtures/quick-xor-vectors.json', import.meta.url), 'utf8'),
) as Vector[];

/** The definition itself, one bit at a time: byte k lands at bit 11·k mod 160 of a circular register. */
function bitByBit(bytes: Uint8Array): string {
  const bits = new Uint8Array(160);
  bytes.forEach((byte, k) => {
    const start = (k * 11) % 160;
    for (let b = 0; b < 8; b += 1)
      if ((byte >> b) & 1) bits[(start + b) % 160] = (bits[(start + b) % 160] as number) ^ 1;
  });
  const out = Buffer.alloc(20);
  bits.forEach((bit, i) => {
    if (bit) out[i >> 3] = (out[i >> 3] as number) | (1 << (i & 7));
  });
  let length = bytes.byteLength;
  for (let i = 12; i < 20; i += 1) {
    out[i] = (out[i] as number) ^ (length % 256);
    length = Math.floor(length / 256);
  }
  return out.toString('base64');
}

describe('quickXorHash', () => {
  it.each(VECTORS.map((v) => [v.size, v] as const))(
    'matches the published vector of %i bytes',
    (_size, v) => {
      const input = Buffer.from(v.input, 'base64');
      expect(quickXorHashOf(input)).toBe(v.quickXorHash);
      expect(bitByBit(input)).toBe(v.quickXorHash);
      expect(referenceQuickXor(input)).toBe(v.quickXorHash);
    },
  );

  it('gives the same digest whichever way the bytes are split', () => {
    for (const vector of VECTORS) {
      const input = Buffer.from(vector.input, 'base64');
      for (const piece of [1, 2, 7, 64, 159, 160, 161]) {
        const hash = new QuickXorHash();
        for (let i = 0; i < input.length; i += piece) hash.update(input.subarray(i, i + piece));
        expect(hash.digest(), `${vector.size} bytes in pieces of ${piece}`).toBe(vector.quickXorHash);
      }
    }
  });

  it('agrees with the bit-by-bit definition on assorted lengths, aligned or not', () => {
    const lengths = [159, 160, 161, 319, 320, 321, 4095, 4096, 4097, 65_535, 65_536 + 7, 200_003];
    for (const length of lengths) {
      // Offset by 1 inside a larger buffer: the word-folding path must realign.
      const backing = randomBytes(length + 3);
      for (const offset of [0, 1, 3]) {
        const input = backing.subarray(offset, offset + length);
        expect(quickXorHashOf(input), `${length} bytes at offset ${offset}`).toBe(bitByBit(input));
      }
    }
  });

  it('agrees with Microsoft’s published algorithm on megabytes fed in uneven pieces', () => {
    const input = randomBytes(3 * 1024 * 1024 + 12_345);
    const hash = new QuickXorHash();
    const pieces = [1, 159, 327_680, 1_000_003, 65_536, 17];
    let at = 0;
    for (let i = 0; at < input.length; i += 1) {
      const size = pieces[i % pieces.length] as number;
      hash.update(input.subarray(at, at + size));
      at += size;
    }
    expect(hash.digest()).toBe(referenceQuickXor(input));
  });

  it('changes when one byte changes', () => {
    const input = randomBytes(1_000_000);
    const before = quickXorHashOf(input);
    input[777_777] = (input[777_777] as number) ^ 0x01;
    expect(quickXorHashOf(input)).not.toBe(before);
  });
});
