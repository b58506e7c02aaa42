import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { endpointProblem, originOf } from '../../../../src-shared/endpoints.ts';
import { TransferFault } from '../../faults.ts';
import type { HttpClient, HttpRequest } from '../http-client.ts';
import type { OriginRules } from '../provider-context.ts';
import { refusalOf } from '../server-named-address.ts';
import { driveFault } from './drive-fault.ts';
import {
  type AboutAnswer,
  about,
  type DriveFileAnswer,
  driveFile,
  driveList,
  FOLDER_FIELDS,
  FOLDER_MIME,
  fileList,
  sharedDrive,
} from './drive-schemas.ts';
import type { GoogleCredentials } from './google-credentials.ts';

export interface DriveApiOptions {
  baseUrl(): string;
  origins(): OriginRules;
  http: HttpClient;
  credentials: GoogleCredentials;
  now(): number;
}

export interface NewFileMetadata {
  name: string;
  parents: string[];
  mimeType: string;
  appProperties: Record<string, string>;
}

/** Shared drives are reached only when every call says it supports them. */
const ALL_DRIVES = { supportsAllDrives: 'true' } as const;
const LIST_ALL_DRIVES = { ...ALL_DRIVES, includeItemsFromAllDrives: 'true', corpora: 'allDrives' } as const;

/**
 * Drive v3 over the host's fetch: every call carries a current access token, and one refused
 * with 401 is tried once more with a freshly refreshed token before it counts as an auth fault.
 */
export class DriveApi {
  readonly #options: DriveApiOptions;

  constructor(options: DriveApiOptions) {
    this.#options = options;
  }

  url(path: string, params: Record<string, string> = {}): string {
    const base = this.#options.baseUrl().replace(/\/+$/, '');
    const query = new URLSearchParams(params).toString();
    return `${base}${path}${query === '' ? '' : `?${query}`}`;
  }

  async send(request: HttpRequest, signal: AbortSignal): Promise<Response> {
    const first = await this.#sendWithToken(request, signal);
    if (first.status !== 401) return first;
    await first.body?.cancel();
    this.#options.credentials.dropAccessToken();
    return this.#sendWithToken(request, signal);
  }

  /** The upload session URI is its own credential: no token goes with the bytes. */
  sendToSession(request: HttpRequest, signal: AbortSignal): Promise<Response> {
    const problem = endpointProblem(request.url, this.#options.origins().plainHttpOrigins);
    if (problem !== null) {
      throw new TransferFault('rejected', `${this.what(request.what)}: the session address ${problem}`);
    }
    return this.#options.http.send({ ...request, what: this.what(request.what) }, signal);
  }

  fault(response: Response, what: string, sessionUrl = false): Promise<TransferFault> {
    return driveFault(response, { what: this.what(what), sessionUrl, now: this.#options.now() });
  }

  json<S extends z.ZodType>(response: Response, schema: S, what: string): Promise<z.infer<S>> {
    return this.#options.http.json(response, schema, this.what(what));
  }

  what(what: string): string {
    return what.startsWith('Google Drive') ? what : `Google Drive ${what}`;
  }

  async about(signal: AbortSignal): Promise<AboutAnswer> {
    const what = 'about.get';
    const fields = 'user(emailAddress,displayName),storageQuota(limit,usage)';
    const response = await this.send(
      { method: 'GET', url: this.url('/drive/v3/about', { fields }), what },
      signal,
    );
    if (!response.ok) throw await this.fault(response, what);
    return this.json(response, about, what);
  }

  /** Every file the query matches, following `nextPageToken` to the end. */
  listAll(q: string, fields: string, signal: AbortSignal): Promise<DriveFileAnswer[]> {
    const what = 'files.list';
    const params = { q, fields: `nextPageToken,files(${fields})`, pageSize: '1000', ...LIST_ALL_DRIVES };
    return this.#allPages('/drive/v3/files', params, what, signal, async (response) => {
      const page = await this.json(response, fileList, what);
      return { items: page.files, nextPageToken: page.nextPageToken };
    });
  }

  /** One file by id, or null when Drive does not know it (or this sign-in may not see it). */
  async getFile(id: string, fields: string, signal: AbortSignal): Promise<DriveFileAnswer | null> {
    const what = 'files.get';
    const url = this.url(`/drive/v3/files/${encodeURIComponent(id)}`, { fields, ...ALL_DRIVES });
    const response = await this.send({ method: 'GET', url, what }, signal);
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) throw await this.fault(response, what);
    return this.json(response, driveFile, what);
  }

  async createFolder(parentId: string, name: string, signal: AbortSignal): Promise<DriveFileAnswer> {
    const what = 'files.create (folder)';
    const response = await this.send(
      {
        method: 'POST',
        url: this.url('/drive/v3/files', { fields: FOLDER_FIELDS, ...ALL_DRIVES }),
        headers: { 'content-type': 'application/json; charset=UTF-8' },
        body: JSON.stringify({ name, mimeType: FOLDER_MIME, parents: [parentId] }),
        what,
      },
      signal,
    );
    if (!response.ok) throw await this.fault(response, what);
    return this.json(response, driveFile, what);
  }

