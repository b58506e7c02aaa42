import { useI18n } from '../../i18n/i18n-context.tsx';
import { useApp } from '../../state/app-context.tsx';
import { LocalFolderField } from './local-folder-field.tsx';
import { RemoteFolderPanel } from './remote-folder-panel.tsx';

export function FoldersView() {
  const { t } = useI18n();
  const kind = useApp((state) => state.settings?.activeDestination ?? 'storage-api');
  return (
    <section className="view view-folders" aria-labelledby="folders-title">
      <header className="view-head">
        <h1 id="folders-title">{t('folders.title')}</h1>
      </header>
      <section className="card" aria-labelledby="local-folder-title">
        <h2 id="local-folder-title">{t('folders.localTitle')}</h2>
        <LocalFolderField />
      </section>
      <section className="card" aria-labelledby="remote-folder-title">
        <h2 id="remote-folder-title">
          {t('folders.remoteTitle', { destination: t(`destination.${kind}`) })}
        </h2>
        <RemoteFolderPanel />
      </section>
    </section>
  );
}
