import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src-main/core/host-services.ts';
import { waitFor } from '../support/recording-jobs.ts';
import { sha256, UploaderHarness } from '../support/uploader-harness.ts';

const MiB = 1024 * 1024;
/** Far beyond the throttle: a job that waits for this recheck was not taken when the throttle ended. */
const RECHECK_MS = 60_000;
const THROTTLE_S = 2;
/** Time enough, on a loaded machine, for the rest of a 2 MiB upload after the throttle. */
const MARGIN_MS = 5_000;

let harness: UploaderHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The system clock, which the test can step as a virtual machine's wall clock is stepped. */
function steppableClock(): Clock & { step(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    step: (ms) => {
      offset += ms;
    },
  };
}

describe('the end of a throttle', () => {
  it('a job held by a Retry-After is taken again once that much time has passed, not at the next recheck', async () => {
    const h = await UploaderHarness.start({
      peer: { chunkSize: 256 * 1024 },
      tuning: { recheckMs: RECHECK_MS },
    });
    harness = h;
    h.peer.faults.throttle(1, THROTTLE_S, ['chunk']);
    const bytes = await h.writeRecording('paced.mp4', 2 * MiB);

    await h.waitForStates(['paced.mp4'], ['waiting'], 20_000);
    const throttledAt = performance.now();
    await h.waitForStates(['paced.mp4'], ['done'], THROTTLE_S * 1000 + MARGIN_MS);

    expect(performance.now() - throttledAt).toBeGreaterThanOrEqual(THROTTLE_S * 1000 - 1000);
    expect(sha256(await h.stored('paced.mp4'))).toBe(sha256(bytes));
    expect(h.peer.requests.filter((r) => r.status === 429)).toHaveLength(1);
  });

  it('a throttle ending between two looks of the scheduler is not missed: it looks again then, not at the next recheck', async () => {
    // Each look at the elapsed time finds it a second later, as on a machine so busy that the
    // throttle is still in force when the scheduler picks what it may start, and over when it
    // sets its timer.
    let elapsed = performance.now();
    const h = await UploaderHarness.start({
      clock: {
        now: () => Date.now(),
        elapsed: () => {
          elapsed += 1000;
          return elapsed;
        },
      },
      peer: { chunkSize: 256 * 1024 },
      tuning: { recheckMs: RECHECK_MS },
    });
    harness = h;
    h.peer.faults.throttle(1, THROTTLE_S, ['chunk']);
    const bytes = await h.writeRecording('paced.mp4', 2 * MiB);

    await h.waitForStates(['paced.mp4'], ['waiting'], 20_000);
    await h.waitForStates(['paced.mp4'], ['done'], THROTTLE_S * 1000 + MARGIN_MS);

    expect(sha256(await h.stored('paced.mp4'))).toBe(sha256(bytes));
    expect(h.peer.requests.filter((r) => r.status === 429)).toHaveLength(1);
  });

  it('a request still out from before the throttle does not hold the others back once it has ended', async () => {
    const h = await UploaderHarness.start({
      settings: { maxConcurrentUploads: 2 },
      peer: { chunkSize: 256 * 1024 },
      tuning: { recheckMs: RECHECK_MS },
    });
    harness = h;
    // The first chunk to arrive is held by the server (a slow link); the next one is throttled.
    const slow = h.peer.gates.hold('chunk');
    h.peer.faults.throttle(1, THROTTLE_S, ['chunk']);
    await h.writeRecording('slow.mp4', 2 * MiB);
    await h.writeRecording('paced.mp4', 2 * MiB);
    await slow.whenHeld();
    const waiting = () => h.jobs().find((job) => job.state === 'waiting')?.fileName;
    await waitFor(
      () => waiting() !== undefined,
      20_000,
      () => `a recording to be throttled; now ${JSON.stringify(h.jobs())}`,
    );
    const throttled = waiting() ?? '';

    // The held request is still out: the throttled recording goes on once its time has passed.
    await h.waitForStates([throttled], ['done'], THROTTLE_S * 1000 + MARGIN_MS);

    expect(slow.holding).toBe(true);
    slow.release();
    await h.waitForStates(['slow.mp4', 'paced.mp4'], ['done']);
    expect(h.peer.requests.filter((r) => r.status === 429)).toHaveLength(1);
  });

  it('the wall clock stepped back during the wait does not lengthen it: Retry-After is time elapsed', async () => {
    const clock = steppableClock();
    const h = await UploaderHarness.start({
      clock,
      settings: { maxConcurrentUploads: 2 },
      peer: { chunkSize: 256 * 1024 },
      tuning: { recheckMs: RECHECK_MS },
    });
    harness = h;
    h.peer.faults.throttle(1, THROTTLE_S, ['chunk']);
    const names = ['first.mp4', 'second.mp4'];
    for (const name of names) await h.writeRecording(name, 2 * MiB);

    // The throttled recording waits; the other may wait too, or be paced by the same throttle in
    // the middle of its upload, as its requests happen to fall.
    await waitFor(
      () => h.jobs().some((job) => job.state === 'waiting'),
      20_000,
      () => `a recording to be throttled; now ${JSON.stringify(h.jobs())}`,
    );
    const throttledAt = performance.now();
    // The machine's clock is corrected by 40 s, as a virtual machine's is after a pause.
    clock.step(-40_000);
    await h.waitForStates(names, ['done'], THROTTLE_S * 1000 + MARGIN_MS);

    expect(performance.now() - throttledAt).toBeGreaterThanOrEqual(THROTTLE_S * 1000 - 1000);
    expect(h.peer.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect(h.uploader.reachability.get('storage-api').throttledUntil ?? 0).toBeLessThanOrEqual(clock.now());
  });
});
