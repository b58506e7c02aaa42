import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type FaultName,
  type RequestKind,
  type StatusAnswer,
  StorageFaults,
} from './storage-api-peer-faults.ts';
import { type GatePoint, StorageGates } from './storage-api-peer-gates.ts';
import {
  ConnectionGone,
  drain,
  HttpError,
  readJson,
  requireJsonContentType,
} from './storage-api-peer-http.ts';
import {
  type NewSession,
  type StoredRecording,
  statusOf,
  UploadRegistry,
  type UploadSession,
  type UploadStatus,
} from './storage-api-peer-sessions.ts';
import {
  type Answer,
  finalize,
  receiveChunk,
  receiveMetadataPut,
  receiveMultipart,
  type UploadContext,
} from './storage-api-peer-uploads.ts';

export type { FaultName, RequestKind, StorageFaults } from './storage-api-peer-faults.ts';
export type {
  GatePoint,
  HeldRequest,
  HoldOptions,
  RequestGate,
  StorageGates,
} from './storage-api-peer-gates.ts';
export type { StoredRecording, UploadStatus } from './storage-api-peer-sessions.ts';

/** The storage API's optional extensions that this peer can play. */
export const STORAGE_EXTENSIONS = ['receipts', 'heartbeat'] as const;
export type StorageExtension = (typeof STORAGE_EXTENSIONS)[number];

export interface StoragePeerOptions {
  /** The API token every request must carry as `Authorization: Bearer`; random by default. */
  token?: string;
  /** Offered in create-session (resumable mode); `null` = single-request mode. Default 5 MiB. */
  chunkSize?: number | null;
  /** How long an unfinished upload session lives. Default one hour. */
  sessionTtlMs?: number;
  /** Where stored bytes go; a fresh temp folder (removed on close) by default. */
  storeDir?: string;
  /** Include `video_upload_url` / `metadata_upload_url` in the create-session answer. Default true. */
  giveUploadUrls?: boolean;
  /** Report sha256 in finalize answers and the listing (optional in the protocol). Default true. */
  announceHashes?: boolean;
  /**
   * The server's own words for a sha256 mismatch at finalize (the `detail`); the `code` is always
   * the protocol's `sha256_mismatch`. Default: this server's English sentence.
   */
  mismatchDetail?: string;
  /**
   * The optional extensions this server has (docs/storage-api.md §13), named in its /health
   * answer; an endpoint of one it lacks answers 404, as on a server that never heard of it.
   * Default: every extension the peer plays.
   */
  extensions?: readonly StorageExtension[];
  /** The port to listen on; a random free one by default. A server started again on the same port (and storeDir) is the same server back from an outage. */
  port?: number;
  /**
   * The host the upload URLs name (e.g. `localhost`): this same server, reached under another
   * origin, as a server whose uploads go to a separate upload host. Default 127.0.0.1, the API's own.
   */
  uploadHost?: string;
  /**
   * Where the upload URLs point instead, whatever the scheme (`smb://files.example/share`,
   * `file:///srv/loot`): a hostile or broken server sending the client's bytes and token elsewhere.
   */
  uploadBase?: string;
}

/** One request as the server saw it. Never the token: only whether an Authorization header came. */
export interface RequestLogEntry {
  method: string;
  path: string;
  kind: RequestKind | null;
  /** The answer's status; null when the connection ended without one (reset, client gone). */
  status: number | null;
  contentRange: string | null;
  hadAuthorization: boolean;
  /** The Host header: which origin the client sent the request to. */
  host: string;
  /** The fault that fired on this request, if any. */
  fault: FaultName | null;
  /** When the request arrived (epoch ms), so tests can measure the client's waits. */
  at: number;
}

export interface UploadSessionView {
  id: string;
  recordingSessionId: string;
  fileName: string;
  fileSize: number;
  chunkSize: number | null;
  receivedBytes: number;
  status: UploadStatus;
  fileId: string | null;
  expiresAt: string;
  /** The sidecar JSON received for this session, if any. */
  metadata: unknown;
  /** The filename of the multipart `file` part that carried the video (single-request mode), as parsed. */
  videoPartFileName: string | null;
}

