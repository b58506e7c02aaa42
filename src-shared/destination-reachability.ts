import type { DestinationKind } from './settings.ts';

/**
 * What the uploader last knew of one destination's reachability, as the engine saw it: kept in one
 * place in the core, persisted as last known (so `status` can read it from the data folder with no
 * uploader running), and read by the health model. Times are epoch milliseconds.
 */
export interface DestinationReachability {
  destination: DestinationKind;
  /**
   * Since when every request to it has been refused, failed with a 5xx or timed out (an outage,
   * treated like losing the network: its jobs wait, none fails for it); null while it answers.
   */
  unreachableSince: number | null;
  /** The last error the destination gave (redacted), kept after it recovered as the record of it. */
  lastError: string | null;
  lastErrorAt: number | null;
  /** While unreachable: when the engine tries it again. */
  nextTryAt: number | null;
  /** The server asked the uploader to slow down (429, 503 with Retry-After) until then; null when not. */
  throttledUntil: number | null;
  /** Since when its credentials have been rejected: every job of it waits for a new sign-in. */
  needsAuthSince: number | null;
  /** Why the credentials were rejected (the server's words, redacted). */
  needsAuthReason: string | null;
  /** When any of the above last changed. */
  updatedAt: number;
}

export const reachableAt = (destination: DestinationKind, at: number): DestinationReachability => ({
  destination,
  unreachableSince: null,
  lastError: null,
  lastErrorAt: null,
  nextTryAt: null,
  throttledUntil: null,
  needsAuthSince: null,
  needsAuthReason: null,
  updatedAt: at,
});
