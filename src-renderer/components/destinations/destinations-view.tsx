import type { ReactNode } from 'react';
import { DESTINATION_KINDS, type DestinationKind } from '../../../src-shared/settings.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useActions, useApp, useBridge } from '../../state/app-context.tsx';
import { DestinationIcon } from '../common/icons.tsx';
import { ErrorText } from '../common/messages.tsx';
import { useAsyncAction } from '../common/use-async-action.ts';
import { useNavigate } from '../shell/navigation.tsx';
import { CloudConnect, type CloudKind } from './cloud-connect.tsx';
import { ConnectionStatus } from './connection-status.tsx';
import { DriveScopeChoice } from './drive-scope-choice.tsx';
import { StorageApiForm } from './storage-api-form.tsx';

export function DestinationsView() {
  const { t } = useI18n();
  return (
    <section className="view view-destinations" aria-labelledby="destinations-title">
      <header className="view-head">
        <h1 id="destinations-title">{t('destinations.title')}</h1>
        <p className="lead">{t('destinations.lead')}</p>
      </header>
      <div className="cards">
        {DESTINATION_KINDS.map((kind) => (
          <DestinationCard key={kind} kind={kind}>
            {kind === 'storage-api' ? <StorageApiForm /> : <CloudBody kind={kind} />}
          </DestinationCard>
        ))}
      </div>
    </section>
  );
}

function DestinationCard(props: { kind: DestinationKind; children: ReactNode }) {
  const { t } = useI18n();
  const bridge = useBridge();
  const { settingsSaved } = useActions();
  const active = useApp((state) => state.settings?.activeDestination === props.kind);
  const connection = useApp((state) => state.connections[props.kind]);
  // The policy may hold the destination in use, or leave this one out of those it allows.
  const managed = useApp((state) =>
    state.policy.locked.includes('activeDestination')
      ? t('policy.managed')
      : state.policy.allowedDestinations.includes(props.kind)
        ? null
        : t('policy.destinationNotAllowed'),
  );
  const use = useAsyncAction(async () => {
    settingsSaved(await bridge.invoke('updateSettings', { activeDestination: props.kind }));
  });
  const titleId = `destination-${props.kind}`;
  return (
    <section className={`card destination${active ? ' is-active' : ''}`} aria-labelledby={titleId}>
      <header className="card-head">
        <DestinationIcon kind={props.kind} />
        <h2 id={titleId}>{t(`destination.${props.kind}`)}</h2>
        {active ? (
          <span className="badge badge-active">{t('destinations.inUse')}</span>
        ) : (
          <button
            type="button"
            className="btn btn-small"
            disabled={connection === undefined || managed !== null || use.busy}
            aria-describedby={managed === null ? undefined : `${titleId}-managed`}
            onClick={() => use.run()}
          >
            {t('destinations.use')}
          </button>
        )}
      </header>
      {!active && managed !== null && (
        <p className="help managed" id={`${titleId}-managed`}>
          {managed}
        </p>
      )}
      <ConnectionStatus kind={props.kind} connection={connection} />
      <ErrorText>{use.error}</ErrorText>
      {props.children}
    </section>
  );
}

function CloudBody(props: { kind: CloudKind }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const connection = useApp((state) => state.connections[props.kind]);
  const available = connection !== undefined;
  const signedIn = available && connection.label !== null;
  const folder = useApp((state) =>
    props.kind === 'onedrive' ? state.settings?.oneDriveFolder : state.settings?.googleDriveFolder,
  );
  return (
    <>
      <CloudConnect kind={props.kind} />
      {available && props.kind === 'gdrive' && <DriveScopeChoice />}
      {signedIn && (
        <div className="folder-line">
          <span>{folder ? t('destinations.folder', { path: folder.path }) : t('destinations.noFolder')}</span>
          <button type="button" className="btn btn-small btn-quiet" onClick={() => navigate('folders')}>
            {t('destinations.chooseFolder')}
          </button>
        </div>
      )}
    </>
  );
}
