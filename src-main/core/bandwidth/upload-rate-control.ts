import {
  parseUploadRateLimit,
  QUICK_LIMIT_DEFAULT,
  type RateInForce,
  type RateOverride,
  rateInForce,
  slowestRate,
  type UploadRateLimit,
  type UploadRateView,
} from '../../../src-shared/upload-rate-limit.ts';
import type { Clock } from '../host-services.ts';
import type { Logger } from '../logging/logger.ts';
import type { TokenBucket } from './token-bucket.ts';

/** Even with no boundary due, the limit is looked at again this often: a clock can jump (sleep, DST). */
const RECHECK_MS = 60_000;

export interface UploadRateControlOptions {
  bucket: TokenBucket;
  /** The time of day the timetable is read against (a test's clock may start at 17:59:59). */
  clock: Clock;
  logger: Logger;
  /** Called whenever the view changes: a boundary passed, the setting or the override changed. */
  onChange(view: UploadRateView): void;
}

/**
 * Keeps the shared bucket at the rate the setting's timetable (or the operator's quick control)
 * says now: live, at each boundary, and whenever the setting changes.
 */
export class UploadRateControl {
  readonly #options: UploadRateControlOptions;
  #limit: UploadRateLimit = { kind: 'fixed', rate: null };
  #override: { mode: RateOverride; until: number | null } | null = null;
  #view: UploadRateView;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: UploadRateControlOptions) {
    this.#options = options;
    this.#view = this.#compute();
  }

  /** The setting's text, as validated by the settings schema. */
  setLimit(text: string): void {
    const parsed = parseUploadRateLimit(text);
    if (!parsed.ok) {
      this.#options.logger.warn('upload speed limit not understood; uploads are not limited', {
        problem: parsed.problem,
      });
    }
    this.#limit = parsed.ok ? parsed.value : { kind: 'fixed', rate: null };
    this.#override = null;
    this.#update();
  }

  /**
   * The quick control. `limited` true: limit now (to the setting's slowest rate, or a default);
   * false: full speed. Either lasts until the timetable's next change; asking for what the
   * timetable already says simply ends an override.
   */
  setLimitedNow(limited: boolean): UploadRateView {
    const scheduled = this.#scheduled();
    this.#override =
      (scheduled.rate !== null) === limited
        ? null
        : { mode: limited ? 'limit' : 'full', until: scheduled.until };
    this.#update();
    return this.#view;
  }

  get view(): UploadRateView {
    return this.#view;
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #scheduled(): RateInForce {
    return rateInForce(this.#limit, this.#options.clock.now());
  }

  #compute(): UploadRateView {
    const now = this.#options.clock.now();
    if (this.#override !== null && this.#override.until !== null && now >= this.#override.until) {
      this.#override = null;
    }
    const scheduled = rateInForce(this.#limit, now);
    if (this.#override === null) return { ...scheduled, override: null };
    const rate = this.#override.mode === 'full' ? null : (slowestRate(this.#limit) ?? QUICK_LIMIT_DEFAULT);
    const { until } = this.#override;
    return { rate, until, next: until === null ? rate : scheduled.next, override: this.#override.mode };
  }

  #update(): void {
    const view = this.#compute();
    const changed = JSON.stringify(view) !== JSON.stringify(this.#view);
    this.#view = view;
    this.#options.bucket.setRate(view.rate);
    if (changed) {
      this.#options.logger.info('upload speed limit in force', { ...view });
      this.#options.onChange(view);
    }
    clearTimeout(this.#timer);
    const untilNext = view.until === null ? RECHECK_MS : view.until - this.#options.clock.now();
    this.#timer = setTimeout(() => this.#update(), Math.min(RECHECK_MS, Math.max(0, untilNext)));
    this.#timer.unref();
  }
}
