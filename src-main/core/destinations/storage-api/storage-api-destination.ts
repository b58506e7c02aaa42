import type { z } from 'zod';
import { endpointProblem, originOf } from '../../../../src-shared/endpoints.ts';
import { TransferFault } from '../../faults.ts';
import {
  type BesideFile,
  type Chunk,
  type Destination,
  type FinishStep,
  type HeldFile,
  type RemoteFile,
  type RemoteOffset,
  type RemoteSession,
  sidecarToSend,
  type UploadItem,
} from '../destination.ts';
import type { HttpClient, HttpRequest } from '../http-client.ts';
import { faultFromResponse } from '../http-fault.ts';
import { multipartBody, streamOf } from '../multipart-body.ts';
import type { OriginRules } from '../provider-context.ts';
import { rangeEnd } from '../range-header.ts';
import {
  createSessionAnswer,
  finalizeAnswer,
  healthAnswer,
  recordingsAnswer,
  statusAnswer,
} from './storage-api-schemas.ts';

export interface StorageApiOptions {
  baseUrl: () => string;
  /** The API token; throws an `auth` fault when it may not be used (the URL moved since it was given). */
  token: () => Promise<string | null>;
  /** Origins besides the base URL's that the policy lets receive uploads (and the token). */
  origins: () => OriginRules;
  http: HttpClient;
  now?: () => number;
}

/** The company storage API (docs/storage-api.md): resumable when the server offers chunk_size. */
export class StorageApiDestination implements Destination {
  readonly kind = 'storage-api' as const;
  readonly hashes = ['sha256'] as const;
  readonly #options: StorageApiOptions;
  /** The optional extensions the server's /health names (docs/storage-api.md §13), asked once. */
  #extensions: Promise<readonly string[]> | null = null;

  constructor(options: StorageApiOptions) {
    this.#options = options;
  }

