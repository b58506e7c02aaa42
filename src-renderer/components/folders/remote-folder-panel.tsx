import { useI18n } from '../../i18n/i18n-context.tsx';
import { useApp } from '../../state/app-context.tsx';
import { Notice } from '../common/messages.tsx';
import { RemoteFolderBrowser } from './remote-folder-browser.tsx';

/** The remote folder of the destination in use, or why there is none to choose. */
export function RemoteFolderPanel() {
  const { t } = useI18n();
  const kind = useApp((state) => state.settings?.activeDestination ?? 'storage-api');
  const connection = useApp((state) => state.connections[kind]);
  const scope = useApp((state) => state.settings?.googleDriveScope ?? 'drive.file');
  const chosen = useApp((state) =>
    kind === 'onedrive'
      ? state.settings?.oneDriveFolder
      : kind === 'gdrive'
        ? state.settings?.googleDriveFolder
        : null,
  );
  const locked = useApp((state) =>
    state.policy.locked.includes(kind === 'onedrive' ? 'oneDriveFolder' : 'googleDriveFolder'),
  );
  if (kind === 'storage-api') return <p className="muted">{t('remote.storageApi')}</p>;
  if (locked) {
    return (
      <>
        <p className="lead">
          {chosen ? t('destinations.folder', { path: chosen.path }) : t('destinations.noFolder')}
        </p>
        <p className="help managed">{t('policy.managed')}</p>
      </>
    );
  }
  return (
    <>
      <p className="lead">
        {chosen ? t('destinations.folder', { path: chosen.path }) : t('destinations.noFolder')}
      </p>
      {kind === 'gdrive' && (
        <Notice tone="info">
          {scope === 'drive.file' ? t('remote.driveFileScope') : t('remote.driveScope')}
        </Notice>
      )}
      {connection?.state === 'connected' ? (
        <RemoteFolderBrowser kind={kind} />
      ) : (
        <p className="muted">{t('remote.connectFirst', { destination: t(`destination.${kind}`) })}</p>
      )}
    </>
  );
}
