import { memo } from 'react';
import {
  formatBytes,
  formatDuration,
  formatMoment,
  formatSpeed,
  percentOf,
  secondsLeft,
} from '../../../src-shared/format-units.ts';
import { countdown } from '../../../src-shared/health-words.ts';
import type { JobState, JobView } from '../../../src-shared/job.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useActions, useApp, useBridge } from '../../state/app-context.tsx';
import { confirmedOf, type ProgressSample } from '../../state/core-view.ts';
import { type RowAction, rowActions } from '../../state/job-lists.ts';
import { useAsyncAction } from '../common/use-async-action.ts';
import { useNow } from '../common/use-now.ts';
import { useLimitNote } from '../common/use-upload-limit.ts';
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
  onDetails(jobId: number): void;
}

/** Subscribes to its own job and its live progress only: an event re-renders the rows it concerns. */
export const JobRow = memo(function JobRow(props: JobRowProps) {
  const job = useApp((state) => state.jobs[props.id]);
  const sample = useApp((state) => state.progress[props.id]);
  const connected = useApp((state) => state.core.state === 'running');
  if (job === undefined) return <JobRowPlaceholder />;
  if (!connected && MOVING.has(job.state)) return <JobRowOutOfTouch job={job} />;
  return <JobRowView job={job} sample={sample} onCancel={props.onCancel} onDetails={props.onDetails} />;
});

/** States whose figures move by the second: shown as they were, they soon say something false. */
const MOVING: ReadonlySet<JobState> = new Set(['uploading', 'verifying']);

/**
 * A recording that was under way when the connection to the uploader went: where it stands now is
 * not known here, so the row shows neither a state nor a figure from before, until it reconnects.
 */
function JobRowOutOfTouch(props: { job: JobView }) {
  const { t, locale } = useI18n();
  const { job } = props;
  return (
    <div className="job job-unknown">
      <div className="job-main">
        <div className="job-name" title={job.path}>
          {job.fileName}
        </div>
        <div className="job-details">{formatBytes(job.sizeBytes, locale)}</div>
      </div>
      <div className="job-status">
        <span className="badge badge-idle">{t('state.unknown')}</span>
      </div>
    </div>
  );
}

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
  onDetails(jobId: number): void;
}) {
  const { job, sample } = props;
  const { t, locale, language } = useI18n();
  const bridge = useBridge();
  const { jobChanged } = useActions();
  const now = useNow(job.state === 'waiting' && job.nextAttemptAt !== null);
  const host = useApp((state) => state.host);
  const limit = useLimitNote();
  const command = useAsyncAction(async (method: 'retry' | 'pauseJob' | 'resumeJob') => {
    jobChanged(await bridge.invoke(method, { jobId: job.id }));
  });
  const show = useAsyncAction(() => bridge.invoke('showInFolder', { jobId: job.id }));
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
  if (job.state === 'uploading' && limit !== null) details.push(limit);
  if (job.attempts > 0) details.push(t('job.attempts', { count: job.attempts }));
  if (job.state === 'waiting' && job.nextAttemptAt !== null) {
    details.push(t('job.nextTry', { when: countdown(job.nextAttemptAt, now, language) }));
  }
  if (job.state === 'done' && job.completedAt !== null) {
    details.push(t('job.doneAt', { time: formatMoment(job.completedAt, locale, Date.now()) }));
  }
  if (job.state === 'done' && job.reconciledState !== null && job.reconciledAt !== null) {
    const time = formatMoment(job.reconciledAt, locale, Date.now());
    details.push(t(`job.reconciled.${job.reconciledState}`, { time }));
  }
  const problem = command.error ?? show.error ?? (job.state !== 'done' ? job.lastError : null);
  const name = job.fileName;
  return (
    <div className={`job job-${job.state}`}>
      <div className="job-main">
        {/* The name opens the recording's details, by mouse or by keyboard (Tab, Enter). */}
        <button
          type="button"
          className="job-name"
          title={job.path}
          aria-label={t('job.detailsFile', { name })}
          onClick={() => props.onDetails(job.id)}
        >
          {name}
        </button>
        <div className="job-details">{details.join(' · ')}</div>
        {problem !== null ? (
          <div className="job-problem" title={problem}>
            {problem}
          </div>
        ) : (
          [job.warning, job.sidecarWarning].map(
            (warning) =>
              warning !== null && (
                <div key={warning} className="job-warning" title={warning}>
                  {warning}
                </div>
              ),
          )
        )}
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
        {rowActions(job.state, host).map((action) => (
          <RowButton
            key={action}
            action={action}
            job={job}
            busy={action === 'show-in-folder' ? show.busy : command.busy}
            onClick={() => {
              if (action === 'show-in-folder') void show.run();
              else if (action === 'cancel') props.onCancel(job);
              else void command.run(COMMANDS[action]);
            }}
          />
        ))}
      </div>
    </div>
  );
}

const COMMANDS = { retry: 'retry', pause: 'pauseJob', resume: 'resumeJob' } as const;

function RowButton(props: { action: RowAction; job: JobView; busy: boolean; onClick(): void }) {
  const { t } = useI18n();
  const { action, job } = props;
  const name = job.fileName;
  const words: Record<RowAction, { text: string; label: string; quiet: boolean }> = {
    'show-in-folder': {
      text: t('job.showInFolder'),
      label: t('job.showInFolderFile', { name }),
      quiet: true,
    },
    retry: {
      text: job.state === 'waiting' ? t('job.retryNow') : t('job.retry'),
      label: t('job.retryFile', { name }),
      quiet: false,
    },
    pause: { text: t('job.pause'), label: t('job.pauseFile', { name }), quiet: true },
    resume: { text: t('job.resume'), label: t('job.resumeFile', { name }), quiet: false },
    cancel: { text: t('job.cancel'), label: t('job.cancelFile', { name }), quiet: true },
  };
  const { text, label, quiet } = words[action];
  return (
    <button
      type="button"
      className={`btn btn-small${quiet ? ' btn-quiet' : ''}`}
      // Cancel asks first in a dialog of its own; the others wait for their command.
      disabled={action !== 'cancel' && props.busy}
      aria-label={label}
      onClick={props.onClick}
    >
      {text}
    </button>
  );
}
