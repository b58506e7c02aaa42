import { createHash, type Hash } from 'node:crypto';
import type { HashName, HashSet } from '../destinations/destination.ts';
import { QuickXorHash } from '../destinations/onedrive/quick-xor-hash.ts';

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

/**
 * Every hash a destination may verify by, known statically: the hashing thread
 * (hash-worker.ts) builds them by name, and shares nothing with the thread that names them.
 */
const factories: Record<HashName, HashFactory> = {
  sha256: nodeHash('sha256'),
  md5: nodeHash('md5'),
  quickXorHash: () => new QuickXorHash(),
};

/**
 * Several hashes fed by the same bytes, so a file is read once whatever the destination verifies.
 * It runs on the hashing thread (hashing-thread.ts), never on the event loop of an upload.
 */
export class MultiHash {
  readonly #hashes: Array<[HashName, IncrementalHash]>;
  bytes = 0;

  constructor(names: readonly HashName[]) {
    this.#hashes = names.map((name) => {
      const factory = factories[name];
      if (factory === undefined) throw new Error(`no implementation of the ${name} hash is known`);
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
export function readPassHashes(verifiedWith: readonly HashName[], withProof = true): HashName[] {
  return !withProof || verifiedWith.includes('sha256') ? [...verifiedWith] : [...verifiedWith, 'sha256'];
}

/** Hex digests compare case-insensitively; base64 ones (quickXorHash) exactly. */
export function hashesEqual(name: HashName, a: string, b: string): boolean {
  return name === 'quickXorHash' ? a === b : a.toLowerCase() === b.toLowerCase();
}
