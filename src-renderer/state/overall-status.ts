import type { Headline } from '../../src-shared/health.ts';
import type { CoreView } from './core-view.ts';

export type OverallStatus =
  | { kind: 'core-down'; detail: string | null }
  | { kind: 'loading' }
  | { kind: 'health'; headline: Headline };

/**
 * The one line at the top of the window: the core's own headline (the one the tray and `status`
 * show), unless the core does not answer, which only the carrier can tell.
 */
export function overallStatus(view: Pick<CoreView, 'core' | 'health'>): OverallStatus {
  if (view.core.state === 'unavailable') return { kind: 'core-down', detail: view.core.detail };
  if (view.health === null) return { kind: 'loading' };
  return { kind: 'health', headline: view.health.headline };
}
