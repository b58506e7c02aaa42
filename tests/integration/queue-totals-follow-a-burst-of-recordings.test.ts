import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { QueueTotals } from '../../src-shared/job.ts';
import { UploaderHarness } from '../support/uploader-harness.ts';

let harness: UploaderHarness | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

describe("the queue's totals", () => {
  it('follow a burst of queued recordings once, not once per recording, and end right', async () => {
    // Paused: the recordings stay queued while the totals are counted.
    harness = await UploaderHarness.start({ settings: { uploadsPaused: true } });
    const { uploader } = harness;
    const totalsBefore = harness.events.filter((e) => e.event === 'totals-changed').length;
    for (let n = 1; n <= 300; n += 1) {
      uploader.enqueue({
        path: join(harness.folder, `burst_${n}.mp4`),
        sizeBytes: 1000 + n,
        mtimeMs: 1_729_950_000_000 + n,
        sidecarPath: null,
      });
    }
    const jobEvents = harness.events.filter((e) => e.event === 'job-updated');
    expect(jobEvents.length).toBeGreaterThanOrEqual(300);
    await expect
      .poll(() => harness?.events.filter((e) => e.event === 'totals-changed').length ?? 0)
      .toBeGreaterThan(totalsBefore);
    const totals = harness.events.filter((e) => e.event === 'totals-changed').slice(totalsBefore);
    expect(totals.length).toBeLessThanOrEqual(2);
    expect((totals.at(-1)?.payload as QueueTotals | undefined)?.queued).toBe(300);
  });
});
