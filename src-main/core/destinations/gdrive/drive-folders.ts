import type { RemoteFolder } from '../../../../src-shared/bridge-contract.ts';
import type { RemoteFolderRef } from '../../../../src-shared/settings.ts';
import { FLEET_FOLDER_NAME, type UploadItem } from '../destination.ts';
import type { ProviderContext } from '../provider-context.ts';
import { ensureFolderPath } from '../remote-folder-path.ts';
import { expandTemplate, recordingStart } from '../remote-subfolder-template.ts';
import { type DriveApi, quoteQuery } from './drive-api.ts';
import { type DriveFileAnswer, FOLDER_FIELDS, FOLDER_MIME } from './drive-schemas.ts';

/** The folder the app makes for itself when the operator has chosen none (all drive.file allows). */
export const APP_FOLDER_NAME = 'Recording Uploader';
const SHARED_DRIVES = '/Shared drives';
const MAX_DEPTH = 64;

/**
 * Folders in Drive: the picker's listing (My Drive, and shared drives where the scope allows),
 * display paths built by walking up `parents`, and where a recording goes: the chosen folder (or
 * the app's own) plus the expanded `remoteSubfolderTemplate`.
 */
export class DriveFolders {
  readonly #api: DriveApi;
  readonly #context: ProviderContext;
  readonly #paths = new Map<string, string>();
  /** Folder making is one at a time, so two uploads never make the same folder twice. */
  #making: Promise<unknown> = Promise.resolve();

  constructor(api: DriveApi, context: ProviderContext) {
    this.#api = api;
    this.#context = context;
  }

