import { createHash, type Hash } from 'node:crypto';
import type { HashName, HashSet } from '../destinations/destination.ts';

export interface IncrementalHash {
  update(bytes: Uint8Array): void;
  digest(): string;
}

type HashFactory = () => IncrementalHash;

const nodeHash =
  (algorithm: string): HashFactory =>
  () => {
    const hash: Hash = createHash(algorithm);
    return {
      update: (bytes) => {
        hash.update(bytes);
      },
      digest: () => hash.digest('hex'),
    };
  };

const factories: Partial<Record<HashName, HashFactory>> = {
  sha256: nodeHash('sha256'),
  md5: nodeHash('md5'),
};

/** Lets a destination's own hash (e.g. quickXorHash) join the single read pass. */
export function registerHash(name: HashName, factory: HashFactory): void {
  factories[name] = factory;
}

/** Several hashes fed by the same bytes, so a file is read once whatever the destination verifies. */
export class MultiHash {
  readonly #hashes: Array<[HashName, IncrementalHash]>;
  bytes = 0;

  constructor(names: readonly HashName[]) {
    this.#hashes = names.map((name) => {
      const factory = factories[name];
      if (factory === undefined) throw new Error(`no implementation of the ${name} hash is registered`);
      return [name, factory()];
    });
  }

  update(bytes: Uint8Array): void {
    for (const [, hash] of this.#hashes) hash.update(bytes);
    this.bytes += bytes.byteLength;
  }

  digest(): HashSet {
    const result: HashSet = {};
    for (const [name, hash] of this.#hashes) result[name] = hash.digest();
    return result;
  }
}

/**
 * The hashes one read pass computes for a destination: the ones it verifies with, and SHA-256
 * always, the recording's one identity that means the same at every destination (the ledger,
 * receipts and reconciliation name it).
 */
export function readPassHashes(verifiedWith: readonly HashName[]): HashName[] {
  return verifiedWith.includes('sha256') ? [...verifiedWith] : [...verifiedWith, 'sha256'];
}

/** Hex digests compare case-insensitively; base64 ones (quickXorHash) exactly. */
export function hashesEqual(name: HashName, a: string, b: string): boolean {
  return name === 'quickXorHash' ? a === b : a.toLowerCase() === b.toLowerCase();
}
