import { describe, expect, it } from 'vitest';
import { applySettings } from '../../src-shared/settings.ts';
import {
  parseRate,
  parseUploadRateLimit,
  rateInForce,
  slowestRate,
  type UploadRateLimit,
} from '../../src-shared/upload-rate-limit.ts';

const KiB = 1024;
const MiB = 1024 * 1024;

function limit(text: string): UploadRateLimit {
  const parsed = parseUploadRateLimit(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.value;
}

function problem(text: string): string {
  const parsed = parseUploadRateLimit(text);
  if (parsed.ok) throw new Error(`"${text}" was accepted`);
  return parsed.problem;
}

/** Local time, as the timetable reads it: 2026-01-05 is a Monday. */
const at = (day: number, hours: number, minutes: number, seconds = 0) =>
  new Date(2026, 0, day, hours, minutes, seconds).getTime();
const MONDAY = 5;
const SUNDAY = 11;

describe('rates, as rclone reads --bwlimit', () => {
  it.each([
    ['off', null],
    ['OFF', null],
    ['0', null],
    ['512', 512 * KiB],
    ['512K', 512 * KiB],
    ['512k', 512 * KiB],
    ['4M', 4 * MiB],
    ['0.625M', Math.floor(0.625 * MiB)],
    ['1G', 1024 * MiB],
    ['2Mi', 2 * MiB],
    ['2MiB', 2 * MiB],
    ['65536B', 64 * KiB],
    ['10M:off', 10 * MiB],
    ['off:1M', null],
  ])('%s is %s bytes per second', (text, rate) => {
    expect(parseRate(text)).toEqual({ ok: true, value: rate });
    expect(limit(text)).toEqual({ kind: 'fixed', rate });
  });

  it.each([
    ['fast', '"fast" is not a rate'],
    ['1000X', 'unknown unit "X"'],
    ['2MB', 'unknown unit "MB"'],
    ['-1M', '"-1M" is not a rate'],
    ['100B', 'below the smallest limit'],
    ['1M:2M:3M', 'one optional UP:DOWN colon'],
    ['1M:fast', '"fast" is not a rate'],
    ['08:00', 'a time without a rate'],
  ])('%s is refused, saying why', (text, why) => {
    expect(problem(text)).toContain(why);
  });

  it('refuses an empty limit and says how to write none', () => {
    expect(problem('')).toContain('write "off"');
    expect(problem('   ')).toContain('write "off"');
  });
});

describe('timetables', () => {
  it('reads weekday entries, spaces or semicolons apart, in week order', () => {
    const spaced = limit('Mon-18:00,off Mon-08:00,2M');
    expect(spaced).toEqual({
      kind: 'timetable',
      slots: [
        { weekday: 1, minute: 8 * 60, rate: 2 * MiB },
        { weekday: 1, minute: 18 * 60, rate: null },
      ],
    });
    expect(limit('Mon-08:00,2M;Mon-18:00,off')).toEqual(spaced);
    expect(limit('monday-08:00,2M  Monday-18:00,OFF')).toEqual(spaced);
  });

  it('spreads an entry without a weekday over every day', () => {
    const table = limit('08:00,2M 18:00,off');
    if (table.kind !== 'timetable') throw new Error('not a timetable');
    expect(table.slots).toHaveLength(14);
    expect(table.slots.filter((slot) => slot.minute === 8 * 60).map((slot) => slot.weekday)).toEqual([
      0, 1, 2, 3, 4, 5, 6,
    ]);
  });

  it('lets the later entry for the same moment win', () => {
    expect(limit('Mon-08:00,1M Mon-08:00,3M')).toEqual({
      kind: 'timetable',
      slots: [{ weekday: 1, minute: 480, rate: 3 * MiB }],
    });
  });

  it.each([
    ['08:00,2M 18:00', 'entry "18:00" is not [WEEKDAY-]HH:MM,RATE'],
    ['08:00,2M,3M 18:00,off', 'entry "08:00,2M,3M" is not [WEEKDAY-]HH:MM,RATE'],
    ['8:00,2M 18:00,off', 'entry "8:00,2M": "8:00" is not a time as HH:MM'],
    ['24:00,2M 18:00,off', 'entry "24:00,2M": "24:00" has hour 24'],
    ['08:60,2M 18:00,off', 'entry "08:60,2M": "08:60" has minute 60'],
    ['Mon-08:00,2M Fun-18:00,off', 'entry "Fun-18:00,off": "Fun" is not a weekday'],
    ['Mon-Tue-08:00,2M', 'entry "Mon-Tue-08:00,2M": "Mon-Tue-08:00" is not [WEEKDAY-]HH:MM'],
    ['Mon-08:00,fast Mon-18:00,off', 'entry "Mon-08:00,fast": "fast" is not a rate'],
    ['08:00,2X 18:00,off', 'entry "08:00,2X": "2X" has an unknown unit "X"'],
  ])('%s is refused, naming the entry', (text, why) => {
    expect(problem(text)).toContain(why);
  });

  it('is checked by the settings schema, naming the setting and the entry', () => {
    const result = applySettings({}, { uploadRateLimit: 'Mon-08:00,2M Mon-25:00,off' });
    expect(result).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^setting "uploadRateLimit": entry "Mon-25:00,off": .*hour 25/)],
    });
    const good = applySettings({}, { uploadRateLimit: '08:00,2M 12:00,off 13:00,2M 18:00,off' });
    expect(good.ok && good.settings.uploadRateLimit).toBe('08:00,2M 12:00,off 13:00,2M 18:00,off');
    const defaults = applySettings({}, {});
    expect(defaults.ok && defaults.settings.uploadRateLimit).toBe('off');
    expect(defaults.ok && defaults.settings.cpuPriority).toBe('below-normal');
  });
});

