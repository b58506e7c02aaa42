import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_FILE_FIELDS,
  type DriveFile,
  DriveFiles,
  FOLDER_MIME,
  fileResource,
  newId,
  type SharedDrive,
} from './drive-peer-files.ts';
import { parseFields, parseQuery, QueryError, type Selection, select } from './drive-peer-query.ts';
import { type ChunkOptions, drain, type UploadMetadata, UploadSessions } from './drive-peer-uploads.ts';
import { type AccessGrant, DRIVE_SCOPE, type GoogleIdentityPeer } from './google-identity-peer.ts';
import { readSmallBody, sendJson } from './oauth-common.ts';

/**
 * A Drive v3 emulator for the uploader's tests: about.get, files.list with the `q` terms a folder
 * picker and a duplicate check use (paged), files.get/create/delete, shared drives, resumable and
 * multipart uploads, partial responses by `fields`, and Drive's own error bodies. Access tokens
 * are checked against the Google identity peer, and a drive.file token sees only what the app
 * made, as on Drive. Faults are injected per kind of request.
 */
export type RequestKind =
  | 'about'
  | 'list'
  | 'get'
  | 'media'
  | 'create'
  | 'delete'
  | 'drives'
  | 'start-session'
  | 'chunk'
  | 'probe'
  | 'multipart';

export interface DriveFault {
  on: RequestKind;
  /** An HTTP error answer; or `reset` to cut the connection mid-body (chunks only). */
  status?: number;
  reason?: string;
  message?: string;
  retryAfterSeconds?: number;
  reset?: boolean;
  /** Finished upload stored with a flipped byte (chunks only): its md5 then differs. */
  corrupt?: boolean;
  times?: number;
}

export interface DriveRequestSeen {
  method: string;
  kind: RequestKind | 'unknown';
  path: string;
  query: Record<string, string>;
  contentRange: string | null;
  authorized: boolean;
  status: number;
}

export interface ChunkSeen {
  session: string;
  received: number;
  total: number | null;
}

export interface DrivePeerOptions {
  identity: GoogleIdentityPeer;
  /** Largest page files.list returns, whatever pageSize asks (small, to prove paging). */
  maxPageSize?: number;
  sessionTtlMs?: number;
  quotaLimitBytes?: number | null;
  storeDir?: string;
  /**
   * Where a resumable upload's session URI (`Location`) points instead, whatever the scheme
   * (`smb://files.example/share`, `file:///srv/loot`): a broken or hostile answer that would take
   * the client's bytes and token elsewhere.
   */
  uploadBase?: string;
}

export class DrivePeer {
  readonly files = new DriveFiles();
  readonly requests: DriveRequestSeen[] = [];
  readonly uploads: UploadSessions;
  /** Awaited after each chunk is stored, before it is answered: a test acts at an exact moment. */
  onChunk: ((chunk: ChunkSeen) => Promise<void> | void) | null = null;
  maxPageSize: number;
  quotaLimitBytes: number | null;
  readonly #identity: GoogleIdentityPeer;
  readonly #server: Server;
  readonly #faults: DriveFault[] = [];
  readonly #storeDir: string;
  readonly #ownsStore: boolean;
  readonly #uploadBase: string | null;
  #origin = '';

