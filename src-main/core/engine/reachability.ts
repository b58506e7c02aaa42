import { type DestinationReachability, reachableAt } from '../../../src-shared/destination-reachability.ts';
import type { DestinationKind } from '../../../src-shared/settings.ts';
import type { Clock } from '../host-services.ts';
import { redactReason } from '../logging/redact-secrets.ts';
import type { ReachabilityStore } from '../store/reachability-store.ts';

export type ReachabilityListener = (reachability: DestinationReachability) => void;

/**
 * The one place that knows, per destination, whether it answers: unreachable since when, the last
 * error, the next try, throttled until when, and whether its credentials are held for sign-in.
 * The engine writes it; the health model, the connection views and `status` read it. Every change
 * is persisted at once, so the last known state survives a restart and is readable offline.
 */
export class Reachability {
  readonly #store: ReachabilityStore;
  readonly #clock: Clock;
  readonly #states = new Map<DestinationKind, DestinationReachability>();
  readonly #rejected = new Map<DestinationKind, string | null>();
  readonly #listeners = new Set<ReachabilityListener>();

  constructor(store: ReachabilityStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
    for (const row of store.load()) {
      this.#states.set(row.reachability.destination, row.reachability);
      this.#rejected.set(row.reachability.destination, row.rejectedCredential);
    }
  }

  // --- reading ---

  get(destination: DestinationKind): DestinationReachability {
    return this.#states.get(destination) ?? reachableAt(destination, 0);
  }

  /** Every destination the uploader has seen, as last known. */
  list(): DestinationReachability[] {
    return [...this.#states.values()];
  }

  subscribe(listener: ReachabilityListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  isUnreachable(destination: DestinationKind): boolean {
    return this.get(destination).unreachableSince !== null;
  }

  isAuthHeld(destination: DestinationKind): boolean {
    return this.get(destination).needsAuthSince !== null;
  }

  /** Destinations held for sign-in, with the fingerprint of the credential that was rejected. */
  authHolds(): Array<{ destination: DestinationKind; rejectedCredential: string | null }> {
    return this.list()
      .filter((state) => state.needsAuthSince !== null)
      .map((state) => ({
        destination: state.destination,
        rejectedCredential: this.#rejected.get(state.destination) ?? null,
      }));
  }

  /** Until when the server asked to be left alone, if that is still ahead. */
  throttledUntil(destination: DestinationKind): number | null {
    const until = this.get(destination).throttledUntil;
    return until !== null && until > this.#clock.now() ? until : null;
  }

  // --- what the engine saw ---

  /** A request got an answer that was not an outage's: the destination is reachable. */
  answered(destination: DestinationKind): void {
    const state = this.get(destination);
    if (state.unreachableSince === null && state.nextTryAt === null) return;
    this.#change(destination, { unreachableSince: null, nextTryAt: null });
  }

  /** Every request is refused, fails with a 5xx or times out: an outage, tried again at nextTryAt. */
  unreachable(destination: DestinationKind, reason: string, nextTryAt: number): void {
    const now = this.#clock.now();
    const since = this.get(destination).unreachableSince ?? now;
    this.#change(destination, {
      unreachableSince: since,
      nextTryAt,
      lastError: reason,
      lastErrorAt: now,
    });
  }

  /** An error of one recording while the destination otherwise works: only remembered. */
  errored(destination: DestinationKind, reason: string): void {
    this.#change(destination, { lastError: reason, lastErrorAt: this.#clock.now() });
  }

  /** The server paces the uploader: nothing is sent to it before `until`. */
  throttled(destination: DestinationKind, until: number, reason: string): void {
    const current = this.get(destination).throttledUntil;
    if (current !== null && current >= until) return;
    this.#change(destination, { throttledUntil: until, lastError: reason, lastErrorAt: this.#clock.now() });
  }

  /** The server's pause has passed by the time elapsed, though the wall clock may say otherwise. */
  throttleEnded(destination: DestinationKind): void {
    if (this.get(destination).throttledUntil === null) return;
    this.#change(destination, { throttledUntil: this.#clock.now() });
  }

  /** The credentials were rejected: the destination waits for new ones. */
  holdForAuth(destination: DestinationKind, reason: string, rejectedCredential: string | null): void {
    const since = this.get(destination).needsAuthSince ?? this.#clock.now();
    this.#rejected.set(destination, rejectedCredential);
    this.#change(destination, { needsAuthSince: since, needsAuthReason: reason });
  }

  releaseAuth(destination: DestinationKind): void {
    if (!this.isAuthHeld(destination)) return;
    this.#rejected.set(destination, null);
    this.#change(destination, { needsAuthSince: null, needsAuthReason: null });
  }

  #change(destination: DestinationKind, changes: Partial<DestinationReachability>): void {
    const next = { ...this.get(destination), ...changes, updatedAt: this.#clock.now() };
    next.lastError = redactReason(next.lastError);
    next.needsAuthReason = redactReason(next.needsAuthReason);
    this.#states.set(destination, next);
    this.#store.save({ reachability: next, rejectedCredential: this.#rejected.get(destination) ?? null });
    for (const listener of this.#listeners) listener(next);
  }
}