  async deleteFile(id: string, signal: AbortSignal): Promise<void> {
    const what = 'files.delete';
    const url = this.url(`/drive/v3/files/${encodeURIComponent(id)}`, ALL_DRIVES);
    const response = await this.send({ method: 'DELETE', url, what }, signal);
    if (!response.ok && response.status !== 404) throw await this.fault(response, what);
    await response.body?.cancel();
  }

  sharedDrives(signal: AbortSignal): Promise<Array<z.infer<typeof sharedDrive>>> {
    const what = 'drives.list';
    const params = { pageSize: '100', fields: 'nextPageToken,drives(id,name)' };
    return this.#allPages('/drive/v3/drives', params, what, signal, async (response) => {
      const page = await this.json(response, driveList, what);
      return { items: page.drives, nextPageToken: page.nextPageToken };
    });
  }

  /** Every item of a listing, asking page after page while Drive answers a `nextPageToken`. */
  async #allPages<T>(
    path: string,
    params: Record<string, string>,
    what: string,
    signal: AbortSignal,
    read: (response: Response) => Promise<{ items: T[]; nextPageToken?: string | undefined }>,
  ): Promise<T[]> {
    const items: T[] = [];
    let pageToken: string | undefined;
    do {
      const url = this.url(path, { ...params, ...(pageToken === undefined ? {} : { pageToken }) });
      const response = await this.send({ method: 'GET', url, what }, signal);
      if (!response.ok) throw await this.fault(response, what);
      const page = await read(response);
      items.push(...page.items);
      pageToken = page.nextPageToken === '' ? undefined : page.nextPageToken;
    } while (pageToken !== undefined);
    return items;
  }

  async sharedDrive(id: string, signal: AbortSignal): Promise<z.infer<typeof sharedDrive> | null> {
    const what = 'drives.get';
    const url = this.url(`/drive/v3/drives/${encodeURIComponent(id)}`, { fields: 'id,name' });
    const response = await this.send({ method: 'GET', url, what }, signal);
    if (response.status === 404 || response.status === 403) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) throw await this.fault(response, what);
    return this.json(response, sharedDrive, what);
  }

  /** Starts a resumable upload; returns the session URI Drive hands back in `Location`. */
  async startResumable(
    metadata: NewFileMetadata,
    sizeBytes: number,
    fields: string,
    signal: AbortSignal,
  ): Promise<string> {
    const what = 'resumable upload start';
    const response = await this.send(
      {
        method: 'POST',
        url: this.url('/upload/drive/v3/files', { uploadType: 'resumable', fields, ...ALL_DRIVES }),
        headers: {
          'content-type': 'application/json; charset=UTF-8',
          'x-upload-content-type': metadata.mimeType,
          'x-upload-content-length': String(sizeBytes),
        },
        body: JSON.stringify(metadata),
        what,
      },
      signal,
    );
    if (!response.ok) throw await this.fault(response, what);
    await response.body?.cancel();
    const location = response.headers.get('location');
    if (location === null) {
      throw new TransferFault(
        'rejected',
        `${this.what(what)} answered ${response.status} without a session URI`,
      );
    }
    const refusal = refusalOf(location);
    if (refusal !== null) {
      throw new TransferFault(
        'rejected',
        `${this.what(what)} answered ${response.status} with a session URI: ${refusal}`,
      );
    }
    return location;
  }

  /** A small file in one request (uploadType=multipart): metadata and content together. */
  async uploadSmall(
    metadata: NewFileMetadata,
    content: Uint8Array,
    fields: string,
    signal: AbortSignal,
  ): Promise<DriveFileAnswer> {
    const what = 'multipart upload';
    const boundary = `recording-uploader-${randomBytes(12).toString('hex')}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(metadata)}\r\n` +
        `--${boundary}\r\nContent-Type: ${metadata.mimeType}\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const body = Buffer.concat([head, content, tail]);
    const response = await this.send(
      {
        method: 'POST',
        url: this.url('/upload/drive/v3/files', { uploadType: 'multipart', fields, ...ALL_DRIVES }),
        headers: { 'content-type': `multipart/related; boundary=${boundary}` },
        body,
        what,
      },
      signal,
    );
    if (!response.ok) throw await this.fault(response, what);
    return this.json(response, driveFile, what);
  }

  async #sendWithToken(request: HttpRequest, signal: AbortSignal): Promise<Response> {
    // The access token goes to the Drive API's origin and nowhere else.
    const own = originOf(this.#options.baseUrl());
    if (originOf(request.url) !== own) {
      throw new TransferFault(
        'rejected',
        `${this.what(request.what)}: ${originOf(request.url) ?? 'the address'} is not the Drive API's origin (${own}): refused`,
      );
    }
    const token = await this.#options.credentials.accessToken(signal);
    const headers = { ...request.headers, authorization: `Bearer ${token}` };
    return this.#options.http.send({ ...request, headers, what: this.what(request.what) }, signal);
  }
}

/** A string literal inside a Drive query: backslash and quote escaped. */
export function quoteQuery(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
