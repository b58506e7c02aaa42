const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/**
 * Formatters made once per locale and style: making one takes far longer than formatting with
 * it, and a queue scrolled fast formats a few hundred sizes a second.
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(locale: string, maximumFractionDigits?: number): Intl.NumberFormat {
  const key = `number|${locale}|${maximumFractionDigits ?? ''}`;
  let format = formatters.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(
      locale,
      maximumFractionDigits === undefined ? {} : { maximumFractionDigits },
    );
    formatters.set(key, format);
  }
  return format as Intl.NumberFormat;
}

function dateTimeFormat(locale: string, withDate: boolean): Intl.DateTimeFormat {
  const key = `moment|${locale}|${withDate}`;
  let format = formatters.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(
      locale,
      withDate ? { dateStyle: 'medium', timeStyle: 'short' } : { timeStyle: 'short' },
    );
    formatters.set(key, format);
  }
  return format as Intl.DateTimeFormat;
}

/**
 * Sizes everywhere (the window, the tray, `status`, the docs) count in binary multiples and say so
 * with their IEC names: 1 KiB = 1024 bytes, 1 MiB = 1024 KiB. "MB" for a count of MiB would be 5 %
 * off at a gigabyte, and an admin comparing with the destination's figures must be able to tell.
 */
export function formatBytes(bytes: number, locale: string): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // Whole bytes and big numbers read better without a decimal; "2.5 MiB" needs one.
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  const number = numberFormat(locale, digits).format(value);
  return `${number} ${UNITS[unit]}`;
}

export function formatSpeed(bytesPerSecond: number, locale: string): string {
  return `${formatBytes(bytesPerSecond, locale)}/s`;
}

/** Whole percent, never 100 before the last byte is confirmed (a stuck 100% worries operators). */
export function percentOf(confirmedBytes: number, sizeBytes: number): number {
  if (sizeBytes <= 0) return confirmedBytes >= sizeBytes ? 100 : 0;
  const ratio = Math.min(1, Math.max(0, confirmedBytes / sizeBytes));
  const percent = Math.floor(ratio * 100);
  return percent === 100 && confirmedBytes < sizeBytes ? 99 : percent;
}

export interface DurationUnits {
  hours: string;
  minutes: string;
  seconds: string;
}

/** Seconds left at the current speed, or null when there is no speed to go by. */
export function secondsLeft(
  confirmedBytes: number,
  sizeBytes: number,
  bytesPerSecond: number,
): number | null {
  if (!(bytesPerSecond > 0)) return null;
  const remaining = Math.max(0, sizeBytes - confirmedBytes);
  return Math.ceil(remaining / bytesPerSecond);
}

/**
 * "2 h 5 min", "4 min", "35 s": two units at most, because a time left is an estimate and more
 * digits only flicker.
 */
export function formatDuration(totalSeconds: number, units: DurationUnits): string {
  const seconds = Math.max(0, Math.ceil(totalSeconds));
  if (seconds < 60) return `${seconds} ${units.seconds}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} ${units.minutes}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} ${units.hours}` : `${hours} ${units.hours} ${rest} ${units.minutes}`;
}

/** A moment as a time today, or with its date on another day. */
export function formatMoment(epochMs: number, locale: string, now: number): string {
  const date = new Date(epochMs);
  const sameDay = new Date(now).toDateString() === date.toDateString();
  return dateTimeFormat(locale, !sameDay).format(date);
}

/** A moment of record, to the second and always with its date: when an administrator checks what happened. */
export function formatInstant(epochMs: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(
    new Date(epochMs),
  );
}

export function formatCount(count: number, locale: string): string {
  return numberFormat(locale).format(count);
}
