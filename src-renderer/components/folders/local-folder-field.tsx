import { type FormEvent, useEffect, useId, useState } from 'react';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useActions, useApp, useBridge } from '../../state/app-context.tsx';
import { ErrorText, Notice } from '../common/messages.tsx';
import { useAsyncAction } from '../common/use-async-action.ts';
import { usePending } from '../common/use-pending.ts';

/**
 * The recordings folder: the native dialog where the host says it has one, and always a path
 * field, which is all the browser UI can offer (a web page cannot learn a local folder's path).
 */
export function LocalFolderField(props: { onPendingChange?: (pending: boolean) => void }) {
  const { t } = useI18n();
  const bridge = useBridge();
  const { settingsSaved } = useActions();
  const saved = useApp((state) => state.settings?.recordingsFolder ?? '');
  const dialog = useApp((state) => state.host.folderDialog);
  const platform = useApp((state) => state.platform);
  const locked = useApp((state) => state.policy.locked.includes('recordingsFolder'));
  const [path, setPath] = useState(saved);
  const [justSaved, setJustSaved] = useState(false);
  const id = useId();
  useEffect(() => setPath(saved), [saved]);

  const save = useAsyncAction(async (folder: string) => {
    setJustSaved(false);
    settingsSaved(await bridge.invoke('updateSettings', { recordingsFolder: folder }));
    setJustSaved(true);
  });
  const browse = useAsyncAction(async () => {
    const chosen = await bridge.invoke('chooseLocalFolder', saved === '' ? {} : { defaultPath: saved });
    if (chosen.path !== null) {
      setPath(chosen.path);
      await save.run(chosen.path);
    }
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const folder = path.trim();
    if (folder !== '') void save.run(folder);
  };
  const unchanged = path.trim() === saved;
  usePending(!unchanged && !locked, props.onPendingChange);
  if (locked) return <ManagedFolder id={id} folder={saved} />;
  return (
    <form className="form" onSubmit={onSubmit}>
      <div className="field">
        <label htmlFor={id}>{t('folders.local')}</label>
        <div className="input-row">
          <input
            id={id}
            data-focus="recordings-folder"
            type="text"
            spellCheck={false}
            placeholder={t(`folders.localPlaceholder.${platform}`)}
            value={path}
            aria-describedby={`${id}-help`}
            onChange={(event) => {
              setPath(event.target.value);
              setJustSaved(false);
            }}
          />
          {dialog && (
            <button type="button" className="btn" disabled={browse.busy} onClick={() => browse.run()}>
              {t('folders.browse')}
            </button>
          )}
          {/* The obvious button while no folder is set or a new one is typed; otherwise a quiet one. */}
          <button
            type="submit"
            className={saved === '' || !unchanged ? 'btn btn-primary' : 'btn'}
            disabled={unchanged || path.trim() === '' || save.busy}
          >
            {t('folders.save')}
          </button>
        </div>
        <p className="help" id={`${id}-help`}>
          {dialog ? t('folders.localHelp') : t('folders.typePath')}
        </p>
      </div>
      {justSaved && unchanged && (
        <Notice tone="success">
          <span role="status">{t('folders.watching', { folder: saved })}</span>
        </Notice>
      )}
      <ErrorText>{save.error ?? browse.error}</ErrorText>
    </form>
  );
}

/** The folder the administrator's policy sets: shown, not changeable, and said so. */
function ManagedFolder(props: { id: string; folder: string }) {
  const { t } = useI18n();
  return (
    <div className="form">
      <div className="field">
        <label htmlFor={props.id}>{t('folders.local')}</label>
        <input
          id={props.id}
          type="text"
          spellCheck={false}
          value={props.folder}
          readOnly
          aria-describedby={`${props.id}-managed`}
        />
        <p className="help managed" id={`${props.id}-managed`}>
          {t('policy.managed')}
        </p>
      </div>
    </div>
  );
}
