import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { formatBytes, formatCount, formatInstant } from '../../../src-shared/format-units.ts';
import type { JobState } from '../../../src-shared/job.ts';
import type { JobDetails, JobHistoryEntry } from '../../../src-shared/job-details.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useApp, useBridge } from '../../state/app-context.tsx';
import { ErrorText, Spinner } from '../common/messages.tsx';

/**
 * One recording as an administrator checks it, in the native modal dialog (focus kept inside,
 * Escape closes it, focus back on the row's name that opened it). Read again whenever the job
 * changes while it is open, so what it says is what the core holds now.
 */
export function JobDetailsDialog(props: { jobId: number | null; onClose(): void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const open = props.jobId !== null;
  const { details, error } = useJobDetails(props.jobId);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog dialog-wide" aria-labelledby={titleId} onClose={props.onClose}>
      <h2 id={titleId} className="dialog-title">
        {details?.job.fileName ?? t('details.title')}
      </h2>
      <div className="dialog-body details-body">
        {details !== null ? (
          <DetailsContent details={details} />
        ) : error === null ? (
          <p className="muted">
            <Spinner /> {t('details.loading')}
          </p>
        ) : null}
        <ErrorText>{error}</ErrorText>
      </div>
      <div className="dialog-actions">
        {/* biome-ignore lint/a11y/noAutofocus: a dialog that only informs puts the focus on its one way out */}
        <button type="button" className="btn" autoFocus onClick={props.onClose}>
          {t('details.close')}
        </button>
      </div>
    </dialog>
  );
}

