import { afterEach, describe, expect, it } from 'vitest';
import type { AnyBridgeEvent } from '../../src-shared/bridge-contract.ts';
import { QUICK_LIMIT_DEFAULT, type UploadRateView } from '../../src-shared/upload-rate-limit.ts';
import { type BodyWrite, busiestWindow, meteredFetch } from '../support/body-meter.ts';
import { sha256, UploaderHarness } from '../support/uploader-harness.ts';

const KiB = 1024;

let harness: UploaderHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const videoWrites = (writes: readonly BodyWrite[]) => writes.filter((w) => w.url.includes('/upload/video/'));
const sum = (writes: readonly BodyWrite[]) => writes.reduce((total, w) => total + w.bytes, 0);

function rateEvents(h: UploaderHarness): UploadRateView[] {
  return h.events
    .map((raw) => raw as AnyBridgeEvent)
    .filter((event) => event.event === 'upload-rate')
    .map((event) => event.payload as UploadRateView);
}

describe('the upload speed limit', () => {
  it('switches at the timetable boundary in the middle of an upload', async () => {
    // The workstation's clock says Monday 17:59:57 (local time) when the test begins.
    const start = new Date(2026, 0, 5, 17, 59, 57).getTime();
    const offset = start - Date.now();
    const writes: BodyWrite[] = [];
    harness = await UploaderHarness.start({
      clock: { now: () => Date.now() + offset },
      fetch: meteredFetch(writes),
      peer: { chunkSize: 256 * KiB },
      settings: { uploadRateLimit: 'Mon-08:00,64K Mon-18:00,off', settleSeconds: 1 },
    });
    expect(harness.uploader.getSnapshot().uploadRate).toEqual({
      rate: 64 * KiB,
      until: new Date(2026, 0, 5, 18, 0).getTime(),
      next: null,
      override: null,
    });
    // The moment the uploader lifted the limit, on the monotonic clock the writes are timed by, and
    // the workstation's time it read then: mapping the time of day onto the monotonic clock after
    // the fact would take any step of a virtual machine's wall clock for a pacing fault.
    let realBoundary = Number.POSITIVE_INFINITY;
    let liftedAtClock = 0;
    harness.uploader.events.subscribe((raw) => {
      const event = raw as AnyBridgeEvent;
      if (event.event !== 'upload-rate' || (event.payload as UploadRateView).rate !== null) return;
      if (realBoundary === Number.POSITIVE_INFINITY) {
        realBoundary = performance.now();
        liftedAtClock = Date.now() + offset;
      }
    });
    const bytes = await harness.writeRecording('evening.mp4', 1024 * KiB);
    // 1 MiB at 64 KiB/s would take 16 s; from 18:00 it goes at full speed.
    await harness.waitForStates(['evening.mp4'], ['done'], 20_000);
    expect(liftedAtClock).toBeGreaterThanOrEqual(new Date(2026, 0, 5, 18, 0).getTime());
    expect(liftedAtClock).toBeLessThan(new Date(2026, 0, 5, 18, 0, 5).getTime());
    const video = videoWrites(writes);
    const before = video.filter((w) => w.at < realBoundary);
    const after = video.filter((w) => w.at >= realBoundary);
    // Before 18:00 no more than 64 KiB/s (plus the bucket's quarter second and one write) left the uploader...
    const first = before[0]?.at ?? realBoundary;
    expect(sum(before)).toBeGreaterThan(32 * KiB);
    expect(sum(before)).toBeLessThanOrEqual(64 * KiB * ((realBoundary - first) / 1000) + 24 * KiB);
    // ...and the rest went at once, in a fraction of the 16 s the limit would have taken.
    expect(sum(after)).toBeGreaterThan(512 * KiB);
    const last = after.at(-1)?.at ?? realBoundary;
    expect(last - realBoundary).toBeLessThan(3000);
    expect(await harness.stored('evening.mp4')).toSatisfy(
      (stored: Buffer) => sha256(stored) === sha256(bytes),
    );
    expect(rateEvents(harness).at(-1)).toMatchObject({ rate: null, next: 64 * KiB, override: null });
  });

  it('is limited or lifted at once by the quick control, and says so', async () => {
    harness = await UploaderHarness.start();
    const limited = harness.uploader.setUploadLimitNow({ limited: true });
    expect(limited).toEqual({
      rate: QUICK_LIMIT_DEFAULT,
      until: null,
      next: QUICK_LIMIT_DEFAULT,
      override: 'limit',
    });
    expect(harness.uploader.getSnapshot().uploadRate).toEqual(limited);
    expect(rateEvents(harness).at(-1)).toEqual(limited);
    await harness.uploader.updateSettings({ uploadRateLimit: '3M' });
    expect(rateEvents(harness).at(-1)).toEqual({
      rate: 3 * 1024 * 1024,
      until: null,
      next: 3 * 1024 * 1024,
      override: null,
    });
    expect(harness.uploader.setUploadLimitNow({ limited: false })).toMatchObject({
      rate: null,
      override: 'full',
    });
  });

  it('is one limit shared by concurrent uploads: their sum stays within it', async () => {
    const writes: BodyWrite[] = [];
    harness = await UploaderHarness.start({
      fetch: meteredFetch(writes),
      peer: { chunkSize: 256 * KiB },
      settings: { uploadRateLimit: '512K', maxConcurrentUploads: 2, settleSeconds: 1 },
    });
    await harness.writeRecording('one.mp4', 768 * KiB);
    await harness.writeRecording('two.mp4', 768 * KiB);
    await harness.waitForStates(['one.mp4', 'two.mp4'], ['done'], 20_000);
    const video = videoWrites(writes);
    // Any two seconds carried at most the limit (plus the bucket's quarter second and one write).
    expect(busiestWindow(video, 2000)).toBeLessThanOrEqual(512 * KiB * 2.25 + 52 * KiB);
    // Both uploads moved side by side, not one after the other: each was sending in the middle.
    const first = video[0]?.at ?? 0;
    const lastAt = video.at(-1)?.at ?? 0;
    const middle = video.filter(
      (w) => w.at > first + (lastAt - first) / 3 && w.at < lastAt - (lastAt - first) / 3,
    );
    expect(new Set(middle.map((w) => w.url)).size).toBe(2);
    // 1.5 MiB at 512 KiB/s: about three seconds, not the moment it takes unlimited.
    expect(lastAt - first).toBeGreaterThan(2500);
  });

  it('never times out a chunk under a limit too low to send one within the time-out', async () => {
    const writes: BodyWrite[] = [];
    harness = await UploaderHarness.start({
      fetch: meteredFetch(writes),
      peer: { chunkSize: 16 * KiB },
      // 48 KiB at 8 KiB/s is one request of six seconds; the time-out is five.
      settings: { uploadRateLimit: '8K', requestTimeoutSeconds: 5, maxRetries: 0, settleSeconds: 1 },
    });
    const bytes = await harness.writeRecording('slow.mp4', 48 * KiB);
    const [job] = await harness.waitForStates(['slow.mp4'], ['done', 'failed', 'waiting'], 20_000);
    expect(job?.lastError ?? null).toBeNull();
    expect(job?.state).toBe('done');
    const video = videoWrites(writes);
    expect((video.at(-1)?.at ?? 0) - (video[0]?.at ?? 0)).toBeGreaterThan(5000);
    expect(sha256(await harness.stored('slow.mp4'))).toBe(sha256(bytes));
  });
});
