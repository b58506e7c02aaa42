import type { TransferFault } from '../faults.ts';
import type { JobRecord } from '../store/job-record.ts';

export type Decision =
  | { action: 'wait'; delayMs: number; countAttempt: boolean; reason: string }
  /** The destination fails for everything: the job waits, the destination is unreachable until then. */
  | { action: 'unreachable'; delayMs: number; reason: string }
  /** The server paces us: every job of the destination waits, no attempt is used up. */
  | { action: 'throttle'; delayMs: number; reason: string }
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

/** What the engine knows around one fault, beyond the job itself. */
export interface FaultContext {
  /**
   * Does the destination otherwise answer (a cheap request to it just did)? False in an outage:
   * then a 5xx or a time-out is the destination's, not the recording's, and uses up nothing.
   */
  destinationAnswers: boolean;
  /** Failed tries of the destination since it last answered: lengthen the wait of an outage. */
  outageTries: number;
  /** Throttles of the destination without a Retry-After since it last answered: lengthen its pause. */
  throttles: number;
}

/**
 * The one retry policy, for every destination (docs/storage-api.md §10). Losing the network, an outage of the whole
 * destination and the server's pacing never use up attempts: `maxRetries` counts the failures of
 * one recording while the destination otherwise works.
 */
export function decide(
  fault: TransferFault,
  job: JobRecord,
  tuning: RetryTuning,
  context: FaultContext,
): Decision {
  switch (fault.kind) {
    case 'network':
      return {
        action: 'unreachable',
        delayMs: backoffMs(context.outageTries, tuning),
        reason: fault.message,
      };
    case 'throttled':
      return {
        action: 'throttle',
        delayMs: fault.retryAfterMs ?? backoffMs(context.throttles, tuning),
        reason: fault.message,
      };
    case 'retriable':
      if (!context.destinationAnswers) {
        return {
          action: 'unreachable',
          delayMs: backoffMs(context.outageTries, tuning),
          reason: fault.message,
        };
      }
      return counted(fault, job, tuning);
    case 'session-gone':
    case 'busy':
      return counted(fault, job, tuning);
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

/** A failure of this recording: backoff (or the server's Retry-After), up to maxRetries. */
function counted(fault: TransferFault, job: JobRecord, tuning: RetryTuning): Decision {
  if (job.attempts + 1 > tuning.maxRetries) {
    return { action: 'fail', reason: `${fault.message} (gave up after ${job.attempts + 1} attempts)` };
  }
  const delayMs = fault.retryAfterMs ?? backoffMs(job.attempts + 1, tuning);
  return { action: 'wait', delayMs, countAttempt: true, reason: fault.message };
}

/** Exponential backoff 2^n × base capped, with "equal jitter": half fixed, half random. */
export function backoffMs(attempt: number, tuning: Pick<RetryTuning, 'baseMs' | 'capMs' | 'random'>): number {
  const ceiling = Math.min(tuning.capMs, tuning.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * tuning.random());
}
