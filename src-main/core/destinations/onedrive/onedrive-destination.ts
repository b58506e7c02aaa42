import { basename } from 'node:path';
import type { Settings } from '../../../../src-shared/settings.ts';
import { TransferFault } from '../../faults.ts';
import type { Logger } from '../../logging/logger.ts';
import type { AccountStore } from '../../store/account-store.ts';
import { hashesEqual } from '../../transfer/hashers.ts';
import {
  type BesideFile,
  type Chunk,
  type Destination,
  type FinishStep,
  FLEET_FOLDER_NAME,
  type HeldFile,
  type RemoteFile,
  type RemoteOffset,
  type RemoteSession,
  sidecarToSend,
  type UploadItem,
} from '../destination.ts';
import { ensureFolderPath } from '../remote-folder-path.ts';
import { expandTemplate, recordingStart } from '../remote-subfolder-template.ts';
import { type GraphClient, itemPath } from './graph-client.ts';
import {
  childrenAnswer,
  type DriveItemAnswer,
  driveItemAnswer,
  uploadProgressAnswer,
  uploadSessionAnswer,
} from './graph-schemas.ts';
import type { OneDriveFolders } from './onedrive-folders.ts';
import { isNameOrRename, oneDriveName, oneDriveNameIn } from './onedrive-names.ts';
import { quickXorHashOf } from './quick-xor-hash.ts';

/** Graph: simple upload up to 4 MiB; session fragments in multiples of 320 KiB, under 60 MiB. */
export const SIMPLE_UPLOAD_MAX = 4 * 1024 * 1024;
export const FRAGMENT_MULTIPLE = 320 * 1024;
export const FRAGMENT_MAX = 60 * 1024 * 1024 - 1;
/** Where recordings go when the operator has not chosen a folder. */
export const DEFAULT_FOLDER_NAME = 'Recordings';
const ITEM_FIELDS = 'id,name,size,file,webUrl,parentReference';

export interface OneDriveDestinationOptions {
  graph: GraphClient;
  folders: OneDriveFolders;
  settings(): Settings;
  accounts: AccountStore;
  logger: Logger;
}

interface Target {
  driveId: string | null;
  parentId: string;
  /** Display path of the parent, for the path-length rule and messages. */
  folderPath: string;
  /** What to forget if the parent turns out to be gone: the remembered template folders. */
  rootId: string;
  segments: string[];
}

/**
 * OneDrive through Microsoft Graph. Files up to 4 MiB go in one `PUT …/content`; larger ones
 * through an upload session whose `uploadUrl` the chunk loop persists before the first fragment,
 * sent without a token, resumed from `nextExpectedRanges`. Graph commits the file on its last
 * byte, and reports quickXorHash, which is compared with the one computed while reading.
 */
export class OneDriveDestination implements Destination {
  readonly kind = 'onedrive' as const;
  readonly hashes = ['quickXorHash'] as const;
  readonly #options: OneDriveDestinationOptions;
  readonly #graph: GraphClient;

  constructor(options: OneDriveDestinationOptions) {
    this.#options = options;
    this.#graph = options.graph;
  }

  /**
   * The files in the target folder that may be this recording after a lost answer: its name or one
   * of Graph's conflict renames ("name 1.ext", "name 2.ext" …) with its size. OneDrive keeps no
   * metadata of ours on every account type, so the chunk loop counts one only by quickXorHash.
   */
  async findExisting(item: UploadItem, signal: AbortSignal): Promise<RemoteFile[]> {
    const target = await this.#target(item, signal);
    return this.#candidates(target, this.#name(item.fileName, target), item.sizeBytes, signal);
  }