  /** Which optional extensions the server offers: only those are ever called. */
  extensions(signal: AbortSignal): Promise<readonly string[]> {
    this.#extensions ??= this.#askExtensions(signal).catch((error: unknown) => {
      this.#extensions = null;
      throw error;
    });
    return this.#extensions;
  }

  async #askExtensions(signal: AbortSignal): Promise<readonly string[]> {
    const what = 'GET /health';
    const response = await this.#request({ method: 'GET', url: this.#url('/health'), what }, signal);
    if (!response.ok) throw await this.#fault(response, what);
    const text = await response.text();
    try {
      const parsed = healthAnswer.safeParse(JSON.parse(text));
      return parsed.success ? (parsed.data.extensions ?? []) : [];
    } catch {
      // A body that is not JSON is allowed (the body of /health is optional): no extensions.
      return [];
    }
  }

  async listHeld(signal: AbortSignal): Promise<HeldFile[]> {
    const what = 'GET /recordings';
    const response = await this.#request({ method: 'GET', url: this.#url('/recordings'), what }, signal);
    if (response.status === 404 || response.status === 405 || response.status === 501) {
      await response.body?.cancel();
      throw new TransferFault(
        'rejected',
        `the storage API server does not list its recordings (GET /recordings answered ${response.status}): there is nothing to reconcile with`,
      );
    }
    if (!response.ok) throw await this.#fault(response, what);
    const recordings = await this.#options.http.json(response, recordingsAnswer, this.#what(what));
    return recordings.map((r) => ({
      id: r.file_id,
      name: r.file_name,
      sizeBytes: r.file_size,
      hashes: r.sha256 ? { sha256: r.sha256.toLowerCase() } : {},
    }));
  }

  /** The heartbeat, by the optional heartbeat extension: POST /heartbeat. */
  async writeHeartbeat(_name: string, bytes: Uint8Array, signal: AbortSignal): Promise<boolean> {
    if (!(await this.extensions(signal)).includes('heartbeat')) return false;
    const what = 'POST /heartbeat';
    const headers = { 'content-type': 'application/json' };
    const response = await this.#request(
      { method: 'POST', url: this.#url('/heartbeat'), headers, body: bytes, what },
      signal,
    );
    if (!response.ok) throw await this.#fault(response, what);
    await response.body?.cancel();
    return true;
  }

  /** The receipt, by the optional receipts extension: PUT /recordings/{file_id}/receipt. */
  async placeBeside(
    _item: UploadItem,
    video: RemoteFile,
    file: BesideFile,
    signal: AbortSignal,
  ): Promise<boolean> {
    if (!(await this.extensions(signal)).includes('receipts')) return false;
    const what = 'PUT /recordings/{file_id}/receipt';
    const url = this.#url(`/recordings/${encodeURIComponent(video.id)}/receipt`);
    const headers = { 'content-type': 'application/json' };
    const response = await this.#request({ method: 'PUT', url, headers, body: file.bytes, what }, signal);
    if (!response.ok) throw await this.#fault(response, what);
    await response.body?.cancel();
    return true;
  }

  async testConnection(signal: AbortSignal): Promise<void> {
    const response = await this.#request(
      { method: 'GET', url: this.#url('/health'), what: 'GET /health' },
      signal,
    );
    if (!response.ok) throw await this.#fault(response, 'GET /health');
    await response.body?.cancel();
  }

  /** By name and size: the listing names no recording id, so the chunk loop counts one only by its sha256. */
  async findExisting(item: UploadItem, signal: AbortSignal): Promise<RemoteFile[]> {
    return this.#listed((r) => r.file_name === item.fileName && r.file_size === item.sizeBytes, signal);
  }

  /** The recordings in the server's listing that match, each with its sha256 where the server gives one. */
  async #listed(
    matches: (recording: z.infer<typeof recordingsAnswer>[number]) => boolean,
    signal: AbortSignal,
  ): Promise<RemoteFile[]> {
    const what = 'GET /recordings';
    const response = await this.#request({ method: 'GET', url: this.#url('/recordings'), what }, signal);
    // The listing is optional for a server: without it there is nothing to find.
    if (response.status === 404 || response.status === 405 || response.status === 501) {
      await response.body?.cancel();
      return [];
    }
    if (!response.ok) throw await this.#fault(response, what);
    const recordings = await this.#options.http.json(response, recordingsAnswer, this.#what(what));
    return recordings.filter(matches).map((match) => ({
      id: match.file_id,
      url: match.url ?? null,
      hashes: match.sha256 ? { sha256: match.sha256 } : {},
    }));
  }

  async startSession(item: UploadItem, signal: AbortSignal): Promise<RemoteSession> {
    const what = 'POST /uploads/create-session';
    const sidecar = item.sidecar?.json ?? null;
    const connectionInfo = sidecar?.connection_info;
    const response = await this.#request(
      {
        method: 'POST',
        url: this.#url('/uploads/create-session'),
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          session_id: item.recordingId,
          file_name: item.fileName,
          file_size: item.sizeBytes,
          connection_info:
            typeof connectionInfo === 'object' && connectionInfo !== null ? connectionInfo : null,
          metadata: sidecar,
        }),
        what,
      },
      signal,
    );
    if (response.status !== 200 && response.status !== 201) throw await this.#fault(response, what);
    const answer = await this.#options.http.json(response, createSessionAnswer, this.#what(what));
    const expiresAt = answer.expires_at ? Date.parse(answer.expires_at) : Number.NaN;
    const chunkSize = answer.chunk_size ?? null;
    return {
      mode: chunkSize === null ? 'single' : 'chunked',
      chunkMultiple: chunkSize ?? 1,
      maxChunkBytes: null,
      expiresAt: Number.isNaN(expiresAt) ? null : expiresAt,
      state: {
        sid: answer.session_id,
        videoUrl: answer.video_upload_url ?? null,
        metadataUrl: answer.metadata_upload_url ?? null,
      },
    };
  }

  async probe(session: RemoteSession, item: UploadItem, signal: AbortSignal): Promise<RemoteOffset> {
    const status = await this.#status(session, signal);
    if (status.status === 'expired') {
      throw new TransferFault('session-gone', `storage API session ${sid(session)} has expired`);
    }
    if (status.status === 'completed') {
      const fileId = status.file_id ?? null;
      if (fileId === null) return { complete: true, file: null };
      // Committed already (a crash after finalize): nothing is sent again. The status carries no
      // hash, so the listing is asked for one; without it the upload is done but unverified.
      const [listed] = await this.#listed((r) => r.file_id === fileId, signal);
      return { complete: true, file: listed ?? { id: fileId, url: null, hashes: {} } };
    }
    if (session.mode === 'single') {
      return { complete: false, confirmed: status.received_bytes === item.sizeBytes ? item.sizeBytes : 0 };
    }
    return this.#putRange(
      session,
      `bytes */${item.sizeBytes}`,
      new Uint8Array(0),
      'PUT video (probe)',
      signal,
    );
  }

  putChunk(session: RemoteSession, chunk: Chunk, signal: AbortSignal): Promise<RemoteOffset> {
    const end = chunk.start + chunk.bytes.byteLength - 1;
    const range =
      chunk.bytes.byteLength === 0 ? `bytes */${chunk.total}` : `bytes ${chunk.start}-${end}/${chunk.total}`;
    return this.#putRange(session, range, chunk.bytes, 'PUT video chunk', signal);
  }

  async sendWhole(
    session: RemoteSession,
    item: UploadItem,
    body: ReadableStream<Uint8Array>,
    signal: AbortSignal,
  ): Promise<void> {
    await this.#postFile(
      session,
      'video',
      item.fileName,
      'application/octet-stream',
      body,
      item.sizeBytes,
      signal,
    );
  }

  async finish({ session, item, local, signal }: FinishStep): Promise<RemoteFile> {
    await this.#sendSidecar(session, item, signal);
    const what = 'POST /uploads/{id}/finalize';
    const response = await this.#request(
      {
        method: 'POST',
        url: this.#url(`/uploads/${encodeURIComponent(sid(session))}/finalize`),
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ file_size: item.sizeBytes, sha256: local.sha256 }),
        what,
      },
      signal,
    );
    if (!response.ok) throw await this.#finalizeFault(response, what);
    const answer = await this.#options.http.json(response, finalizeAnswer, this.#what(what));
    return {
      id: answer.file_id,
      url: answer.url ?? null,
      hashes: answer.sha256 ? { sha256: answer.sha256 } : {},
    };
  }

  /**
   * The protocol names a hash mismatch by the error body's `code` (`sha256_mismatch`), whatever
   * the server's words: any other 400, even one that mentions sha256, is a refused request.
   */
  async #finalizeFault(response: Response, what: string): Promise<TransferFault> {
    const text = await response.text().catch(() => '');
    const replay = new Response(text, { status: response.status, headers: response.headers });
    const fault = await this.#fault(replay, what, true);
    if (response.status === 400 && errorCode(text) === SHA256_MISMATCH) {
      return new TransferFault('hash-mismatch', fault.message, { status: response.status });
    }
    return fault;
  }

  /** A server without DELETE /recordings keeps the damaged copy; the job's reason says so. */
  async discard(file: RemoteFile, signal: AbortSignal): Promise<void> {
    const what = 'DELETE /recordings/{id}';
    const url = this.#url(`/recordings/${encodeURIComponent(file.id)}`);
    const response = await this.#request({ method: 'DELETE', url, what }, signal);
    // Gone already is as good as deleted.
    if (!response.ok && response.status !== 404) throw await this.#fault(response, what);
    await response.body?.cancel();
  }

  async #sendSidecar(session: RemoteSession, item: UploadItem, signal: AbortSignal): Promise<void> {
    // A sidecar that is not valid JSON is reported on the job and not sent: the server expects JSON.
    const sidecar = sidecarToSend(item);
    if (sidecar === null) return;
    const { bytes } = sidecar;
    const metadataUrl = session.state.metadataUrl;
    if (typeof metadataUrl === 'string') {
      const what = 'PUT metadata';
      const response = await this.#request(
        {
          method: 'PUT',
          url: metadataUrl,
          headers: { 'content-type': 'application/json' },
          body: bytes,
          what,
        },
        signal,
      );
      if (!response.ok) throw await this.#fault(response, what, true);
      await response.body?.cancel();
      return;
    }
    const name = sidecar.path.split(/[\\/]/).pop() ?? 'metadata.json';
    await this.#postFile(
      session,
      'metadata',
      name,
      'application/json',
      streamOf(bytes),
      bytes.byteLength,
      signal,
    );
  }

  async #postFile(
    session: RemoteSession,
    fileType: 'video' | 'metadata',
    fileName: string,
    contentType: string,
    stream: ReadableStream<Uint8Array>,
    sizeBytes: number,
    signal: AbortSignal,
  ): Promise<void> {
    const what = `POST /uploads/{id}/file (${fileType})`;
    const form = multipartBody([{ name: 'file_type', value: fileType }], {
      name: 'file',
      fileName,
      contentType,
      body: stream,
      sizeBytes,
    });
    const response = await this.#request(
      {
        method: 'POST',
        url: this.#url(`/uploads/${encodeURIComponent(sid(session))}/file`),
        headers: { 'content-type': form.contentType, 'content-length': String(form.contentLength) },
        body: form.body,
        what,
      },
      signal,
    );
    if (!response.ok) throw await this.#fault(response, what, true);
    await response.body?.cancel();
  }

  async #putRange(
    session: RemoteSession,
    contentRange: string,
    bytes: Uint8Array,
    what: string,
    signal: AbortSignal,
  ): Promise<RemoteOffset> {
    const response = await this.#request(
      {
        method: 'PUT',
        url: this.#videoUrl(session),
        headers: { 'content-range': contentRange, 'content-type': 'application/octet-stream' },
        body: bytes,
        what,
      },
      signal,
    );
    if (response.status === 308) {
      await response.body?.cancel();
      return { complete: false, confirmed: rangeEnd(response.headers.get('range'), `storage API ${what}`) };
    }
    if (response.status === 200 || response.status === 201) {
      await response.body?.cancel();
      return { complete: true, file: null };
    }
    throw await this.#fault(response, what, true);
  }

  async #status(session: RemoteSession, signal: AbortSignal) {
    const what = 'GET /uploads/{id}/status';
    const url = this.#url(`/uploads/${encodeURIComponent(sid(session))}/status`);
    const response = await this.#request({ method: 'GET', url, what }, signal);
    if (!response.ok) throw await this.#fault(response, what, true);
    return this.#options.http.json(response, statusAnswer, this.#what(what));
  }

  async #request(request: HttpRequest, signal: AbortSignal): Promise<Response> {
    this.#checkDestination(request);
    const token = await this.#options.token();
    if (token === null || token === '') {
      throw new TransferFault('auth', 'no API token is set for the storage API');
    }
    const headers = { ...request.headers, authorization: `Bearer ${token}` };
    return this.#options.http.send({ ...request, headers, what: this.#what(request.what) }, signal);
  }

  /**
   * The token goes to the base URL's origin only. An upload URL the server names elsewhere is
   * refused (nothing is sent there, token or bytes) unless the policy lists its origin; and every
   * address must be https, or loopback, or a plain-http origin the policy allows.
   */
  #checkDestination(request: HttpRequest): void {
    const base = originOf(this.#options.baseUrl());
    const target = originOf(request.url);
    const rules = this.#options.origins();
    const what = this.#what(request.what);
    if (target === null) {
      throw new TransferFault(
        'rejected',
        `${what}: the server named an address that is not http(s): refused`,
      );
    }
    if (target !== base && !rules.uploadOrigins.includes(target)) {
      throw new TransferFault(
        'rejected',
        `${what}: the server named ${target} for the upload, which is not the storage API's own origin (${base}); nothing was sent there. An administrator can allow that origin with the policy's uploadOrigins`,
      );
    }
    const problem = endpointProblem(request.url, rules.plainHttpOrigins);
    if (problem !== null) throw new TransferFault('rejected', `${what}: the address ${target} ${problem}`);
  }

  #fault(response: Response, what: string, sessionUrl = false): Promise<TransferFault> {
    const context = {
      what: this.#what(what),
      sessionUrl,
      ...(this.#options.now ? { now: this.#options.now() } : {}),
    };
    return faultFromResponse(response, context);
  }

  #what(what: string): string {
    return what.startsWith('storage API') ? what : `storage API ${what}`;
  }

  #url(path: string): string {
    const base = this.#options.baseUrl().replace(/\/+$/, '');
    if (base === '')
      throw new TransferFault('rejected', 'no storage API URL is set (setting storageApiBaseUrl)');
    return `${base}${path}`;
  }

  #videoUrl(session: RemoteSession): string {
    const url = session.state.videoUrl;
    return typeof url === 'string' ? url : this.#url(`/uploads/${encodeURIComponent(sid(session))}/file`);
  }
}

/** The error code of a finalize whose sha256 differs from the stored bytes' (docs/storage-api.md §6). */
export const SHA256_MISMATCH = 'sha256_mismatch';

/** The `code` of a JSON error body; null when the body is not JSON or has none. */
export function errorCode(bodyText: string): string | null {
  try {
    const body: unknown = JSON.parse(bodyText);
    if (typeof body !== 'object' || body === null) return null;
    const code = (body as { code?: unknown }).code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}

function sid(session: RemoteSession): string {
  const value = session.state.sid;
  if (typeof value !== 'string') throw new TransferFault('rejected', 'storage API session has no id');
  return value;
}
