import type { Headline, HeadlineKind } from '../../../src-shared/health.ts';
import type { ShellState } from './shell-state.ts';

export const TRAY_STATES = ['idle', 'uploading', 'paused', 'attention', 'offline'] as const;
export type TrayState = (typeof TRAY_STATES)[number];

/** Why the tray looks as it does: the core's own headline, or the core being down or not heard yet. */
export type TrayStatus =
  | { kind: 'core-down'; detail: string | null }
  | { kind: 'starting' }
  | { kind: 'health'; headline: Headline };

export interface TrayView {
  state: TrayState;
  status: TrayStatus;
}

/** The icon for each headline: what needs the operator, what passes by itself, the pause, work, rest. */
const ICON: Readonly<Record<HeadlineKind, TrayState>> = {
  'policy-stopped': 'attention',
  'set-up': 'attention',
  'folder-missing': 'attention',
  'folder-unreadable': 'attention',
  'needs-auth': 'attention',
  unreachable: 'offline',
  throttled: 'offline',
  failed: 'attention',
  'disk-low': 'attention',
  paused: 'paused',
  uploading: 'uploading',
  waiting: 'uploading',
  ready: 'idle',
  'caught-up': 'idle',
};

/**
 * The tray shows the health's headline, the same one the window's header and `status` show; only
 * a core that does not answer (which cannot say so itself) comes before it.
 */
export function trayViewOf(state: ShellState): TrayView {
  if (state.core.state === 'unavailable') {
    return { state: 'attention', status: { kind: 'core-down', detail: state.core.detail } };
  }
  if (state.health === null) return { state: 'idle', status: { kind: 'starting' } };
  const { headline } = state.health;
  return { state: ICON[headline.kind], status: { kind: 'health', headline } };
}

/** A headline that counts down ("next try in 42 s") is redrawn every second. */
export function countsDown(view: TrayView): boolean {
  return (
    view.status.kind === 'health' &&
    (view.status.headline.kind === 'unreachable' || view.status.headline.kind === 'throttled')
  );
}
