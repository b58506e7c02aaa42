import type { JobProgress } from '../../../src-shared/job.ts';

/** The timer functions the throttle schedules its trailing emit with; tests hand in a controllable pair. */
export interface ThrottleTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: ThrottleTimers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending progress report is no reason to keep a stopping process alive.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface JobEntry {
  lastEmit: number;
  samples: Array<[number, number]>;
  /** The newest report held back by the throttle, sent at the end of the interval. */
  held: { confirmedBytes: number; sizeBytes: number } | null;
  timer: unknown;
}

/**
 * At most `perSecond` progress events a job, however fast chunks are acknowledged, so ten
 * thousand queued files never flood the UI. Speed is measured over a sliding window. A report held
 * back is sent at the end of its interval when no newer one comes: a job whose last chunk before a
 * long pause was suppressed would otherwise show stale figures until the next chunk.
 */
export class ProgressThrottle {
  readonly #intervalMs: number;
  readonly #emit: (progress: JobProgress) => void;
  readonly #now: () => number;
  readonly #timers: ThrottleTimers;
  readonly #jobs = new Map<number, JobEntry>();

  constructor(
    emit: (progress: JobProgress) => void,
    now: () => number,
    perSecond = 4,
    timers: ThrottleTimers = realTimers,
  ) {
    this.#emit = emit;
    this.#now = now;
    this.#intervalMs = 1000 / perSecond;
    this.#timers = timers;
  }

  report(jobId: number, confirmedBytes: number, sizeBytes: number, force = false): void {
    const now = this.#now();
    const entry = this.#jobs.get(jobId) ?? {
      lastEmit: Number.NEGATIVE_INFINITY,
      samples: [],
      held: null,
      timer: null,
    };
    this.#jobs.set(jobId, entry);
    entry.samples.push([now, confirmedBytes]);
    while (entry.samples.length > 2 && (entry.samples[0]?.[0] ?? now) < now - 5000) entry.samples.shift();
    const wait = entry.lastEmit + this.#intervalMs - now;
    if (!force && wait > 0) {
      entry.held = { confirmedBytes, sizeBytes };
      entry.timer ??= this.#timers.setTimeout(() => this.#sendHeld(jobId, entry), wait);
      return;
    }
    this.#send(jobId, entry, confirmedBytes, sizeBytes, now);
  }

  forget(jobId: number): void {
    const entry = this.#jobs.get(jobId);
    if (entry?.timer != null) this.#timers.clearTimeout(entry.timer);
    this.#jobs.delete(jobId);
  }

  #sendHeld(jobId: number, entry: JobEntry): void {
    entry.timer = null;
    // Forgotten meanwhile (the job ended): its figures are no longer news.
    if (this.#jobs.get(jobId) !== entry || entry.held === null) return;
    this.#send(jobId, entry, entry.held.confirmedBytes, entry.held.sizeBytes, this.#now());
  }

  #send(jobId: number, entry: JobEntry, confirmedBytes: number, sizeBytes: number, now: number): void {
    entry.held = null;
    if (entry.timer != null) this.#timers.clearTimeout(entry.timer);
    entry.timer = null;
    entry.lastEmit = now;
    this.#emit({ jobId, confirmedBytes, sizeBytes, bytesPerSecond: speed(entry.samples) });
  }
}

function speed(samples: Array<[number, number]>): number {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (first === undefined || last === undefined || last[0] <= first[0]) return 0;
  return Math.max(0, Math.round(((last[1] - first[1]) * 1000) / (last[0] - first[0])));
}
