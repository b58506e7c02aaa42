import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConflictBehavior, Drive, type DriveItem, GraphError } from './graph-peer-drive.ts';
import { type ChunkAnswer, UploadSessions } from './graph-peer-uploads.ts';
import { referenceQuickXor } from './quick-xor-reference.ts';

/**
 * A Microsoft Graph stand-in for OneDrive, faithful to what the uploader relies on: the signed-in
 * user and drive (type, quota), items by id or by path, children with `$select`, `$top` and
 * `@odata.nextLink` paging, folder creation, simple upload (≤ 4 MiB), resumable upload sessions
 * (see graph-peer-uploads.ts), conflict behaviours, quickXorHash on every stored file, 401 for a
 * token the identity provider does not vouch for, and throttling with `Retry-After` on demand.
 */
export interface GraphUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
}

export interface GraphPeerOptions {
  /** The user an access token belongs to, or null when the identity provider does not vouch for it. */
  authorize(token: string): GraphUser | null;
  storeDir?: string;
  /** Children per page when the client does not ask for `$top`. */
  pageSize?: number;
  driveType?: 'personal' | 'business';
  quotaTotal?: number;
  sessionIdleMs?: number;
  port?: number;
  /** The host `@odata.nextLink` names (e.g. `localhost`): a next page on another origin. Default the API's own. */
  nextLinkHost?: string;
  /**
   * Where `@odata.nextLink` and upload sessions' `uploadUrl` point instead, whatever the scheme
   * (`smb://files.example/share`, `file:///srv/loot`): a broken or hostile answer that would take
   * the client's requests, token or bytes elsewhere.
   */
  addressBase?: string;
}

export interface GraphRequestSeen {
  method: string;
  path: string;
  query: string;
  at: number;
  status: number;
  authorization: boolean;
  /** The Host header: which origin the client sent the request to. */
  host: string;
  contentRange: string | null;
  kind: 'api' | 'upload';
}

export interface Throttle {
  count: number;
  retryAfterSeconds: number;
  status?: 429 | 503;
  on?: 'api' | 'upload' | 'any';
}

/**
 * The answer to a commit is lost after the file was stored, as when a connection breaks or a
 * front end fails after the storage tier committed: the client never hears the item's id.
 */
export interface LostAnswer {
  /** A simple `PUT …/content`, an upload session's last fragment, or either. */
  on: 'simple' | 'session' | 'any';
  /** The connection is cut without an answer, or a 500 answers instead of the item. */
  how: 'drop' | 500;
  count?: number;
  /** Then the next this-many API requests fail with 503 too: the service is out for a moment. */
  outageAfter?: number;
}

const SIMPLE_UPLOAD_LIMIT = 4 * 1024 * 1024;
const ITEM =
  /^(?:\/me\/drive|\/drives\/([^/:]+))(?:\/root|\/items\/([^/:]+))(?::\/([^:]*):?)?(\/children|\/content|\/createUploadSession)?\/?$/;

export class GraphPeer {
  readonly requests: GraphRequestSeen[] = [];
  readonly drive: Drive;
  readonly sessions: UploadSessions;
  /** Milliseconds each upload fragment's answer is held back: a slow line, for tests that act mid-upload. */
  fragmentDelayMs = 0;
  readonly #options: GraphPeerOptions;
  readonly #server: Server;
  readonly #ownStore: string | null;
  readonly #throttles: Throttle[] = [];
  readonly #readOnly = new Set<string>();
  readonly #lostAnswers: Array<Required<Omit<LostAnswer, 'outageAfter'>> & { outageAfter: number }> = [];
  #outage = 0;
  readonly #failingDeletes: Array<{ count: number; status: 502 | 503 }> = [];
  #origin = '';

