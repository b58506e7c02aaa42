import type { DestinationKind } from './settings.ts';

/** What a reconciliation found, as the bridge tells the UI and the shell (notifications). */
export interface ReconcileSummary {
  destination: DestinationKind;
  /** ISO time the destination was listed. */
  asOf: string;
  checked: number;
  present: number;
  /** File names of the recordings no longer at the destination. */
  missing: string[];
  /** File names of the recordings whose size or hash changed there. */
  altered: string[];
  unexpected: number;
}
