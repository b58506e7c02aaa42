import { limitNote } from '../../format/rate-limit-words.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useApp, useBridge } from '../../state/app-context.tsx';
import { useAsyncAction } from './use-async-action.ts';

/**
 * "limited to 2 MiB/s until 18:00" while a limit holds, "full speed until 08:00" while the operator
 * overrides one; null otherwise (nothing worth a word in the header).
 */
export function useLimitNote(): string | null {
  const { t, locale } = useI18n();
  const uploadRate = useApp((state) => state.uploadRate);
  if (uploadRate.rate === null && uploadRate.override === null) return null;
  return limitNote(uploadRate, t, locale, Date.now());
}

/** The quick control: limit now, or full speed, until the timetable's next change. */
export function useUploadLimitNow() {
  const bridge = useBridge();
  const limited = useApp((state) => state.uploadRate.rate !== null);
  // A limit the policy locks is the organization's floor: slowing down stays the operator's, lifting it does not.
  const locked = useApp((state) => limited && state.policy.locked.includes('uploadRateLimit'));
  const toggle = useAsyncAction(async () => {
    await bridge.invoke('setUploadLimitNow', { limited: !limited });
  });
  return { limited, locked, toggle };
}
