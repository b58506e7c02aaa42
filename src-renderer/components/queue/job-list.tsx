import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { JobView } from '../../../src-shared/job.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useActions, useApp, useBridge } from '../../state/app-context.tsx';
import { rowCount } from '../../state/core-view.ts';
import { ConfirmDialog } from '../common/confirm-dialog.tsx';
import { ErrorText } from '../common/messages.tsx';
import { useAsyncAction } from '../common/use-async-action.ts';
import { JobDetailsDialog } from './job-details-dialog.tsx';
import { JobRow, JobRowPlaceholder, ROW_HEIGHT } from './job-row.tsx';

const rowHeight = () => ROW_HEIGHT;

type RowKeys = (index: number) => number | string;

/**
 * The rows' keys for the virtualizer, which lays out every row again (all 100,000) whenever this
 * function changes: made anew only when rows already loaded change place (a recording added at the
 * top, another filter), not for each scrolled frame nor for each page appended while scrolling.
 * A row loaded since keeps the key of its place until the next layout.
 */
function useRowKeys(order: readonly number[]): RowKeys {
  const kept = useRef<{ order: readonly number[]; keys: RowKeys } | null>(null);
  const current = kept.current;
  if (current !== null && current.order === order) return current.keys;
  if (current !== null && extendsList(order, current.order)) {
    current.order = order;
    return current.keys;
  }
  const holder = { order, keys: (index: number) => holder.order[index] ?? `row-${index}` };
  kept.current = holder;
  return holder.keys;
}

/** Whether `next` is `before` with rows appended. */
function extendsList(next: readonly number[], before: readonly number[]): boolean {
  if (next.length < before.length) return false;
  for (let index = 0; index < before.length; index += 1) {
    if (next[index] !== before[index]) return false;
  }
  return true;
}

/** How close to the loaded end the list asks for the next page. */
const PREFETCH_ROWS = 30;

export function JobList() {
  const { t } = useI18n();
  const order = useApp((state) => state.order);
  const count = useApp(rowCount);
  const filter = useApp((state) => state.filter);
  const folder = useApp((state) => state.settings?.recordingsFolder ?? '');
  const { loadMore } = useActions();
  const scrollRef = useRef<HTMLElement>(null);
  const getItemKey = useRowKeys(order);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement,
    estimateSize: rowHeight,
    overscan: 6,
    getItemKey,
    useFlushSync: false,
  });
  function getScrollElement() {
    return scrollRef.current;
  }
  const items = virtualizer.getVirtualItems();
  const lastShown = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (lastShown >= order.length - PREFETCH_ROWS) loadMore();
  }, [lastShown, order.length, loadMore]);

  const [cancelling, setCancelling] = useState<JobView | null>(null);
  const onCancel = useCallback((job: JobView) => setCancelling(job), []);
  const [detailsOf, setDetailsOf] = useState<number | null>(null);
  const onDetails = useCallback((jobId: number) => setDetailsOf(jobId), []);

  if (count === 0) {
    return (
      <div className="empty-state">
        <p className="empty-title">{t(`queue.empty.${filter}`)}</p>
        {filter === 'all' && folder !== '' && (
          <p className="muted">{t('queue.empty.watching', { folder })}</p>
        )}
      </div>
    );
  }
  return (
    <>
      <section ref={scrollRef} className="job-scroller" aria-label={t('queue.listLabel')}>
        <ul className="job-list" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const id = order[item.index];
            return (
              <li
                key={item.key}
                className="job-slot"
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                {id === undefined ? (
                  <JobRowPlaceholder />
                ) : (
                  <JobRow id={id} onCancel={onCancel} onDetails={onDetails} />
                )}
              </li>
            );
          })}
        </ul>
      </section>
      <CancelDialog job={cancelling} onClose={() => setCancelling(null)} />
      <JobDetailsDialog jobId={detailsOf} onClose={() => setDetailsOf(null)} />
    </>
  );
}

function CancelDialog(props: { job: JobView | null; onClose(): void }) {
  const { t } = useI18n();
  const bridge = useBridge();
  const { jobChanged } = useActions();
  const cancel = useAsyncAction(async (jobId: number) => {
    jobChanged(await bridge.invoke('cancelJob', { jobId }));
    props.onClose();
  });
  const name = props.job?.fileName ?? '';
  return (
    <ConfirmDialog
      open={props.job !== null}
      title={t('cancel.title')}
      confirmLabel={t('cancel.confirm')}
      keepLabel={t('cancel.keep')}
      busy={cancel.busy}
      onConfirm={() => {
        if (props.job !== null) void cancel.run(props.job.id);
      }}
      onClose={() => {
        cancel.clearError();
        props.onClose();
      }}
    >
      <p className="dialog-subject">{name}</p>
      <p>{t('cancel.body')}</p>
      <ErrorText>{cancel.error}</ErrorText>
    </ConfirmDialog>
  );
}