  async startSession(item: UploadItem, signal: AbortSignal): Promise<RemoteSession> {
    const target = await this.#target(item, signal);
    const name = this.#name(item.fileName, target);
    const where = { driveId: target.driveId, parentId: target.parentId, name };
    if (item.sizeBytes <= SIMPLE_UPLOAD_MAX) {
      // One request holds the whole file: a "chunk" as long as the file.
      return {
        mode: 'chunked',
        chunkMultiple: Math.max(1, item.sizeBytes),
        maxChunkBytes: SIMPLE_UPLOAD_MAX,
        expiresAt: null,
        state: { kind: 'simple', ...where },
      };
    }
    const what = 'POST createUploadSession';
    const response = await this.#graph.send(
      {
        method: 'POST',
        url: this.#graph.url(`${itemPath(target.driveId, target.parentId, name)}/createUploadSession`),
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ item: { '@microsoft.graph.conflictBehavior': this.#conflict(), name } }),
        what,
      },
      signal,
    );
    if (response.status === 404) throw await this.#parentGone(response, target);
    if (!response.ok) throw await this.#graph.fault(response, what);
    const answer = await this.#graph.json(response, uploadSessionAnswer, what);
    return {
      mode: 'chunked',
      chunkMultiple: FRAGMENT_MULTIPLE,
      maxChunkBytes: FRAGMENT_MAX,
      // Graph extends a session with every fragment: its end is learnt by asking (404 = gone).
      expiresAt: null,
      state: { kind: 'session', ...where, uploadUrl: answer.uploadUrl },
    };
  }

  /**
   * What this session stored is found by the id its answer carried, never by name. A simple
   * upload whose answer was lost, or a session Graph closed on its last fragment, has nothing left
   * to ask: it is "gone", and the chunk loop looks for the recording's content before sending again.
   */
  async probe(session: RemoteSession, _item: UploadItem, signal: AbortSignal): Promise<RemoteOffset> {
    if (typeof session.storedId === 'string' && session.storedId !== '') {
      const stored = await this.#byId(where(session).driveId, session.storedId, signal);
      if (stored === null) {
        throw new TransferFault(
          'session-gone',
          `the file OneDrive stored (${session.storedId}) is no longer there`,
        );
      }
      return { complete: true, file: stored };
    }
    if (session.state.kind === 'simple') {
      throw new TransferFault('session-gone', 'a simple OneDrive upload keeps no session to ask');
    }
    return this.#askProgress(session, signal);
  }

