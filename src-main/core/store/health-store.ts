import { JOB_STATES, type JobState, type QueueTotals } from '../../../src-shared/job.ts';
import { DESTINATION_KINDS, type DestinationKind } from '../../../src-shared/settings.ts';
import type { Database, Statement } from './database.ts';

/** What the health reads of the queue: one pass over the jobs that are not finished. */
export interface QueueFacts {
  totals: QueueTotals;
  /** Bytes not yet confirmed, over jobs still to upload (queued, waiting, paused, needs-auth, uploading). */
  bytesLeft: number;
  /** When the oldest of those was found. */
  oldestOpenSince: number | null;
  /** Jobs of each destination held for new credentials, and since when the first was. */
  needsAuth: Partial<Record<DestinationKind, { count: number; since: number }>>;
  /** Jobs of each destination that still have to go up (not done, failed or cancelled). */
  open: Partial<Record<DestinationKind, number>>;
  /** The earliest next attempt of each destination's waiting jobs. */
  nextAttemptAt: Partial<Record<DestinationKind, number>>;
}

const OPEN_STATES = "('queued', 'waiting', 'paused', 'needs-auth', 'uploading', 'verifying')";
const LAST_KNOWN_KEY = 'health';

/**
 * The health's own corner of the database: the last known health (in `meta`, one JSON value,
 * so `status` shows what the running uploader last saw) and the queue facts it is derived from.
 */
export class HealthStore {
  readonly #db: Database;
  readonly #statements = new Map<string, Statement>();

  constructor(db: Database) {
    this.#db = db;
  }

  /** The last health saved, as JSON text the caller validates; null when none was ever saved. */
  loadLastKnown(): unknown {
    const text = this.#sql('SELECT value FROM meta WHERE key = ?').pluck().get(LAST_KNOWN_KEY) as
      | string
      | undefined;
    if (text === undefined) return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return null;
    }
  }

  saveLastKnown(value: unknown): void {
    this.#sql(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(LAST_KNOWN_KEY, JSON.stringify(value));
  }

  queueFacts(midnight: number): QueueFacts {
    return this.#db.transaction(() => {
      const totals = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
      const facts: QueueFacts = {
        totals: { ...totals, doneToday: 0 },
        bytesLeft: 0,
        oldestOpenSince: null,
        needsAuth: {},
        open: {},
        nextAttemptAt: {},
      };
      const counts = this.#sql('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all() as {
        state: JobState;
        n: number;
      }[];
      for (const row of counts) facts.totals[row.state] = row.n;
      facts.totals.doneToday = this.#sql(
        `SELECT COUNT(*) FROM jobs WHERE completed_at >= ? AND state = 'done'`,
      )
        .pluck()
        .get(midnight) as number;
      // Only unfinished jobs are read: finished ones piling up never slow this down.
      const open = this.#sql(
        `SELECT destination, state, COUNT(*) AS n, SUM(MAX(size_bytes - confirmed_bytes, 0)) AS bytes,
                MIN(created_at) AS oldest, MIN(updated_at) AS firstUpdate, MIN(next_attempt_at) AS nextAt
           FROM jobs WHERE state IN ${OPEN_STATES} GROUP BY destination, state`,
      ).all() as OpenRow[];
      for (const row of open) addOpen(facts, row);
      return facts;
    })();
  }

  #sql(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

interface OpenRow {
  destination: DestinationKind;
  state: JobState;
  n: number;
  bytes: number | null;
  oldest: number | null;
  firstUpdate: number | null;
  nextAt: number | null;
}

function addOpen(facts: QueueFacts, row: OpenRow): void {
  if (!DESTINATION_KINDS.includes(row.destination)) return;
  const kind = row.destination;
  facts.bytesLeft += row.bytes ?? 0;
  if (row.oldest !== null) {
    facts.oldestOpenSince = Math.min(facts.oldestOpenSince ?? row.oldest, row.oldest);
  }
  facts.open[kind] = (facts.open[kind] ?? 0) + row.n;
  if (row.state === 'needs-auth' && row.firstUpdate !== null) {
    facts.needsAuth[kind] = { count: row.n, since: row.firstUpdate };
  }
  if (row.state === 'waiting' && row.nextAt !== null) facts.nextAttemptAt[kind] = row.nextAt;
}
