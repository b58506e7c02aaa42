/** A monotonic millisecond clock: the bucket counts elapsed time, never the time of day. */
export type Monotonic = () => number;

interface Waiter {
  bytes: number;
  resolve(): void;
  reject(reason: unknown): void;
  signal: AbortSignal;
  onAbort(): void;
}

/**
 * Tokens for at most this long pile up while nothing is sent: enough to make up for the wait for a
 * chunk's answer before the next chunk starts (so the rate holds across chunks), too little for a
 * burst the line would notice.
 */
const BURST_SECONDS = 0.25;
/** Each write takes this long's worth of bytes at most, so the line sees a steady stream of small writes. */
const SLICE_SECONDS = 0.1;
const MIN_SLICE = 1024;

/**
 * One token bucket for every request body the uploader sends (rclone's --bwlimit, not abraunegg's
 * per-upload limit, which multiplies with the number of uploads). Waiters are served in turn, so
 * concurrent uploads share the rate evenly; a change of rate takes effect for the bytes not yet
 * granted, including those of requests under way.
 */
export class TokenBucket {
  readonly #now: Monotonic;
  readonly #queue: Waiter[] = [];
  #rate: number | null = null;
  #tokens = 0;
  #stamp: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(now: Monotonic = () => performance.now()) {
    this.#now = now;
    this.#stamp = now();
  }

  /** Bytes per second; null: unlimited. */
  get rate(): number | null {
    return this.#rate;
  }

  setRate(rate: number | null): void {
    if (rate === this.#rate) return;
    this.#refill();
    // A new limit starts empty (as rclone's does): no burst at the moment it begins.
    if (this.#rate === null) this.#tokens = 0;
    this.#rate = rate;
    this.#tokens = Math.min(this.#tokens, this.#capacity());
    this.#pump();
  }

  /** How many bytes one write should carry at the current rate; Infinity when unlimited. */
  sliceBytes(): number {
    return this.#rate === null
      ? Number.POSITIVE_INFINITY
      : Math.max(MIN_SLICE, Math.floor(this.#rate * SLICE_SECONDS));
  }

  /** Resolves when `bytes` may be sent; rejects with the signal's reason if it is aborted first. */
  take(bytes: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#rate === null && this.#queue.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        bytes,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const at = this.#queue.indexOf(waiter);
          if (at >= 0) this.#queue.splice(at, 1);
          reject(signal.reason);
          this.#pump();
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  #capacity(): number {
    return this.#rate === null ? 0 : Math.max(this.sliceBytes(), this.#rate * BURST_SECONDS);
  }

  #refill(): void {
    const now = this.#now();
    if (this.#rate !== null) {
      this.#tokens = Math.min(this.#capacity(), this.#tokens + ((now - this.#stamp) / 1000) * this.#rate);
    }
    this.#stamp = now;
  }

  /** Grants waiters in turn while tokens last; a write larger than the bucket may run it into debt. */
  #pump(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#refill();
    for (;;) {
      const head = this.#queue[0];
      if (head === undefined) return;
      if (this.#rate !== null) {
        const needed = Math.min(head.bytes, this.#capacity());
        if (this.#tokens < needed) {
          const waitMs = ((needed - this.#tokens) / this.#rate) * 1000;
          this.#timer = setTimeout(() => this.#pump(), Math.max(1, Math.ceil(waitMs)));
          return;
        }
        this.#tokens -= head.bytes;
      }
      this.#queue.shift();
      head.signal.removeEventListener('abort', head.onAbort);
      head.resolve();
    }
  }
}
