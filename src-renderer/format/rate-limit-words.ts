import { formatMoment, formatSpeed } from '../../src-shared/format-units.ts';
import type { Rate, RateInForce } from '../../src-shared/upload-rate-limit.ts';
import type { Translate } from '../i18n/translate.ts';

/** "2 MiB/s" or "unlimited". */
export function rateWords(rate: Rate, t: Translate, locale: string): string {
  return rate === null ? t('rate.unlimited') : formatSpeed(rate, locale);
}

/** The whole story: "2 MiB/s until 18:00, then unlimited". */
export function rateInForceWords(inForce: RateInForce, t: Translate, locale: string, now: number): string {
  const rate = rateWords(inForce.rate, t, locale);
  if (inForce.until === null) return rate;
  return t('rate.changes', {
    rate,
    time: formatMoment(inForce.until, locale, now),
    next: rateWords(inForce.next, t, locale),
  });
}

/**
 * The short note beside what is uploading: "limited to 2 MiB/s until 18:00", "full speed until 08:00";
 * null when nothing limits the uploads and nothing will.
 */
export function limitNote(inForce: RateInForce, t: Translate, locale: string, now: number): string | null {
  const time = inForce.until === null ? null : formatMoment(inForce.until, locale, now);
  if (inForce.rate === null) return time === null ? null : t('rate.fullUntil', { time });
  const rate = formatSpeed(inForce.rate, locale);
  return time === null ? t('rate.limited', { rate }) : t('rate.limitedUntil', { rate, time });
}