  private constructor(options: GraphPeerOptions) {
    this.#options = options;
    this.#ownStore = options.storeDir === undefined ? mkdtempSync(join(tmpdir(), 'graph-peer-')) : null;
    this.drive = new Drive(options.storeDir ?? (this.#ownStore as string));
    this.sessions = new UploadSessions(this.drive, {
      idleMs: options.sessionIdleMs ?? 15 * 60_000,
      lifeMs: 24 * 3_600_000,
    });
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendGraphError(res, error instanceof GraphError ? error : internal(error));
        else res.destroy();
      });
    });
  }

  static async start(options: GraphPeerOptions): Promise<GraphPeer> {
    const peer = new GraphPeer(options);
    await peer.drive.init();
    await new Promise<void>((resolve) => peer.#server.listen(options.port ?? 0, '127.0.0.1', resolve));
    peer.#origin = `http://127.0.0.1:${(peer.#server.address() as AddressInfo).port}`;
    return peer;
  }

  get origin(): string {
    return this.#origin;
  }

  get baseUrl(): string {
    return `${this.#origin}/v1.0`;
  }

  /** The next `count` requests (of the given kind) are answered 429 or 503 with `Retry-After`. */
  throttle(throttle: Throttle): void {
    this.#throttles.push({ ...throttle });
  }

  /**
   * The folder at `path` becomes one the signed-in user may only read (shared read-only, say):
   * writing anything into it is answered 403 `accessDenied`, as Graph does.
   */
  denyWrites(path: string): void {
    const folder = this.drive.resolvePath(this.drive.rootId, path);
    if (!folder.isFolder) throw new Error(`${path} is not a folder`);
    this.#readOnly.add(folder.id);
  }

  /** The next commits' answers (see LostAnswer) are lost after the file was stored. */
  loseCommitAnswers(lost: LostAnswer): void {
    this.#lostAnswers.push({ count: 1, outageAfter: 0, ...lost });
  }

  /** How many armed lost answers have not fired yet. */
  lostAnswersLeft(): number {
    return this.#lostAnswers.reduce((sum, lost) => sum + lost.count, 0);
  }

  /** The next `count` DELETEs of an item fail with a passing 502 or 503, deleting nothing. */
  failDeletes(count: number, status: 502 | 503 = 503): void {
    this.#failingDeletes.push({ count, status });
  }

  /**
   * Someone else's file, put in a folder (made if need be) as the operator or a colleague would
   * through the OneDrive web page: the uploader never stored it, so it must never count or delete it.
   */
  async putForeignFile(folderPath: string, name: string, bytes: Buffer): Promise<DriveItem> {
    const parent = this.makeFolders(folderPath);
    const incoming = join(this.drive.incomingDir, `foreign-${randomBytes(6).toString('hex')}`);
    await writeFile(incoming, bytes);
    const { item } = await this.drive.storeFile(
      parent.id,
      name,
      'fail',
      { path: incoming, size: bytes.length, quickXorHash: referenceQuickXor(bytes) },
      false,
    );
    return item;
  }

  /** Every open upload session is forgotten, as Graph forgets them when they expire. */
  expireSessions(): Promise<void> {
    return this.sessions.expireAll();
  }

  /** The file at a display path like "/Recordings/a.mp4", or undefined. */
  fileAt(path: string): DriveItem | undefined {
    try {
      const item = this.drive.resolvePath(this.drive.rootId, path);
      return item.isFolder ? undefined : item;
    } catch {
      return undefined;
    }
  }

  files(): Array<DriveItem & { path: string }> {
    return this.drive.files().map((item) => ({
      ...item,
      path: `${this.drive.pathOf(item.parentId ?? item.id).replace(/^\/drive\/root:/, '')}/${item.name}`,
    }));
  }

  /** Makes the folders of a display path (as the operator would in the OneDrive web page). */
  makeFolders(path: string): DriveItem {
    let parent = this.drive.get('root');
    for (const name of path.split('/').filter((s) => s !== '')) {
      parent = this.drive.createFolder(parent.id, name, 'replace');
    }
    return parent;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    if (this.#ownStore !== null) rmSync(this.#ownStore, { recursive: true, force: true });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#origin);
    const kind = url.pathname.startsWith('/upload/') ? 'upload' : 'api';
    const seen: GraphRequestSeen = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      at: Date.now(),
      status: 0,
      authorization: req.headers.authorization !== undefined,
      host: req.headers.host ?? '',
      contentRange: req.headers['content-range'] ?? null,
      kind,
    };
    this.requests.push(seen);
    res.once('finish', () => {
      seen.status = res.statusCode;
    });
    const throttled = this.#throttled(kind);
    if (throttled !== null) {
      req.resume();
      const code = throttled.status === 503 ? 'serviceNotAvailable' : 'activityLimitReached';
      sendGraphError(
        res,
        new GraphError(throttled.status ?? 429, code, 'The request has been throttled', {
          'retry-after': String(throttled.retryAfterSeconds),
        }),
      );
      return;
    }
    if (kind === 'upload') {
      await this.#upload(req, res, url);
      return;
    }
    if (!url.pathname.startsWith('/v1.0/'))
      throw new GraphError(404, 'itemNotFound', `no route ${url.pathname}`);
    if (this.#outage > 0) {
      this.#outage -= 1;
      req.resume();
      throw new GraphError(503, 'serviceNotAvailable', 'The service is temporarily unavailable');
    }
    const user = this.#authorize(req);
    await this.#api(req, res, url, user);
  }

  #throttled(kind: 'api' | 'upload'): Throttle | null {
    const throttle = this.#throttles.find(
      (t) => t.count > 0 && (t.on ?? 'any') !== (kind === 'api' ? 'upload' : 'api'),
    );
    if (throttle === undefined) return null;
    throttle.count -= 1;
    return throttle;
  }

  #authorize(req: IncomingMessage): GraphUser {
    const header = req.headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    const user = token === undefined ? null : this.#options.authorize(token);
    if (user === null) {
      req.resume();
      throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty, expired or revoked.', {
        'www-authenticate': 'Bearer realm="", error="invalid_token"',
      });
    }
    return user;
  }

  async #api(req: IncomingMessage, res: ServerResponse, url: URL, user: GraphUser): Promise<void> {
    const path = url.pathname.slice('/v1.0'.length);
    const method = req.method ?? 'GET';
    if (path === '/me' && method === 'GET') {
      sendJson(
        res,
        200,
        select(
          {
            id: user.id,
            displayName: user.displayName,
            userPrincipalName: user.userPrincipalName,
            mail: user.userPrincipalName,
          },
          url,
        ),
      );
      return;
    }
    if (path === '/me/drive' && method === 'GET') {
      sendJson(res, 200, select(this.#driveJson(user), url));
      return;
    }
    const match = ITEM.exec(path);
    if (match === null) throw new GraphError(400, 'invalidRequest', `Unsupported request ${method} ${path}`);
    const [, driveId, itemId, relative, action] = match;
    if (driveId !== undefined && decodeURIComponent(driveId) !== this.drive.id) {
      throw new GraphError(404, 'itemNotFound', `drive ${decodeURIComponent(driveId)} does not exist`);
    }
    const baseId = itemId === undefined ? 'root' : decodeURIComponent(itemId);
    const segments = (relative ?? '')
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
    if (action === '/content' && method === 'PUT') {
      await this.#simpleUpload(req, res, url, baseId, segments);
      return;
    }
    if (action === '/createUploadSession' && method === 'POST') {
      await this.#createSession(req, res, baseId, segments);
      return;
    }
    const item = this.drive.resolvePath(baseId, segments.join('/'));
    if (action === '/children' && method === 'GET') {
      this.#children(res, url, item);
      return;
    }
    if (action === '/children' && method === 'POST') {
      const body = await readJson(req);
      const name = typeof body.name === 'string' ? body.name : '';
      if (typeof body.folder !== 'object' || body.folder === null) {
        throw new GraphError(400, 'invalidRequest', 'only folders can be created here');
      }
      const folder = this.drive.createFolder(
        item.id,
        name,
        conflictOf(body['@microsoft.graph.conflictBehavior']),
      );
      sendJson(res, 201, this.#itemJson(folder));
      return;
    }
    if (action === undefined && method === 'GET') {
      sendJson(res, 200, select(this.#itemJson(item), url));
      return;
    }
    if (action === undefined && method === 'DELETE') {
      const failing = this.#failingDeletes.find((f) => f.count > 0);
      if (failing !== undefined) {
        failing.count -= 1;
        throw new GraphError(
          failing.status,
          failing.status === 503 ? 'serviceNotAvailable' : 'generalException',
          'The service is temporarily unavailable',
        );
      }
      this.drive.delete(item.id);
      res.writeHead(204).end();
      return;
    }
    throw new GraphError(405, 'invalidRequest', `${method} is not allowed here`);
  }

  /** An address the peer names, moved to `addressBase` when a test asked for one. */
  #elsewhere(address: string): string {
    const base = this.#options.addressBase;
    if (base === undefined) return address;
    const url = new URL(address);
    return `${base}${url.pathname}${url.search}`;
  }

  #children(res: ServerResponse, url: URL, item: DriveItem): void {
    // Server-driven paging: a page is never longer than the server's own size, whatever $top asks.
    const top = Math.min(Number(url.searchParams.get('$top') ?? 200), this.#options.pageSize ?? 200);
    const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
    const all = this.drive.children(item.id);
    const page = all.slice(skip, skip + top);
    const body: Record<string, unknown> = { value: page.map((child) => select(this.#itemJson(child), url)) };
    if (skip + top < all.length) {
      const next = new URL(url);
      next.searchParams.set('$skiptoken', String(skip + top));
      if (this.#options.nextLinkHost !== undefined) next.hostname = this.#options.nextLinkHost;
      body['@odata.nextLink'] = this.#elsewhere(next.toString());
    }
    sendJson(res, 200, body);
  }

  async #simpleUpload(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    baseId: string,
    segments: string[],
  ): Promise<void> {
    const { parent, name } = this.#target(baseId, segments);
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (!(declared <= SIMPLE_UPLOAD_LIMIT)) {
      req.resume();
      throw new GraphError(
        413,
        'requestTooLarge',
        'simple upload is for files up to 4 MiB: use an upload session',
      );
    }
    const bytes = await readBody(req, SIMPLE_UPLOAD_LIMIT);
    const incoming = join(this.drive.incomingDir, `simple-${Date.now()}-${Math.random()}`);
    await writeFile(incoming, bytes);
    const behavior = conflictOf(url.searchParams.get('@microsoft.graph.conflictBehavior') ?? 'replace');
    const corrupt = this.sessions.corruptCommits > 0;
    if (corrupt) this.sessions.corruptCommits -= 1;
    const { item, created } = await this.drive.storeFile(
      parent.id,
      name,
      behavior,
      { path: incoming, size: bytes.length, quickXorHash: referenceQuickXor(bytes) },
      corrupt,
    );
    if (this.#answerLost('simple', res)) return;
    sendJson(res, created ? 201 : 200, this.#itemJson(item));
  }

  /** Whether a lost answer fires on this commit: then the stored file is never reported. */
  #answerLost(on: 'simple' | 'session', res: ServerResponse): boolean {
    const lost = this.#lostAnswers.find((l) => l.count > 0 && (l.on === 'any' || l.on === on));
    if (lost === undefined) return false;
    lost.count -= 1;
    this.#outage += lost.outageAfter;
    if (lost.how === 'drop') res.destroy();
    else sendGraphError(res, new GraphError(500, 'generalException', 'An unexpected error occurred'));
    return true;
  }

  async #createSession(
    req: IncomingMessage,
    res: ServerResponse,
    baseId: string,
    segments: string[],
  ): Promise<void> {
    const { parent, name } = this.#target(baseId, segments);
    const body = await readJson(req);
    const item = (typeof body.item === 'object' && body.item !== null ? body.item : {}) as Record<
      string,
      unknown
    >;
    const session = await this.sessions.create(
      parent.id,
      name,
      conflictOf(item['@microsoft.graph.conflictBehavior'] ?? 'replace'),
    );
    sendJson(res, 200, {
      uploadUrl: this.#elsewhere(`${this.#origin}/upload/${session.id}?tempauth=${session.id.slice(0, 6)}`),
      ...this.sessions.status(session.id),
    });
  }

  async #upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const id = url.pathname.slice('/upload/'.length);
    if (req.headers.authorization !== undefined) {
      req.resume();
      throw new GraphError(401, 'unauthenticated', 'An upload URL must not be sent an Authorization header');
    }
    const method = req.method ?? 'GET';
    if (method === 'GET') {
      sendJson(res, 200, this.sessions.status(id));
      return;
    }
    if (method === 'DELETE') {
      await this.sessions.cancel(id);
      res.writeHead(204).end();
      return;
    }
    if (method !== 'PUT')
      throw new GraphError(405, 'invalidRequest', `${method} is not allowed on an upload URL`);
    const length = Number(req.headers['content-length'] ?? Number.NaN);
    try {
      this.sessions.check(id, req.headers['content-range'], length);
    } catch (error) {
      req.resume();
      if (error instanceof GraphError && error.status === 416) {
        sendGraphError(res, error, this.sessions.status(id));
        return;
      }
      throw error;
    }
    const bytes = await readBody(req, length);
    const answer: ChunkAnswer = await this.sessions.accept(id, bytes);
    if (this.fragmentDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.fragmentDelayMs));
    if (answer.committed !== null && this.#answerLost('session', res)) return;
    sendJson(res, answer.status, answer.committed === null ? answer.body : this.#itemJson(answer.committed));
  }

  #target(baseId: string, segments: string[]): { parent: DriveItem; name: string } {
    const name = segments.at(-1);
    if (name === undefined)
      throw new GraphError(400, 'invalidRequest', 'a file name is needed: items/{parent-id}:/{name}:');
    const parent = this.drive.resolvePath(baseId, segments.slice(0, -1).join('/'));
    if (!parent.isFolder) throw new GraphError(400, 'invalidRequest', `${parent.name} is not a folder`);
    if (this.#readOnly.has(parent.id))
      throw new GraphError(
        403,
        'accessDenied',
        'Access denied. You do not have permission to perform this action or access this resource.',
      );
    return { parent, name };
  }

  #driveJson(user: GraphUser): Record<string, unknown> {
    const total = this.#options.quotaTotal ?? 5 * 1024 ** 4;
    const used = this.drive.usedBytes();
    return {
      id: this.drive.id,
      driveType: this.#options.driveType ?? 'business',
      owner: { user: { id: user.id, displayName: user.displayName } },
      quota: { total, used, remaining: total - used, deleted: 0, state: 'normal' },
    };
  }

  #itemJson(item: DriveItem): Record<string, unknown> {
    const json: Record<string, unknown> = {
      id: item.id,
      name: item.name,
      size: item.isFolder ? this.drive.children(item.id).reduce((s, c) => s + c.size, 0) : item.size,
      createdDateTime: new Date(item.createdAt).toISOString(),
      lastModifiedDateTime: new Date(item.modifiedAt).toISOString(),
      webUrl: `${this.#origin}/web/${encodeURIComponent(item.id)}`,
    };
    if (item.parentId !== null) {
      json.parentReference = {
        driveId: this.drive.id,
        driveType: this.#options.driveType ?? 'business',
        id: item.parentId,
        path: this.drive.pathOf(item.parentId),
      };
    } else {
      json.root = {};
    }
    if (item.isFolder) json.folder = { childCount: this.drive.children(item.id).length };
    else json.file = { mimeType: 'application/octet-stream', hashes: { quickXorHash: item.quickXorHash } };
    return json;
  }
}

export const startGraphPeer = (options: GraphPeerOptions): Promise<GraphPeer> => GraphPeer.start(options);

function conflictOf(value: unknown): ConflictBehavior {
  if (value === 'fail' || value === 'replace' || value === 'rename') return value;
  throw new GraphError(
    400,
    'invalidRequest',
    `@microsoft.graph.conflictBehavior ${String(value)} is not fail, replace or rename`,
  );
}

/** `$select=a,b`: only those properties, as Graph answers. */
function select(json: Record<string, unknown>, url: URL): Record<string, unknown> {
  const wanted = url.searchParams.get('$select');
  if (wanted === null || wanted === '') return json;
  const names = new Set(wanted.split(',').map((s) => s.trim()));
  return Object.fromEntries(Object.entries(json).filter(([key]) => names.has(key)));
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = [];
    let size = 0;
    req.on('data', (piece: Buffer) => {
      size += piece.length;
      if (size > limit) {
        req.destroy();
        reject(new GraphError(400, 'invalidRequest', 'the body is longer than declared'));
        return;
      }
      pieces.push(piece);
    });
    req.once('end', () => {
      if (req.complete) resolve(Buffer.concat(pieces));
      else reject(new Error('the client went away mid-body'));
    });
    req.once('aborted', () => reject(new Error('the client went away mid-body')));
    req.once('error', reject);
  });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(req, 1024 * 1024)).toString('utf8');
  if (text.trim() === '') return {};
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && !Array.isArray(body))
      return body as Record<string, unknown>;
  } catch {
    // Answered below.
  }
  throw new GraphError(400, 'invalidRequest', 'the body is not a JSON object');
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function sendGraphError(res: ServerResponse, error: GraphError, extra: Record<string, unknown> = {}): void {
  sendJson(
    res,
    error.status,
    { error: { code: error.code, message: error.message, ...extra } },
    error.headers,
  );
}

function internal(error: unknown): GraphError {
  return new GraphError(500, 'generalException', error instanceof Error ? error.message : String(error));
}
