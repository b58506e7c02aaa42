import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenBucket } from '../../src-main/core/bandwidth/token-bucket.ts';
import { UploadRateControl } from '../../src-main/core/bandwidth/upload-rate-control.ts';
import { systemClock } from '../../src-main/core/host-services.ts';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import { QUICK_LIMIT_DEFAULT, type UploadRateView } from '../../src-shared/upload-rate-limit.ts';

const MiB = 1024 * 1024;
const monday = (hours: number, minutes = 0) => new Date(2026, 0, 5, hours, minutes).getTime();
const tuesday = (hours: number, minutes = 0) => new Date(2026, 0, 6, hours, minutes).getTime();

describe('the limit in force, and the quick control', () => {
  let bucket: TokenBucket;
  let control: UploadRateControl;
  let changes: UploadRateView[];

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    vi.setSystemTime(monday(12));
    bucket = new TokenBucket();
    changes = [];
    control = new UploadRateControl({
      bucket,
      clock: systemClock,
      logger: silentLogger,
      onChange: (view) => changes.push(view),
    });
  });
  afterEach(() => {
    control.stop();
    vi.useRealTimers();
  });

  it('follows the timetable by itself, boundary after boundary', () => {
    control.setLimit('08:00,2M 18:00,off');
    expect(control.view).toEqual({ rate: 2 * MiB, until: monday(18), next: null, override: null });
    expect(bucket.rate).toBe(2 * MiB);
    vi.advanceTimersByTime(monday(18) - monday(12));
    expect(control.view).toEqual({ rate: null, until: tuesday(8), next: 2 * MiB, override: null });
    expect(bucket.rate).toBeNull();
    expect(changes.map((view) => view.rate)).toEqual([2 * MiB, null]);
  });

  it('uploads at full speed until the next boundary, then the timetable holds again', () => {
    control.setLimit('08:00,2M 18:00,512K');
    expect(control.setLimitedNow(false)).toEqual({
      rate: null,
      until: monday(18),
      next: 512 * 1024,
      override: 'full',
    });
    expect(bucket.rate).toBeNull();
    vi.advanceTimersByTime(monday(18) - monday(12));
    expect(control.view).toEqual({ rate: 512 * 1024, until: tuesday(8), next: 2 * MiB, override: null });
    expect(bucket.rate).toBe(512 * 1024);
  });

  it('limits now to the setting’s slowest rate, or to the default when it sets none', () => {
    control.setLimit('08:00,off 09:00,2M 11:00,off 20:00,4M');
    expect(control.setLimitedNow(true)).toEqual({
      rate: 2 * MiB,
      until: monday(20),
      next: 4 * MiB,
      override: 'limit',
    });
    // Asking for what the timetable already says ends the override.
    expect(control.setLimitedNow(false)).toMatchObject({ rate: null, override: null });
    control.setLimit('off');
    expect(control.setLimitedNow(true)).toEqual({
      rate: QUICK_LIMIT_DEFAULT,
      until: null,
      next: QUICK_LIMIT_DEFAULT,
      override: 'limit',
    });
    // A change of the setting ends the override at once.
    control.setLimit('3M');
    expect(control.view).toEqual({ rate: 3 * MiB, until: null, next: 3 * MiB, override: null });
  });
});