export interface StoragePeer {
  /** e.g. `http://127.0.0.1:PORT/api` */
  readonly baseUrl: string;
  /** `http://127.0.0.1:PORT`: the upload URLs live outside the base path, as in the protocol's example. */
  readonly origin: string;
  /** The origin the upload URLs name: the API's own unless `uploadHost` says otherwise. */
  readonly uploadOrigin: string;
  readonly storeDir: string;
  /** The token the server accepts now; assigning it (or setToken) revokes the old one. */
  token: string;
  setToken(token: string): void;
  readonly faults: StorageFaults;
  /** Hold a request at an exact point (arrival, or before its answer) until the test releases it. */
  readonly gates: StorageGates;
  /** Every request so far, in arrival order. */
  readonly requests: readonly RequestLogEntry[];
  clearRequests(): void;
  /** Finalized recordings, including any a `wrongSha256` fault announced with a wrong hash. */
  recordings(): StoredRecording[];
  /** Where a recording's bytes are on disk (for big files). */
  recordingPath(fileId: string): string;
  /** A recording's bytes, read whole: for small files only. */
  readRecording(fileId: string): Promise<Buffer>;
  sessions(): UploadSessionView[];
  /** Every heartbeat received by the heartbeat extension, oldest first. */
  readonly heartbeats: readonly unknown[];
  /** The receipt placed for a recording by the receipts extension, as JSON; undefined if none. */
  receipt(fileId: string): unknown;
  close(): Promise<void>;
}

const DEFAULT_CHUNK_SIZE = 5 * 1024 * 1024;
const DEFAULT_TTL_MS = 60 * 60 * 1000;
const JSON_BODY_LIMIT = 1024 * 1024;

interface Route {
  kind: RequestKind;
  sessionId?: string;
  fileId?: string;
}

/** Starts the company storage API server of docs/storage-api.md on 127.0.0.1, on a random port. */
export async function startStoragePeer(options: StoragePeerOptions = {}): Promise<StoragePeer> {
  const chunkSize = options.chunkSize === undefined ? DEFAULT_CHUNK_SIZE : options.chunkSize;
  if (chunkSize !== null && (!Number.isSafeInteger(chunkSize) || chunkSize <= 0)) {
    throw new Error(`chunkSize must be a positive integer or null, got ${chunkSize}`);
  }
  const ownsStore = options.storeDir === undefined;
  const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'storage-api-peer-'));
  const peer = new StorageApiServer({
    token: options.token ?? `tok_${randomBytes(16).toString('hex')}`,
    chunkSize,
    giveUploadUrls: options.giveUploadUrls ?? true,
    announceHashes: options.announceHashes ?? true,
    mismatchDetail: options.mismatchDetail ?? null,
    extensions: options.extensions ?? STORAGE_EXTENSIONS,
    uploadHost: options.uploadHost ?? '127.0.0.1',
    uploadBase: options.uploadBase ?? null,
    registry: new UploadRegistry(storeDir, options.sessionTtlMs ?? DEFAULT_TTL_MS),
    storeDir,
    ownsStore,
  });
  await peer.listen(options.port ?? 0);
  return peer;
}

interface ServerConfig {
  token: string;
  chunkSize: number | null;
  giveUploadUrls: boolean;
  announceHashes: boolean;
  mismatchDetail: string | null;
  extensions: readonly StorageExtension[];
  uploadHost: string;
  uploadBase: string | null;
  registry: UploadRegistry;
  storeDir: string;
  ownsStore: boolean;
}

class StorageApiServer implements StoragePeer {
  readonly storeDir: string;
  readonly faults: StorageFaults;
  readonly gates = new StorageGates();
  readonly requests: RequestLogEntry[] = [];
  private readonly receipts = new Map<string, unknown>();
  readonly heartbeats: unknown[] = [];
  token: string;
  private readonly config: ServerConfig;
  private readonly registry: UploadRegistry;
  private readonly server: Server;
  private port = 0;

