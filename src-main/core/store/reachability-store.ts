import type { DestinationReachability } from '../../../src-shared/destination-reachability.ts';
import { DESTINATION_KINDS, type DestinationKind } from '../../../src-shared/settings.ts';
import type { Database } from './database.ts';

/** One destination's row: what is shown, and the fingerprint of the credential that was rejected. */
export interface ReachabilityRow {
  reachability: DestinationReachability;
  /**
   * A one-way fingerprint of the credential the destination rejected (never the credential), so a
   * changed credential is noticed even across a restart; null when none is held.
   */
  rejectedCredential: string | null;
}

interface Row {
  destination: DestinationKind;
  unreachable_since: number | null;
  last_error: string | null;
  last_error_at: number | null;
  next_try_at: number | null;
  throttled_until: number | null;
  needs_auth_since: number | null;
  needs_auth_reason: string | null;
  rejected_credential: string | null;
  updated_at: number;
}

/** The last known reachability of each destination, in the uploader's database. */
export class ReachabilityStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  load(): ReachabilityRow[] {
    return readRows(this.#db).map(toReachabilityRow);
  }

  save(row: ReachabilityRow): void {
    const r = row.reachability;
    this.#db
      .prepare(
        `INSERT INTO destination_reachability (destination, unreachable_since, last_error, last_error_at,
           next_try_at, throttled_until, needs_auth_since, needs_auth_reason, rejected_credential, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (destination) DO UPDATE SET unreachable_since = excluded.unreachable_since,
           last_error = excluded.last_error, last_error_at = excluded.last_error_at,
           next_try_at = excluded.next_try_at, throttled_until = excluded.throttled_until,
           needs_auth_since = excluded.needs_auth_since, needs_auth_reason = excluded.needs_auth_reason,
           rejected_credential = excluded.rejected_credential, updated_at = excluded.updated_at`,
      )
      .run(
        r.destination,
        r.unreachableSince,
        r.lastError,
        r.lastErrorAt,
        r.nextTryAt,
        r.throttledUntil,
        r.needsAuthSince,
        r.needsAuthReason,
        row.rejectedCredential,
        r.updatedAt,
      );
  }
}

/** For readers with no uploader running (`status`, the health model): the last known state of each destination seen. */
export function readDestinationReachability(db: Database): DestinationReachability[] {
  return readRows(db).map((row) => toReachabilityRow(row).reachability);
}

function readRows(db: Database): Row[] {
  const rows = db.prepare('SELECT * FROM destination_reachability ORDER BY destination').all() as Row[];
  return rows.filter((row) => (DESTINATION_KINDS as readonly string[]).includes(row.destination));
}

function toReachabilityRow(row: Row): ReachabilityRow {
  return {
    reachability: {
      destination: row.destination,
      unreachableSince: row.unreachable_since,
      lastError: row.last_error,
      lastErrorAt: row.last_error_at,
      nextTryAt: row.next_try_at,
      throttledUntil: row.throttled_until,
      needsAuthSince: row.needs_auth_since,
      needsAuthReason: row.needs_auth_reason,
      updatedAt: row.updated_at,
    },
    rejectedCredential: row.rejected_credential,
  };
}
