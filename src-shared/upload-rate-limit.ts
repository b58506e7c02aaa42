/**
 * The upload speed limit in rclone's `--bwlimit` syntax, so an IT department's existing rclone
 * timetables carry over unchanged: `off`, a rate (`4M`, `512K`, `0.625M`; a bare number is KiB/s,
 * suffixes B K M G T P are binary, `Ki`/`KiB` spellings too), or a timetable of
 * `[WEEKDAY-]HH:MM,RATE` entries separated by spaces or semicolons. An entry without a weekday
 * holds on every day; the last entry of the week holds until the first one (it wraps around).
 * rclone's `UP:DOWN` pairs are taken too; the uploader only sends, so only UP counts.
 *
 * Pure: times are read in the local time zone of the Date given, as rclone does.
 */

/** Bytes per second; null is unlimited. */
export type Rate = number | null;

export interface RateSlot {
  /** 0 Sunday … 6 Saturday, as Date.getDay() counts. */
  weekday: number;
  /** Minutes after midnight, 0 … 1439. */
  minute: number;
  rate: Rate;
}

export type UploadRateLimit =
  | { kind: 'fixed'; rate: Rate }
  /** Sorted by time in the week; one slot per moment (a later entry for the same moment wins). */
  | { kind: 'timetable'; slots: RateSlot[] };

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const KiB = 1024;
/** Below this no recording would ever finish; the limit is meant to share a line, not stop it. */
export const MIN_RATE = KiB;
const WEEK_MINUTES = 7 * 24 * 60;
const DAY_MINUTES = 24 * 60;

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const FULL_DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MULTIPLIERS: Readonly<Record<string, number>> = {
  k: KiB,
  m: KiB ** 2,
  g: KiB ** 3,
  t: KiB ** 4,
  p: KiB ** 5,
  e: KiB ** 6,
};

/** Parses the setting as rclone parses `--bwlimit`; the problem names the entry at fault. */
export function parseUploadRateLimit(text: string): Parsed<UploadRateLimit> {
  const spec = text.trim();
  if (spec === '') return fail('an empty limit: write "off" for no limit, or a rate such as 2M');
  if (!/[\s;,]/.test(spec)) {
    const rate = parseRate(spec);
    return rate.ok ? { ok: true, value: { kind: 'fixed', rate: rate.value } } : rate;
  }
  const slots: RateSlot[] = [];
  for (const entry of spec.split(/[\s;]+/).filter((token) => token !== '')) {
    const parsed = parseEntry(entry);
    if (!parsed.ok) return parsed;
    slots.push(...parsed.value);
  }
  return { ok: true, value: { kind: 'timetable', slots: weekOrder(slots) } };
}

/** One rate: `off`, `0` (no limit, as in rclone), a number of KiB/s, or a number with a suffix. */
export function parseRate(text: string): Parsed<Rate> {
  if (/^\d\d:\d\d$/.test(text)) return fail(`"${text}" is a time without a rate (write e.g. ${text},2M)`);
  // rclone's UP:DOWN pair: the upload half is the one that applies here, the other must still be a rate.
  const [upload = '', download, ...rest] = text.split(':');
  if (rest.length > 0) return fail(`"${text}" is not a rate (one optional UP:DOWN colon at most)`);
  if (download !== undefined && !parseRate(download).ok) {
    return fail(`"${text}" is not a rate pair UP:DOWN ("${download}" is not a rate)`);
  }
  if (upload.toLowerCase() === 'off') return { ok: true, value: null };
  const match = /^(\d+(?:\.\d*)?|\.\d+)([a-z]*)$/i.exec(upload);
  if (match === null) return fail(`"${text}" is not a rate (write e.g. 512K, 2M or off)`);
  const [, number = '', suffix = ''] = match;
  const multiplier = multiplierOf(suffix);
  if (multiplier === null) {
    return fail(`"${text}" has an unknown unit "${suffix}" (use B, K, M, G, T or P: bytes per second)`);
  }
  const bytes = Math.floor(Number(number) * multiplier);
  if (bytes === 0) return { ok: true, value: null };
  if (bytes < MIN_RATE) return fail(`"${text}" is below the smallest limit, 1K (1 KiB/s)`);
  return { ok: true, value: bytes };
}

function multiplierOf(suffix: string): number | null {
  const lower = suffix.toLowerCase();
  if (lower === '') return KiB;
  if (lower === 'b') return 1;
  const letter = lower[0] ?? '';
  const rest = lower.slice(1);
  if (!(letter in MULTIPLIERS) || !['', 'i', 'ib'].includes(rest)) return null;
  return MULTIPLIERS[letter] ?? null;
}