  constructor(config: ServerConfig) {
    this.config = config;
    this.token = config.token;
    this.storeDir = config.storeDir;
    this.registry = config.registry;
    this.faults = new StorageFaults((sessionId) => {
      const session = this.registry.find(sessionId);
      if (!session) throw new Error(`no upload session ${sessionId} to expire`);
      this.registry.expire(session);
    });
    // Long uploads must not be cut by Node's default request time-out: a real server would let them run.
    this.server = createServer({ requestTimeout: 0 }, (req, res) => void this.handle(req, res));
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get baseUrl(): string {
    return `${this.origin}/api`;
  }

  get uploadOrigin(): string {
    return this.config.uploadBase ?? `http://${this.config.uploadHost}:${this.port}`;
  }

  setToken(token: string): void {
    this.token = token;
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  recordings(): StoredRecording[] {
    return this.registry.recordings();
  }

  recordingPath(fileId: string): string {
    const found = this.registry.recording(fileId);
    if (!found) throw new Error(`no recording ${fileId}`);
    return found.path;
  }

  readRecording(fileId: string): Promise<Buffer> {
    return readFile(this.recordingPath(fileId));
  }

  sessions(): UploadSessionView[] {
    return this.registry.all().map((session) => ({
      id: session.id,
      recordingSessionId: session.recordingSessionId,
      fileName: session.fileName,
      fileSize: session.fileSize,
      chunkSize: session.chunkSize,
      receivedBytes: session.received,
      status: statusOf(session),
      fileId: session.finalized?.answer.file_id ?? null,
      expiresAt: new Date(session.expiresAt).toISOString(),
      metadata: session.metadata?.value ?? null,
      videoPartFileName: session.videoPartFileName,
    }));
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.gates.releaseAll();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
    if (this.config.ownsStore) rmSync(this.storeDir, { recursive: true, force: true });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const entry: RequestLogEntry = {
      method: req.method ?? '',
      path: url.pathname,
      kind: null,
      status: null,
      contentRange: req.headers['content-range'] ?? null,
      hadAuthorization: req.headers.authorization !== undefined,
      host: req.headers.host ?? '',
      fault: null,
      at: Date.now(),
    };
    this.requests.push(entry);
    try {
      const answer = await this.dispatch(req, url.pathname, entry);
      await drain(req);
      await this.gate('answer', entry, req);
      send(res, entry, answer);
    } catch (error) {
      if (error instanceof ConnectionGone || req.socket.destroyed) {
        res.destroy();
        return;
      }
      await drain(req);
      send(res, entry, toAnswer(error));
    } finally {
      this.gates.settled(req);
    }
  }

  private async dispatch(req: IncomingMessage, path: string, entry: RequestLogEntry): Promise<Answer> {
    const answer = await this.route(req, path, entry);
    return this.config.announceHashes ? answer : withoutSha256(answer);
  }

  private async route(req: IncomingMessage, path: string, entry: RequestLogEntry): Promise<Answer> {
    this.authorize(req);
    const route = matchRoute(req.method ?? '', path, req.headers['content-range']);
    entry.kind = route.kind;
    await this.gate('arrival', entry, req);
    const fault = this.faults.takeStatusFault(route.kind);
    if (fault) {
      entry.fault = fault.retryAfterSeconds === null ? 'server-error' : 'throttle';
      if (fault.echoAuthorization === true) return echoAnswer(fault.status, req.headers.authorization ?? '');
      return faultAnswer(fault);
    }
    if (route.sessionId !== undefined) return this.sessionRoute(req, route, route.sessionId, entry);
    switch (route.kind) {
      case 'health':
        return { status: 200, body: { status: 'ok', extensions: this.config.extensions } };
      case 'receipt':
        return this.receiptRoute(req, route.fileId ?? '');
      case 'heartbeat':
        return this.heartbeatRoute(req);
      case 'create':
        return this.createSession(req);
      case 'recordings':
        return route.fileId === undefined ? this.listRecordings() : this.describeRecording(route.fileId);
      case 'delete':
        return this.deleteRecording(route.fileId ?? '');
      default:
        throw new Error(`route ${route.kind} needs an upload session`);
    }
  }

  private gate(at: GatePoint, entry: RequestLogEntry, req: IncomingMessage): Promise<void> {
    if (entry.kind === null) return Promise.resolve();
    const { method, path, kind, contentRange } = entry;
    return this.gates.pass(at, { method, path, kind, contentRange }, req);
  }

  private authorize(req: IncomingMessage): void {
    const header = req.headers.authorization;
    const challenge = { headers: { 'WWW-Authenticate': 'Bearer realm="storage"' } };
    if (header === undefined)
      throw new HttpError(401, 'Authorization: Bearer <token> is required', challenge);
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new HttpError(401, 'the Authorization header is not a Bearer token', challenge);
    if (match[1] !== this.token) throw new HttpError(401, 'the API token is not valid', challenge);
  }

  private sessionRoute(
    req: IncomingMessage,
    route: Route,
    sessionId: string,
    entry: RequestLogEntry,
  ): Promise<Answer> {
    const session = this.registry.find(sessionId);
    if (!session) throw new HttpError(404, `no upload session ${sessionId}`);
    if (!session.finalized && !session.expired && this.faults.takeExpiry()) {
      this.registry.expire(session);
      entry.fault = 'expire';
    }
    if (route.kind === 'status') return Promise.resolve(statusAnswer(session));
    if (session.expired) throw new HttpError(404, `upload session ${sessionId} has expired`);
    const ctx: UploadContext = {
      req,
      session,
      registry: this.registry,
      faults: this.faults,
      baseUrl: this.baseUrl,
      mismatchDetail: this.config.mismatchDetail,
      noteFault: (fault) => {
        entry.fault = fault;
      },
    };
    switch (route.kind) {
      case 'chunk':
      case 'probe':
        return receiveChunk(ctx);
      case 'multipart':
        return receiveMultipart(ctx);
      case 'metadata':
        return receiveMetadataPut(ctx);
      case 'finalize':
        return finalize(ctx);
      default:
        throw new Error(`route ${route.kind} takes no upload session`);
    }
  }

  private async createSession(req: IncomingMessage): Promise<Answer> {
    requireJsonContentType(req, 'the create-session body');
    const spec = readNewSession(
      await readJson(req, JSON_BODY_LIMIT, 'the create-session body'),
      this.config.chunkSize,
    );
    const session = this.registry.create(spec);
    const body: Record<string, unknown> = {
      session_id: session.id,
      expires_at: new Date(session.expiresAt).toISOString(),
    };
    if (this.config.giveUploadUrls) {
      body.video_upload_url = `${this.uploadOrigin}/upload/video/${session.id}`;
      body.metadata_upload_url = `${this.uploadOrigin}/upload/metadata/${session.id}`;
    }
    if (session.chunkSize !== null) body.chunk_size = session.chunkSize;
    return { status: 201, body };
  }

  /** The receipts extension: PUT stores a recording's receipt (a JSON object), GET gives it back. */
  private async receiptRoute(req: IncomingMessage, fileId: string): Promise<Answer> {
    if (!this.config.extensions.includes('receipts')) throw new HttpError(404, `no endpoint ${req.url}`);
    if (!this.registry.recording(fileId)) throw new HttpError(404, `no recording ${fileId}`);
    if (req.method === 'GET') {
      const stored = this.receipts.get(fileId);
      if (stored === undefined) throw new HttpError(404, `no receipt for recording ${fileId}`);
      return { status: 200, body: stored };
    }
    requireJsonContentType(req, 'a receipt');
    const body = await readJson(req, JSON_BODY_LIMIT, 'the receipt');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new HttpError(400, 'a receipt must be a JSON object');
    }
    this.receipts.set(fileId, body);
    return { status: 204 };
  }

  /** The heartbeat extension: POST /heartbeat keeps the machine's JSON. */
  private async heartbeatRoute(req: IncomingMessage): Promise<Answer> {
    if (!this.config.extensions.includes('heartbeat')) throw new HttpError(404, `no endpoint ${req.url}`);
    requireJsonContentType(req, 'a heartbeat');
    const body = await readJson(req, JSON_BODY_LIMIT, 'the heartbeat');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new HttpError(400, 'a heartbeat must be a JSON object');
    }
    this.heartbeats.push(body);
    return { status: 204 };
  }

