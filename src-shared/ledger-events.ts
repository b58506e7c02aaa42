/**
 * What the ledger records. Job events are written by the job store in the same transaction as the
 * state change they name; the others by the settings and account stores and by reconciliation.
 */
export const LEDGER_EVENTS = [
  'found',
  'queued',
  'upload-started',
  'verifying',
  'stored',
  'verified',
  'sidecar-placed',
  'local-deleted',
  'waiting',
  'failed',
  'restarted',
  'requeued',
  'held-for-sign-in',
  'released',
  'retried',
  'paused',
  'resumed',
  'cancelled',
  'settings-changed',
  'signed-in',
  'signed-out',
  'reconciled',
  'receipt-placed',
] as const;
export type LedgerEvent = (typeof LEDGER_EVENTS)[number];
