import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import type { RemoteFolder } from '../../../src-shared/bridge-contract.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { useActions, useApp, useBridge } from '../../state/app-context.tsx';
import { FolderIcon } from '../common/icons.tsx';
import { ErrorText, Notice, Spinner } from '../common/messages.tsx';
import { messageOf, useAsyncAction } from '../common/use-async-action.ts';
import type { CloudKind } from '../destinations/cloud-connect.tsx';

/** A place in the drive: null id is the drive's root. */
interface Crumb {
  id: string | null;
  driveId: string | null;
  name: string;
  path: string;
}

type Children =
  | { state: 'loading' }
  | { state: 'loaded'; folders: RemoteFolder[] }
  | { state: 'failed'; reason: string };

/**
 * Browses the drive one level at a time: each folder's children are asked for only when it is
 * opened, so a drive with thousands of folders costs one request a click.
 */
export function RemoteFolderBrowser(props: { kind: CloudKind }) {
  const { t } = useI18n();
  const chosen = useApp((state) =>
    props.kind === 'onedrive' ? state.settings?.oneDriveFolder : state.settings?.googleDriveFolder,
  );
  const [trail, setTrail] = useState<Crumb[]>([ROOT]);
  const here = trail[trail.length - 1] ?? ROOT;
  const nameOf = (crumb: Crumb) => (crumb.id === null ? t('remote.root') : crumb.name);
  const { children, reload } = useChildFolders(props.kind, here.id);
  const open = (folder: RemoteFolder) =>
    setTrail([...trail, { id: folder.id, driveId: folder.driveId, name: folder.name, path: folder.path }]);

  return (
    <div className="folder-browser">
      <Breadcrumb trail={trail} nameOf={nameOf} onGo={(index) => setTrail(trail.slice(0, index + 1))} />
      <ChildFolders
        listing={children}
        label={t('remote.subfolders', { name: nameOf(here) })}
        chosenId={chosen?.id ?? null}
        onOpen={open}
        onRetry={reload}
      />
      <NewFolderForm kind={props.kind} parentId={here.id} onCreated={open} />
      <ChooseFolder kind={props.kind} here={here} chosenId={chosen?.id ?? null} />
    </div>
  );
}

const ROOT: Crumb = { id: null, driveId: null, name: '', path: '/' };

/** The children of the folder shown, asked for each time another folder is shown. */
function useChildFolders(kind: CloudKind, parentId: string | null) {
  const bridge = useBridge();
  const [children, setChildren] = useState<Children>({ state: 'loading' });
  // Only the answer for the folder shown now is kept: a slow answer for one left behind is dropped.
  const shown = useRef<string | null>(null);
  const load = useCallback(
    (id: string | null) => {
      shown.current = id;
      setChildren({ state: 'loading' });
      bridge
        .invoke('listRemoteFolders', { destination: kind, parentId: id })
        .then((folders) => {
          if (shown.current === id) setChildren({ state: 'loaded', folders });
        })
        .catch((error: unknown) => {
          if (shown.current === id) setChildren({ state: 'failed', reason: messageOf(error) });
        });
    },
    [bridge, kind],
  );
  useEffect(() => load(parentId), [load, parentId]);
  return { children, reload: () => load(parentId) };
}

function Breadcrumb(props: {
  trail: Crumb[];
  nameOf: (crumb: Crumb) => string;
  onGo: (index: number) => void;
}) {
  const { t } = useI18n();
  const { trail, nameOf } = props;
  return (
    <nav aria-label={t('remote.breadcrumb')}>
      <ol className="breadcrumb">
        {trail.map((crumb, index) => (
          <li key={crumb.id ?? 'root'}>
            {index === trail.length - 1 ? (
              <span aria-current="location">{nameOf(crumb)}</span>
            ) : (
              <button type="button" className="link" onClick={() => props.onGo(index)}>
                {nameOf(crumb)}
              </button>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

function ChildFolders(props: {
  listing: Children;
  label: string;
  chosenId: string | null;
  onOpen: (folder: RemoteFolder) => void;
  onRetry: () => void;
}) {
  const { t } = useI18n();
  const children = props.listing;
  return (
    <div className="folder-children" aria-busy={children.state === 'loading'}>
      {children.state === 'loading' && (
        <p className="muted">
          <Spinner /> {t('remote.loading')}
        </p>
      )}
      {children.state === 'failed' && (
        <div>
          <ErrorText>{children.reason}</ErrorText>
          <button type="button" className="btn btn-small" onClick={props.onRetry}>
            {t('remote.tryAgain')}
          </button>
        </div>
      )}
      {children.state === 'loaded' && children.folders.length === 0 && (
        <p className="muted">{t('remote.empty')}</p>
      )}
      {children.state === 'loaded' && children.folders.length > 0 && (
        <ul className="folder-list" aria-label={props.label}>
          {children.folders.map((folder) => (
            <li key={folder.id}>
              <button type="button" className="folder-item" onClick={() => props.onOpen(folder)}>
                <FolderIcon />
                <span>{folder.name}</span>
                {props.chosenId === folder.id && (
                  <span className="badge badge-active">{t('remote.current')}</span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function NewFolderForm(props: {
  kind: CloudKind;
  parentId: string | null;
  onCreated: (folder: RemoteFolder) => void;
}) {
  const { t } = useI18n();
  const bridge = useBridge();
  const [newName, setNewName] = useState('');
  const nameId = useId();
  const create = useAsyncAction(async () => {
    const folder = await bridge.invoke('createRemoteFolder', {
      destination: props.kind,
      parentId: props.parentId,
      name: newName.trim(),
    });
    setNewName('');
    props.onCreated(folder);
  });
  const onCreate = (event: FormEvent) => {
    event.preventDefault();
    if (newName.trim() !== '') void create.run();
  };
  return (
    <form className="new-folder" onSubmit={onCreate}>
      <label htmlFor={nameId}>{t('remote.newFolder')}</label>
      <div className="input-row">
        <input
          id={nameId}
          type="text"
          value={newName}
          placeholder={t('remote.newFolderPlaceholder')}
          onChange={(event) => setNewName(event.target.value)}
        />
        <button type="submit" className="btn" disabled={newName.trim() === '' || create.busy}>
          {t('remote.create')}
        </button>
      </div>
      <ErrorText>{create.error}</ErrorText>
    </form>
  );
}

/** Makes the folder shown the one recordings go to, or says that it already is. */
function ChooseFolder(props: { kind: CloudKind; here: Crumb; chosenId: string | null }) {
  const { t } = useI18n();
  const bridge = useBridge();
  const { settingsSaved } = useActions();
  const { here } = props;
  const choose = useAsyncAction(async () => {
    if (here.id === null) return;
    settingsSaved(
      await bridge.invoke('chooseRemoteFolder', {
        destination: props.kind,
        folder: { id: here.id, driveId: here.driveId, path: here.path },
      }),
    );
  });
  return (
    <div className="folder-choose">
      {props.chosenId !== null && here.id === props.chosenId ? (
        <Notice tone="success">
          <span role="status">{t('remote.chosen', { path: here.path })}</span>
        </Notice>
      ) : (
        // The obvious button while no folder is chosen; choosing another later is a quieter one.
        <button
          type="button"
          className={props.chosenId === null ? 'btn btn-primary' : 'btn'}
          disabled={here.id === null || choose.busy}
          onClick={() => choose.run()}
        >
          {here.id === null ? t('remote.openToChoose') : t('remote.choose', { name: here.name })}
        </button>
      )}
      <ErrorText>{choose.error}</ErrorText>
    </div>
  );
}
