import { formatCount, formatMoment } from '../../format/format-units.ts';
import type { I18n } from '../../i18n/i18n-context.tsx';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useApp } from '../../state/app-context.tsx';
import { type OverallStatus, overallStatus } from '../../state/overall-status.ts';
import { useLimitNote } from '../common/use-upload-limit.ts';

const TONE: Record<OverallStatus['kind'], 'good' | 'busy' | 'calm' | 'warn' | 'bad'> = {
  'core-down': 'bad',
  setup: 'warn',
  'sign-in': 'warn',
  'connection-error': 'bad',
  paused: 'calm',
  failed: 'bad',
  uploading: 'busy',
  waiting: 'busy',
  idle: 'good',
};

export function StatusLine() {
  const i18n = useI18n();
  const core = useApp((state) => state.core);
  const settings = useApp((state) => state.settings);
  const connections = useApp((state) => state.connections);
  const totals = useApp((state) => state.totals);
  const paused = useApp((state) => state.paused);
  const status = overallStatus({ core, settings, connections, totals, paused });
  const limit = useLimitNote();
  return (
    <output className={`status status-${TONE[status.kind]}`} aria-live="polite">
      <span className="status-dot" aria-hidden="true" />
      {describe(status, i18n)}
      {limit !== null && status.kind !== 'core-down' && <span className="status-limit"> · {limit}</span>}
    </output>
  );
}

function describe(status: OverallStatus, { t, locale }: I18n): string {
  switch (status.kind) {
    case 'core-down':
      return t('status.coreDown');
    case 'setup':
      return t('status.setup');
    case 'sign-in':
      return status.destination === 'storage-api'
        ? t('status.tokenNeeded')
        : t('status.signIn', { destination: t(`destination.${status.destination}`) });
    case 'connection-error':
      return t('status.connectionError', { destination: t(`destination.${status.destination}`) });
    case 'paused':
      return status.until === null
        ? t('status.paused')
        : t('status.pausedUntil', { time: formatMoment(status.until, locale, Date.now()) });
    case 'failed':
      return t('status.failed', { count: formatCount(status.count, locale) });
    case 'uploading':
      return t('status.uploading', { count: formatCount(status.count, locale) });
    case 'waiting':
      return t('status.waiting', { count: formatCount(status.count, locale) });
    case 'idle':
      return t('status.idle');
  }
}
