import type { Logger } from '../logging/logger.ts';
import type { JobRecord, JobRepository } from '../store/job-record.ts';
import { carryOutOwedDeletion } from './local-deletion.ts';

export interface OwedDeletionsOptions {
  store: Pick<JobRepository, 'get' | 'setWarning' | 'markLocalDeleted' | 'keepLocalFiles'> & {
    owingDeletions(): JobRecord[];
  };
  logger: Logger;
  /** Deleting after upload is on (false: an owed deletion is dropped, the files stay). */
  enabled(): boolean;
  /** Null while nothing may be deleted (a machine policy that does not validate). */
  heldBy(): string | null;
  changed(job: JobRecord): void;
  /** How often deletions that failed (a file held open by another program) are tried again; 10 min by default. */
  retryMs?: number;
}

const RETRY_MS = 10 * 60 * 1000;

/**
 * The local deletions verified recordings owe (deleteAfterUpload): each carried out once at a
 * time, whoever asks — the engine as a job is done, the start for those a stopped process still
 * owed, and a pass every few minutes for those that failed (a file another program held open), so
 * the disk does not fill while the uploader runs for weeks.
 */
export class OwedDeletions {
  readonly #options: OwedDeletionsOptions;
  readonly #underWay = new Set<number>();
  #pass: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #stopping = false;

  constructor(options: OwedDeletionsOptions) {
    this.#options = options;
  }

  /** Passes over every owed deletion now and then every few minutes, until stopped. */
  start(): void {
    this.#stopping = false;
    this.#pass = this.#carryOutOwed();
    this.#timer = setInterval(() => {
      this.#pass = this.#pass.then(() => this.#carryOutOwed());
    }, this.#options.retryMs ?? RETRY_MS);
    this.#timer.unref();
  }

  /** A deletion under way ends (its files deleted and recorded, or still owed); no next one starts. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#timer);
    await this.#pass;
  }

  /** The job's owed deletion, now, unless it is under way already. */
  async carryOut(job: JobRecord): Promise<void> {
    if (this.#underWay.has(job.id)) return;
    // As the store has it now: another pass may have carried it out since `job` was read.
    const current = this.#options.store.get(job.id);
    if (current?.deletionOwed == null) return;
    this.#underWay.add(job.id);
    try {
      await carryOutOwedDeletion(current, this.#options.store, this.#options.logger);
    } finally {
      this.#underWay.delete(job.id);
    }
  }

  async #carryOutOwed(): Promise<void> {
    const { store, logger } = this.#options;
    // Under a policy that does not validate, the settings in force are in doubt: nothing is deleted.
    if (this.#stopping || this.#options.heldBy() !== null) return;
    try {
      for (const job of store.owingDeletions()) {
        if (this.#stopping) return;
        if (this.#options.enabled()) await this.carryOut(job);
        else {
          // Deleting was turned off since: the files stay, as the setting now says.
          store.keepLocalFiles(job.id);
          logger.info('owed deletion dropped: delete after upload is off', { job: job.id });
        }
        const after = store.get(job.id);
        if (after !== undefined) this.#options.changed(after);
      }
    } catch (error) {
      // What is not done stays owed, for the next pass.
      logger.warn('owed deletions not carried out', {
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
