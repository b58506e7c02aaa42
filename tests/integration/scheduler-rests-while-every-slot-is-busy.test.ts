import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../support/recording-jobs.ts';
import { sha256, UploaderHarness } from '../support/uploader-harness.ts';

const MiB = 1024 * 1024;

let harness: UploaderHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** How many timers this process sets in `ms`: a scheduler that looks again and again sets one each time. */
async function timersSetDuring(ms: number): Promise<number> {
  const original = globalThis.setTimeout;
  let count = 0;
  const counting = ((...args: Parameters<typeof setTimeout>) => {
    count += 1;
    return original(...args);
  }) as typeof setTimeout;
  globalThis.setTimeout = counting;
  try {
    await new Promise((resolve) => original(resolve, ms));
  } finally {
    globalThis.setTimeout = original;
  }
  return count;
}

describe('the scheduler', () => {
  it('rests while every upload slot is busy, though a recording waiting to retry is due', async () => {
    const h = await UploaderHarness.start({
      settings: { maxConcurrentUploads: 1, maxRetries: 5 },
      peer: { chunkSize: 256 * 1024 },
    });
    harness = h;
    // The first recording's session fails once (it waits a moment to retry); the second takes
    // the one slot, and its first chunk is held by the server until the test lets it go.
    h.peer.faults.serverErrors(1, 500, ['create']);
    const gate = h.peer.gates.hold('chunk');
    const first = await h.writeRecording('first.mp4', MiB);
    const second = await h.writeRecording('second.mp4', MiB);
    await gate.whenHeld();
    await waitFor(
      () => h.job('first.mp4')?.state === 'waiting' && (h.job('first.mp4')?.nextAttemptAt ?? 0) < Date.now(),
      10_000,
      () => `first.mp4 to be due while second.mp4 uploads; now ${JSON.stringify(h.jobs())}`,
    );

    const timers = await timersSetDuring(1000);

    // A finished upload wakes the scheduler: while none can finish, it sets almost no timers.
    expect(timers).toBeLessThan(50);
    gate.release();
    await h.waitForStates(['first.mp4', 'second.mp4'], ['done']);
    expect(sha256(await h.stored('first.mp4'))).toBe(sha256(first));
    expect(sha256(await h.stored('second.mp4'))).toBe(sha256(second));
  });
});