  async putChunk(session: RemoteSession, chunk: Chunk, signal: AbortSignal): Promise<RemoteOffset> {
    if (session.state.kind === 'simple') return this.#putSimple(session, chunk, signal);
    const end = chunk.start + chunk.bytes.byteLength - 1;
    const what = 'PUT upload fragment';
    const response = await this.#graph.sendBare(
      {
        method: 'PUT',
        url: stateText(session, 'uploadUrl'),
        headers: {
          'content-range': `bytes ${chunk.start}-${end}/${chunk.total}`,
          'content-type': 'application/octet-stream',
        },
        body: chunk.bytes,
        what,
      },
      signal,
    );
    if (response.status === 202) return this.#progressOf(response, what);
    if (response.status === 200 || response.status === 201) {
      const stored = await this.#graph.json(response, driveItemAnswer, what);
      this.#logRenamed(session, stored);
      return { complete: true, file: remoteFileOf(stored) };
    }
    if (response.status === 416) {
      // Graph already holds (some of) this range: ask where it stands and go on from there.
      await response.body?.cancel();
      return this.#askProgress(session, signal);
    }
    if (response.status === 409) throw await this.#conflictFault(response, session);
    throw await this.#graph.fault(response, what, true);
  }

  /**
   * Graph commits on the last byte. Without that answer (every byte held, the commit not
   * reported), the stored file is the one in the folder, under its name or a conflict rename, with
   * the local file's size and quickXorHash: never a file that merely has the name and size.
   */
  async finish({ session, item, local, committed, signal }: FinishStep): Promise<RemoteFile> {
    if (committed !== null) {
      return committed.hashes.quickXorHash === undefined ? this.#withHash(committed, signal) : committed;
    }
    const candidates = await this.#candidates(
      where(session),
      stateText(session, 'name'),
      item.sizeBytes,
      signal,
    );
    const stored = candidates.find(
      (file) =>
        local.quickXorHash !== undefined &&
        file.hashes.quickXorHash !== undefined &&
        hashesEqual('quickXorHash', file.hashes.quickXorHash, local.quickXorHash),
    );
    if (stored === undefined) {
      throw new TransferFault('retriable', `OneDrive received ${item.fileName} but does not list it yet`);
    }
    return stored;
  }

  async discard(file: RemoteFile, signal: AbortSignal): Promise<void> {
    const driveId = file.driveId ?? this.#options.settings().oneDriveFolder?.driveId ?? null;
    const what = 'DELETE item';
    const url = this.#graph.url(itemPath(driveId, file.id));
    const response = await this.#graph.send({ method: 'DELETE', url, what }, signal);
    // Gone already is as good as deleted.
    if (!response.ok && response.status !== 404) throw await this.#graph.fault(response, what);
    await response.body?.cancel();
  }

  /** The metadata sidecar goes beside the video, under OneDrive's name rules; once only. */
  async placeSidecar(item: UploadItem, _video: RemoteFile, signal: AbortSignal): Promise<void> {
    const sidecar = sidecarToSend(item);
    if (sidecar === null) return;
    await this.#placeSmall(
      item,
      basename(sidecar.path),
      sidecar.bytes,
      `the metadata sidecar ${sidecar.path}`,
      signal,
    );
  }

  /**
   * The recordings under the folder uploads go to (the chosen one, else /Recordings), walking its
   * subfolders; the uploader's own JSON files (sidecars, receipts) and its _recording-uploader
   * folder are not recordings.
   */
  async listHeld(signal: AbortSignal): Promise<HeldFile[]> {
    const chosen = this.#options.settings().oneDriveFolder;
    const driveId = chosen?.driveId ?? null;
    let rootId = chosen?.id ?? null;
    if (rootId === null) {
      const found = await this.#child({ driveId, parentId: 'root' }, DEFAULT_FOLDER_NAME, signal);
      if (found === null) return [];
      rootId = found.id;
    }
    const held: HeldFile[] = [];
    const folders = [rootId];
    for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
      for await (const child of this.#children({ driveId, parentId: folder }, signal)) {
        if (child.folder) {
          if (child.name !== FLEET_FOLDER_NAME) folders.push(child.id);
        } else if (child.file && !(child.name ?? '').toLowerCase().endsWith('.json')) {
          const hash = child.file.hashes?.quickXorHash;
          held.push({
            id: child.id,
            name: child.name ?? '',
            sizeBytes: child.size ?? 0,
            hashes: typeof hash === 'string' && hash !== '' ? { quickXorHash: hash } : {},
          });
        }
      }
    }
    return held;
  }

  /** The heartbeat replaces the last one: one file per machine, always the newest. */
  async writeHeartbeat(name: string, bytes: Uint8Array, signal: AbortSignal): Promise<boolean> {
    const chosen = this.#options.settings().oneDriveFolder;
    const driveId = chosen?.driveId ?? null;
    const rootId = chosen?.id ?? 'root';
    const segments = chosen === null ? [DEFAULT_FOLDER_NAME, FLEET_FOLDER_NAME] : [FLEET_FOLDER_NAME];
    const { folders, accounts } = this.#options;
    const parentId = await ensureFolderPath('onedrive', rootId, segments, folders, accounts, signal);
    const what = 'PUT heartbeat';
    const response = await this.#graph.send(
      {
        method: 'PUT',
        url: this.#graph.url(`${itemPath(driveId, parentId, oneDriveName(name))}/content`, {
          '@microsoft.graph.conflictBehavior': 'replace',
        }),
        headers: { 'content-type': 'application/json' },
        body: bytes,
        what,
      },
      signal,
    );
    if (response.status !== 200 && response.status !== 201) throw await this.#graph.fault(response, what);
    await response.body?.cancel();
    return true;
  }

  async *#children(
    target: { driveId: string | null; parentId: string },
    signal: AbortSignal,
  ): AsyncGenerator<DriveItemAnswer> {
    const what = 'GET children';
    let url: string | null = this.#graph.url(`${itemPath(target.driveId, target.parentId)}/children`, {
      $select: `${ITEM_FIELDS},folder`,
      $top: '200',
    });
    while (url !== null) {
      const response = await this.#graph.send({ method: 'GET', url, what }, signal);
      if (!response.ok) throw await this.#graph.fault(response, what);
      const page = await this.#graph.json(response, childrenAnswer, what);
      yield* page.value;
      url = page['@odata.nextLink'] ?? null;
    }
  }

  /** The receipt goes beside the video like the sidecar, under the same name rules. */
  async placeBeside(
    item: UploadItem,
    _video: RemoteFile,
    file: BesideFile,
    signal: AbortSignal,
  ): Promise<boolean> {
    await this.#placeSmall(item, file.name, file.bytes, `the ${file.role} of ${item.fileName}`, signal);
    return true;
  }

  /** A small file beside the video, once: the same bytes under that name already there are left alone. */
  async #placeSmall(
    item: UploadItem,
    fileName: string,
    bytes: Uint8Array,
    what: string,
    signal: AbortSignal,
  ): Promise<void> {
    const target = await this.#target(item, signal);
    const name = this.#name(fileName, target);
    const existing = await this.#child(target, name, signal);
    if (existing?.size === bytes.byteLength && existing.file?.hashes?.quickXorHash === quickXorHashOf(bytes))
      return;
    if (bytes.byteLength > FRAGMENT_MAX) {
      throw new TransferFault('rejected', `${what} is too large for OneDrive (${bytes.byteLength} bytes)`);
    }
    const session: RemoteSession =
      bytes.byteLength <= SIMPLE_UPLOAD_MAX
        ? {
            mode: 'chunked',
            chunkMultiple: 1,
            maxChunkBytes: null,
            expiresAt: null,
            state: { kind: 'simple', driveId: target.driveId, parentId: target.parentId, name },
          }
        : await this.startSession({ ...item, fileName, sizeBytes: bytes.byteLength, sidecar: null }, signal);
    const answer = await this.putChunk(session, { start: 0, bytes, total: bytes.byteLength }, signal);
    if (!answer.complete) throw new TransferFault('retriable', `OneDrive did not store the whole of ${what}`);
  }

  async #putSimple(session: RemoteSession, chunk: Chunk, signal: AbortSignal): Promise<RemoteOffset> {
    if (chunk.start !== 0 || chunk.bytes.byteLength !== chunk.total) {
      throw new TransferFault(
        'rejected',
        'a simple OneDrive upload must carry the whole file in one request',
      );
    }
    const what = 'PUT content';
    const target = where(session);
    const response = await this.#graph.send(
      {
        method: 'PUT',
        url: this.#graph.url(
          `${itemPath(target.driveId, target.parentId, stateText(session, 'name'))}/content`,
          {
            '@microsoft.graph.conflictBehavior': this.#conflict(),
          },
        ),
        headers: { 'content-type': 'application/octet-stream' },
        body: chunk.bytes,
        what,
      },
      signal,
    );
    if (response.status === 409) throw await this.#conflictFault(response, session);
    if (response.status !== 200 && response.status !== 201) throw await this.#graph.fault(response, what);
    const stored = await this.#graph.json(response, driveItemAnswer, what);
    this.#logRenamed(session, stored);
    return { complete: true, file: remoteFileOf(stored) };
  }

  async #askProgress(session: RemoteSession, signal: AbortSignal): Promise<RemoteOffset> {
    const what = 'GET upload session';
    const response = await this.#graph.sendBare(
      { method: 'GET', url: stateText(session, 'uploadUrl'), what },
      signal,
    );
    if (!response.ok) throw await this.#graph.fault(response, what, true);
    return this.#progressOf(response, what);
  }

  /** `nextExpectedRanges`: the first missing byte is where the contiguous prefix ends. */
  async #progressOf(response: Response, what: string): Promise<RemoteOffset> {
    const answer = await this.#graph.json(response, uploadProgressAnswer, what);
    const first = answer.nextExpectedRanges[0];
    if (first === undefined) return { complete: true, file: null };
    return { complete: false, confirmed: Number(first.split('-')[0]) };
  }

  async #child(
    target: { driveId: string | null; parentId: string },
    name: string,
    signal: AbortSignal,
  ): Promise<DriveItemAnswer | null> {
    const what = 'GET item by name';
    const url = this.#graph.url(itemPath(target.driveId, target.parentId, name), { $select: ITEM_FIELDS });
    const response = await this.#graph.send({ method: 'GET', url, what }, signal);
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) throw await this.#graph.fault(response, what);
    return this.#graph.json(response, driveItemAnswer, what);
  }

  /**
   * The files of a folder named `name` or a conflict rename of it, of `size` bytes, each with its
   * quickXorHash (asked for again where the listing lacks it).
   */
  async #candidates(
    target: { driveId: string | null; parentId: string },
    name: string,
    size: number,
    signal: AbortSignal,
  ): Promise<RemoteFile[]> {
    const what = 'GET children';
    const found: RemoteFile[] = [];
    let url: string | null = this.#graph.url(`${itemPath(target.driveId, target.parentId)}/children`, {
      $select: ITEM_FIELDS,
      $top: '200',
    });
    while (url !== null) {
      const response = await this.#graph.send({ method: 'GET', url, what }, signal);
      if (!response.ok) throw await this.#graph.fault(response, what);
      const page = await this.#graph.json(response, childrenAnswer, what);
      for (const child of page.value) {
        if (child.file && child.size === size && isNameOrRename(child.name ?? '', name)) {
          found.push(remoteFileOf(child));
        }
      }
      url = page['@odata.nextLink'] ?? null;
    }
    const hashed: RemoteFile[] = [];
    for (const file of found) {
      hashed.push(file.hashes.quickXorHash === undefined ? await this.#withHash(file, signal) : file);
    }
    return hashed;
  }

  /** The file by its id, or null when it is gone. */
  async #byId(driveId: string | null, id: string, signal: AbortSignal): Promise<RemoteFile | null> {
    const what = 'GET item';
    const url = this.#graph.url(itemPath(driveId, id), { $select: ITEM_FIELDS });
    const response = await this.#graph.send({ method: 'GET', url, what }, signal);
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) throw await this.#graph.fault(response, what);
    const file = remoteFileOf(await this.#graph.json(response, driveItemAnswer, what));
    return file.hashes.quickXorHash === undefined ? this.#withHash(file, signal) : file;
  }

  /** Some drives compute the hash a moment after the commit: ask once more for it. */
  async #withHash(file: RemoteFile, signal: AbortSignal): Promise<RemoteFile> {
    const driveId = file.driveId ?? this.#options.settings().oneDriveFolder?.driveId ?? null;
    const what = 'GET item';
    const url = this.#graph.url(itemPath(driveId, file.id), { $select: ITEM_FIELDS });
    const response = await this.#graph.send({ method: 'GET', url, what }, signal);
    if (!response.ok) throw await this.#graph.fault(response, what);
    const item = remoteFileOf(await this.#graph.json(response, driveItemAnswer, what));
    if (item.hashes.quickXorHash === undefined) {
      throw new TransferFault(
        'retriable',
        'OneDrive has not reported the quickXorHash of the stored file yet',
      );
    }
    return item;
  }

  /** The folder a recording goes to: the chosen one (else /Recordings) plus the subfolder template. */
  async #target(item: UploadItem, signal: AbortSignal): Promise<Target> {
    const settings = this.#options.settings();
    const chosen = settings.oneDriveFolder;
    const driveId = chosen?.driveId ?? null;
    const rootId = chosen?.id ?? 'root';
    const sidecar = item.sidecar?.json ?? null;
    const templated = expandTemplate(
      settings.remoteSubfolderTemplate,
      { startedAt: recordingStart(sidecar, item.mtimeMs), sidecar },
      // An empty segment is dropped by the template, so it must stay empty here.
      (segment) => (segment === '' ? '' : oneDriveName(segment)),
    );
    const segments = chosen === null ? [DEFAULT_FOLDER_NAME, ...templated] : templated;
    const basePath = chosen === null || chosen.path === '/' ? '' : chosen.path;
    const folderPath = `${basePath}/${segments.join('/')}`.replace(/\/+$/, '') || '/';
    const parentId =
      segments.length === 0
        ? rootId
        : await ensureFolderPath(
            'onedrive',
            rootId,
            segments,
            this.#options.folders,
            this.#options.accounts,
            signal,
          );
    return { driveId, parentId, folderPath, rootId, segments };
  }

  #name(original: string, target: Target): string {
    const name = oneDriveNameIn(target.folderPath, original);
    if (name !== original)
      this.#options.logger.info('name changed to suit OneDrive', { from: original, to: name });
    return name;
  }

  #logRenamed(session: RemoteSession, stored: DriveItemAnswer): void {
    const wanted = session.state.name;
    if (stored.name !== undefined && stored.name !== wanted) {
      this.#options.logger.info(
        'OneDrive stored the recording under another name (conflict behaviour rename)',
        {
          wanted: String(wanted),
          stored: stored.name,
        },
      );
    }
  }

  /** A remembered template folder was deleted remotely: forget it, so the next try makes it again. */
  async #parentGone(response: Response, target: Target): Promise<TransferFault> {
    const fault = await this.#graph.fault(response, 'POST createUploadSession');
    if (target.segments.length === 0) return fault;
    for (let depth = 1; depth <= target.segments.length; depth += 1) {
      this.#options.accounts.forgetRemoteFolder(
        'onedrive',
        target.rootId,
        target.segments.slice(0, depth).join('/'),
      );
    }
    return new TransferFault('retriable', `${fault.message}; the folder ${target.folderPath} is made again`);
  }

  async #conflictFault(response: Response, session: RemoteSession): Promise<TransferFault> {
    const fault = await this.#graph.fault(response, 'upload');
    return new TransferFault(
      'rejected',
      `OneDrive already holds a file named "${String(session.state.name)}" there and the conflict behaviour is "${this.#conflict()}" (${fault.message})`,
      { status: 409 },
    );
  }

  #conflict(): Settings['oneDriveConflictBehavior'] {
    return this.#options.settings().oneDriveConflictBehavior;
  }
}

function remoteFileOf(item: DriveItemAnswer): RemoteFile {
  const hash = item.file?.hashes?.quickXorHash;
  const file: RemoteFile = {
    id: item.id,
    url: item.webUrl ?? null,
    hashes: typeof hash === 'string' && hash !== '' ? { quickXorHash: hash } : {},
  };
  const driveId = item.parentReference?.driveId;
  if (typeof driveId === 'string' && driveId !== '') file.driveId = driveId;
  return file;
}

function where(session: RemoteSession): { driveId: string | null; parentId: string } {
  const driveId = session.state.driveId;
  return { driveId: typeof driveId === 'string' ? driveId : null, parentId: stateText(session, 'parentId') };
}

function stateText(session: RemoteSession, key: string): string {
  const value = session.state[key];
  if (typeof value !== 'string' || value === '') {
    throw new TransferFault('rejected', `the saved OneDrive upload session has no ${key}; it starts over`);
  }
  return value;
}
