import type { ConnectionView } from '../../../src-shared/bridge-contract.ts';
import type { DestinationKind } from '../../../src-shared/settings.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import type { Translate } from '../../i18n/translate.ts';
import { useApp } from '../../state/app-context.tsx';
import { hasAppRegistration, isSetUp } from '../../state/first-run.ts';

export interface ConnectionLine {
  tone: 'good' | 'warn' | 'bad' | 'off';
  text: string;
  /** The core's reason, as it gave it. */
  detail: string | null;
}

export function describeConnection(
  t: Translate,
  kind: DestinationKind,
  connection: ConnectionView | undefined,
  registered: boolean,
): ConnectionLine {
  if (connection === undefined) return { tone: 'off', text: t('connection.unavailable'), detail: null };
  if (!isSetUp(connection)) {
    return registered
      ? { tone: 'off', text: t('connection.notConnected'), detail: null }
      : { tone: 'off', text: t('connection.notConnected'), detail: t('connection.needsRegistration') };
  }
  switch (connection.state) {
    case 'not-configured':
      return { tone: 'off', text: t('connection.notConnected'), detail: null };
    case 'connected': {
      const label = connection.label;
      if (label === null) return { tone: 'good', text: t('connection.connected'), detail: null };
      const key = kind === 'storage-api' ? 'connection.connectedTo' : 'connection.connectedAs';
      return { tone: 'good', text: t(key, { label }), detail: null };
    }
    case 'needs-auth': {
      // The storage API has no sign-in: what it needs is a new token.
      const key = kind === 'storage-api' ? 'connection.tokenNeeded' : 'connection.signInNeeded';
      return { tone: 'warn', text: t(key), detail: connection.detail };
    }
    case 'error':
      return { tone: 'bad', text: t('connection.error'), detail: connection.detail };
  }
}

export function ConnectionStatus(props: { kind: DestinationKind; connection: ConnectionView | undefined }) {
  const { t } = useI18n();
  const registered = useApp(
    (state) => state.settings === null || hasAppRegistration(props.kind, state.settings),
  );
  const line = describeConnection(t, props.kind, props.connection, registered);
  return (
    <div className={`connection connection-${line.tone}`} data-testid={`connection-${props.kind}`}>
      <span className="status-dot" aria-hidden="true" />
      <span className="connection-text">{line.text}</span>
      {line.detail !== null && <span className="connection-detail">{line.detail}</span>}
    </div>
  );
}
