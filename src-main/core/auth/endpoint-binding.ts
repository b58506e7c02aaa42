import type { DestinationKind } from '../../../src-shared/settings.ts';
import { TransferFault } from '../faults.ts';
import type { BoundEndpoints, CredentialBindingStore } from '../store/credential-binding-store.ts';

export interface EndpointBindingOptions {
  destination: DestinationKind;
  store: CredentialBindingStore;
  /** The endpoints the settings name now, by setting name. */
  current(): BoundEndpoints;
  /** What the operator does to get new credentials: "enter the token again". */
  remedy: string;
}

/**
 * A credential goes only where it was given for. When a setting moves one of the endpoints it was
 * bound to, the credential is not used (the operator enters it again or signs in again): whoever
 * can change a setting — a compromised window, the web UI's address in the wrong hands — cannot
 * point a stored token at a server of their own.
 *
 * A credential with no recorded binding (stored by an older version, or given in the environment)
 * is bound, in this process only, to the endpoints in force when it is first used.
 */
export class EndpointBinding {
  readonly #options: EndpointBindingOptions;
  #firstUse: BoundEndpoints | null = null;

  constructor(options: EndpointBindingOptions) {
    this.#options = options;
  }

  /** Why the credential may not be used with the settings now in force, or null. */
  problem(): string | null {
    const bound = this.#options.store.get(this.#options.destination) ?? this.#firstUse;
    if (bound === null) return null;
    return describeMove(bound, this.#options.current(), this.#options.remedy);
  }

  /** Before each use: throws an `auth` fault when the endpoints moved; binds a first use. */
  check(): void {
    if (this.#options.store.get(this.#options.destination) === null)
      this.#firstUse ??= this.#options.current();
    const problem = this.problem();
    if (problem !== null) throw new TransferFault('auth', problem);
  }

  /** New credentials were given for the endpoints in force now (none set yet: bound at first use). */
  bind(): void {
    const current = this.#options.current();
    if (Object.keys(current).length === 0) this.#options.store.forget(this.#options.destination);
    else this.#options.store.bind(this.#options.destination, current);
    this.#firstUse = null;
  }

  /** The credentials are gone (signed out). */
  forget(): void {
    this.#options.store.forget(this.#options.destination);
    this.#firstUse = null;
  }
}

function describeMove(bound: BoundEndpoints, current: BoundEndpoints, remedy: string): string | null {
  for (const [setting, now] of Object.entries(current)) {
    const then = bound[setting];
    if (then !== now) {
      return `the credentials were given for ${then ?? 'another address'}, but ${setting} now points to ${now}: ${remedy}`;
    }
  }
  return null;
}
