import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReferenceQuickXor } from './quick-xor-reference.ts';

/** A Graph error: `{ error: { code, message } }` with a status, as Graph answers. */
export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'GraphError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export type ConflictBehavior = 'fail' | 'replace' | 'rename';

export interface DriveItem {
  id: string;
  name: string;
  parentId: string | null;
  isFolder: boolean;
  size: number;
  quickXorHash: string | null;
  /** Where the file's bytes are, for files. */
  contentPath: string | null;
  createdAt: number;
  modifiedAt: number;
}

const FORBIDDEN = /["*:<>?/\\|]/;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9]|\.lock|desktop\.ini)$/i;

/** Why OneDrive would refuse this name, or null. */
export function nameProblem(name: string): string | null {
  if (name === '') return 'the name is empty';
  if (FORBIDDEN.test(name) || [...name].some((c) => (c.codePointAt(0) ?? 0) < 0x20)) {
    return `"${name}" contains a character OneDrive does not allow`;
  }
  if (name !== name.trim()) return `"${name}" starts or ends with a space`;
  if (name.endsWith('.')) return `"${name}" ends with a dot`;
  const stem = name.includes('.') && !name.startsWith('.') ? name.slice(0, name.lastIndexOf('.')) : name;
  if (RESERVED.test(name) || RESERVED.test(stem)) return `"${name}" is a reserved name`;
  if (/_vti_/i.test(name) || name.startsWith('~$')) return `"${name}" is not allowed`;
  if ([...name].length > 255) return `"${name.slice(0, 20)}…" is longer than 255 characters`;
  return null;
}

/**
 * One user's drive: a tree of folders and files, names unique per folder without regard to
 * case, file bytes on disk, and each file's quickXorHash computed when it is stored.
 */
export class Drive {
  readonly id = randomBytes(8).toString('hex').toUpperCase();
  readonly rootId: string;
  readonly #items = new Map<string, DriveItem>();
  readonly #dir: string;
  #nextId = 1;

  constructor(storeDir: string) {
    this.#dir = storeDir;
    this.rootId = this.#newId();
    this.#items.set(this.rootId, this.#item(this.rootId, 'root', null, true));
  }

  async init(): Promise<void> {
    await mkdir(join(this.#dir, 'files'), { recursive: true });
  }

  get(id: string): DriveItem {
    const resolved = id === 'root' ? this.rootId : id;
    const item = this.#items.get(resolved);
    if (item === undefined)
      throw new GraphError(404, 'itemNotFound', `The resource could not be found: ${id}`);
    return item;
  }

  children(id: string): DriveItem[] {
    const parent = this.get(id);
    return [...this.#items.values()]
      .filter((item) => item.parentId === parent.id)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  childNamed(parentId: string, name: string): DriveItem | undefined {
    const wanted = name.toLowerCase();
    return this.children(parentId).find((item) => item.name.toLowerCase() === wanted);
  }

  /** Follows a relative path ("a/b/c") from an item, as `items/{id}:/a/b/c:` does. */
  resolvePath(fromId: string, path: string): DriveItem {
    let item = this.get(fromId);
    for (const segment of path.split('/').filter((s) => s !== '')) {
      const child = this.childNamed(item.id, segment);
      if (child === undefined) {
        throw new GraphError(404, 'itemNotFound', `The resource could not be found: ${path}`);
      }
      item = child;
    }
    return item;
  }

  /** "/drive/root:/A/B" for an item inside A/B, as `parentReference.path` spells it. */
  pathOf(id: string): string {
    const names: string[] = [];
    for (let item = this.get(id); item.parentId !== null; item = this.get(item.parentId)) {
      names.unshift(item.name);
    }
    return `/drive/root:${names.length === 0 ? '' : `/${names.join('/')}`}`;
  }

  files(): DriveItem[] {
    return [...this.#items.values()].filter((item) => !item.isFolder);
  }

  usedBytes(): number {
    return this.files().reduce((sum, item) => sum + item.size, 0);
  }

  createFolder(parentId: string, name: string, behavior: ConflictBehavior): DriveItem {
    const parent = this.#folder(parentId);
    const finalName = this.#placeName(parent.id, name, behavior, true);
    const existing = this.childNamed(parent.id, finalName);
    if (existing !== undefined) return existing;
    const item = this.#item(this.#newId(), finalName, parent.id, true);
    this.#items.set(item.id, item);
    return item;
  }

  /**
   * Stores a file whose bytes are in `sourcePath` (moved into the drive) and whose hash the
   * caller computed as they arrived, applying the conflict behaviour. `corrupt` flips one stored
   * byte: the bytes the drive holds then differ from what was sent, and so does their hash.
   */
  async storeFile(
    parentId: string,
    name: string,
    behavior: ConflictBehavior,
    content: { path: string; size: number; quickXorHash: string },
    corrupt: boolean,
  ): Promise<{ item: DriveItem; created: boolean }> {
    const parent = this.#folder(parentId);
    const finalName = this.#placeName(parent.id, name, behavior, false);
    const existing = this.childNamed(parent.id, finalName);
    const item = existing ?? this.#item(this.#newId(), finalName, parent.id, false);
    const contentPath = join(this.#dir, 'files', `${item.id}-${randomBytes(4).toString('hex')}`);
    await rename(content.path, contentPath);
    let hash = content.quickXorHash;
    if (corrupt && content.size > 0) {
      const bytes = await readFile(contentPath);
      const at = Math.floor(content.size / 2);
      bytes[at] = (bytes[at] as number) ^ 0xff;
      await writeFile(contentPath, bytes);
      hash = await hashFile(contentPath);
    }
    if (existing?.contentPath) await rm(existing.contentPath, { force: true });
    item.contentPath = contentPath;
    item.size = content.size;
    item.quickXorHash = hash;
    item.modifiedAt = Date.now();
    this.#items.set(item.id, item);
    return { item, created: existing === undefined };
  }

  /** Where files being received are written until they are stored. */
  get incomingDir(): string {
    return join(this.#dir, 'files');
  }

  async read(id: string): Promise<Buffer> {
    const item = this.get(id);
    if (item.contentPath === null) throw new Error(`${item.name} is a folder`);
    return readFile(item.contentPath);
  }

  delete(id: string): void {
    const item = this.get(id);
    for (const child of this.children(item.id)) this.delete(child.id);
    if (item.contentPath !== null) void rm(item.contentPath, { force: true });
    this.#items.delete(item.id);
  }

  #folder(id: string): DriveItem {
    const item = this.get(id);
    if (!item.isFolder) throw new GraphError(400, 'invalidRequest', `${item.name} is not a folder`);
    return item;
  }

  /** The name an item gets under the conflict behaviour: "name 1.ext" when renaming, as OneDrive does. */
  #placeName(parentId: string, name: string, behavior: ConflictBehavior, folder: boolean): string {
    const problem = nameProblem(name);
    if (problem !== null) throw new GraphError(400, 'invalidRequest', problem);
    const existing = this.childNamed(parentId, name);
    if (existing === undefined) return name;
    if (behavior === 'fail') {
      throw new GraphError(409, 'nameAlreadyExists', `The specified item name already exists: ${name}`);
    }
    if (behavior === 'replace') {
      if (existing.isFolder !== folder) {
        throw new GraphError(409, 'nameAlreadyExists', `${name} exists and is of another kind`);
      }
      return existing.name;
    }
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 && !folder ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let n = 1; ; n += 1) {
      const candidate = `${stem} ${n}${ext}`;
      if (this.childNamed(parentId, candidate) === undefined) return candidate;
    }
  }

  #item(id: string, name: string, parentId: string | null, isFolder: boolean): DriveItem {
    const now = Date.now();
    return {
      id,
      name,
      parentId,
      isFolder,
      size: 0,
      quickXorHash: null,
      contentPath: null,
      createdAt: now,
      modifiedAt: now,
    };
  }

  #newId(): string {
    const id = `${this.id}!${this.#nextId}`;
    this.#nextId += 1;
    return id;
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = new ReferenceQuickXor();
  for await (const piece of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(piece as Buffer);
  }
  return hash.digest();
}
