import { Worker } from 'node:worker_threads';
import type { HashName, HashSet } from '../destinations/destination.ts';
import { TransferFault } from '../faults.ts';
import type { HashAnswer, HashRequest } from './hash-thread-messages.ts';

/**
 * The sources run as TypeScript; the shipped bundles carry hash-worker.js beside the code that
 * starts it (scripts/build-shell.ts builds it as an entry of its own next to each process entry).
 */
const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './hash-worker.ts' : './hash-worker.js',
  import.meta.url,
);

/** A thread without hashes open stops after this long, so an idle uploader holds no second heap. */
const IDLE_STOP_MS = 2000;

/**
 * Memory a recording's bytes are read into, shared with the hashing thread: the bytes are hashed
 * where they lie, never copied to it. Zero-filled once when allocated; reused for every chunk.
 */
export function sharedBuffer(bytes: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(Math.max(1, bytes)));
}

type Unsequenced<T> = T extends unknown ? Omit<T, 'seq'> : never;
type Request = Unsequenced<HashRequest>;

/**
 * One worker thread per process that hashes what every upload reads, so sha256, md5 and
 * quickXorHash run beside the event loop that feeds the network instead of on it. It starts with
 * the first hash and stops when none has been open for a while.
 */
class HashingThread {
  #worker: Worker | null = null;
  #seq = 0;
  #nextId = 0;
  #open = 0;
  #idle: NodeJS.Timeout | null = null;
  readonly #pending = new Map<number, { resolve(answer: HashAnswer): void; reject(error: Error): void }>();

  open(names: readonly HashName[]): OffThreadHash {
    this.#nextId += 1;
    this.#open += 1;
    if (this.#idle !== null) clearTimeout(this.#idle);
    this.#idle = null;
    // Not awaited: requests are answered in order, so an open that failed fails the next update.
    this.request({ kind: 'open', id: this.#nextId, names }).catch(() => {});
    return new OffThreadHash(this, this.#nextId);
  }

  closed(): void {
    this.#open -= 1;
    if (this.#open > 0 || this.#worker === null) return;
    this.#idle = setTimeout(() => this.#stop(), IDLE_STOP_MS);
    this.#idle.unref();
  }

  async request(request: Request): Promise<HashAnswer> {
    const worker = this.#started();
    this.#seq += 1;
    const seq = this.#seq;
    const answered = new Promise<HashAnswer>((resolve, reject) => {
      this.#pending.set(seq, { resolve, reject });
    });
    // Referenced only while it owes an answer: an idle thread never keeps the process alive.
    if (this.#pending.size === 1) worker.ref();
    worker.postMessage({ ...request, seq });
    const answer = await answered;
    if (!answer.ok) throw new TransferFault('retriable', `hashing the recording failed: ${answer.message}`);
    return answer;
  }

  #started(): Worker {
    if (this.#worker !== null) return this.#worker;
    const worker = new Worker(WORKER_URL);
    worker.unref();
    worker.on('message', (answer: HashAnswer) => {
      const waiter = this.#pending.get(answer.seq);
      this.#pending.delete(answer.seq);
      if (this.#pending.size === 0) worker.unref();
      waiter?.resolve(answer);
    });
    const lost = (reason: string): void => {
      if (this.#worker === worker) this.#worker = null;
      const error = new TransferFault('retriable', `the hashing thread stopped: ${reason}`);
      for (const waiter of this.#pending.values()) waiter.reject(error);
      this.#pending.clear();
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => lost(`it exited with code ${code}`));
    this.#worker = worker;
    return worker;
  }

  #stop(): void {
    this.#idle = null;
    const worker = this.#worker;
    this.#worker = null;
    if (worker !== null && this.#open === 0) void worker.terminate();
  }
}

const thread = new HashingThread();

/** The hashes a destination verifies by (and any the uploader keeps), computed on the hashing thread. */
export function openHash(names: readonly HashName[]): OffThreadHash {
  return thread.open(names);
}

/**
 * One upload's hashes, living on the hashing thread. Updates are hashed in the order they are
 * made; the promise of each settles once its bytes are hashed, and only then may the caller read
 * into that memory again. Digest or close it exactly once.
 */
export class OffThreadHash {
  readonly #thread: HashingThread;
  readonly #id: number;
  #closed = false;
  /** Bytes handed over so far. */
  bytes = 0;

  constructor(owner: HashingThread, id: number) {
    this.#thread = owner;
    this.#id = id;
  }

  /** `bytes` must view shared memory (sharedBuffer): that is what spares the copy. */
  async update(bytes: Uint8Array): Promise<void> {
    if (this.#closed) throw new Error('update of a hash already digested or closed');
    if (bytes.byteLength === 0) return;
    if (!(bytes.buffer instanceof SharedArrayBuffer)) {
      throw new Error('the hashing thread reads shared memory only: read into sharedBuffer()');
    }
    this.bytes += bytes.byteLength;
    await this.#thread.request({ kind: 'update', id: this.#id, bytes });
  }

  async digest(): Promise<HashSet> {
    if (this.#closed) throw new Error('a hash is digested once');
    this.#closed = true;
    try {
      const answer = await this.#thread.request({ kind: 'digest', id: this.#id });
      return answer.ok ? (answer.digest ?? {}) : {};
    } finally {
      this.#thread.closed();
    }
  }

  /** Drops a hash that will not be digested (a failed or restarted upload). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#thread.request({ kind: 'close', id: this.#id }).catch(() => {});
    this.#thread.closed();
  }
}
