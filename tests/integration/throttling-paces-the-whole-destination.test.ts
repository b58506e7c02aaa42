import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src-main/core/host-services.ts';
import type { JobView } from '../../src-shared/job.ts';
import { waitFor } from '../support/recording-jobs.ts';
import { sha256, UploaderHarness } from '../support/uploader-harness.ts';

const MiB = 1024 * 1024;
const TEN_MINUTES_S = 600;

let harness: UploaderHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The system clock, which the test can move on: a wait of minutes passes in a moment. */
function movableClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
}

const updatesOf = (h: UploaderHarness): JobView[] =>
  h.events.filter((event) => event.event === 'job-updated').map((event) => event.payload as JobView);

describe('the server pacing the uploader', () => {
  it('a Retry-After of ten minutes holds every job of the destination, uses up nothing, and fails nothing', async () => {
    const clock = movableClock();
    const h = await UploaderHarness.start({
      clock,
      settings: { maxRetries: 1, maxConcurrentUploads: 2, chunkSizeBytes: MiB },
      peer: { chunkSize: 256 * 1024 },
    });
    harness = h;
    h.peer.faults.throttle(1, TEN_MINUTES_S, ['chunk']);
    const first = await h.writeRecording('first.mp4', 4 * MiB);
    const second = await h.writeRecording('second.mp4', 4 * MiB);

    // Both jobs end up waiting for the server, not failed, whichever of them met the 429.
    await waitFor(
      () => h.jobs().length === 2 && h.jobs().every((job) => job.state === 'waiting'),
      20_000,
      () => `both jobs to wait; now ${JSON.stringify(h.jobs())}`,
    );
    const throttledUntil = h.uploader.reachability.get('storage-api').throttledUntil ?? 0;
    expect(throttledUntil - clock.now()).toBeGreaterThan((TEN_MINUTES_S - 30) * 1000);
    for (const job of h.jobs()) {
      expect(job.lastError).toMatch(/asked to slow down until \d\d:\d\d/);
      expect(job.attempts).toBe(0);
      expect(Math.abs((job.nextAttemptAt ?? 0) - throttledUntil)).toBeLessThan(1000);
    }
    // Nothing more goes to the server while it asked for quiet: one pacer for the whole destination.
    const seen = h.peer.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(h.peer.requests.length).toBe(seen);

    clock.advance(TEN_MINUTES_S * 1000);
    await h.waitForStates(['first.mp4', 'second.mp4'], ['done']);

    for (const [name, bytes] of [
      ['first.mp4', first],
      ['second.mp4', second],
    ] as const) {
      expect(sha256(await h.stored(name))).toBe(sha256(bytes));
    }
    expect(h.peer.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect(updatesOf(h).some((job) => job.state === 'failed')).toBe(false);
    expect(updatesOf(h).every((job) => job.attempts === 0)).toBe(true);
    expect(h.uploader.reachability.get('storage-api').throttledUntil).toBeLessThan(clock.now());
  });

  it('a 503 that says when to come back is pacing too, not a failure', async () => {
    const h = await UploaderHarness.start({ settings: { maxRetries: 0 }, peer: { chunkSize: 256 * 1024 } });
    harness = h;
    h.peer.faults.throttle(2, 1, ['chunk'], 'seconds', 503);
    const bytes = await h.writeRecording('paced.mp4', 2 * MiB);

    const [done] = await h.waitForStates(['paced.mp4'], ['done']);

    expect(sha256(await h.stored('paced.mp4'))).toBe(sha256(bytes));
    expect(h.peer.requests.filter((r) => r.status === 503)).toHaveLength(2);
    expect(done?.attempts).toBe(0);
    expect(updatesOf(h).some((job) => job.state === 'failed')).toBe(false);
  });
});
