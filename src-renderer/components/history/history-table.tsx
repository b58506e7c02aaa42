import { formatBytes, formatCount } from '../../../src-shared/format-units.ts';
import type { HistoryView } from '../../../src-shared/history.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';

/** The chart's figures as a table: for screen readers, and for whoever wants the numbers themselves. */
export function HistoryTable(props: { figures: HistoryView }) {
  const { t, locale } = useI18n();
  return (
    <details className="history-table">
      <summary className="history-table-toggle">{t('history.table.caption')}</summary>
      <table>
        <caption className="visually-hidden">{t('history.table.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('history.table.day')}</th>
            <th scope="col">{t('history.series.uploaded')}</th>
            <th scope="col">{t('history.table.size')}</th>
            <th scope="col">{t('history.series.failures')}</th>
          </tr>
        </thead>
        <tbody>
          {props.figures.days.map((day) => (
            <tr key={day.day} data-day={day.day}>
              <th scope="row">{day.day}</th>
              <td>{formatCount(day.uploaded, locale)}</td>
              <td>{formatBytes(day.bytes, locale)}</td>
              <td>{formatCount(day.failures, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
