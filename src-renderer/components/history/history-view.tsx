import { useEffect, useState } from 'react';
import { formatBytes, formatCount } from '../../../src-shared/format-units.ts';
import {
  type HistoryView as Figures,
  HISTORY_PERIODS,
  type HistoryPeriod,
} from '../../../src-shared/history.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useApp, useBridge } from '../../state/app-context.tsx';
import { HistoryChart } from './history-chart.tsx';
import { HistoryExportButton } from './history-export-button.tsx';
import { HistoryTable } from './history-table.tsx';

/** Recordings, gigabytes and failures per day over a chosen period, and its report to download. */
export function HistoryView() {
  const { t } = useI18n();
  const [period, setPeriod] = useState<HistoryPeriod>(7);
  const { figures, error } = useHistory(period);
  return (
    <section className="view view-history" aria-labelledby="history-title">
      <h1 id="history-title" className="visually-hidden">
        {t('nav.history')}
      </h1>
      <div className="toolbar">
        <fieldset className="segmented">
          <legend className="visually-hidden">{t('history.period')}</legend>
          {HISTORY_PERIODS.map((days) => (
            <button
              key={days}
              type="button"
              className="segment"
              aria-pressed={period === days}
              onClick={() => setPeriod(days)}
            >
              {t(`history.period.${days}`)}
            </button>
          ))}
        </fieldset>
        <HistoryExportButton period={period} />
      </div>
      {error !== null && (
        <p className="notice notice-warning" role="alert">
          {t('history.failed', { reason: error })}
        </p>
      )}
      {figures === null && error === null && <p className="muted">{t('history.loading')}</p>}
      {figures !== null && (
        <div className="card history-card">
          <Summary figures={figures} />
          <HistoryChart figures={figures} />
          <p className="muted history-note">{t('history.note')}</p>
          <HistoryTable figures={figures} />
        </div>
      )}
    </section>
  );
}

/**
 * The period's figures, read again when the period changes and whenever a recording is done or
 * fails, so the chart follows the queue while it is open.
 */
function useHistory(period: HistoryPeriod): { figures: Figures | null; error: string | null } {
  const bridge = useBridge();
  const done = useApp((state) => state.totals.done);
  const failed = useApp((state) => state.totals.failed);
  const [figures, setFigures] = useState<Figures | null>(null);
  const [error, setError] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: done and failed are what makes the figures stale
  useEffect(() => {
    let current = true;
    bridge.invoke('getHistory', { days: period }).then(
      (next) => {
        if (!current) return;
        setFigures(next);
        setError(null);
      },
      (reason: unknown) => {
        if (current) setError(reason instanceof Error ? reason.message : String(reason));
      },
    );
    return () => {
      current = false;
    };
  }, [bridge, period, done, failed]);
  return { figures, error };
}

function Summary(props: { figures: Figures }) {
  const { t, locale } = useI18n();
  const { days } = props.figures;
  const uploaded = days.reduce((sum, day) => sum + day.uploaded, 0);
  const bytes = days.reduce((sum, day) => sum + day.bytes, 0);
  const failures = days.reduce((sum, day) => sum + day.failures, 0);
  return (
    <p className="history-summary">
      {t('history.summary', {
        uploaded: formatCount(uploaded, locale),
        size: formatBytes(bytes, locale),
        failures: formatCount(failures, locale),
        from: days[0]?.day ?? '',
        to: days.at(-1)?.day ?? '',
      })}
    </p>
  );
}