  async list(parentId: string | null, signal: AbortSignal): Promise<RemoteFolder[]> {
    const parent = parentId ?? 'root';
    const parentPath = await this.pathOf(parent, signal);
    const q = `${quoteQuery(parent)} in parents and mimeType=${quoteQuery(FOLDER_MIME)} and trashed=false`;
    const children = await this.#api.listAll(q, 'id,name,driveId', signal);
    const folders = children.map((child) => this.#remember(child, parentPath));
    if (parentId === null && this.#context.settings().googleDriveScope === 'drive') {
      for (const drive of await this.#api.sharedDrives(signal)) {
        const path = `${SHARED_DRIVES}/${drive.name}`;
        this.#paths.set(drive.id, path);
        folders.push({ id: drive.id, driveId: drive.id, name: drive.name, path });
      }
    }
    return folders;
  }

  async create(parentId: string | null, name: string, signal: AbortSignal): Promise<RemoteFolder> {
    const parent = parentId ?? 'root';
    const parentPath = await this.pathOf(parent, signal);
    const cleaned = cleanName(name);
    if (cleaned === '') throw new Error(`"${name}" is not a usable Drive folder name`);
    const made = await this.#api.createFolder(parent, cleaned, signal);
    return this.#remember(made, parentPath);
  }

  async describe(folderId: string, signal: AbortSignal): Promise<RemoteFolder> {
    const file = await this.#api.getFile(folderId, FOLDER_FIELDS, signal);
    if (file === null) {
      const drive = await this.#api.sharedDrive(folderId, signal);
      if (drive !== null)
        return { id: drive.id, driveId: drive.id, name: drive.name, path: `${SHARED_DRIVES}/${drive.name}` };
      throw new Error(`Google Drive has no folder ${folderId} that this sign-in may use${this.#scopeHint()}`);
    }
    if (file.mimeType !== undefined && file.mimeType !== FOLDER_MIME) {
      throw new Error(`Google Drive item ${folderId} ("${file.name}") is a file, not a folder`);
    }
    if (file.trashed === true) throw new Error(`Google Drive folder "${file.name}" is in the trash`);
    const path = await this.pathOf(file.id, signal, file);
    return { id: file.id, driveId: file.driveId ?? null, name: file.name, path: path === '' ? '/' : path };
  }

  /** "/A/B" for a folder; "" for the root of My Drive; "/Shared drives/X/…" in a shared drive. */
  async pathOf(id: string, signal: AbortSignal, known?: DriveFileAnswer): Promise<string> {
    const cached = this.#paths.get(id);
    if (cached !== undefined) return cached;
    const chain: DriveFileAnswer[] = [];
    let current = known ?? (await this.#api.getFile(id, FOLDER_FIELDS, signal));
    let prefix = '';
    while (current !== null && chain.length < MAX_DEPTH) {
      const above = this.#paths.get(current.id);
      if (above !== undefined) {
        prefix = above;
        break;
      }
      const parent = current.parents?.[0];
      if (parent === undefined) {
        // A root: My Drive's (no name in paths), or a shared drive's, whose id is the drive's.
        if (current.driveId !== undefined && current.driveId === current.id) {
          const drive = await this.#api.sharedDrive(current.id, signal);
          prefix = `${SHARED_DRIVES}/${drive?.name ?? current.name}`;
          this.#paths.set(current.id, prefix);
        } else {
          this.#paths.set(current.id, '');
          if (id === 'root') this.#paths.set('root', '');
        }
        break;
      }
      chain.push(current);
      current = await this.#api.getFile(parent, FOLDER_FIELDS, signal);
      // A parent this sign-in may not see (drive.file): the path starts where sight ends.
      if (current === null) prefix = '/…';
    }
    for (const folder of chain.reverse()) {
      prefix = `${prefix}/${folder.name}`;
      this.#paths.set(folder.id, prefix);
    }
    if (id === 'root') this.#paths.set('root', prefix);
    return prefix;
  }

  /**
   * The folder the operator chose; else the app's own folder in My Drive, found or made once and
   * then kept in the settings, so its id survives renames.
   */
  async root(signal: AbortSignal): Promise<RemoteFolderRef> {
    const chosen = this.#context.settings().googleDriveFolder;
    if (chosen !== null) return chosen;
    return this.#serially(async () => {
      const again = this.#context.settings().googleDriveFolder;
      if (again !== null) return again;
      const id =
        (await this.#findChild('root', APP_FOLDER_NAME, signal)) ??
        (await this.#api.createFolder('root', APP_FOLDER_NAME, signal)).id;
      const folder: RemoteFolderRef = { id, driveId: null, path: `/${APP_FOLDER_NAME}` };
      await this.#context.saveSettings({ googleDriveFolder: folder });
      this.#context.host.logger.info('Google Drive: recordings go to the app folder', { path: folder.path });
      return folder;
    });
  }

  /** The _recording-uploader folder in the root, made where missing: the fleet's heartbeats. */
  fleetFolder(rootId: string, signal: AbortSignal): Promise<string> {
    return this.#serially(() =>
      ensureFolderPath(
        'gdrive',
        rootId,
        [FLEET_FOLDER_NAME],
        {
          findChild: (parentId, name, s) => this.#findChild(parentId, name, s),
          createChild: async (parentId, name, s) => (await this.#api.createFolder(parentId, name, s)).id,
        },
        this.#context.accounts,
        signal,
      ),
    );
  }

  /** Where this recording goes: the root plus the expanded template, made where missing. */
  async target(item: UploadItem, signal: AbortSignal): Promise<string> {
    const root = await this.root(signal);
    const segments = this.segments(item);
    if (segments.length === 0) return root.id;
    return this.#serially(() =>
      ensureFolderPath(
        'gdrive',
        root.id,
        segments,
        {
          findChild: (parentId, name, s) => this.#findChild(parentId, name, s),
          createChild: async (parentId, name, s) => (await this.#api.createFolder(parentId, name, s)).id,
        },
        this.#context.accounts,
        signal,
      ),
    );
  }

  segments(item: UploadItem): string[] {
    const template = this.#context.settings().remoteSubfolderTemplate;
    if (template.trim() === '') return [];
    const sidecar = item.sidecar?.json ?? null;
    return expandTemplate(template, { startedAt: recordingStart(sidecar, item.mtimeMs), sidecar }, cleanName);
  }

  /** Remembered template folders below the root are forgotten (one of them was deleted remotely). */
  forgetTemplateFolders(item: UploadItem, rootId: string): void {
    const segments = this.segments(item);
    for (let depth = 1; depth <= segments.length; depth += 1) {
      this.#context.accounts.forgetRemoteFolder('gdrive', rootId, segments.slice(0, depth).join('/'));
    }
  }

  /** The chosen folder is gone or out of reach: the app's own folder is used from now on. */
  async resetRoot(reason: string): Promise<void> {
    this.#context.host.logger.warn(
      'Google Drive: the chosen folder cannot be used; the app folder is used instead',
      {
        reason,
      },
    );
    await this.#context.saveSettings({ googleDriveFolder: null });
  }

  forgetPaths(): void {
    this.#paths.clear();
  }

  async #findChild(parentId: string, name: string, signal: AbortSignal): Promise<string | null> {
    const q = `${quoteQuery(parentId)} in parents and name=${quoteQuery(name)} and mimeType=${quoteQuery(FOLDER_MIME)} and trashed=false`;
    const found = await this.#api.listAll(q, 'id,name', signal);
    return found[0]?.id ?? null;
  }

  #remember(folder: DriveFileAnswer, parentPath: string): RemoteFolder {
    const path = `${parentPath}/${folder.name}`;
    this.#paths.set(folder.id, path);
    return { id: folder.id, driveId: folder.driveId ?? null, name: folder.name, path };
  }

  #scopeHint(): string {
    return this.#context.settings().googleDriveScope === 'drive.file'
      ? ' (with the drive.file scope only folders this app made can be used: switch googleDriveScope to "drive" and sign in again to pick any folder)'
      : '';
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#making.then(work, work);
    this.#making = run.catch(() => {});
    return run;
  }
}

/** Drive accepts nearly any name; control characters and outer blanks are all that go. */
export function cleanName(name: string): string {
  return name
    .replace(/\p{Cc}/gu, ' ')
    .trim()
    .slice(0, 255);
}
