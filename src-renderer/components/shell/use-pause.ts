import { useActions, useApp, useBridge } from '../../state/app-context.tsx';
import { useAsyncAction } from '../common/use-async-action.ts';

const HOUR_MS = 60 * 60 * 1000;

export type PauseLength = '1h' | '8h' | 'untilResumed';

export const PAUSE_LENGTHS: readonly PauseLength[] = ['1h', '8h', 'untilResumed'];

/** When a pause of that length ends, from now; null: when the operator resumes. */
export function pauseUntil(length: PauseLength, now: number): number | null {
  if (length === '1h') return now + HOUR_MS;
  if (length === '8h') return now + 8 * HOUR_MS;
  return null;
}

/** Pausing and resuming every upload; the snapshot each returns brings the store up to date. */
export function usePauseCommands() {
  const bridge = useBridge();
  const { settingsSaved } = useActions();
  const pause = useAsyncAction(async (length: PauseLength) => {
    const snapshot = await bridge.invoke('pauseAll', { until: pauseUntil(length, Date.now()) });
    settingsSaved(snapshot.settings);
  });
  const resume = useAsyncAction(async () => {
    const snapshot = await bridge.invoke('resumeAll', {});
    settingsSaved(snapshot.settings);
  });
  return { pause, resume };
}

/** The administrator's policy holds the pause: pausing and resuming are the organization's. */
export function usePauseLocked(): boolean {
  return useApp((state) =>
    state.policy.locked.some((name) => name === 'uploadsPaused' || name === 'pausedUntil'),
  );
}