  receipt(fileId: string): unknown {
    return this.receipts.get(fileId);
  }

  private listRecordings(): Answer {
    return { status: 200, body: this.registry.recordings().map(recordingBody) };
  }

  private describeRecording(fileId: string): Answer {
    const found = this.registry.recording(fileId);
    if (!found) throw new HttpError(404, `no recording ${fileId}`);
    return { status: 200, body: recordingBody(found) };
  }

  private deleteRecording(fileId: string): Answer {
    if (!this.registry.deleteRecording(fileId)) throw new HttpError(404, `no recording ${fileId}`);
    return { status: 204 };
  }
}

/** The token both as the header had it and bare, in the server's words: what a careless server does. */
function echoAnswer(status: number, authorization: string): Answer {
  const bare = authorization.replace(/^Bearer\s+/i, '');
  return {
    status,
    body: {
      detail: `the credentials ${bare} may not write to this bucket (you sent Authorization: ${authorization})`,
    },
  };
}

/** A server that keeps its hashes to itself, as the protocol allows: sha256 is optional everywhere. */
function withoutSha256(answer: Answer): Answer {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (typeof value !== 'object' || value === null) return value;
    const { sha256: _hidden, ...rest } = value as Record<string, unknown>;
    return rest;
  };
  return 'body' in answer && answer.body !== undefined ? { ...answer, body: strip(answer.body) } : answer;
}

