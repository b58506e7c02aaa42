import type { Headline, HeadlineFix } from '../../../src-shared/health.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useActions, useApp, useBridge } from '../../state/app-context.tsx';
import { ErrorText } from '../common/messages.tsx';
import { useAsyncAction } from '../common/use-async-action.ts';
import { useNavigate } from './navigation.tsx';

/** The field a fix leads to gets the focus once its screen is shown. */
export const FOCUS_TARGET = {
  token: 'storage-api-token',
  folder: 'recordings-folder',
} as const;

function focusSoon(target: string): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-focus="${target}"]`)?.focus());
}

/**
 * The one button that fixes what the headline reports: a new token and a folder are typed where
 * they are set (the screen opens with the field in focus); a sign-in starts from here.
 */
export function FixButton(props: { fix: NonNullable<HeadlineFix>; headline: Headline }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { openFirstRun, setFilter, connectionChanged, signInStarting } = useActions();
  const bridge = useBridge();
  const destination = props.headline.kind === 'needs-auth' ? props.headline.destination : null;
  const signInPage = useApp((state) => (destination === null ? undefined : state.signIns[destination]));
  const signIn = useAsyncAction(async () => {
    if (destination === null) return;
    signInStarting(destination);
    connectionChanged(await bridge.invoke('connect', { destination }));
  });
  const onClick = () => {
    switch (props.fix) {
      case 'choose-folder':
        navigate('folders');
        focusSoon(FOCUS_TARGET.folder);
        return;
      case 'enter-token':
        navigate('destinations');
        focusSoon(FOCUS_TARGET.token);
        return;
      case 'sign-in':
        void signIn.run();
        return;
      case 'set-up':
        openFirstRun();
        return;
      case 'show-failed':
        navigate('queue');
        setFilter('failed');
        return;
    }
  };
  return (
    <span className="status-fix">
      <button type="button" className="btn btn-small btn-primary" disabled={signIn.busy} onClick={onClick}>
        {t(`fix.${props.fix}`)}
      </button>
      {signIn.busy && signInPage !== undefined && (
        <a className="sign-in-link" href={signInPage} target="_blank" rel="noopener noreferrer">
          {t('cloud.openSignInPage')}
        </a>
      )}
      <ErrorText>{signIn.error}</ErrorText>
    </span>
  );
}
