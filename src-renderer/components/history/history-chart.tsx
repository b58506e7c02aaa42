import { useEffect, useRef, useSyncExternalStore } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { HistoryView } from '../../../src-shared/history.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { chartData, chartOptions, themeColours } from './history-chart-options.ts';

const HEIGHT = 280;

/**
 * The period drawn by uPlot on a canvas. After each draw the element says how many days uPlot drew
 * (`data-points`): what a test, or anyone inspecting the page, reads back from the chart itself.
 */
export function HistoryChart(props: { figures: HistoryView }) {
  const { t, locale } = useI18n();
  const dark = useDarkTheme();
  const box = useRef<HTMLDivElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a change of theme changes the colours read here
  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const colours = themeColours(element);
    const options = chartOptions({ width: element.clientWidth, height: HEIGHT }, colours, t, locale);
    options.hooks = {
      draw: [
        (chart) => {
          element.dataset.points = String(chart.data[0].length);
        },
      ],
    };
    const chart = new uPlot(options, chartData(props.figures), element);
    const resize = new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [props.figures, t, locale, dark]);
  return <div ref={box} className="history-chart" role="img" aria-label={t('history.chart')} />;
}

const DARK = '(prefers-color-scheme: dark)';

function useDarkTheme(): boolean {
  return useSyncExternalStore(
    (changed) => {
      const query = window.matchMedia(DARK);
      query.addEventListener('change', changed);
      return () => query.removeEventListener('change', changed);
    },
    () => window.matchMedia(DARK).matches,
  );
}
