import { hash } from 'node:crypto';
import type { LedgerEvent } from '../../../src-shared/ledger-events.ts';
import type { Database, Statement } from './database.ts';

/** Details are flat facts: a hash, a reason, a remote id, a list of setting names. */
export type LedgerValue = string | number | boolean | null | readonly string[];
export type LedgerDetails = Readonly<Record<string, LedgerValue>>;

export interface LedgerInput {
  event: LedgerEvent;
  recordingId?: string | null;
  jobId?: number | null;
  fileName?: string | null;
  sizeBytes?: number | null;
  details?: LedgerDetails;
}

/** One row of the ledger table, as stored. */
export interface LedgerRow {
  seq: number;
  at: string;
  event: string;
  recording_id: string | null;
  job_id: number | null;
  file_name: string | null;
  size_bytes: number | null;
  details: string;
  prev_hash: string;
  hash: string;
}

/** The previous hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * An entry's canonical form: the JSON array
 *   [seq, at, event, recording_id, job_id, file_name, size_bytes, details]
 * with no whitespace, each value as JSON writes it (strings quoted and escaped, a missing value
 * null), and `details` the stored details text itself (the uploader writes it as compact JSON with
 * its keys in sorted order). In sqlite3 the same text is
 *   '[' || json_quote(seq) || ',' || json_quote(at) || ',' || json_quote(event) || ',' ||
 *   json_quote(recording_id) || ',' || json_quote(job_id) || ',' || json_quote(file_name) || ',' ||
 *   json_quote(size_bytes) || ',' || details || ']'
 */
export function canonicalForm(row: Omit<LedgerRow, 'prev_hash' | 'hash'>): string {
  const j = JSON.stringify;
  return `[${j(row.seq)},${j(row.at)},${j(row.event)},${j(row.recording_id)},${j(row.job_id)},${j(row.file_name)},${j(row.size_bytes)},${row.details}]`;
}

/** An entry's hash: SHA-256, in lower-case hex, of the previous entry's hash (hex) followed by its canonical form. */
export function entryHash(prevHash: string, canonical: string): string {
  return hash('sha256', prevHash + canonical, 'hex');
}

/** Compact JSON with object keys sorted, so the same details always read the same. */
export function canonicalDetails(details: LedgerDetails): string {
  const sorted = Object.keys(details)
    .sort()
    .filter((key) => details[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${JSON.stringify(details[key])}`);
  return `{${sorted.join(',')}}`;
}

export interface LedgerHead {
  seq: number;
  hash: string;
}

/**
 * The append-only, hash-chained ledger. append() must run inside the caller's write transaction
 * (BEGIN IMMEDIATE), so the entry and the change it records commit together or not at all, and
 * two processes never chain onto the same head.
 */
export class Ledger {
  readonly #db: Database;
  readonly #head: Statement;
  readonly #insert: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#head = db.prepare('SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1');
    this.#insert = db.prepare(
      `INSERT INTO ledger (seq, at, event, recording_id, job_id, file_name, size_bytes, details, prev_hash, hash)
         VALUES (@seq, @at, @event, @recording_id, @job_id, @file_name, @size_bytes, @details, @prev_hash, @hash)`,
    );
  }

  /** Appends one entry at `atMs` and returns it. Throws when called outside a transaction. */
  append(input: LedgerInput, atMs: number): LedgerRow {
    if (!this.#db.inTransaction) {
      throw new Error(`the ledger entry "${input.event}" must be written inside the change it records`);
    }
    const head = this.head();
    const fields = {
      seq: head.seq + 1,
      at: new Date(atMs).toISOString(),
      event: input.event,
      recording_id: input.recordingId ?? null,
      job_id: input.jobId ?? null,
      file_name: input.fileName ?? null,
      size_bytes: input.sizeBytes ?? null,
      details: canonicalDetails(input.details ?? {}),
    };
    const row: LedgerRow = {
      ...fields,
      prev_hash: head.hash,
      hash: entryHash(head.hash, canonicalForm(fields)),
    };
    this.#insert.run(row);
    return row;
  }

  /** A job's latest entry of one event (its `verified` entry, for the receipt), or null. */
  latest(jobId: number, event: LedgerEvent): LedgerRow | null {
    const row = this.#db
      .prepare('SELECT * FROM ledger WHERE job_id = ? AND event = ? ORDER BY seq DESC LIMIT 1')
      .get(jobId, event) as LedgerRow | undefined;
    return row ?? null;
  }

  /** A job's newest `limit` entries, oldest first, and how many it has in all. */
  entriesOf(jobId: number, limit: number): { rows: LedgerRow[]; total: number } {
    const rows = this.#db
      .prepare('SELECT * FROM ledger WHERE job_id = ? ORDER BY seq DESC LIMIT ?')
      .all(jobId, limit) as LedgerRow[];
    const total = this.#db
      .prepare('SELECT COUNT(*) FROM ledger WHERE job_id = ?')
      .pluck()
      .get(jobId) as number;
    return { rows: rows.reverse(), total };
  }

  /** The last entry's number and hash; seq 0 and the genesis hash for an empty ledger. */
  head(): LedgerHead {
    const row = this.#head.get() as LedgerHead | undefined;
    return row ?? { seq: 0, hash: GENESIS_HASH };
  }
}
