import type { IncrementalHash } from '../../transfer/hashers.ts';

const WIDTH_BYTES = 20;
const CYCLE = 160;
const SHIFT = 11;
/** Folding works on 32-bit words; a scratch copy realigns input that does not start on a word. */
const SCRATCH_BYTES = 64 * 1024;

/**
 * OneDrive's quickXorHash: every input byte k is XORed into a 160-bit circular register at bit
 * (11·k) mod 160, then the length is XORed into the last 64 bits. Because byte k and byte k+160
 * land on the same bit, the input is first folded into 160 bytes by position modulo 160 — plain
 * word XORs, fast enough that hashing never slows an upload — and spread into the register only
 * when the digest is taken.
 */
export class QuickXorHash implements IncrementalHash {
  readonly #fold = new Uint8Array(CYCLE);
  readonly #fold32 = new Uint32Array(this.#fold.buffer);
  readonly #scratch = new Uint8Array(SCRATCH_BYTES);
  #length = 0;

  update(bytes: Uint8Array): void {
    let offset = 0;
    const total = bytes.byteLength;
    while (offset < total) {
      const phase = this.#length % CYCLE;
      if (phase !== 0 || total - offset < CYCLE) {
        // Up to the next 160-byte boundary, byte by byte.
        const count = Math.min(CYCLE - phase, total - offset);
        const fold = this.#fold;
        for (let i = 0; i < count; i += 1) {
          fold[phase + i] = (fold[phase + i] as number) ^ (bytes[offset + i] as number);
        }
        offset += count;
        this.#length += count;
        continue;
      }
      const blocks = Math.floor((total - offset) / CYCLE);
      const done = this.#foldBlocks(bytes, offset, blocks);
      offset += done;
      this.#length += done;
    }
  }

  /** Folds whole 160-byte blocks starting at a cycle boundary; returns the bytes consumed. */
  #foldBlocks(bytes: Uint8Array, offset: number, blocks: number): number {
    const start = bytes.byteOffset + offset;
    if (start % 4 === 0) {
      const words = new Uint32Array(bytes.buffer, start, blocks * (CYCLE / 4));
      foldWords(this.#fold32, words);
      return blocks * CYCLE;
    }
    const take = Math.min(blocks * CYCLE, Math.floor(SCRATCH_BYTES / CYCLE) * CYCLE);
    this.#scratch.set(bytes.subarray(offset, offset + take));
    foldWords(this.#fold32, new Uint32Array(this.#scratch.buffer, 0, take / 4));
    return take;
  }

  /** The base64 digest, as Graph reports it in `file.hashes.quickXorHash`. */
  digest(): string {
    return Buffer.from(this.digestBytes()).toString('base64');
  }

  digestBytes(): Uint8Array {
    const out = new Uint8Array(WIDTH_BYTES);
    for (let position = 0; position < CYCLE; position += 1) {
      const value = this.#fold[position] as number;
      if (value === 0) continue;
      const bit = (position * SHIFT) % CYCLE;
      const index = bit >> 3;
      const within = bit & 7;
      out[index] = (out[index] as number) ^ ((value << within) & 0xff);
      if (within !== 0) {
        const next = (index + 1) % WIDTH_BYTES;
        out[next] = (out[next] as number) ^ (value >> (8 - within));
      }
    }
    // The length, 64-bit little-endian, into the last 8 bytes.
    let length = this.#length;
    for (let i = WIDTH_BYTES - 8; i < WIDTH_BYTES; i += 1) {
      out[i] = (out[i] as number) ^ (length % 256);
      length = Math.floor(length / 256);
    }
    return out;
  }
}

function foldWords(fold: Uint32Array, words: Uint32Array): void {
  const width = CYCLE / 4;
  for (let group = 0; group < width; group += 8) {
    let a0 = fold[group] as number;
    let a1 = fold[group + 1] as number;
    let a2 = fold[group + 2] as number;
    let a3 = fold[group + 3] as number;
    let a4 = fold[group + 4] as number;
    let a5 = fold[group + 5] as number;
    let a6 = fold[group + 6] as number;
    let a7 = fold[group + 7] as number;
    // Eight running words in registers per pass over the input: the loop is bound by memory.
    for (let i = group; i < words.length; i += width) {
      a0 ^= words[i] as number;
      a1 ^= words[i + 1] as number;
      a2 ^= words[i + 2] as number;
      a3 ^= words[i + 3] as number;
      a4 ^= words[i + 4] as number;
      a5 ^= words[i + 5] as number;
      a6 ^= words[i + 6] as number;
      a7 ^= words[i + 7] as number;
    }
    fold[group] = a0;
    fold[group + 1] = a1;
    fold[group + 2] = a2;
    fold[group + 3] = a3;
    fold[group + 4] = a4;
    fold[group + 5] = a5;
    fold[group + 6] = a6;
    fold[group + 7] = a7;
  }
}

/** The digest of one buffer. */
export function quickXorHashOf(bytes: Uint8Array): string {
  const hash = new QuickXorHash();
  hash.update(bytes);
  return hash.digest();
}
