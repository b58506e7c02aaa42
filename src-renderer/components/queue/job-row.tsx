import { memo } from 'react';
import type { JobState, JobView } from '../../../src-shared/job.ts';
import {
  formatBytes,
  formatDuration,
  formatMoment,
  formatSpeed,
  percentOf,
  secondsLeft,
} from '../../format/format-units.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useActions, useApp, useBridge } from '../../state/app-context.tsx';
import { confirmedOf, type ProgressSample } from '../../state/core-view.ts';
import { canDo } from '../../state/job-lists.ts';
import { useAsyncAction } from '../common/use-async-action.ts';
import { ProgressBar } from './progress-bar.tsx';

/** Every row is this tall: a fixed height keeps the virtual list exact without measuring rows. */
export const ROW_HEIGHT = 96;

const TONES: Record<JobState, 'active' | 'done' | 'problem' | 'idle'> = {
  queued: 'idle',
  uploading: 'active',
  verifying: 'active',
  done: 'done',
  waiting: 'idle',
  'needs-auth': 'problem',
  failed: 'problem',
  paused: 'idle',
  cancelled: 'idle',
};

interface JobRowProps {
  id: number;
  onCancel(job: JobView): void;
}

/** Subscribes to its own job and its live progress only: an event re-renders the rows it concerns. */
export const JobRow = memo(function JobRow(props: JobRowProps) {
  const job = useApp((state) => state.jobs[props.id]);
  const sample = useApp((state) => state.progress[props.id]);
  if (job === undefined) return <JobRowPlaceholder />;
  return <JobRowView job={job} sample={sample} onCancel={props.onCancel} />;
});

export function JobRowPlaceholder() {
  return (
    <div className="job job-placeholder" aria-hidden="true">
      <span className="skeleton skeleton-name" />
      <span className="skeleton skeleton-bar" />
    </div>
  );
}

function JobRowView(props: {
  job: JobView;
  sample: ProgressSample | undefined;
  onCancel(job: JobView): void;
}) {
  const { job, sample } = props;
  const { t, locale } = useI18n();
  const bridge = useBridge();
  const { jobChanged } = useActions();
  const command = useAsyncAction(async (method: 'retry' | 'pauseJob' | 'resumeJob') => {
    jobChanged(await bridge.invoke(method, { jobId: job.id }));
  });
  const confirmed = confirmedOf(job, sample);
  const percent = percentOf(confirmed, job.sizeBytes);
  const size = formatBytes(job.sizeBytes, locale);
  const details: string[] = [
    job.state === 'uploading' || (job.state !== 'done' && confirmed > 0)
      ? t('job.sentOf', { sent: formatBytes(confirmed, locale), size })
      : size,
  ];
  if (job.state === 'uploading' && sample !== undefined && sample.bytesPerSecond > 0) {
    details.push(formatSpeed(sample.bytesPerSecond, locale));
    const left = secondsLeft(confirmed, job.sizeBytes, sample.bytesPerSecond);
    if (left !== null) {
      const units = { hours: t('unit.hours'), minutes: t('unit.minutes'), seconds: t('unit.seconds') };
      details.push(t('job.timeLeft', { time: formatDuration(left, units) }));
    }
  }
  if (job.attempts > 0) details.push(t('job.attempts', { count: job.attempts }));
  if (job.state === 'waiting' && job.nextAttemptAt !== null) {
    details.push(t('job.nextTry', { time: formatMoment(job.nextAttemptAt, locale, Date.now()) }));
  }
  if (job.state === 'done' && job.completedAt !== null) {
    details.push(t('job.doneAt', { time: formatMoment(job.completedAt, locale, Date.now()) }));
  }
  const problem = command.error ?? (job.state !== 'done' ? job.lastError : null);
  const name = job.fileName;
  return (
    <div className={`job job-${job.state}`}>
      <div className="job-main">
        <div className="job-name" title={job.path}>
          {name}
        </div>
        <div className="job-details">{details.join(' · ')}</div>
        {problem !== null ? (
          <div className="job-problem" title={problem}>
            {problem}
          </div>
        ) : job.warning !== null ? (
          <div className="job-warning" title={job.warning}>
            {job.warning}
          </div>
        ) : null}
      </div>
      <div className="job-status">
        <span className={`badge badge-${TONES[job.state]}`}>
          {job.state === 'needs-auth' && job.destination === 'storage-api'
            ? t('state.needs-token')
            : t(`state.${job.state}`)}
        </span>
        <ProgressBar percent={percent} label={t('job.progress', { name })} tone={TONES[job.state]} />
      </div>
      <div className="job-actions">
        {canDo('retry', job.state) && (
          <button
            type="button"
            className="btn btn-small"
            disabled={command.busy}
            aria-label={t('job.retryFile', { name })}
            onClick={() => command.run('retry')}
          >
            {job.state === 'waiting' ? t('job.retryNow') : t('job.retry')}
          </button>
        )}
        {canDo('pause', job.state) && (
          <button
            type="button"
            className="btn btn-small btn-quiet"
            disabled={command.busy}
            aria-label={t('job.pauseFile', { name })}
            onClick={() => command.run('pauseJob')}
          >
            {t('job.pause')}
          </button>
        )}
        {canDo('resume', job.state) && (
          <button
            type="button"
            className="btn btn-small"
            disabled={command.busy}
            aria-label={t('job.resumeFile', { name })}
            onClick={() => command.run('resumeJob')}
          >
            {t('job.resume')}
          </button>
        )}
        {canDo('cancel', job.state) && (
          <button
            type="button"
            className="btn btn-small btn-quiet"
            aria-label={t('job.cancelFile', { name })}
            onClick={() => props.onCancel(job)}
          >
            {t('job.cancel')}
          </button>
        )}
      </div>
    </div>
  );
}
