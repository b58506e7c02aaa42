import uPlot from 'uplot';
import type { HistoryView } from '../../../src-shared/history.ts';
import type { Translate } from '../../i18n/translate.ts';

const GIB = 1024 ** 3;

/** The theme's colours, read from the CSS variables the rest of the UI is drawn with. */
export interface ChartColours {
  text: string;
  grid: string;
  /** Behind the points, so a point is a ring on the card in either theme. */
  surface: string;
  uploaded: string;
  gigabytes: string;
  failures: string;
}

export function themeColours(element: Element): ChartColours {
  const style = getComputedStyle(element);
  const colour = (name: string) => style.getPropertyValue(name).trim();
  return {
    text: colour('--text-2'),
    grid: colour('--border'),
    surface: colour('--surface'),
    uploaded: colour('--accent'),
    gigabytes: colour('--good'),
    failures: colour('--bad'),
  };
}

/** One x per day (its midnight UTC, in seconds as uPlot counts time), then one row per series. */
export function chartData(figures: HistoryView): uPlot.AlignedData {
  const days = figures.days;
  return [
    days.map((day) => Date.parse(`${day.day}T00:00:00Z`) / 1000),
    days.map((day) => day.uploaded),
    days.map((day) => day.bytes / GIB),
    days.map((day) => day.failures),
  ];
}

const DAY_SECONDS = 86_400;
/** Whole recordings: the count axis never shows half of one. */
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000];

/**
 * Recordings as bars and failures as a line on the count axis (left), gibibytes as a line on their
 * own axis (right). Days are UTC days, so they are labelled in UTC too, not in the viewer's zone,
 * and the x range reaches half a day past each end so the first and last bars are whole.
 */
export function chartOptions(
  size: { width: number; height: number },
  colours: ChartColours,
  t: Translate,
  locale: string,
): uPlot.Options {
  const dayName = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const day = (seconds: number) => dayName.format(seconds * 1000);
  const count = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const gib = new Intl.NumberFormat(locale, { maximumSignificantDigits: 3 });
  const axis = (scale: string, side: 1 | 3, label: string): uPlot.Axis => ({
    scale,
    side,
    label,
    stroke: colours.text,
    grid: { show: side === 3, stroke: colours.grid, width: 1 },
    ticks: { stroke: colours.grid, width: 1 },
  });
  return {
    ...size,
    scales: {
      x: { time: true, range: (_u, min, max) => [min - DAY_SECONDS / 2, max + DAY_SECONDS / 2] },
      count: { range: (_u, _min, max) => [0, Math.max(1, max)] },
      gib: { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] },
    },
    axes: [
      {
        stroke: colours.text,
        grid: { stroke: colours.grid, width: 1 },
        ticks: { stroke: colours.grid, width: 1 },
        incrs: [DAY_SECONDS, 7 * DAY_SECONDS, 14 * DAY_SECONDS, 28 * DAY_SECONDS],
        values: (_u, splits) => splits.map(day),
      },
      {
        ...axis('count', 3, t('history.axis.count')),
        incrs: COUNT_STEPS,
        values: (_u, splits) => splits.map((v) => count.format(v)),
      },
      {
        ...axis('gib', 1, t('history.axis.gigabytes')),
        values: (_u, splits) => splits.map((v) => gib.format(v)),
      },
    ],
    series: [
      { label: t('history.table.day'), value: (_u, seconds) => (seconds === null ? '—' : day(seconds)) },
      {
        label: t('history.series.uploaded'),
        scale: 'count',
        stroke: colours.uploaded,
        fill: colours.uploaded,
        paths: uPlot.paths.bars?.({ size: [0.6, 48] }),
        points: { show: false },
        value: (_u, value) => (value === null ? '—' : count.format(value)),
      },
      {
        label: t('history.series.gigabytes'),
        scale: 'gib',
        stroke: colours.gigabytes,
        width: 2,
        points: { fill: colours.surface },
        value: (_u, value) => (value === null ? '—' : `${gib.format(value)} GiB`),
      },
      {
        label: t('history.series.failures'),
        scale: 'count',
        stroke: colours.failures,
        width: 2,
        points: { fill: colours.surface },
        dash: [6, 4],
        value: (_u, value) => (value === null ? '—' : count.format(value)),
      },
    ],
  };
}
