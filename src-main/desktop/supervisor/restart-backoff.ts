export interface RestartBackoffOptions {
  /** The wait before the first restart. */
  initialMs?: number;
  maxMs?: number;
  /** A core that ran this long before dying counts as healthy: the next wait starts over. */
  stableAfterMs?: number;
}

/**
 * How long to wait before restarting a core that died: doubling from `initialMs` up to `maxMs` while
 * it keeps dying soon after each start, so a core that cannot start (a locked data folder, a broken
 * database) does not spin, and a core that crashed once after hours comes back at once.
 */
export class RestartBackoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #stableAfterMs: number;
  #failures = 0;
  #startedAt: number | null = null;

  constructor(options: RestartBackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 1000;
    this.#maxMs = options.maxMs ?? 60_000;
    this.#stableAfterMs = options.stableAfterMs ?? 60_000;
  }

  /** The core was (re)started at `now`. */
  started(now: number): void {
    this.#startedAt = now;
  }

  /** The core died at `now`: the wait before starting it again. */
  delayAfterExit(now: number): number {
    if (this.#startedAt !== null && now - this.#startedAt >= this.#stableAfterMs) this.#failures = 0;
    const delay = Math.min(this.#maxMs, this.#initialMs * 2 ** this.#failures);
    this.#failures = Math.min(this.#failures + 1, 30);
    return delay;
  }
}
