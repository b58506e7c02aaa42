import type { HashName, HashSet } from '../destinations/destination.ts';

/** What the upload's thread asks of the hashing thread; every request is answered once, by `seq`. */
export type HashRequest =
  | { kind: 'open'; seq: number; id: number; names: readonly HashName[] }
  /** `bytes` views a SharedArrayBuffer: the hashing thread reads the very bytes that were read. */
  | { kind: 'update'; seq: number; id: number; bytes: Uint8Array }
  | { kind: 'digest'; seq: number; id: number }
  | { kind: 'close'; seq: number; id: number };

export type HashAnswer =
  | { seq: number; ok: true; digest?: HashSet }
  | { seq: number; ok: false; message: string };
