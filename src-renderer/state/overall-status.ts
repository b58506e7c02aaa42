import type { DestinationKind } from '../../src-shared/settings.ts';
import type { CoreView } from './core-view.ts';
import { isSetUp } from './first-run.ts';

export type OverallStatus =
  | { kind: 'core-down'; detail: string | null }
  | { kind: 'setup' }
  | { kind: 'sign-in'; destination: DestinationKind }
  | { kind: 'connection-error'; destination: DestinationKind; detail: string | null }
  | { kind: 'paused'; until: number | null }
  | { kind: 'failed'; count: number }
  | { kind: 'uploading'; count: number }
  | { kind: 'waiting'; count: number }
  | { kind: 'idle' };

/**
 * The one line at the top of the window, most urgent first: what the operator must act on comes
 * before what is merely going on.
 */
export function overallStatus(
  view: Pick<CoreView, 'core' | 'settings' | 'connections' | 'totals' | 'paused'>,
): OverallStatus {
  if (view.core.state === 'unavailable') return { kind: 'core-down', detail: view.core.detail };
  const settings = view.settings;
  if (settings === null) return { kind: 'idle' };
  const destination = settings.activeDestination;
  const connection = view.connections[destination];
  if (settings.recordingsFolder === '' || connection === undefined || !isSetUp(connection)) {
    return { kind: 'setup' };
  }
  if (connection.state === 'needs-auth') return { kind: 'sign-in', destination };
  if (connection.state === 'error')
    return { kind: 'connection-error', destination, detail: connection.detail };
  if (view.paused) return { kind: 'paused', until: settings.pausedUntil };
  const { totals } = view;
  if (totals.failed > 0) return { kind: 'failed', count: totals.failed };
  const uploading = totals.uploading + totals.verifying;
  if (uploading > 0) return { kind: 'uploading', count: uploading };
  const waiting = totals.queued + totals.waiting + totals['needs-auth'];
  if (waiting > 0) return { kind: 'waiting', count: waiting };
  return { kind: 'idle' };
}
