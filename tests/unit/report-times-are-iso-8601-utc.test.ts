import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src-main/core/proof/iso-time.ts';

describe("a report's times", () => {
  it('read exactly as toISOString writes them, at every boundary of a day, a year and a millisecond', () => {
    const samples = [
      0,
      1,
      999,
      1000,
      59_999,
      86_399_999,
      86_400_000,
      Date.UTC(2026, 0, 1),
      Date.UTC(2026, 0, 1) - 1,
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    ];
    // A day apart and then some, so consecutive times leave and re-enter the day already made.
    for (let ms = Date.UTC(2025, 11, 30); ms < Date.UTC(2026, 0, 3); ms += 37_337_777) samples.push(ms);
    for (const ms of samples) expect(isoTime(ms), String(ms)).toBe(new Date(ms).toISOString());
  });

  it('fall back to toISOString outside the years 1970 to 9999 and for a time with a fraction of a millisecond', () => {
    for (const ms of [-1, -86_400_001, Date.UTC(10_000, 0, 1), Date.UTC(2026, 0, 1) + 0.5]) {
      expect(isoTime(ms), String(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('say which time is not one instead of writing "Invalid Date"', () => {
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
  });
});
