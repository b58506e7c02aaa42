import type { DestinationKind } from '../../../src-shared/settings.ts';
import type { Clock } from '../host-services.ts';
import type { Database } from './database.ts';

/** Endpoint by the setting that names it: `{ storageApiBaseUrl: 'https://storage.company.com' }`. */
export type BoundEndpoints = Record<string, string>;

/**
 * Which endpoints each destination's credentials were given for. Not a secret: origins and URLs.
 * Kept beside the database's settings so that whoever can change a setting cannot also move the
 * binding, and so that every process sharing the data folder (the app, `set-secret`) agrees.
 */
export class CredentialBindingStore {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  get(destination: DestinationKind): BoundEndpoints | null {
    const text = this.#db
      .prepare('SELECT endpoints FROM credential_bindings WHERE destination = ?')
      .pluck()
      .get(destination) as string | undefined;
    if (text === undefined) return null;
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'object' && value !== null ? (value as BoundEndpoints) : {};
    } catch {
      // Unreadable: bound to nothing, so nothing matches and the operator signs in again.
      return {};
    }
  }

  bind(destination: DestinationKind, endpoints: BoundEndpoints): void {
    this.#db
      .prepare(
        `INSERT INTO credential_bindings (destination, endpoints, bound_at) VALUES (?, ?, ?)
         ON CONFLICT (destination) DO UPDATE SET endpoints = excluded.endpoints, bound_at = excluded.bound_at`,
      )
      .run(destination, JSON.stringify(endpoints), this.#clock.now());
  }

  forget(destination: DestinationKind): void {
    this.#db.prepare('DELETE FROM credential_bindings WHERE destination = ?').run(destination);
  }
}