  private constructor(options: DrivePeerOptions) {
    this.#identity = options.identity;
    this.maxPageSize = options.maxPageSize ?? 1000;
    this.quotaLimitBytes = options.quotaLimitBytes === undefined ? 15 * 1024 ** 3 : options.quotaLimitBytes;
    this.#ownsStore = options.storeDir === undefined;
    this.#uploadBase = options.uploadBase ?? null;
    this.#storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'drive-peer-'));
    this.uploads = new UploadSessions(
      this.files,
      this.#storeDir,
      options.sessionTtlMs ?? 7 * 24 * 3600 * 1000,
    );
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) driveError(res, 500, 'backendError', `peer failure: ${String(error)}`);
        else res.destroy();
      });
    });
  }

  static async start(options: DrivePeerOptions): Promise<DrivePeer> {
    const peer = new DrivePeer(options);
    await new Promise<void>((resolve) => peer.#server.listen(0, '127.0.0.1', resolve));
    peer.#origin = `http://127.0.0.1:${(peer.#server.address() as AddressInfo).port}`;
    return peer;
  }

  /** What the uploader's `driveApiBaseUrl` is set to. */
  get baseUrl(): string {
    return this.#origin;
  }

  get rootId(): string {
    return this.files.rootId;
  }

  inject(fault: DriveFault): void {
    this.#faults.push({ times: 1, ...fault });
  }

  /** A folder the user made (not the app): only a `drive` token sees it. */
  addFolder(name: string, parentId = 'root', byApp = false): DriveFile {
    return this.files.add({
      name,
      mimeType: FOLDER_MIME,
      parents: [parentId],
      appProperties: {},
      trashed: false,
      size: null,
      md5Checksum: null,
      byApp,
      contentPath: null,
    });
  }

  addSharedDrive(name: string): SharedDrive {
    return this.files.addSharedDrive(name);
  }

  /** Non-folder files, optionally only those named so. */
  stored(name?: string): DriveFile[] {
    return this.files
      .all()
      .filter((f) => f.mimeType !== FOLDER_MIME && (name === undefined || f.name === name));
  }

  async content(file: DriveFile): Promise<Buffer> {
    if (file.contentPath === null) return Buffer.alloc(0);
    return readFile(file.contentPath);
  }

  /** The display path of a file from the root of its drive: "/Recordings/2024/a.mp4". */
  pathOf(file: DriveFile): string {
    const names: string[] = [];
    let current: DriveFile | undefined = file;
    while (current !== undefined && current.parents.length > 0) {
      names.unshift(current.name);
      current = this.files.get(current.parents[0] as string);
    }
    return `/${names.join('/')}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await this.uploads.close();
    if (this.#ownsStore) rmSync(this.#storeDir, { recursive: true, force: true });
  }

  // --- routing ---

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#origin);
    const contentRange =
      typeof req.headers['content-range'] === 'string' ? req.headers['content-range'] : undefined;
    const kind = requestKind(req.method ?? 'GET', url, contentRange);
    const seen: DriveRequestSeen = {
      method: req.method ?? 'GET',
      kind,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentRange: contentRange ?? null,
      authorized: false,
      status: 0,
    };
    this.requests.push(seen);
    res.once('finish', () => {
      seen.status = res.statusCode;
    });
    if (kind === 'unknown') {
      await drain(req);
      return driveError(res, 404, 'notFound', `Not Found: ${req.method} ${url.pathname}`);
    }
    const fault = this.#takeFault(kind);
    if (fault?.status !== undefined) {
      await drain(req);
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
      return driveError(
        res,
        fault.status,
        fault.reason ?? 'backendError',
        fault.message ?? 'Injected fault',
        headers,
      );
    }
    // The session URI is itself the credential; every other request needs a valid token.
    if (kind === 'chunk' || kind === 'probe') return this.#chunk(req, res, url, fault);
    const grant = this.#authorize(req);
    if (grant === null) {
      await drain(req);
      return driveError(
        res,
        401,
        'authError',
        'Request had invalid authentication credentials. Expected OAuth 2 access token.',
        {
          'www-authenticate': 'Bearer realm="https://accounts.google.com/"',
        },
      );
    }
    seen.authorized = true;
    try {
      await this.#route(kind, req, res, url, grant);
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      if (!res.headersSent) driveError(res, 400, 'invalid', `Invalid Value: ${error.message}`);
    }
  }

  async #route(
    kind: RequestKind,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    grant: AccessGrant,
  ): Promise<void> {
    switch (kind) {
      case 'about':
        return this.#about(res, url, grant);
      case 'list':
        return this.#list(res, url, grant);
      case 'get':
      case 'media':
        return this.#get(res, url, grant, kind === 'media');
      case 'create':
        return this.#createMetadataOnly(req, res, url, grant);
      case 'delete':
        return this.#delete(res, url, grant);
      case 'drives':
        return this.#drives(res, url, grant);
      case 'start-session':
        return this.#startSession(req, res, url, grant);
      case 'multipart':
        return this.#multipart(req, res, url, grant);
      default:
        return driveError(res, 404, 'notFound', 'Not Found');
    }
  }

  #takeFault(kind: RequestKind): DriveFault | undefined {
    const index = this.#faults.findIndex((f) => f.on === kind);
    if (index < 0) return undefined;
    const fault = this.#faults[index] as DriveFault;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.#faults.splice(index, 1);
    return fault;
  }

  #authorize(req: IncomingMessage): AccessGrant | null {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    return match?.[1] === undefined ? null : this.#identity.checkAccessToken(match[1]);
  }

  #visible(file: DriveFile | undefined, grant: AccessGrant, url: URL): file is DriveFile {
    if (file === undefined) return false;
    if (file.driveId !== null && url.searchParams.get('supportsAllDrives') !== 'true') return false;
    if (grant.scopes.includes(DRIVE_SCOPE)) return true;
    // drive.file: what the app made, and the roots it may create in.
    return file.byApp || file.id === this.files.rootId;
  }

  #selection(url: URL, fallback: string): Selection {
    return parseFields(url.searchParams.get('fields') ?? fallback);
  }

  // --- metadata ---

  #about(res: ServerResponse, url: URL, grant: AccessGrant) {
    const fields = url.searchParams.get('fields');
    if (fields === null)
      return driveError(res, 400, 'required', "The 'fields' parameter is required for this method.");
    const usage = String(this.files.usage());
    const about = {
      kind: 'drive#about',
      user: {
        kind: 'drive#user',
        displayName: this.#identity.user.name,
        emailAddress: grant.email,
        me: true,
      },
      storageQuota: {
        ...(this.quotaLimitBytes === null ? {} : { limit: String(this.quotaLimitBytes) }),
        usage,
        usageInDrive: usage,
        usageInDriveTrash: '0',
      },
    };
    sendJson(res, 200, select(about, parseFields(fields)));
  }

  #list(res: ServerResponse, url: URL, grant: AccessGrant) {
    const params = url.searchParams;
    const allDrives = params.get('includeItemsFromAllDrives') === 'true';
    if (allDrives && params.get('supportsAllDrives') !== 'true') {
      return driveError(
        res,
        403,
        'teamDrivesParameterNotSupported',
        'includeItemsFromAllDrives requires supportsAllDrives.',
      );
    }
    const corpora = params.get('corpora') ?? 'user';
    if (corpora === 'drive' && (params.get('driveId') ?? '') === '') {
      return driveError(res, 400, 'invalid', 'Invalid Value: corpora=drive needs driveId.');
    }
    const matches = parseQuery(params.get('q'));
    const q = params.get('q') ?? '';
    const found = this.files
      .all()
      .filter((f) => f.parents.length > 0 && this.#visible(f, grant, url))
      .filter((f) => f.driveId === null || allDrives)
      .filter((f) => corpora !== 'drive' || f.driveId === params.get('driveId'))
      .filter((f) =>
        matches({ ...f, parents: f.parents.flatMap((p) => (p === this.files.rootId ? [p, 'root'] : [p])) }),
      )
      .sort(
        (a, b) =>
          Number(b.mimeType === FOLDER_MIME) - Number(a.mimeType === FOLDER_MIME) ||
          a.name.localeCompare(b.name),
      );
    const requested = Number(params.get('pageSize') ?? '100');
    if (!Number.isInteger(requested) || requested < 1 || requested > 1000) {
      return driveError(res, 400, 'invalid', `Invalid Value: pageSize ${params.get('pageSize')}`);
    }
    const size = Math.min(requested, this.maxPageSize);
    let offset = 0;
    const token = params.get('pageToken');
    if (token !== null) {
      const decoded = decodePageToken(token);
      if (decoded === null || decoded.q !== q)
        return driveError(res, 400, 'invalid', 'Invalid Value: pageToken');
      offset = decoded.offset;
    }
    const page = found.slice(offset, offset + size);
    const next = offset + size < found.length ? encodePageToken(offset + size, q) : undefined;
    const body = {
      kind: 'drive#fileList',
      ...(next === undefined ? {} : { nextPageToken: next }),
      incompleteSearch: false,
      files: page.map(fileResource),
    };
    sendJson(
      res,
      200,
      select(body, this.#selection(url, `kind,nextPageToken,incompleteSearch,files(${DEFAULT_FILE_FIELDS})`)),
    );
  }

  async #get(res: ServerResponse, url: URL, grant: AccessGrant, media: boolean): Promise<void> {
    const id = decodeURIComponent(url.pathname.split('/')[4] ?? '');
    const file = this.files.get(id);
    if (!this.#visible(file, grant, url)) return driveError(res, 404, 'notFound', `File not found: ${id}.`);
    if (media) {
      const bytes = await this.content(file);
      res.writeHead(200, { 'content-type': file.mimeType, 'content-length': String(bytes.length) });
      res.end(bytes);
      return;
    }
    sendJson(res, 200, select(fileResource(file), this.#selection(url, DEFAULT_FILE_FIELDS)));
  }

  async #createMetadataOnly(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    grant: AccessGrant,
  ): Promise<void> {
    const metadata = this.#metadata(await readSmallBody(req), res, url, grant);
    if (metadata === null) return;
    const file = this.files.add({
      ...metadata,
      trashed: false,
      size: metadata.mimeType === FOLDER_MIME ? null : 0,
      md5Checksum: metadata.mimeType === FOLDER_MIME ? null : createHash('md5').digest('hex'),
      byApp: true,
      contentPath: null,
    });
    sendJson(res, 200, select(fileResource(file), this.#selection(url, DEFAULT_FILE_FIELDS)));
  }

  #delete(res: ServerResponse, url: URL, grant: AccessGrant) {
    const id = decodeURIComponent(url.pathname.split('/')[4] ?? '');
    const file = this.files.get(id);
    if (!this.#visible(file, grant, url) || file.id === this.files.rootId) {
      return driveError(res, 404, 'notFound', `File not found: ${id}.`);
    }
    this.files.delete(file.id);
    res.writeHead(204);
    res.end();
  }

  #drives(res: ServerResponse, url: URL, grant: AccessGrant) {
    if (!grant.scopes.includes(DRIVE_SCOPE)) {
      return driveError(
        res,
        403,
        'insufficientPermissions',
        'Request had insufficient authentication scopes.',
      );
    }
    const id = url.pathname.split('/')[4];
    if (id !== undefined && id !== '') {
      const drive = this.files.drive(decodeURIComponent(id));
      if (drive === undefined) return driveError(res, 404, 'notFound', `Shared drive not found: ${id}`);
      return sendJson(
        res,
        200,
        select({ kind: 'drive#drive', ...drive }, this.#selection(url, 'kind,id,name')),
      );
    }
    const size = Math.min(Number(url.searchParams.get('pageSize') ?? '10'), this.maxPageSize);
    const offset = Number(url.searchParams.get('pageToken') ?? '0');
    const all = this.files.drives();
    const page = all.slice(offset, offset + size).map((d) => ({ kind: 'drive#drive', ...d }));
    const body = {
      kind: 'drive#driveList',
      ...(offset + size < all.length ? { nextPageToken: String(offset + size) } : {}),
      drives: page,
    };
    sendJson(res, 200, select(body, this.#selection(url, 'kind,nextPageToken,drives(kind,id,name)')));
  }

  /** Validates create metadata as Drive does: parents must exist, be folders, and be reachable. */
  #metadata(body: Buffer, res: ServerResponse, url: URL, grant: AccessGrant): UploadMetadata | null {
    let parsed: Record<string, unknown>;
    try {
      parsed = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
    } catch {
      driveError(res, 400, 'parseError', 'Parse Error');
      return null;
    }
    const parents = Array.isArray(parsed.parents) ? (parsed.parents as unknown[]).map(String) : ['root'];
    if (parents.length !== 1) {
      driveError(res, 403, 'cannotAddParent', 'A shared drive item must have exactly one parent.');
      return null;
    }
    const parent = this.files.get(parents[0] as string);
    if (!this.#visible(parent, grant, url) || parent.mimeType !== FOLDER_MIME) {
      driveError(res, 404, 'notFound', `File not found: ${parents[0]}.`, {}, 'parents');
      return null;
    }
    const appProperties = (parsed.appProperties ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(appProperties)) {
      if (Buffer.byteLength(key) + Buffer.byteLength(String(value)) > 124) {
        driveError(res, 400, 'invalid', `The property ${key} exceeds the maximum size of 124 bytes.`);
        return null;
      }
    }
    return {
      name: typeof parsed.name === 'string' ? parsed.name : 'Untitled',
      mimeType: typeof parsed.mimeType === 'string' ? parsed.mimeType : 'application/octet-stream',
      parents: [parent.id],
      appProperties: Object.fromEntries(Object.entries(appProperties).map(([k, v]) => [k, String(v)])),
    };
  }

  // --- uploads ---

  async #startSession(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    grant: AccessGrant,
  ): Promise<void> {
    const metadata = this.#metadata(await readSmallBody(req), res, url, grant);
    if (metadata === null) return;
    const declared = req.headers['x-upload-content-length'];
    const total = typeof declared === 'string' && /^\d+$/.test(declared) ? Number(declared) : null;
    if (
      total !== null &&
      this.quotaLimitBytes !== null &&
      this.files.usage() + total > this.quotaLimitBytes
    ) {
      return driveError(res, 403, 'storageQuotaExceeded', 'The user has exceeded their Drive storage quota');
    }
    const session = this.uploads.start(metadata, total, url.searchParams.get('fields'));
    const location = new URL(url.toString());
    location.searchParams.set('upload_id', session.id);
    res.writeHead(200, {
      location:
        this.#uploadBase === null
          ? location.toString()
          : `${this.#uploadBase}${location.pathname}${location.search}`,
      'x-guploader-uploadid': session.id,
      'content-length': '0',
    });
    res.end();
  }

  async #chunk(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    fault: DriveFault | undefined,
  ): Promise<void> {
    const session = this.uploads.live(url.searchParams.get('upload_id') ?? '');
    if (session === undefined) {
      await drain(req);
      return driveError(res, 404, 'notFound', 'Not Found');
    }
    const options: ChunkOptions = {};
    if (fault?.corrupt === true) options.corrupt = true;
    if (fault?.reset === true)
      options.cutAfter = Math.max(1, Math.floor(Number(req.headers['content-length'] ?? '2') / 2));
    const outcome = await this.uploads.put(session, req, options);
    if (options.cutAfter !== undefined && !res.headersSent && req.socket.destroyed) return;
    if (outcome.kind !== 'error') {
      await this.onChunk?.({ session: session.id, received: session.received, total: session.declaredTotal });
    }
    if (outcome.kind === 'error') return driveError(res, outcome.status, outcome.reason, outcome.message);
    if (outcome.kind === 'incomplete') {
      const headers: Record<string, string> = { 'content-length': '0' };
      if (outcome.received > 0) headers.range = `bytes=0-${outcome.received - 1}`;
      res.writeHead(308, headers);
      res.end();
      return;
    }
    const fields = session.fields ?? DEFAULT_FILE_FIELDS;
    sendJson(res, 200, select(fileResource(outcome.file), parseFields(fields)));
  }

  /** uploadType=multipart: one multipart/related body, metadata part then media part. */
  async #multipart(req: IncomingMessage, res: ServerResponse, url: URL, grant: AccessGrant): Promise<void> {
    const boundary = /boundary="?([^";]+)"?/i.exec(req.headers['content-type'] ?? '')?.[1];
    const body = await readSmallBody(req, 5 * 1024 * 1024);
    const parts = boundary === undefined ? null : splitMultipart(body, boundary);
    if (parts === null || parts.length !== 2) {
      return driveError(res, 400, 'badContent', 'Multipart body must have a metadata part and a media part.');
    }
    const metadata = this.#metadata(parts[0] as Buffer, res, url, grant);
    if (metadata === null) return;
    const media = parts[1] as Buffer;
    const contentPath = join(this.#storeDir, `${newId()}.content`);
    await writeFile(contentPath, media);
    const file = this.files.add({
      ...metadata,
      trashed: false,
      size: media.length,
      md5Checksum: createHash('md5').update(media).digest('hex'),
      byApp: true,
      contentPath,
    });
    sendJson(res, 200, select(fileResource(file), this.#selection(url, DEFAULT_FILE_FIELDS)));
  }
}

function requestKind(method: string, url: URL, contentRange: string | undefined): RequestKind | 'unknown' {
  const path = url.pathname;
  const uploadType = url.searchParams.get('uploadType');
  if (path === '/upload/drive/v3/files') {
    if (method === 'PUT' && url.searchParams.has('upload_id')) {
      return /^bytes \*\//.test(contentRange ?? '') ? 'probe' : 'chunk';
    }
    if (method === 'POST' && uploadType === 'resumable') return 'start-session';
    if (method === 'POST' && uploadType === 'multipart') return 'multipart';
    return 'unknown';
  }
  if (method === 'GET' && path === '/drive/v3/about') return 'about';
  if (method === 'GET' && path === '/drive/v3/files') return 'list';
  if (method === 'POST' && path === '/drive/v3/files') return 'create';
  if (/^\/drive\/v3\/files\/[^/]+$/.test(path)) {
    if (method === 'GET') return url.searchParams.get('alt') === 'media' ? 'media' : 'get';
    if (method === 'DELETE') return 'delete';
  }
  if (method === 'GET' && /^\/drive\/v3\/drives(\/[^/]+)?$/.test(path)) return 'drives';
  return 'unknown';
}

/** Drive's error body: `{error: {code, message, errors: [{domain, reason, message}]}}`. */
export function driveError(
  res: ServerResponse,
  status: number,
  reason: string,
  message: string,
  headers: Record<string, string> = {},
  location?: string,
): void {
  const domain = /RateLimit|rateLimit|Quota/.test(reason) ? 'usageLimits' : 'global';
  sendJson(
    res,
    status,
    {
      error: {
        code: status,
        message,
        errors: [
          {
            domain,
            reason,
            message,
            ...(location === undefined ? {} : { location, locationType: 'parameter' }),
          },
        ],
      },
    },
    headers,
  );
}

function encodePageToken(offset: number, q: string): string {
  return Buffer.from(JSON.stringify({ offset, q })).toString('base64url');
}

function decodePageToken(token: string): { offset: number; q: string } | null {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      offset: unknown;
      q: unknown;
    };
    return typeof value.offset === 'number' && typeof value.q === 'string'
      ? { offset: value.offset, q: value.q }
      : null;
  } catch {
    return null;
  }
}

/** The bodies of a multipart/related document (headers stripped). */
function splitMultipart(body: Buffer, boundary: string): Buffer[] | null {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) return null;
  for (;;) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next < 0) return null;
    const part = body.subarray(at + delimiter.length, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) return null;
    // Each part's body ends before the CRLF that precedes the next delimiter.
    parts.push(part.subarray(headerEnd + 4, part.length - 2));
    if (body.subarray(next + delimiter.length, next + delimiter.length + 2).toString() === '--') return parts;
    at = next;
  }
}
