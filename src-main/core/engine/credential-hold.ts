import type { DestinationKind } from '../../../src-shared/settings.ts';
import type { Logger } from '../logging/logger.ts';
import type { JobRepository } from '../store/job-record.ts';
import type { Reachability } from './reachability.ts';

/** What the hold needs of a destination's credentials: to tell them apart, and to drop cached ones. */
export interface CredentialSource {
  /** A one-way fingerprint of the credential stored now (keychain or environment), null when none. */
  credentialFingerprint(): Promise<string | null>;
  /** Drops any credential kept in memory, so the next request reads the stored one again. */
  forgetCredentials(): void;
}

export interface CredentialHoldOptions {
  reachability: Reachability;
  store: JobRepository;
  source(destination: DestinationKind): CredentialSource | undefined;
  logger: Logger;
  /** How often stored credentials are read again while a destination is held. */
  pollMs: number;
  /** The hold of a destination began or ended; `released` counts the jobs queued again. */
  changed(destination: DestinationKind, held: boolean, released: number): void;
}

/** The refused request carried no stored credential (none was set): whatever is stored next is new. */
const NO_CREDENTIAL = 'none';

/**
 * The one owner of "this destination waits for new credentials". It persists the hold (with the
 * fingerprint of the credential that was rejected) in the reachability record, moves the
 * destination's jobs to needs-auth and back, and watches the stored credential: a new sign-in, a
 * token saved by `set-secret` in another process, or a rotated environment token releases the
 * hold — while the uploader runs, and at its next start for a change made while it was stopped.
 */
export class CredentialHold {
  readonly #options: CredentialHoldOptions;
  readonly #timers = new Map<DestinationKind, NodeJS.Timeout>();
  /** Per destination, how often its credentials were given anew in this process. */
  readonly #epochs = new Map<DestinationKind, number>();

  constructor(options: CredentialHoldOptions) {
    this.#options = options;
  }

  /** At start-up: holds from the last run stay, unless the credential changed meanwhile. */
  async restore(): Promise<void> {
    for (const { destination } of this.#options.reachability.authHolds()) {
      // Jobs queued after the hold began wait as well.
      this.#options.store.holdForAuth(destination, this.#reason(destination));
      if (!(await this.#checkReplaced(destination))) this.#watch(destination);
    }
  }

  stop(): void {
    for (const timer of this.#timers.values()) clearInterval(timer);
    this.#timers.clear();
  }

  isHeld(destination: DestinationKind): boolean {
    return this.#options.reachability.isAuthHeld(destination);
  }

  /**
   * Which credentials a request goes with: a number that changes each time new ones are given (or
   * the stored ones are to be tried again). A refusal counts for the hold only when the request
   * was sent with the credentials in force now.
   */
  epoch(destination: DestinationKind): number {
    return this.#epochs.get(destination) ?? 0;
  }

  /** The destination rejected its credentials: every job of it waits until they change. */
  hold(destination: DestinationKind, reason: string): void {
    const source = this.#options.source(destination);
    // Refused again while held: which credential was refused is already known (or on its way),
    // and forgetting it would let the watch below take the same credential for a new one.
    const known = this.#rejectedOf(destination);
    // Held at once, so no other job of the destination is started meanwhile; which credential was
    // rejected is added as soon as the store has answered.
    this.#options.reachability.holdForAuth(destination, reason, known);
    this.#options.store.holdForAuth(destination, reason);
    this.#options.logger.warn('credentials rejected: uploads wait for new ones', { destination, reason });
    this.#options.changed(destination, true, 0);
    if (known !== null) return;
    void (source?.credentialFingerprint() ?? Promise.resolve(null))
      // Nothing stored when refused is known, and any credential stored later is a new one; only a
      // fingerprint that could not be read leaves the refused credential to be learnt below.
      .then(
        (fingerprint) => fingerprint ?? NO_CREDENTIAL,
        () => null,
      )
      .then((rejected) => {
        if (!this.isHeld(destination)) return;
        if (this.#rejectedOf(destination) === null)
          this.#options.reachability.holdForAuth(destination, this.#reason(destination), rejected);
        source?.forgetCredentials();
        this.#watch(destination);
      });
  }

  /** A job queued while its destination is held joins the others. */
  holdNewJob(destination: DestinationKind): void {
    if (this.isHeld(destination)) this.#options.store.holdForAuth(destination, this.#reason(destination));
  }

  /**
   * New credentials were given in this process (a sign-in, a token entered), or the operator asks
   * for another try with the stored ones (Retry on a held job): the hold ends and its jobs go on.
   */
  release(destination: DestinationKind, why: string): number {
    this.#epochs.set(destination, this.epoch(destination) + 1);
    clearInterval(this.#timers.get(destination));
    this.#timers.delete(destination);
    this.#options.source(destination)?.forgetCredentials();
    const wasHeld = this.isHeld(destination);
    this.#options.reachability.releaseAuth(destination);
    const released = this.#options.store.releaseAuth(destination);
    if (wasHeld || released > 0) {
      this.#options.logger.info('held uploads continue', { destination, why, jobs: released });
      this.#options.changed(destination, false, released);
    }
    return released;
  }

  #rejectedOf(destination: DestinationKind): string | null {
    const hold = this.#options.reachability.authHolds().find((h) => h.destination === destination);
    return hold?.rejectedCredential ?? null;
  }

  #reason(destination: DestinationKind): string {
    return this.#options.reachability.get(destination).needsAuthReason ?? 'waiting for new credentials';
  }

  /** Another process may store new credentials (the headless `set-secret`): notice them by ourselves. */
  #watch(destination: DestinationKind): void {
    clearInterval(this.#timers.get(destination));
    const timer = setInterval(() => {
      void this.#checkReplaced(destination);
    }, this.#options.pollMs);
    timer.unref();
    this.#timers.set(destination, timer);
  }

  async #checkReplaced(destination: DestinationKind): Promise<boolean> {
    if (!this.isHeld(destination)) return false;
    const source = this.#options.source(destination);
    if (source === undefined) return false;
    const current = await source.credentialFingerprint().catch(() => null);
    if (current === null || !this.isHeld(destination)) return false;
    // Read again: the refused credential's fingerprint may have been added meanwhile.
    const rejected = this.#rejectedOf(destination);
    if (rejected === null) {
      // Which credential was refused could not be read when it was: the one stored now is it.
      this.#options.reachability.holdForAuth(destination, this.#reason(destination), current);
      return false;
    }
    if (current === rejected) return false;
    this.release(destination, 'the stored credentials changed');
    return true;
  }
}
