import { useId } from 'react';
import { formatCount } from '../../../src-shared/format-units.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useApp } from '../../state/app-context.tsx';
import { headlineTotals } from '../../state/job-lists.ts';

export function QueueTotals() {
  const { t, locale } = useI18n();
  const totals = useApp((state) => state.totals);
  // Out of touch with the uploader, the counts are those it last sent: they say so until it answers again.
  const connected = useApp((state) => state.core.state === 'running');
  const noteId = useId();
  const headline = headlineTotals(totals);
  const tiles = [
    { key: 'queued', label: t('totals.queued'), value: headline.queued },
    { key: 'uploading', label: t('totals.uploading'), value: headline.uploading },
    { key: 'done', label: t('totals.doneToday'), value: headline.doneToday },
    { key: 'failed', label: t('totals.failed'), value: headline.failed },
  ] as const;
  return (
    <>
      <ul
        className={`totals${connected ? '' : ' totals-last-known'}`}
        aria-label={t('totals.label')}
        aria-describedby={connected ? undefined : noteId}
      >
        {tiles.map((tile) => (
          <li
            key={tile.key}
            className={`total total-${tile.key}${connected && tile.value > 0 ? ' has-value' : ''}`}
          >
            <span className="total-value">{formatCount(tile.value, locale)}</span>
            <span className="total-label">{tile.label}</span>
          </li>
        ))}
      </ul>
      {!connected && (
        <p id={noteId} className="totals-note">
          {t('totals.lastKnown')}
        </p>
      )}
    </>
  );
}
