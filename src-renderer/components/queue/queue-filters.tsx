import { formatCount } from '../../../src-shared/format-units.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useActions, useApp } from '../../state/app-context.tsx';
import { countInFilter, JOB_FILTERS } from '../../state/job-lists.ts';

export function QueueFilters() {
  const { t, locale } = useI18n();
  const filter = useApp((state) => state.filter);
  const totals = useApp((state) => state.totals);
  const { setFilter } = useActions();
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">{t('filters.label')}</legend>
      {JOB_FILTERS.map((name) => (
        <button
          key={name}
          type="button"
          className="segment"
          aria-pressed={filter === name}
          onClick={() => setFilter(name)}
        >
          {t(`filters.${name}`)}
          <span className="segment-count">{formatCount(countInFilter(totals, name), locale)}</span>
        </button>
      ))}
    </fieldset>
  );
}
