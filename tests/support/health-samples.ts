import type { Headline, Health } from '../../src-shared/health.ts';
import { JOB_STATES, type QueueTotals } from '../../src-shared/job.ts';

export function zeroTotals(counts: Partial<QueueTotals> = {}): QueueTotals {
  const zero = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as QueueTotals;
  return { ...zero, doneToday: 0, ...counts };
}

/** A health whose headline is `headline` (the rest plausible), for consumers that only show it. */
export function healthWith(headline: Headline, totals: Partial<QueueTotals> = {}): Health {
  const counts = zeroTotals(totals);
  return {
    at: 1_700_000_000_000,
    watcher: { state: 'watching', path: '/rec', since: 1_700_000_000_000, detail: null },
    activeDestination: 'storage-api',
    destinations: [],
    queue: {
      counts,
      waiting: counts.queued + counts.waiting + counts.paused + counts['needs-auth'],
      uploading: counts.uploading + counts.verifying,
      failed: counts.failed,
      oldestWaitingSince: null,
      bytesLeft: 0,
      bytesPerSecond: 0,
      etaSeconds: null,
    },
    disk: { path: '/rec', freeBytes: 100 * 1024 ** 3, warnBelowBytes: 2 * 1024 ** 3, low: false },
    paused: headline.kind === 'paused',
    pausedUntil: headline.kind === 'paused' ? headline.until : null,
    headline,
  };
}