describe('the rate in force', () => {
  it('is the fixed rate, forever', () => {
    expect(rateInForce(limit('4M'), at(MONDAY, 9, 0))).toEqual({ rate: 4 * MiB, until: null, next: 4 * MiB });
    expect(rateInForce(limit('off'), at(MONDAY, 9, 0))).toEqual({ rate: null, until: null, next: null });
  });

  it('follows a daily table, switching on the minute', () => {
    const table = limit('08:00,2M 12:00,off 13:00,2M 18:00,off');
    expect(rateInForce(table, at(MONDAY, 7, 59, 59))).toEqual({
      rate: null,
      until: at(MONDAY, 8, 0),
      next: 2 * MiB,
    });
    expect(rateInForce(table, at(MONDAY, 8, 0))).toEqual({
      rate: 2 * MiB,
      until: at(MONDAY, 12, 0),
      next: null,
    });
    expect(rateInForce(table, at(MONDAY, 12, 30))).toEqual({
      rate: null,
      until: at(MONDAY, 13, 0),
      next: 2 * MiB,
    });
  });

  it('carries the evening into the next morning, across midnight', () => {
    const table = limit('08:00,2M 18:00,512K');
    expect(rateInForce(table, at(MONDAY, 23, 59, 59))).toEqual({
      rate: 512 * KiB,
      until: at(MONDAY + 1, 8, 0),
      next: 2 * MiB,
    });
    expect(rateInForce(table, at(MONDAY + 1, 0, 0))).toEqual({
      rate: 512 * KiB,
      until: at(MONDAY + 1, 8, 0),
      next: 2 * MiB,
    });
  });

  it('wraps the week: before Monday 08:00 the week’s last entry still holds', () => {
    const table = limit('Mon-08:00,2M Mon-18:00,off');
    // Sunday night belongs to the Monday-18:00 entry of the week before.
    expect(rateInForce(table, at(SUNDAY, 23, 59))).toEqual({
      rate: null,
      until: at(SUNDAY + 1, 8, 0),
      next: 2 * MiB,
    });
    expect(rateInForce(table, at(MONDAY, 18, 0))).toEqual({
      rate: null,
      until: at(MONDAY + 7, 8, 0),
      next: 2 * MiB,
    });
    const weekend = limit('Sat-00:00,off Mon-00:00,1M');
    expect(rateInForce(weekend, at(SUNDAY, 23, 59, 59))).toEqual({
      rate: null,
      until: at(SUNDAY + 1, 0, 0),
      next: MiB,
    });
  });

  it('skips entries that set the rate already in force when naming the next change', () => {
    const table = limit('Mon-08:00,2M Tue-08:00,2M Wed-08:00,off');
    expect(rateInForce(table, at(MONDAY, 9, 0))).toEqual({
      rate: 2 * MiB,
      until: at(MONDAY + 2, 8, 0),
      next: null,
    });
    expect(rateInForce(limit('Mon-08:00,2M Fri-08:00,2M'), at(MONDAY, 9, 0))).toEqual({
      rate: 2 * MiB,
      until: null,
      next: 2 * MiB,
    });
  });

  it('knows the slowest rate a limit sets', () => {
    expect(slowestRate(limit('08:00,2M 12:00,off 13:00,512K'))).toBe(512 * KiB);
    expect(slowestRate(limit('off'))).toBeNull();
    expect(slowestRate(limit('Mon-08:00,off Tue-08:00,0'))).toBeNull();
  });
});
