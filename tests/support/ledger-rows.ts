import type { Database } from '../../src-main/core/store/database.ts';
import type { LedgerRow } from '../../src-main/core/store/ledger.ts';

export function ledgerRows(db: Database): LedgerRow[] {
  return db.prepare('SELECT * FROM ledger ORDER BY seq').all() as LedgerRow[];
}

export function ledgerEvents(db: Database, jobId?: number): string[] {
  return ledgerRows(db)
    .filter((row) => jobId === undefined || row.job_id === jobId)
    .map((row) => row.event);
}

/** What someone with write access to the file can do: the append-only triggers are theirs to drop. */
export function dropLedgerGuards(db: Database): void {
  db.exec('DROP TRIGGER ledger_refuses_update; DROP TRIGGER ledger_refuses_delete;');
}
