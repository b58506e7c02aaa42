import { useI18n } from '../../i18n/i18n-context.tsx';
import { useApp } from '../../state/app-context.tsx';
import { JobList } from './job-list.tsx';
import { QueueFilters } from './queue-filters.tsx';
import { QueueTotals } from './queue-totals.tsx';

export function QueueView() {
  const { t } = useI18n();
  const filter = useApp((state) => state.filter);
  return (
    <section className="view view-queue" aria-labelledby="queue-title">
      <h1 id="queue-title" className="visually-hidden">
        {t('nav.queue')}
      </h1>
      <QueueTotals />
      <div className="toolbar">
        <QueueFilters />
      </div>
      {/* A list per filter: switching starts at the top of the new list. */}
      <JobList key={filter} />
    </section>
  );
}
