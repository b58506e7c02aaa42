import { randomBytes } from 'node:crypto';
import type { QueryFile } from './drive-peer-query.ts';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';

/** A file or folder as the Drive peer keeps it. Sizes are numbers here, strings on the wire. */
export interface DriveFile extends QueryFile {
  id: string;
  /** The shared drive that holds it; null in My Drive. */
  driveId: string | null;
  size: number | null;
  md5Checksum: string | null;
  /** Made by the app (through the API): the only files a drive.file token sees. */
  byApp: boolean;
  /** Where the content lies on disk; null for folders. */
  contentPath: string | null;
  createdTime: string;
}

export interface SharedDrive {
  id: string;
  name: string;
}

export const newId = (): string => randomBytes(18).toString('base64url');

/** The files, folders and shared drives of one test account. */
export class DriveFiles {
  readonly rootId = `0A${newId()}`;
  readonly #files = new Map<string, DriveFile>();
  readonly #drives = new Map<string, SharedDrive>();

  constructor() {
    this.#files.set(this.rootId, {
      id: this.rootId,
      name: 'My Drive',
      mimeType: FOLDER_MIME,
      parents: [],
      trashed: false,
      appProperties: {},
      driveId: null,
      size: null,
      md5Checksum: null,
      byApp: false,
      contentPath: null,
      createdTime: new Date().toISOString(),
    });
  }

  all(): DriveFile[] {
    return [...this.#files.values()];
  }

  get(id: string): DriveFile | undefined {
    return this.#files.get(id === 'root' ? this.rootId : id);
  }

  add(file: Omit<DriveFile, 'id' | 'createdTime' | 'driveId'> & { id?: string }): DriveFile {
    const parent = file.parents[0] === undefined ? undefined : this.get(file.parents[0]);
    const driveId =
      parent === undefined ? null : (parent.driveId ?? (this.#drives.has(parent.id) ? parent.id : null));
    const stored: DriveFile = {
      ...file,
      id: file.id ?? newId(),
      parents: parent === undefined ? file.parents : [parent.id],
      driveId,
      createdTime: new Date().toISOString(),
    };
    this.#files.set(stored.id, stored);
    return stored;
  }

  /** Deleting a folder deletes everything in it, as in Drive. */
  delete(id: string): boolean {
    const deleted = this.#files.delete(id);
    if (!deleted) return false;
    for (const file of this.all()) if (file.parents.includes(id)) this.delete(file.id);
    return true;
  }

  addSharedDrive(name: string): SharedDrive {
    const drive = { id: `0A${newId()}`, name };
    this.#drives.set(drive.id, drive);
    // A shared drive's id is also the id of its root folder.
    this.#files.set(drive.id, {
      id: drive.id,
      name,
      mimeType: FOLDER_MIME,
      parents: [],
      trashed: false,
      appProperties: {},
      driveId: drive.id,
      size: null,
      md5Checksum: null,
      byApp: false,
      contentPath: null,
      createdTime: new Date().toISOString(),
    });
    return drive;
  }

  drives(): SharedDrive[] {
    return [...this.#drives.values()];
  }

  drive(id: string): SharedDrive | undefined {
    return this.#drives.get(id);
  }

  /** Bytes of content held, as the storage quota counts them. */
  usage(): number {
    return this.all().reduce((sum, file) => sum + (file.size ?? 0), 0);
  }
}

/** A file as Drive v3 returns it: int64 values are strings, absent values are left out. */
export function fileResource(file: DriveFile): Record<string, unknown> {
  return {
    kind: 'drive#file',
    id: file.id,
    name: file.name,
    mimeType: file.mimeType,
    ...(file.parents.length > 0 ? { parents: file.parents } : {}),
    trashed: file.trashed,
    ...(file.driveId !== null ? { driveId: file.driveId } : {}),
    ...(file.size !== null ? { size: String(file.size) } : {}),
    ...(file.md5Checksum !== null ? { md5Checksum: file.md5Checksum } : {}),
    ...(Object.keys(file.appProperties).length > 0 ? { appProperties: file.appProperties } : {}),
    createdTime: file.createdTime,
  };
}

/** What Drive returns without `fields`: a file's kind, id, name and type only. */
export const DEFAULT_FILE_FIELDS = 'kind,id,name,mimeType';