function parseEntry(entry: string): Parsed<RateSlot[]> {
  const parts = entry.split(',');
  if (parts.length !== 2) {
    return fail(`entry "${entry}" is not [WEEKDAY-]HH:MM,RATE (e.g. Mon-08:00,2M or 18:00,off)`);
  }
  const [when = '', rateText = ''] = parts;
  const [dayText, timeText, ...more] = when.includes('-') ? when.split('-') : [null, when];
  if (more.length > 0 || timeText === undefined) {
    return fail(`entry "${entry}": "${when}" is not [WEEKDAY-]HH:MM`);
  }
  const minute = parseTime(timeText);
  if (!minute.ok) return fail(`entry "${entry}": ${minute.problem}`);
  const rate = parseRate(rateText);
  if (!rate.ok) return fail(`entry "${entry}": ${rate.problem}`);
  if (dayText === null) {
    return {
      ok: true,
      value: DAY_NAMES.map((_, weekday) => ({ weekday, minute: minute.value, rate: rate.value })),
    };
  }
  const weekday = parseWeekday(dayText);
  if (weekday === null) {
    return fail(`entry "${entry}": "${dayText}" is not a weekday (Mon, Tue, Wed, Thu, Fri, Sat, Sun)`);
  }
  return { ok: true, value: [{ weekday, minute: minute.value, rate: rate.value }] };
}

function parseTime(text: string): Parsed<number> {
  const match = /^(\d\d):(\d\d)$/.exec(text);
  if (match === null) return fail(`"${text}" is not a time as HH:MM (00:00 to 23:59)`);
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23) return fail(`"${text}" has hour ${match[1]} (00 to 23)`);
  if (minutes > 59) return fail(`"${text}" has minute ${match[2]} (00 to 59)`);
  return { ok: true, value: hours * 60 + minutes };
}

function parseWeekday(text: string): number | null {
  const lower = text.toLowerCase();
  const short = DAY_NAMES.indexOf(lower as (typeof DAY_NAMES)[number]);
  return short >= 0 ? short : FULL_DAY_NAMES.includes(lower) ? FULL_DAY_NAMES.indexOf(lower) : null;
}

/** Sorted by time in the week; of two entries for one moment the later one written counts. */
function weekOrder(slots: RateSlot[]): RateSlot[] {
  const byMoment = new Map<number, RateSlot>();
  for (const slot of slots) byMoment.set(weekMinute(slot), slot);
  return [...byMoment.values()].sort((a, b) => weekMinute(a) - weekMinute(b));
}

const weekMinute = (slot: { weekday: number; minute: number }): number =>
  slot.weekday * DAY_MINUTES + slot.minute;

function fail(problem: string): { ok: false; problem: string } {
  return { ok: false, problem };
}

/** The rate at a moment, when it next changes, and to what. */
export interface RateInForce {
  rate: Rate;
  /** Epoch ms of the next change of rate; null when it never changes. */
  until: number | null;
  /** The rate from `until` on (equal to `rate` when `until` is null). */
  next: Rate;
}

/** The limit in force at `atMs` (local time), as rclone's timetable reads it. */
export function rateInForce(limit: UploadRateLimit, atMs: number): RateInForce {
  if (limit.kind === 'fixed') return { rate: limit.rate, until: null, next: limit.rate };
  const { slots } = limit;
  if (slots.length === 0) return { rate: null, until: null, next: null };
  const at = new Date(atMs);
  const now = weekMinute({ weekday: at.getDay(), minute: at.getHours() * 60 + at.getMinutes() });
  // The last slot at or before now; before the week's first slot, the week's last one still holds.
  let index = slots.length - 1;
  for (let i = 0; i < slots.length; i += 1) {
    if (weekMinute(slots[i] as RateSlot) <= now) index = i;
  }
  const current = slots[index] as RateSlot;
  for (let step = 1; step < slots.length; step += 1) {
    const candidate = slots[(index + step) % slots.length] as RateSlot;
    if (candidate.rate === current.rate) continue;
    const ahead = (weekMinute(candidate) - now + WEEK_MINUTES) % WEEK_MINUTES || WEEK_MINUTES;
    return { rate: current.rate, until: localMinuteAhead(at, ahead), next: candidate.rate };
  }
  return { rate: current.rate, until: null, next: current.rate };
}

/** The start of the local minute `minutes` after the one `at` falls in (days counted by the calendar). */
function localMinuteAhead(at: Date, minutes: number): number {
  const target = at.getHours() * 60 + at.getMinutes() + minutes;
  const days = Math.floor(target / DAY_MINUTES);
  const minuteOfDay = target % DAY_MINUTES;
  return new Date(
    at.getFullYear(),
    at.getMonth(),
    at.getDate() + days,
    Math.floor(minuteOfDay / 60),
    minuteOfDay % 60,
  ).getTime();
}

/**
 * The operator's quick control: "Limit upload speed now" or "Upload at full speed", until the
 * setting's next change of rate.
 */
export type RateOverride = 'limit' | 'full';

/** What the core reports of the limit: the rate in force now and whether the operator overrode it. */
export interface UploadRateView extends RateInForce {
  override: RateOverride | null;
}

/** The limit "Limit upload speed now" sets when the setting itself sets none. */
export const QUICK_LIMIT_DEFAULT = 1024 * 1024;

/** The lowest rate a limit ever sets, or null when it never limits. */
export function slowestRate(limit: UploadRateLimit): Rate {
  const rates = (limit.kind === 'fixed' ? [limit.rate] : limit.slots.map((slot) => slot.rate)).filter(
    (rate): rate is number => rate !== null,
  );
  return rates.length === 0 ? null : Math.min(...rates);
}