function useJobDetails(jobId: number | null): { details: JobDetails | null; error: string | null } {
  const bridge = useBridge();
  const changedAt = useApp((state) => (jobId === null ? undefined : state.jobs[jobId]?.updatedAt));
  const [answer, setAnswer] = useState<{ jobId: number; details: JobDetails | null; error: string | null }>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: changedAt only asks for a fresh read
  useEffect(() => {
    if (jobId === null) return;
    let current = true;
    bridge.invoke('getJobDetails', { jobId }).then(
      (details) => current && setAnswer({ jobId, details, error: null }),
      (error: unknown) =>
        current &&
        setAnswer({ jobId, details: null, error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, [bridge, jobId, changedAt]);
  if (jobId === null || answer?.jobId !== jobId) return { details: null, error: null };
  return { details: answer.details, error: answer.error };
}

function DetailsContent(props: { details: JobDetails }) {
  const { t, locale } = useI18n();
  const d = props.details;
  const { job } = d;
  const when = (ms: number | null) => (ms === null ? t('details.notYet') : formatInstant(ms, locale));
  const storageApi = d.destination.kind === 'storage-api';
  // Until it is verified (or for one verified before the ledger named them), the place is the one set now.
  const now = !d.placeAsVerified;
  return (
    <>
      <Section title={t('details.where')}>
        <dl className="details-facts">
          <Fact label={t('details.destination')}>{t(`destination.${d.destination.kind}`)}</Fact>
          {d.destination.account !== null && (
            <Fact label={now ? t('details.accountNow') : t('details.account')}>{d.destination.account}</Fact>
          )}
          <Fact label={t(`details.${storageApi ? 'address' : 'folder'}${now ? 'Now' : ''}`)}>
            {d.destination.folder ?? t('details.notChosen')}
          </Fact>
          <Fact label={t('details.remoteId')}>
            {job.remoteId === null ? t('details.notYet') : <code>{job.remoteId}</code>}
          </Fact>
          {d.remoteLink !== null && (
            <Fact label={t('details.link')}>
              <a href={d.remoteLink} target="_blank" rel="noopener noreferrer" className="details-link">
                {d.remoteLink}
              </a>
            </Fact>
          )}
        </dl>
      </Section>

      <Section title={t('details.recording')}>
        <dl className="details-facts">
          <Fact label={t('details.state')}>{stateWords(t, job.state, job.destination)}</Fact>
          <Fact label={t('details.path')}>
            <span className="details-wrap">{job.path}</span>
          </Fact>
          <Fact label={t('details.size')}>
            {t('details.sizeExact', {
              size: formatBytes(job.sizeBytes, locale),
              bytes: formatCount(job.sizeBytes, locale),
            })}
          </Fact>
          <Fact label={t('details.sha256')}>
            {d.sha256 === null ? t('details.notYet') : <code className="details-hash">{d.sha256}</code>}
          </Fact>
          {Object.entries(d.remoteHashes).map(([name, value]) => (
            <Fact key={name} label={t('details.remoteHash', { name })}>
              <code className="details-hash">{value}</code>
            </Fact>
          ))}
          <Fact label={t('details.sidecar')}>
            {d.sidecar === null
              ? t('details.sidecarNone')
              : `${d.sidecar.fileName} — ${t(`details.sidecar.${d.sidecar.stored === 'no' && job.state !== 'done' ? 'not-yet' : d.sidecar.stored}`)}`}
          </Fact>
          {job.sidecarWarning !== null && (
            <Fact label={t('details.sidecarWarning')}>
              <span className="details-wrap details-warning">{job.sidecarWarning}</span>
            </Fact>
          )}
          <Fact label={t('details.receipt')}>{d.receipt ?? t('details.receiptNone')}</Fact>
          {job.warning !== null && (
            <Fact label={t('details.warning')}>
              <span className="details-wrap details-warning">{job.warning}</span>
            </Fact>
          )}
          {job.lastError !== null && job.state !== 'done' && (
            <Fact label={t('details.problem')}>
              <span className="details-wrap details-problem">{job.lastError}</span>
            </Fact>
          )}
        </dl>
      </Section>

      <Section title={t('details.times')}>
        <dl className="details-facts">
          <Fact label={t('details.foundAt')}>{when(d.foundAt)}</Fact>
          <Fact label={t('details.startedAt')}>{when(d.startedAt)}</Fact>
          <Fact label={t('details.storedAt')}>{when(d.storedAt)}</Fact>
          <Fact label={t('details.completedAt')}>{when(d.completedAt)}</Fact>
          {d.localDeletedAt !== null && (
            <Fact label={t('details.localDeletedAt')}>{when(d.localDeletedAt)}</Fact>
          )}
          <Fact label={t('details.checked')}>
            {job.reconciledState === null || job.reconciledAt === null
              ? t('details.notChecked')
              : t(`job.reconciled.${job.reconciledState}`, { time: formatInstant(job.reconciledAt, locale) })}
          </Fact>
        </dl>
      </Section>

      <Section title={t('details.history')}>
        {d.earlierEntries > 0 && <p className="muted">{t('details.earlier', { count: d.earlierEntries })}</p>}
        <ol className="details-history">
          {d.history.map((entry) => (
            <HistoryLine key={entry.seq} entry={entry} />
          ))}
        </ol>
      </Section>
    </>
  );
}

function HistoryLine(props: { entry: JobHistoryEntry }) {
  const { t, locale } = useI18n();
  const { entry } = props;
  const notes: string[] = [];
  if (entry.finding !== null) notes.push(entry.finding);
  if (entry.by === 'operator') notes.push(t('details.byOperator'));
  if (entry.until !== null) notes.push(t('details.until', { time: formatInstant(entry.until, locale) }));
  return (
    <li className="details-entry">
      <span className="details-entry-time">{formatInstant(entry.at, locale)}</span>
      <span className="details-entry-what">
        <strong>{t(`details.event.${entry.event}`)}</strong>
        {notes.length > 0 && ` · ${notes.join(' · ')}`}
        {entry.reason !== null && <span className="details-wrap details-reason">{entry.reason}</span>}
      </span>
      <span className="details-entry-seq" title={t('details.seq')}>
        #{entry.seq}
      </span>
    </li>
  );
}

function stateWords(t: ReturnType<typeof useI18n>['t'], state: JobState, kind: string): string {
  return state === 'needs-auth' && kind === 'storage-api' ? t('state.needs-token') : t(`state.${state}`);
}

function Section(props: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="details-section" aria-labelledby={id}>
      <h3 id={id} className="details-heading">
        {props.title}
      </h3>
      {props.children}
    </section>
  );
}

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}
