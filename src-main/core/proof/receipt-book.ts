import { hostname } from 'node:os';
import { basename } from 'node:path';
import { APP_VERSION } from '../../../src-shared/app-version.ts';
import type { DestinationPlace } from '../../../src-shared/job-details.ts';
import type { DestinationKind, Settings } from '../../../src-shared/settings.ts';
import type { Destination, RemoteFile, UploadItem } from '../destinations/destination.ts';
import type { Logger } from '../logging/logger.ts';
import type { AccountStore } from '../store/account-store.ts';
import type { JobRecord } from '../store/job-record.ts';
import type { SqliteJobStore } from '../store/job-store.ts';
import { readSidecar } from '../watcher/sidecar.ts';
import { destinationPlace } from './destination-place.ts';
import { buildReceipt, type Receipt, receiptBytes, receiptFileName } from './receipt.ts';
import { sidecarOutcome } from './sidecar-outcome.ts';

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

  /**
   * Where a recording went: the account and folder its `verified` entry names, else (verified
   * before entries named them) the destination's as set now.
   */
  placeOfJob(job: JobRecord): { place: DestinationPlace; asVerified: boolean } {
    const recorded = this.#options.store.recordedPlace(job.id);
    if (recorded === null) return { place: this.placeOf(job.destination), asVerified: false };
    return { place: { kind: job.destination, ...recorded }, asVerified: true };
  }

  receiptOf(jobId: number): Receipt {
    const { store } = this.#options;
    const job = store.get(jobId);
    if (job === undefined) throw new Error(`there is no job ${jobId}`);
    const entry = store.verifiedEntry(jobId);
    if (entry === null) throw new Error(`job ${jobId} (${job.fileName}) has no verified entry in the ledger`);
    const { place } = this.placeOfJob(job);
    const metadata =
      job.sidecarPath === null
        ? null
        : { fileName: basename(job.sidecarPath), stored: sidecarOutcome(job, store.sidecarPlaced(job.id)) };
    return buildReceipt(job, entry, place, metadata, hostname(), APP_VERSION);
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
      if (await destination.placeBeside(item, remote, file, this.#options.signal())) {
        store.markReceiptPlaced(job.id, name);
      } else {
        store.markReceiptUnplaceable(job.id);
      }
      if (job.warning?.startsWith(NOT_PLACED) === true) store.setWarning(job.id, null);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn('receipt not placed', { job: job.id, file: job.fileName, reason });
      store.setWarning(job.id, `${NOT_PLACED}: ${reason}`);
    }
  }

  /**
   * The receipts still owed (the process stopped between `done` and placing one, or placing it
   * failed), placed now where their destination takes uploads; the others stay owed until then.
   */
  async placeOwed(destination: (kind: DestinationKind) => Destination | undefined): Promise<number> {
    let placed = 0;
    for (const job of this.#options.store.owingReceipts()) {
      const target = destination(job.destination);
      if (target === undefined || job.remoteId === null) continue;
      const remote = { id: job.remoteId, url: job.remoteUrl, hashes: job.remoteHashes, verified: true };
      await this.place(job, await itemOf(job), remote, target);
      if (this.#options.store.get(job.id)?.receiptOwed === false) placed += 1;
    }
    if (placed > 0) this.#options.logger.info('owed receipts placed', { receipts: placed });
    return placed;
  }
}

const NOT_PLACED = 'uploaded and verified, but its receipt was not placed';

/**
 * The recording as its destination saw it when it was uploaded, rebuilt from the job: the sidecar
 * read again where it is still there (a destination may file the recording by its metadata).
 */
async function itemOf(job: JobRecord): Promise<UploadItem> {
  const sidecar = job.sidecarPath === null ? null : await readSidecar(job.sidecarPath);
  return {
    jobId: job.id,
    path: job.path,
    fileName: job.fileName,
    sizeBytes: job.sizeBytes,
    mtimeMs: job.mtimeMs,
    recordingId: job.recordingId,
    sidecar: sidecar !== null && sidecar.json !== null ? sidecar : null,
  };
}
