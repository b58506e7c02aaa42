import type { Clock } from '../host-services.ts';
import type { Logger } from '../logging/logger.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface ReconcileScheduleOptions {
  /** The setting: every how many days; 0 never. */
  everyDays(): number;
  /** The last reconciliation of the active destination, else its first verified upload; null: nothing to check yet. */
  dueFrom(): number | null;
  run(): Promise<void>;
  clock: Clock;
  logger: Logger;
  /** How often it looks whether a run is due. */
  checkEveryMs?: number;
}

/**
 * Reconciles by itself when the setting's interval has passed since the last run (or, before the
 * first, since the first verified upload): looked at on start and every hour, so a machine that was
 * off on the day catches up when it starts. A run that fails (no connection) is tried at the next look.
 */
export class ReconcileSchedule {
  readonly #options: ReconcileScheduleOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | null = null;

  constructor(options: ReconcileScheduleOptions) {
    this.#options = options;
  }

  start(): void {
    this.check();
    this.#timer = setInterval(() => this.check(), this.#options.checkEveryMs ?? HOUR_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** Runs a reconciliation now if one is due and none is under way. */
  check(): void {
    if (this.#running !== null || !this.#isDue()) return;
    this.#running = this.#options
      .run()
      .catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.#options.logger.warn('scheduled reconciliation did not run', { reason });
      })
      .finally(() => {
        this.#running = null;
      });
  }

  #isDue(): boolean {
    const days = this.#options.everyDays();
    if (days === 0) return false;
    const from = this.#options.dueFrom();
    return from !== null && this.#options.clock.now() - from >= days * DAY_MS;
  }
}
