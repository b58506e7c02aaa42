import type { DestinationKind } from '../../../src-shared/settings.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useActions, useApp, useBridge } from '../../state/app-context.tsx';
import { hasAppRegistration } from '../../state/first-run.ts';
import { ErrorText, Notice, Spinner } from '../common/messages.tsx';
import { useAsyncAction } from '../common/use-async-action.ts';

export type CloudKind = Exclude<DestinationKind, 'storage-api'>;

/**
 * Sign-in happens in the system browser (the identity provider's own page); the command returns
 * once the operator has finished there, so the card waits and says where to look meanwhile.
 */
export function CloudConnect(props: { kind: CloudKind }) {
  const { t } = useI18n();
  const bridge = useBridge();
  const { connectionChanged } = useActions();
  const connection = useApp((state) => state.connections[props.kind]);
  const registered = useApp(
    (state) => state.settings === null || hasAppRegistration(props.kind, state.settings),
  );
  const connect = useAsyncAction(async () => {
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
          <Spinner /> {t('cloud.waitingForSignIn')}
        </Notice>
      )}
      <ErrorText>{connect.error ?? disconnect.error}</ErrorText>
    </div>
  );
}
