import type { DestinationHealth } from '../../../src-shared/health.ts';
import { plainProblem, problemSentence } from '../../../src-shared/problem-words.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useApp } from '../../state/app-context.tsx';

/**
 * Under the header while the active destination has a problem: what it means in plain words, with
 * what to check, and the technical detail (the request and the server's answer) one click away.
 */
export function ProblemBanner() {
  const { t, language } = useI18n();
  const health = useApp((state) => state.health);
  const core = useApp((state) => state.core);
  if (health === null || core.state !== 'running') return null;
  const headline = health.headline;
  if (headline.kind !== 'unreachable' && headline.kind !== 'needs-auth' && headline.kind !== 'throttled')
    return null;
  const destination = health.destinations.find((d) => d.destination === headline.destination);
  if (destination === undefined || destination.reason === null) return null;
  const reason = destination.reason;
  const words = plainProblem(reason, destination.destination, addressOf(destination), language);
  return (
    <div className="banner banner-warn problem-banner" role="note">
      <span className="problem-plain">{problemSentence(words)}</span>
      <details className="problem-technical">
        <summary>{t('problem.technical')}</summary>
        <code>{reason}</code>
      </details>
    </div>
  );
}

/** The storage API's address is its label; cloud destinations are named by their account. */
const addressOf = (destination: DestinationHealth): string | null =>
  destination.destination === 'storage-api' ? destination.label : null;
