import type { BridgeCommands } from '../../../src-shared/bridge-contract.ts';
import type { ShellStrings } from '../shell-strings.ts';
import type { ShellState } from './shell-state.ts';
import type { TrayView } from './tray-state.ts';

export type TrayAction =
  | 'open'
  | 'pause-1h'
  | 'pause-8h'
  | 'pause-until-resumed'
  | 'resume'
  | 'limit-now'
  | 'full-speed'
  | 'open-recordings'
  | 'open-logs'
  | 'save-support-files'
  | 'quit';

export type TrayMenuEntry =
  | { type: 'status'; label: string }
  | { type: 'separator' }
  | { type: 'action'; action: TrayAction; label: string; enabled: boolean };

const HOUR_MS = 3_600_000;

/** The tray menu as data: the status line, then the actions, each enabled only where it can act. */
export function trayMenuModel(view: TrayView, state: ShellState, strings: ShellStrings): TrayMenuEntry[] {
  const coreUp = state.core.state === 'running';
  const paused = state.settings?.uploadsPaused === true;
  const hasFolder = (state.settings?.recordingsFolder ?? '') !== '';
  const limited = state.uploadRate.rate !== null;
  // The policy's pause and limit are the organization's: the operator may slow down, never lift them.
  const pauseLocked = state.locked.includes('uploadsPaused') || state.locked.includes('pausedUntil');
  const limitLocked = limited && state.locked.includes('uploadRateLimit');
  const canPause = coreUp && !pauseLocked;
  const action = (a: TrayAction, label: string, enabled = true): TrayMenuEntry => ({
    type: 'action',
    action: a,
    label,
    enabled,
  });
  return [
    { type: 'status', label: strings.status(view.status) },
    { type: 'separator' },
    action('open', strings.menu.open),
    { type: 'separator' },
    action('pause-1h', strings.menu.pause1h, canPause),
    action('pause-8h', strings.menu.pause8h, canPause),
    action(
      'pause-until-resumed',
      strings.menu.pauseUntilResumed,
      canPause && !(paused && state.settings?.pausedUntil === null),
    ),
    action('resume', strings.menu.resume, canPause && paused),
    ...(pauseLocked ? [{ type: 'status', label: strings.menu.pauseManaged } as const] : []),
    { type: 'separator' },
    // Until the timetable's next change: one of the two is always the one that changes something.
    action('limit-now', strings.menu.limitNow, coreUp && !limited),
    action('full-speed', strings.menu.fullSpeed, coreUp && limited && !limitLocked),
    ...(limitLocked ? [{ type: 'status', label: strings.menu.fullSpeedManaged } as const] : []),
    { type: 'separator' },
    action('open-recordings', strings.menu.openRecordings, hasFolder),
    action('open-logs', strings.menu.openLogs),
    action('save-support-files', strings.menu.saveSupportFiles, coreUp),
    { type: 'separator' },
    action('quit', strings.menu.quit),
  ];
}

/** The quick control's command a menu entry sends; null for entries that are not one. */
export function uploadLimitParams(action: TrayAction): BridgeCommands['setUploadLimitNow']['params'] | null {
  if (action === 'limit-now') return { limited: true };
  if (action === 'full-speed') return { limited: false };
  return null;
}

/** The pause command a menu entry sends; null for entries that are not a pause. */
export function pauseParams(action: TrayAction, now: number): BridgeCommands['pauseAll']['params'] | null {
  if (action === 'pause-1h') return { until: now + HOUR_MS };
  if (action === 'pause-8h') return { until: now + 8 * HOUR_MS };
  if (action === 'pause-until-resumed') return { until: null };
  return null;
}
