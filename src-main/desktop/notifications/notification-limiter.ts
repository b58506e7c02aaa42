/**
 * At most one notification of each kind per window: twenty recordings failing at once (a full
 * disk, a revoked token) make one notification, not twenty. The tray shows the rest.
 */
export class NotificationLimiter {
  readonly #windowMs: number;
  readonly #lastShown = new Map<string, number>();

  constructor(windowMs = 60_000) {
    this.#windowMs = windowMs;
  }

  /** Whether a notification of `kind` may be shown at `now`; if so, it counts as shown. */
  allow(kind: string, now: number): boolean {
    const last = this.#lastShown.get(kind);
    if (last !== undefined && now - last < this.#windowMs) return false;
    this.#lastShown.set(kind, now);
    return true;
  }
}
