import type { Database } from './database.ts';
import type { LedgerHead } from './ledger.ts';

/** A ledger entry's number and hash as it left the machine: in a receipt, or in a heartbeat. */
export interface LedgerAnchor extends LedgerHead {
  /** Where it was read, for the message: a file name. */
  source: string;
}

/** The anchor a receipt (`ledgerEntry`) or a heartbeat (`ledgerHead`) carries, or null if it has none. */
export function anchorOf(source: string, json: unknown): LedgerAnchor | null {
  if (typeof json !== 'object' || json === null) return null;
  const record = json as Record<string, unknown>;
  const head = (record.ledgerEntry ?? record.ledgerHead) as Record<string, unknown> | undefined;
  if (typeof head?.seq !== 'number' || typeof head.hash !== 'string') return null;
  return { source, seq: head.seq, hash: head.hash };
}

/**
 * Checks the local ledger against hashes that left the machine earlier: each anchor's entry must
 * still be there with the same hash. A chain rewritten from some entry on (every hash recomputed)
 * holds on its own, but disagrees here. Returns the problems, none when every anchor agrees.
 */
export function checkAnchors(db: Database, anchors: readonly LedgerAnchor[]): string[] {
  const hashAt = db.prepare('SELECT hash FROM ledger WHERE seq = ?').pluck();
  const problems: string[] = [];
  for (const anchor of anchors) {
    const hash = hashAt.get(anchor.seq) as string | undefined;
    if (hash === undefined) {
      problems.push(
        `${anchor.source} names entry ${anchor.seq}, which the ledger does not have: it was cut short`,
      );
    } else if (hash !== anchor.hash) {
      problems.push(
        `${anchor.source} recorded entry ${anchor.seq} with hash ${anchor.hash}, but the ledger's is ${hash}: ` +
          'the ledger was rewritten after that left the machine',
      );
    }
  }
  return problems;
}
