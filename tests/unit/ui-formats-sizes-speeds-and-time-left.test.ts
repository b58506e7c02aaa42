import { describe, expect, it } from 'vitest';
import { DICTIONARIES } from '../../src-renderer/i18n/translate.ts';
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatMoment,
  formatSpeed,
  percentOf,
  secondsLeft,
} from '../../src-shared/format-units.ts';

const units = { hours: 'h', minutes: 'min', seconds: 's' };

describe('sizes, speeds and time left as a row shows them', () => {
  it('writes sizes in binary multiples under their IEC names (KiB, MiB, GiB), one decimal below 100', () => {
    expect(formatBytes(0, 'en-US')).toBe('0 B');
    expect(formatBytes(1023, 'en-US')).toBe('1,023 B');
    expect(formatBytes(1024, 'en-US')).toBe('1 KiB');
    expect(formatBytes(1536, 'en-US')).toBe('1.5 KiB');
    expect(formatBytes(300 * 1024, 'en-US')).toBe('300 KiB');
    expect(formatBytes(2.25 * 1024 ** 3, 'en-US')).toBe('2.3 GiB');
    expect(formatBytes(5 * 1024 ** 5, 'en-US')).toBe('5,120 TiB');
  });

  it('names a size by its IEC unit in every word of both dictionaries too (a setting in MiB says MiB, never MB)', () => {
    for (const [language, messages] of Object.entries(DICTIONARIES)) {
      expect(messages['unit.mebibytes'], language).toBe('MiB');
      const decimal = Object.entries(messages).filter(([, text]) => /\b[kKMGT]B\b/.test(text));
      expect(decimal, language).toEqual([]);
    }
  });

  it('uses the decimal comma in Brazilian Portuguese', () => {
    expect(formatBytes(1.5 * 1024 * 1024, 'pt-BR')).toBe('1,5 MiB');
    expect(formatSpeed(2.5 * 1024 * 1024, 'pt-BR')).toBe('2,5 MiB/s');
  });

  it('shows a dash, not NaN, for a size it cannot know', () => {
    expect(formatBytes(Number.NaN, 'en-US')).toBe('—');
    expect(formatBytes(-1, 'en-US')).toBe('—');
  });

  it('never shows 100% before the last byte is confirmed', () => {
    expect(percentOf(0, 1000)).toBe(0);
    expect(percentOf(375, 1000)).toBe(37);
    expect(percentOf(999, 1000)).toBe(99);
    expect(percentOf(999_999, 1_000_000)).toBe(99);
    expect(percentOf(1000, 1000)).toBe(100);
    expect(percentOf(2000, 1000)).toBe(100);
    expect(percentOf(0, 0)).toBe(100);
  });

  it('estimates the time left from the speed, and gives none without one', () => {
    expect(secondsLeft(0, 1000, 0)).toBeNull();
    expect(secondsLeft(0, 1000, Number.NaN)).toBeNull();
    expect(secondsLeft(250, 1000, 100)).toBe(8);
    expect(secondsLeft(1000, 1000, 100)).toBe(0);
  });

  it('writes a duration in at most two units, rounding up', () => {
    expect(formatDuration(0, units)).toBe('0 s');
    expect(formatDuration(44.2, units)).toBe('45 s');
    expect(formatDuration(60, units)).toBe('1 min');
    expect(formatDuration(61, units)).toBe('2 min');
    expect(formatDuration(3540, units)).toBe('59 min');
    expect(formatDuration(3600, units)).toBe('1 h');
    expect(formatDuration(7500, units)).toBe('2 h 5 min');
    expect(formatDuration(-5, units)).toBe('0 s');
  });

  it('shows a moment as a time today and with its date on another day', () => {
    const now = new Date(2024, 9, 26, 15, 0).getTime();
    const today = new Date(2024, 9, 26, 9, 5).getTime();
    const yesterday = new Date(2024, 9, 25, 9, 5).getTime();
    expect(formatMoment(today, 'en-US', now)).toBe('9:05 AM');
    expect(formatMoment(today, 'pt-BR', now)).toBe('09:05');
    expect(formatMoment(yesterday, 'en-US', now)).toMatch(/^Oct 25, 2024.*9:05 AM$/);
  });

  it('groups thousands in counts', () => {
    expect(formatCount(10_000, 'en-US')).toBe('10,000');
    expect(formatCount(10_000, 'pt-BR')).toBe('10.000');
  });
});
