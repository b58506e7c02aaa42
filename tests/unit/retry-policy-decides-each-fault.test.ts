import { describe, expect, it } from 'vitest';
import { backoffMs, decide, type RetryTuning } from '../../src-main/core/engine/retry-policy.ts';
import { type FaultKind, TransferFault } from '../../src-main/core/faults.ts';
import type { JobRecord } from '../../src-main/core/store/job-record.ts';

const tuning = (random = 0.5, maxRetries = 3): RetryTuning => ({
  maxRetries,
  baseMs: 1000,
  capMs: 60_000,
  random: () => random,
});

function job(changes: Partial<JobRecord> = {}): JobRecord {
  return {
    id: 1,
    destination: 'storage-api',
    path: '/rec/a.mp4',
    fileName: 'a.mp4',
    sizeBytes: 10,
    mtimeMs: 1,
    sidecarPath: null,
    state: 'uploading',
    session: null,
    pendingDiscard: null,
    confirmedBytes: 0,
    attempts: 0,
    verifyFailures: 0,
    nextAttemptAt: null,
    lastError: null,
    warning: null,
    remoteId: null,
    remoteUrl: null,
    createdAt: 0,
    updatedAt: 0,
    completedAt: null,
    localDeletedAt: null,
    recordingId: 'a',
    sha256: null,
    remoteHashes: {},
    storedAt: null,
    reconciledAt: null,
    reconciledState: null,
    ...changes,
  };
}

const fault = (kind: FaultKind, options: { retryAfterMs?: number; status?: number } = {}) =>
  new TransferFault(kind, `${kind} happened`, options);

describe('backoff', () => {
  it('doubles from the base and stops at the cap', () => {
    // random 1: the whole ceiling, so the figures are exact.
    const top = { baseMs: 1000, capMs: 60_000, random: () => 1 };
    expect([0, 1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffMs(n, top))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('keeps half of the ceiling fixed and draws the other half', () => {
    const at = (random: number) => backoffMs(3, { baseMs: 1000, capMs: 60_000, random: () => random });
    expect(at(0)).toBe(4000);
    expect(at(0.5)).toBe(6000);
    expect(at(1)).toBe(8000);
  });

  it('treats a negative attempt number as the first', () => {
    expect(backoffMs(-3, { baseMs: 1000, capMs: 60_000, random: () => 1 })).toBe(1000);
  });
});

describe('decide', () => {
  it('a lost connection waits, longer each time, and never uses up an attempt', () => {
    const waits = [1, 2, 3, 10].map((failures) =>
      decide(fault('network'), job({ attempts: 3 }), tuning(1), failures),
    );
    for (const decision of waits) expect(decision).toMatchObject({ action: 'wait', countAttempt: false });
    expect(waits.map((d) => (d.action === 'wait' ? d.delayMs : -1))).toEqual([2000, 4000, 8000, 60_000]);
  });

  it('a retriable fault waits and counts an attempt, backing off by the attempts made', () => {
    expect(decide(fault('retriable'), job({ attempts: 0 }), tuning(1), 0)).toEqual({
      action: 'wait',
      delayMs: 2000,
      countAttempt: true,
      reason: 'retriable happened',
    });
    expect(decide(fault('retriable'), job({ attempts: 2 }), tuning(1), 0)).toMatchObject({ delayMs: 8000 });
  });

  it('the server’s Retry-After replaces the backoff', () => {
    const decision = decide(fault('retriable', { retryAfterMs: 120_000 }), job(), tuning(), 0);
    expect(decision).toMatchObject({ action: 'wait', delayMs: 120_000, countAttempt: true });
  });

  it('fails once the attempts would pass maxRetries, saying how many were made', () => {
    expect(decide(fault('retriable'), job({ attempts: 2 }), tuning(0.5, 3), 0).action).toBe('wait');
    expect(decide(fault('retriable'), job({ attempts: 3 }), tuning(0.5, 3), 0)).toEqual({
      action: 'fail',
      reason: 'retriable happened (gave up after 4 attempts)',
    });
    expect(decide(fault('session-gone'), job({ attempts: 0 }), tuning(0.5, 0), 0).action).toBe('fail');
  });

  it('a forgotten session is retried like a retriable fault', () => {
    expect(decide(fault('session-gone'), job({ attempts: 1 }), tuning(1), 0)).toMatchObject({
      action: 'wait',
      countAttempt: true,
      delayMs: 4000,
    });
  });

  it('rejected credentials hold the destination for sign-in', () => {
    expect(decide(fault('auth'), job({ attempts: 99 }), tuning(), 0)).toEqual({
      action: 'hold-auth',
      reason: 'auth happened',
    });
  });

  it('a hash mismatch uploads again once, then fails', () => {
    expect(decide(fault('hash-mismatch'), job({ verifyFailures: 0 }), tuning(), 0)).toEqual({
      action: 'restart',
      reason: 'hash-mismatch happened',
    });
    expect(decide(fault('hash-mismatch'), job({ verifyFailures: 1 }), tuning(), 0)).toEqual({
      action: 'fail',
      reason: 'hash-mismatch happened (the second time: not retried)',
    });
  });

  it('a rejected request, an unreadable or changed file fail at once with the reason', () => {
    for (const kind of ['rejected', 'local', 'changed'] as const) {
      expect(decide(fault(kind), job(), tuning(), 0)).toEqual({ action: 'fail', reason: `${kind} happened` });
    }
  });

  it('a cancelled transfer goes back to the queue without counting anything', () => {
    expect(decide(fault('cancelled'), job({ attempts: 3 }), tuning(), 0)).toEqual({ action: 'requeue' });
  });
});
