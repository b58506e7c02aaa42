import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  decide,
  type FaultContext,
  type RetryTuning,
} from '../../src-main/core/engine/retry-policy.ts';
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
    sidecarWarning: null,
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
    receiptOwed: false,
    deletionOwed: null,
    ...changes,
  };
}

const answering: FaultContext = { destinationAnswers: true, outageTries: 0, throttles: 0 };

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
  it('a lost connection makes the destination unreachable, longer each try, and never uses up an attempt', () => {
    const waits = [1, 2, 3, 10].map((outageTries) =>
      decide(fault('network'), job({ attempts: 3 }), tuning(1), { ...answering, outageTries }),
    );
    for (const decision of waits) expect(decision.action).toBe('unreachable');
    expect(waits.map((d) => (d.action === 'unreachable' ? d.delayMs : -1))).toEqual([
      2000, 4000, 8000, 60_000,
    ]);
  });

  it('a 5xx or a time-out while the destination answers nothing else is an outage: nothing is counted', () => {
    const outage = { destinationAnswers: false, outageTries: 2, throttles: 0 };
    expect(decide(fault('retriable'), job({ attempts: 3 }), tuning(1, 3), outage)).toEqual({
      action: 'unreachable',
      delayMs: 4000,
      reason: 'retriable happened',
    });
  });

  it('the server pacing us waits as long as it asked and never uses up an attempt', () => {
    expect(
      decide(fault('throttled', { retryAfterMs: 600_000 }), job({ attempts: 3 }), tuning(), answering),
    ).toEqual({
      action: 'throttle',
      delayMs: 600_000,
      reason: 'throttled happened',
    });
    // No Retry-After: the pause grows with the destination's throttles in a row.
    const unsaid = decide(fault('throttled'), job(), tuning(1), { ...answering, throttles: 3 });
    expect(unsaid).toEqual({ action: 'throttle', delayMs: 8000, reason: 'throttled happened' });
  });

  it('a recording held by another program is tried again with backoff, then fails with the OS’s reason', () => {
    expect(decide(fault('busy'), job({ attempts: 0 }), tuning(1, 3), answering)).toMatchObject({
      action: 'wait',
      countAttempt: true,
      delayMs: 2000,
    });
    const busy = new TransferFault(
      'busy',
      "/rec/a.mp4 cannot be read for now: EBUSY: resource busy or locked, open '/rec/a.mp4'",
    );
    expect(decide(busy, job({ attempts: 3 }), tuning(1, 3), answering)).toEqual({
      action: 'fail',
      reason:
        "/rec/a.mp4 cannot be read for now: EBUSY: resource busy or locked, open '/rec/a.mp4' (gave up after 4 attempts)",
    });
  });

  it('a retriable fault waits and counts an attempt, backing off by the attempts made', () => {
    expect(decide(fault('retriable'), job({ attempts: 0 }), tuning(1), answering)).toEqual({
      action: 'wait',
      delayMs: 2000,
      countAttempt: true,
      reason: 'retriable happened',
    });
    expect(decide(fault('retriable'), job({ attempts: 2 }), tuning(1), answering)).toMatchObject({
      delayMs: 8000,
    });
  });

  it('the server’s Retry-After replaces the backoff', () => {
    const decision = decide(fault('retriable', { retryAfterMs: 120_000 }), job(), tuning(), answering);
    expect(decision).toMatchObject({ action: 'wait', delayMs: 120_000, countAttempt: true });
  });

  it('fails once the attempts would pass maxRetries, saying how many were made', () => {
    expect(decide(fault('retriable'), job({ attempts: 2 }), tuning(0.5, 3), answering).action).toBe('wait');
    expect(decide(fault('retriable'), job({ attempts: 3 }), tuning(0.5, 3), answering)).toEqual({
      action: 'fail',
      reason: 'retriable happened (gave up after 4 attempts)',
    });
    expect(decide(fault('session-gone'), job({ attempts: 0 }), tuning(0.5, 0), answering).action).toBe(
      'fail',
    );
  });

  it('a forgotten session is retried like a retriable fault', () => {
    expect(decide(fault('session-gone'), job({ attempts: 1 }), tuning(1), answering)).toMatchObject({
      action: 'wait',
      countAttempt: true,
      delayMs: 4000,
    });
  });

  it('rejected credentials hold the destination for sign-in', () => {
    expect(decide(fault('auth'), job({ attempts: 99 }), tuning(), answering)).toEqual({
      action: 'hold-auth',
      reason: 'auth happened',
    });
  });

  it('a hash mismatch uploads again once, then fails', () => {
    expect(decide(fault('hash-mismatch'), job({ verifyFailures: 0 }), tuning(), answering)).toEqual({
      action: 'restart',
      reason: 'hash-mismatch happened',
    });
    expect(decide(fault('hash-mismatch'), job({ verifyFailures: 1 }), tuning(), answering)).toEqual({
      action: 'fail',
      reason: 'hash-mismatch happened (the second time: not retried)',
    });
  });

  it('a rejected request, an unreadable or changed file fail at once with the reason', () => {
    for (const kind of ['rejected', 'local', 'changed'] as const) {
      expect(decide(fault(kind), job(), tuning(), answering)).toEqual({
        action: 'fail',
        reason: `${kind} happened`,
      });
    }
  });

  it('a cancelled transfer goes back to the queue without counting anything', () => {
    expect(decide(fault('cancelled'), job({ attempts: 3 }), tuning(), answering)).toEqual({
      action: 'requeue',
    });
  });
});
