import { HEADLINE_TONE, type Headline, headlineFix } from '../../../src-shared/health.ts';
import { headlineText } from '../../../src-shared/health-words.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useApp } from '../../state/app-context.tsx';
import { overallStatus } from '../../state/overall-status.ts';
import { useNow } from '../common/use-now.ts';
import { useLimitNote } from '../common/use-upload-limit.ts';
import { FixButton } from './fix-button.tsx';

const countsDown = (headline: Headline | null) =>
  headline !== null && (headline.kind === 'unreachable' || headline.kind === 'throttled');

/**
 * The one line at the top of the window: the core's headline, the same words the tray and `status`
 * show, and beside it the one button that fixes what it reports.
 */
export function StatusLine() {
  const { t, language } = useI18n();
  const core = useApp((state) => state.core);
  const health = useApp((state) => state.health);
  const status = overallStatus({ core, health });
  const headline = status.kind === 'health' ? status.headline : null;
  const now = useNow(countsDown(headline));
  const limit = useLimitNote();
  if (status.kind !== 'health' || headline === null) {
    const tone = status.kind === 'core-down' ? 'bad' : 'calm';
    return (
      <output className={`status status-${tone}`} aria-live="polite">
        <span className="status-dot" aria-hidden="true" />
        {status.kind === 'loading'
          ? t('status.loading')
          : core.reconnect === 'no'
            ? t('status.coreGone')
            : t('status.coreDown')}
      </output>
    );
  }
  const fix = headlineFix(headline);
  return (
    <div className="status-line">
      <output className={`status status-${HEADLINE_TONE[headline.kind]}`} aria-live="polite">
        <span className="status-dot" aria-hidden="true" />
        {headlineText(headline, language, now)}
        {limit !== null && <span className="status-limit"> · {limit}</span>}
      </output>
      {fix !== null && <FixButton fix={fix} headline={headline} />}
    </div>
  );
}
