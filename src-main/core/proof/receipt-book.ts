import { hostname } from 'node:os';
import { APP_VERSION } from '../../../src-shared/app-version.ts';
import type { DestinationPlace } from '../../../src-shared/job-details.ts';
import type { DestinationKind, Settings } from '../../../src-shared/settings.ts';
import type { Destination, RemoteFile, UploadItem } from '../destinations/destination.ts';
import type { Logger } from '../logging/logger.ts';
import type { AccountStore } from '../store/account-store.ts';
import type { JobRecord } from '../store/job-record.ts';
import type { SqliteJobStore } from '../store/job-store.ts';
import { destinationPlace } from './destination-place.ts';
import { buildReceipt, type Receipt, receiptBytes, receiptFileName } from './receipt.ts';

export interface ReceiptBookOptions {
  store: SqliteJobStore;
  accounts: AccountStore;
  settings(): Settings;
  logger: Logger;
  /** Each request's time limit. */
  signal(): AbortSignal;
}

/**
 * Receipts of verified recordings: built from the database alone, so the same job always gives
 * the same bytes, and placed with the recording where the destination has a place for them.
 */
export class ReceiptBook {
  readonly #options: ReceiptBookOptions;

  constructor(options: ReceiptBookOptions) {
    this.#options = options;
  }

  /** Where this destination's recordings go, as the receipt (and the details view) name it. */
  placeOf(kind: DestinationKind): DestinationPlace {
    return destinationPlace(this.#options.settings(), this.#options.accounts, kind);
  }

  receiptOf(jobId: number): Receipt {
    const { store } = this.#options;
    const job = store.get(jobId);
    if (job === undefined) throw new Error(`there is no job ${jobId}`);
    const entry = store.verifiedEntry(jobId);
    if (entry === null) throw new Error(`job ${jobId} (${job.fileName}) has no verified entry in the ledger`);
    const place = this.placeOf(job.destination);
    return buildReceipt(job, entry, place, hostname(), APP_VERSION);
  }

  /**
   * The receipt travels with the recording: NAME.receipt.json beside it (the storage API: by its
   * optional receipts extension). One that cannot be placed now stays in the database (`receipt
   * JOB`) and is named in the job's warning; the upload itself stands.
   */
  async place(job: JobRecord, item: UploadItem, remote: RemoteFile, destination: Destination): Promise<void> {
    if (destination.placeBeside === undefined) return;
    const { store, logger } = this.#options;
    const name = receiptFileName(job.fileName);
    try {
      const bytes = receiptBytes(this.receiptOf(job.id));
      const file = { name, bytes, role: 'receipt' as const };
      if (!(await destination.placeBeside(item, remote, file, this.#options.signal()))) return;
      store.markReceiptPlaced(job.id, name);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn('receipt not placed', { job: job.id, file: job.fileName, reason });
      store.setWarning(job.id, `uploaded and verified, but its receipt was not placed: ${reason}`);
    }
  }
}