const recordingBody = (recording: StoredRecording): Record<string, unknown> => ({
  file_id: recording.fileId,
  file_name: recording.fileName,
  file_size: recording.fileSize,
  sha256: recording.sha256,
  session_id: recording.sessionId,
  created_at: recording.createdAt,
});

const statusAnswer = (session: UploadSession): Answer => ({
  status: 200,
  body: {
    session_id: session.id,
    status: statusOf(session),
    received_bytes: session.received,
    file_size: session.fileSize,
    file_id: session.finalized?.answer.file_id ?? null,
    expires_at: new Date(session.expiresAt).toISOString(),
  },
});

function faultAnswer({ status, retryAfterSeconds, retryAfterForm, detail }: StatusAnswer): Answer {
  if (retryAfterSeconds === null)
    return { status, body: { detail: detail ?? `the storage server failed (${status})` } };
  // An HTTP date has whole seconds: the wait it gives is up to a second shorter than asked.
  const retryAfter =
    retryAfterForm === 'http-date'
      ? new Date(Date.now() + retryAfterSeconds * 1000).toUTCString()
      : String(retryAfterSeconds);
  return {
    status,
    headers: { 'Retry-After': retryAfter },
    body: { detail: `too many requests: retry after ${retryAfterSeconds} s` },
  };
}

const SESSION_PATH = /^\/api\/uploads\/([^/]+)\/(file|finalize|status)$/;
const UPLOAD_URL_PATH = /^\/upload\/(video|metadata)\/([^/]+)$/;
const RECORDING_PATH = /^\/api\/recordings\/([^/]+)$/;
const RECEIPT_PATH = /^\/api\/recordings\/([^/]+)\/receipt$/;

