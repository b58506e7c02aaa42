import type { DestinationKind } from '../../../src-shared/settings.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useActions, useApp, useBridge } from '../../state/app-context.tsx';
import { hasAppRegistration } from '../../state/first-run.ts';
import { ErrorText, Notice, Spinner } from '../common/messages.tsx';
import { useAsyncAction } from '../common/use-async-action.ts';

export type CloudKind = Exclude<DestinationKind, 'storage-api'>;

/**
 * Sign-in happens in a browser, on the identity provider's own page; the command returns once the
 * operator has finished there, so the card waits meanwhile and links to that page. The desktop
 * app also opens it in the system browser by itself; a browser UI's host can only print it in its
 * terminal, so there the link is the way in.
 */
export function CloudConnect(props: { kind: CloudKind }) {
  const { t } = useI18n();
  const bridge = useBridge();
  const { connectionChanged, signInStarting } = useActions();
  const connection = useApp((state) => state.connections[props.kind]);
  const signInPage = useApp((state) => state.signIns[props.kind]);
  const registered = useApp(
    (state) => state.settings === null || hasAppRegistration(props.kind, state.settings),
  );
  const connect = useAsyncAction(async () => {
    signInStarting(props.kind);
    connectionChanged(await bridge.invoke('connect', { destination: props.kind }));
  });
  const disconnect = useAsyncAction(async () => {
    connectionChanged(await bridge.invoke('disconnect', { destination: props.kind }));
  });
  if (connection === undefined) return <p className="muted">{t('connection.unavailableHelp')}</p>;
  // An account the core can name: someone signed in here before, now or in the past.
  const signedIn = connection.label !== null;
  return (
    <div className="cloud-connect">
      <div className="actions">
        <button
          type="button"
          className={`btn ${connection.state === 'connected' ? '' : 'btn-primary'}`}
          disabled={connect.busy || !registered}
          onClick={() => connect.run()}
        >
          {signedIn ? t('cloud.reconnect') : t('cloud.connect')}
        </button>
        {signedIn && (
          <button
            type="button"
            className="btn btn-quiet"
            disabled={disconnect.busy}
            onClick={() => disconnect.run()}
          >
            {t('cloud.disconnect')}
          </button>
        )}
      </div>
      {connect.busy && (
        <Notice tone="info">
          <Spinner />
          {signInPage === undefined ? (
            <span>{t('cloud.startingSignIn')}</span>
          ) : (
            <span className="sign-in-wait">
              <span>{t('cloud.waitingForSignIn')}</span>
              {/* noreferrer: the identity provider is not told the address of this page. */}
              <a className="sign-in-link" href={signInPage} target="_blank" rel="noopener noreferrer">
                {t('cloud.openSignInPage')}
              </a>
            </span>
          )}
        </Notice>
      )}
      <ErrorText>{connect.error ?? disconnect.error}</ErrorText>
    </div>
  );
}
