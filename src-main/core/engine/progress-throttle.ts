import type { JobProgress } from '../../../src-shared/job.ts';

/**
 * At most `perSecond` progress events a job, however fast chunks are acknowledged, so ten
 * thousand queued files never flood the UI. Speed is measured over a sliding window.
 */
export class ProgressThrottle {
  readonly #intervalMs: number;
  readonly #emit: (progress: JobProgress) => void;
  readonly #now: () => number;
  readonly #jobs = new Map<number, { lastEmit: number; samples: Array<[number, number]> }>();

  constructor(emit: (progress: JobProgress) => void, now: () => number, perSecond = 4) {
    this.#emit = emit;
    this.#now = now;
    this.#intervalMs = 1000 / perSecond;
  }

  report(jobId: number, confirmedBytes: number, sizeBytes: number, force = false): void {
    const now = this.#now();
    const entry = this.#jobs.get(jobId) ?? { lastEmit: Number.NEGATIVE_INFINITY, samples: [] };
    this.#jobs.set(jobId, entry);
    entry.samples.push([now, confirmedBytes]);
    while (entry.samples.length > 2 && (entry.samples[0]?.[0] ?? now) < now - 5000) entry.samples.shift();
    if (!force && now - entry.lastEmit < this.#intervalMs) return;
    entry.lastEmit = now;
    this.#emit({ jobId, confirmedBytes, sizeBytes, bytesPerSecond: speed(entry.samples) });
  }

  forget(jobId: number): void {
    this.#jobs.delete(jobId);
  }
}

function speed(samples: Array<[number, number]>): number {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (first === undefined || last === undefined || last[0] <= first[0]) return 0;
  return Math.max(0, Math.round(((last[1] - first[1]) * 1000) / (last[0] - first[0])));
}
