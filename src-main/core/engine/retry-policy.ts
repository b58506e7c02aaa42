import type { TransferFault } from '../faults.ts';
import type { JobRecord } from '../store/job-record.ts';

export type Decision =
  | { action: 'wait'; delayMs: number; countAttempt: boolean; reason: string }
  | { action: 'fail'; reason: string }
  | { action: 'hold-auth'; reason: string }
  | { action: 'restart'; reason: string }
  | { action: 'requeue' };

export interface RetryTuning {
  maxRetries: number;
  /** 2^n × base, capped, with jitter. Seconds in production; tests may shrink the base. */
  baseMs: number;
  capMs: number;
  random: () => number;
}

/** The production timing: 1 s doubling up to a minute. */
export const defaultTuning = (maxRetries: number): RetryTuning => ({
  maxRetries,
  baseMs: 1000,
  capMs: 60_000,
  random: Math.random,
});

/**
 * The one retry policy, for every destination (the storage API's answers and what the uploader
 * does with each: docs/storage-api.md §10). `networkFailures` counts consecutive
 * connection failures of this job, which only lengthen the wait: losing the network never uses up
 * attempts.
 */
export function decide(
  fault: TransferFault,
  job: JobRecord,
  tuning: RetryTuning,
  networkFailures: number,
): Decision {
  switch (fault.kind) {
    case 'network':
      return {
        action: 'wait',
        delayMs: backoffMs(networkFailures, tuning),
        countAttempt: false,
        reason: fault.message,
      };
    case 'retriable':
    case 'session-gone': {
      if (job.attempts + 1 > tuning.maxRetries) {
        return { action: 'fail', reason: `${fault.message} (gave up after ${job.attempts + 1} attempts)` };
      }
      const delayMs = fault.retryAfterMs ?? backoffMs(job.attempts + 1, tuning);
      return { action: 'wait', delayMs, countAttempt: true, reason: fault.message };
    }
    case 'auth':
      return { action: 'hold-auth', reason: fault.message };
    case 'hash-mismatch':
      return job.verifyFailures === 0
        ? { action: 'restart', reason: fault.message }
        : { action: 'fail', reason: `${fault.message} (the second time: not retried)` };
    case 'rejected':
    case 'local':
    case 'changed':
      return { action: 'fail', reason: fault.message };
    case 'cancelled':
      return { action: 'requeue' };
  }
}

/** Exponential backoff 2^n × base capped, with "equal jitter": half fixed, half random. */
export function backoffMs(attempt: number, tuning: Pick<RetryTuning, 'baseMs' | 'capMs' | 'random'>): number {
  const ceiling = Math.min(tuning.capMs, tuning.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * tuning.random());
}
