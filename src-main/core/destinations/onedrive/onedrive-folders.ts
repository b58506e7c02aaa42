import type { RemoteFolder } from '../../../../src-shared/bridge-contract.ts';
import { TransferFault } from '../../faults.ts';
import type { FolderOps } from '../remote-folder-path.ts';
import { type GraphClient, itemPath } from './graph-client.ts';
import { childrenAnswer, type DriveItemAnswer, driveItemAnswer } from './graph-schemas.ts';
import { oneDriveName } from './onedrive-names.ts';

const FOLDER_FIELDS = 'id,name,folder,parentReference,root';
const PAGE_SIZE = '200';

/**
 * Folders of a OneDrive drive: the picker's listing (child folders only, every page), creating
 * one, describing one by id, and the find-or-create steps the subfolder template needs.
 */
export class OneDriveFolders implements FolderOps {
  readonly #graph: GraphClient;
  readonly #driveId: () => string | null;

  constructor(graph: GraphClient, driveId: () => string | null) {
    this.#graph = graph;
    this.#driveId = driveId;
  }

  async list(parentId: string | null, signal: AbortSignal): Promise<RemoteFolder[]> {
    const folders: RemoteFolder[] = [];
    let url: string | null = this.#graph.url(`${itemPath(this.#driveId(), parentId ?? 'root')}/children`, {
      $select: FOLDER_FIELDS,
      $top: PAGE_SIZE,
    });
    for (let page = 0; url !== null; page += 1) {
      if (page > 10_000) throw new TransferFault('rejected', 'OneDrive kept answering with more pages');
      const response = await this.#graph.send({ method: 'GET', url, what: 'GET children' }, signal);
      if (!response.ok) throw await this.#graph.fault(response, 'GET children');
      const answer = await this.#graph.json(response, childrenAnswer, 'GET children');
      for (const item of answer.value) if (item.folder) folders.push(this.#folderOf(item));
      url = answer['@odata.nextLink'] ?? null;
    }
    return folders;
  }

  async describe(folderId: string, signal: AbortSignal): Promise<RemoteFolder> {
    const url = this.#graph.url(itemPath(this.#driveId(), folderId), { $select: FOLDER_FIELDS });
    const response = await this.#graph.send({ method: 'GET', url, what: 'GET folder' }, signal);
    if (response.status === 404) {
      await response.body?.cancel();
      throw new TransferFault('rejected', `OneDrive has no folder with id ${folderId}`);
    }
    if (!response.ok) throw await this.#graph.fault(response, 'GET folder');
    const item = await this.#graph.json(response, driveItemAnswer, 'GET folder');
    if (!item.folder && !item.root)
      throw new TransferFault('rejected', `OneDrive item ${folderId} is a file, not a folder`);
    return this.#folderOf(item);
  }

  /** Creates a folder; one that already exists by that name is simply returned. */
  async create(parentId: string | null, name: string, signal: AbortSignal): Promise<RemoteFolder> {
    const id = await this.createChild(parentId ?? 'root', oneDriveName(name), signal);
    return this.describe(id, signal);
  }

  async findChild(parentId: string, name: string, signal: AbortSignal): Promise<string | null> {
    const url = this.#graph.url(itemPath(this.#driveId(), parentId, name), { $select: 'id,folder' });
    const response = await this.#graph.send({ method: 'GET', url, what: 'GET folder by name' }, signal);
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) throw await this.#graph.fault(response, 'GET folder by name');
    const item = await this.#graph.json(response, driveItemAnswer, 'GET folder by name');
    if (!item.folder) {
      throw new TransferFault('rejected', `OneDrive holds a file named "${name}" where a folder is wanted`);
    }
    return item.id;
  }

  async createChild(parentId: string, name: string, signal: AbortSignal): Promise<string> {
    const what = 'POST children (new folder)';
    const response = await this.#graph.send(
      {
        method: 'POST',
        url: this.#graph.url(`${itemPath(this.#driveId(), parentId)}/children`),
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, folder: {}, '@microsoft.graph.conflictBehavior': 'fail' }),
        what,
      },
      signal,
    );
    if (response.status === 409) {
      // Made meanwhile (another recording, another uploader): use it.
      await response.body?.cancel();
      const existing = await this.findChild(parentId, name, signal);
      if (existing !== null) return existing;
    }
    if (response.status !== 201 && response.status !== 200) throw await this.#graph.fault(response, what);
    return (await this.#graph.json(response, driveItemAnswer, what)).id;
  }

  #folderOf(item: DriveItemAnswer): RemoteFolder {
    const driveId = item.parentReference?.driveId ?? this.#driveId();
    if (item.root) return { id: item.id, driveId, name: 'OneDrive', path: '/' };
    const parentPath = displayPath(item.parentReference?.path ?? null);
    const name = item.name ?? item.id;
    return { id: item.id, driveId, name, path: `${parentPath === '/' ? '' : parentPath}/${name}` };
  }
}

/** "/drive/root:/A/B" (Graph's parentReference.path) → "/A/B". */
export function displayPath(graphPath: string | null): string {
  if (graphPath === null) return '/';
  const colon = graphPath.indexOf(':');
  const rest = colon === -1 ? '' : graphPath.slice(colon + 1);
  const decoded = rest
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
  return decoded === '' ? '/' : decoded;
}
