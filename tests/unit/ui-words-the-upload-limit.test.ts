import { describe, expect, it } from 'vitest';
import { limitNote, rateInForceWords } from '../../src-renderer/format/rate-limit-words.ts';
import { DICTIONARIES, type Language, localeOf, translate } from '../../src-renderer/i18n/translate.ts';
import { parseUploadRateLimit, rateInForce } from '../../src-shared/upload-rate-limit.ts';

const monday = (hours: number, minutes: number) => new Date(2026, 0, 5, hours, minutes).getTime();

function words(language: Language, text: string, now: number) {
  const parsed = parseUploadRateLimit(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  const t = (key: Parameters<typeof translate>[1], vars?: Parameters<typeof translate>[2]) =>
    translate(DICTIONARIES[language], key, vars);
  const locale = localeOf(language);
  const inForce = rateInForce(parsed.value, now);
  return { story: rateInForceWords(inForce, t, locale, now), note: limitNote(inForce, t, locale, now) };
}

const time = (language: Language, at: number) =>
  new Intl.DateTimeFormat(localeOf(language), { timeStyle: 'short' }).format(new Date(at));

describe('the upload limit in words', () => {
  it('tells what holds now and what comes next, in English', () => {
    const now = monday(9, 30);
    expect(words('en', 'Mon-08:00,2M Mon-18:00,off', now)).toEqual({
      story: `2 MiB/s until ${time('en', monday(18, 0))}, then unlimited`,
      note: `limited to 2 MiB/s until ${time('en', monday(18, 0))}`,
    });
    expect(words('en', '512K', now)).toEqual({ story: '512 KiB/s', note: 'limited to 512 KiB/s' });
    expect(words('en', 'off', now)).toEqual({ story: 'unlimited', note: null });
    // A change on another day names the day.
    const tomorrow = new Date(2026, 0, 6, 8, 0);
    const dated = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(
      tomorrow,
    );
    expect(words('en', '08:00,2M 12:00,off', monday(12, 30)).note).toBe(`full speed until ${dated}`);
  });

  it('tells it in Brazilian Portuguese', () => {
    const now = monday(9, 30);
    expect(words('pt-BR', 'Mon-08:00,2M Mon-18:00,off', now)).toEqual({
      story: `2 MiB/s até ${time('pt-BR', monday(18, 0))}, depois sem limite`,
      note: `limitado a 2 MiB/s até ${time('pt-BR', monday(18, 0))}`,
    });
    expect(words('pt-BR', '1.5M', now).story).toBe('1,5 MiB/s');
  });
});
