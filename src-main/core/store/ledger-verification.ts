import type { Database } from './database.ts';
import { canonicalForm, entryHash, GENESIS_HASH, type LedgerHead, type LedgerRow } from './ledger.ts';

export type LedgerVerdict =
  | { holds: true; entries: number; head: LedgerHead }
  | { holds: false; seq: number; problem: string; entriesChecked: number };

/**
 * Walks the chain from the first entry: each entry must follow the one before by number, name that
 * entry's hash as its previous hash, and hash to its own stored hash. The first entry that does
 * not is named: a changed row fails its own hash, a deleted one leaves a gap in the numbers, an
 * inserted one breaks the chain where it stands.
 */
export function verifyLedger(db: Database): LedgerVerdict {
  const rows = db
    .prepare(
      'SELECT seq, at, event, recording_id, job_id, file_name, size_bytes, details, prev_hash, hash FROM ledger ORDER BY seq',
    )
    .iterate() as IterableIterator<LedgerRow>;
  let previous: LedgerHead = { seq: 0, hash: GENESIS_HASH };
  for (const row of rows) {
    const problem = problemOf(row, previous);
    if (problem !== null) {
      rows.return?.();
      return { holds: false, seq: row.seq, problem, entriesChecked: previous.seq };
    }
    previous = { seq: row.seq, hash: row.hash };
  }
  return { holds: true, entries: previous.seq, head: previous };
}

function problemOf(row: LedgerRow, previous: LedgerHead): string | null {
  if (!Number.isSafeInteger(row.seq) || row.seq !== previous.seq + 1) {
    const missing =
      previous.seq + 1 === row.seq - 1 ? `${previous.seq + 1}` : `${previous.seq + 1}–${row.seq - 1}`;
    return `entry ${row.seq} follows entry ${previous.seq}: entry ${missing} is missing (deleted)`;
  }
  if (row.prev_hash !== previous.hash) {
    return (
      `entry ${row.seq} names ${row.prev_hash} as the previous entry's hash, but entry ${previous.seq}'s ` +
      `hash is ${previous.hash}: one of the two was changed, or entry ${row.seq} was inserted`
    );
  }
  if (typeof row.details !== 'string') return `entry ${row.seq} has no details text`;
  const recomputed = entryHash(row.prev_hash, canonicalForm(row));
  if (recomputed !== row.hash) {
    return (
      `entry ${row.seq} (${row.event} at ${row.at}) hashes to ${recomputed}, not its stored ${row.hash}: ` +
      'it was changed after it was written'
    );
  }
  return null;
}