/** Which endpoint a request is for; 404 for no endpoint, 405 for a known path with another method. */
const matchRoute = (method: string, path: string, contentRange: string | undefined): Route => {
  const allow = (allowed: Record<string, Route>): Route => {
    const route = allowed[method];
    if (route) return route;
    throw new HttpError(405, `${method} is not allowed on ${path}`, {
      headers: { Allow: Object.keys(allowed).join(', ') },
    });
  };
  const chunkKind: RequestKind = contentRange?.startsWith('bytes */') ? 'probe' : 'chunk';
  if (path === '/api/health') return allow({ GET: { kind: 'health' } });
  if (path === '/api/uploads/create-session') return allow({ POST: { kind: 'create' } });
  if (path === '/api/recordings') return allow({ GET: { kind: 'recordings' } });
  if (path === '/api/heartbeat') return allow({ POST: { kind: 'heartbeat' } });
  const receipt = RECEIPT_PATH.exec(path);
  if (receipt) {
    const fileId = decodeURIComponent(receipt[1] ?? '');
    return allow({ GET: { kind: 'receipt', fileId }, PUT: { kind: 'receipt', fileId } });
  }
  const recording = RECORDING_PATH.exec(path);
  if (recording) {
    const fileId = decodeURIComponent(recording[1] ?? '');
    return allow({ GET: { kind: 'recordings', fileId }, DELETE: { kind: 'delete', fileId } });
  }
  const sessionPath = SESSION_PATH.exec(path);
  if (sessionPath) {
    const sessionId = decodeURIComponent(sessionPath[1] ?? '');
    if (sessionPath[2] === 'file') {
      return allow({ PUT: { kind: chunkKind, sessionId }, POST: { kind: 'multipart', sessionId } });
    }
    if (sessionPath[2] === 'finalize') return allow({ POST: { kind: 'finalize', sessionId } });
    return allow({ GET: { kind: 'status', sessionId } });
  }
  const uploadUrl = UPLOAD_URL_PATH.exec(path);
  if (uploadUrl) {
    const sessionId = decodeURIComponent(uploadUrl[2] ?? '');
    return allow({ PUT: { kind: uploadUrl[1] === 'video' ? chunkKind : 'metadata', sessionId } });
  }
  throw new HttpError(404, `no endpoint ${path}`);
};

const FILE_NAME_FORBIDDEN = /[/\\\0]/;

/** The create-session body, checked the way a strict server checks it. */
const readNewSession = (body: unknown, chunkSize: number | null): NewSession => {
  if (!isObject(body)) throw new HttpError(400, 'the create-session body must be a JSON object');
  const { session_id: sessionId, file_name: fileName, file_size: fileSize } = body;
  if (typeof sessionId !== 'string' || sessionId.length === 0 || sessionId.length > 512) {
    throw new HttpError(400, 'session_id must be a non-empty string of at most 512 characters');
  }
  if (typeof fileName !== 'string' || fileName.length === 0 || fileName.length > 255) {
    throw new HttpError(400, 'file_name must be a non-empty string of at most 255 characters');
  }
  if (FILE_NAME_FORBIDDEN.test(fileName)) {
    throw new HttpError(400, `file_name "${fileName}" may not contain "/", "\\" or NUL`);
  }
  // An empty recording is still a session that must be archived.
  if (typeof fileSize !== 'number' || !Number.isSafeInteger(fileSize) || fileSize < 0) {
    throw new HttpError(400, `file_size must be a whole number of bytes, got ${JSON.stringify(fileSize)}`);
  }
  return {
    recordingSessionId: sessionId,
    fileName,
    fileSize,
    connectionInfo: optionalObject(body, 'connection_info'),
    createMetadata: optionalObject(body, 'metadata'),
    chunkSize,
  };
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const optionalObject = (body: Record<string, unknown>, field: string): Record<string, unknown> | null => {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw new HttpError(400, `${field} must be a JSON object or null`);
  return value;
};

const toAnswer = (error: unknown): Answer => {
  if (error instanceof HttpError) {
    return { status: error.status, headers: error.headers, body: { detail: error.message, ...error.extra } };
  }
  console.error('storage API test server failed on a request:', error);
  return { status: 500, body: { detail: `internal error: ${(error as Error).message}` } };
};

const send = (res: ServerResponse, entry: RequestLogEntry, answer: Answer): void => {
  if (res.headersSent || res.destroyed) return;
  entry.status = answer.status;
  const payload = answer.body === undefined ? '' : JSON.stringify(answer.body);
  const headers: Record<string, string> = {
    ...answer.headers,
    'Content-Length': String(Buffer.byteLength(payload)),
  };
  if (payload !== '') headers['Content-Type'] = 'application/json';
  res.writeHead(answer.status, headers);
  res.end(payload);
};
