import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import type { Settings } from '../../../../src-shared/settings.ts';
import { isFault, TransferFault } from '../../faults.ts';
import type { Logger } from '../../logging/logger.ts';
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
import { rangeEnd } from '../range-header.ts';
import { type DriveApi, type NewFileMetadata, quoteQuery } from './drive-api.ts';
import { APP_FOLDER_NAME, type DriveFolders } from './drive-folders.ts';
import { type DriveFileAnswer, driveFile, FOLDER_FIELDS, UPLOADED_FILE_FIELDS } from './drive-schemas.ts';

/** Drive takes resumable chunks in multiples of 256 KiB (all but the last). */
export const DRIVE_CHUNK_MULTIPLE = 256 * 1024;
/** Drive keeps a resumable session for a week. */
const SESSION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
/** A sidecar goes in one multipart request, which Drive caps at 5 MB. */
const MULTIPART_LIMIT = 5 * 1000 * 1000;

const ROLE_RECORDING = 'recording';
const ROLE_METADATA = 'metadata';

const VIDEO_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.mkv': 'video/x-matroska',
  '.webm': 'video/webm',
  '.avi': 'video/x-msvideo',
  '.mov': 'video/quicktime',
};

export interface DriveDestinationOptions {
  api: DriveApi;
  folders: DriveFolders;
  settings(): Settings;
  now(): number;
  logger: Logger;
}

/**
 * Google Drive's resumable upload protocol, spoken directly (the Node client keeps its session URI
 * to itself, so it cannot resume after a restart): a session started with the file's metadata,
 * chunks in 256 KiB multiples answered by `308` + `Range`, an empty PUT to ask what is held, and
 * md5Checksum to verify. The recording id rides in `appProperties`, so a file that reached Drive
 * before a crash is found again instead of uploaded twice.
 */
export class DriveDestination implements Destination {
  readonly kind = 'gdrive' as const;
  readonly hashes = ['md5'] as const;
  readonly #options: DriveDestinationOptions;

  constructor(options: DriveDestinationOptions) {
    this.#options = options;
  }

  async findExisting(item: UploadItem, signal: AbortSignal): Promise<RemoteFile[]> {
    const found = await this.#findRecording(item, signal);
    // Found by the recording id in its appProperties: certainly an earlier upload of this recording.
    return found === null ? [] : [{ ...remoteFile(found), ours: true }];
  }

  discard(file: RemoteFile, signal: AbortSignal): Promise<void> {
    return this.#options.api.deleteFile(file.id, signal);
  }

  async startSession(item: UploadItem, signal: AbortSignal): Promise<RemoteSession> {
    const metadata = (parent: string): NewFileMetadata => ({
      name: item.fileName,
      parents: [parent],
      mimeType: VIDEO_TYPES[extname(item.fileName).toLowerCase()] ?? 'application/octet-stream',
      appProperties: recordingProperties(item, ROLE_RECORDING),
    });
    const parent = await this.#options.folders.target(item, signal);
    let uri: string;
    try {
      uri = await this.#options.api.startResumable(
        metadata(parent),
        item.sizeBytes,
        UPLOADED_FILE_FIELDS,
        signal,
      );
    } catch (error) {
      if (!isFolderGone(error)) throw error;
      const retryParent = await this.#recoverFolder(item, error as TransferFault, signal);
      uri = await this.#options.api.startResumable(
        metadata(retryParent),
        item.sizeBytes,
        UPLOADED_FILE_FIELDS,
        signal,
      );
    }
    const chunkBytes = this.#options.settings().googleDriveChunkSizeBytes;
    return {
      mode: 'chunked',
      chunkMultiple: DRIVE_CHUNK_MULTIPLE,
      maxChunkBytes: Math.max(DRIVE_CHUNK_MULTIPLE, chunkBytes - (chunkBytes % DRIVE_CHUNK_MULTIPLE)),
      expiresAt: this.#options.now() + SESSION_LIFETIME_MS,
      state: { uri },
    };
  }

  async probe(session: RemoteSession, item: UploadItem, signal: AbortSignal): Promise<RemoteOffset> {
    const offset = await this.#put(
      session,
      `bytes */${item.sizeBytes}`,
      new Uint8Array(0),
      'status probe',
      signal,
    );
    // Finished before a restart: finish() still verifies it (and removes a bad copy).
    return offset.complete ? { complete: true, file: null } : offset;
  }

  putChunk(session: RemoteSession, chunk: Chunk, signal: AbortSignal): Promise<RemoteOffset> {
    const length = chunk.bytes.byteLength;
    const range =
      length === 0
        ? `bytes */${chunk.total}`
        : `bytes ${chunk.start}-${chunk.start + length - 1}/${chunk.total}`;
    return this.#put(session, range, chunk.bytes, 'chunk', signal);
  }

  async finish({ session, item, signal, committed }: FinishStep): Promise<RemoteFile> {
    const stored = committed ?? remoteFile(await this.#committedFile(session, item, signal));
    const storedMd5 = stored.hashes.md5;
    if (storedMd5 === undefined) {
      throw new TransferFault(
        'rejected',
        `Google Drive reported no md5Checksum for ${item.fileName}, so the upload cannot be verified`,
      );
    }
    return stored;
  }

  /** The file a finished session made: Drive answers a status query on it with the file itself. */
  async #committedFile(
    session: RemoteSession,
    item: UploadItem,
    signal: AbortSignal,
  ): Promise<DriveFileAnswer> {
    const what = 'status probe';
    const response = await this.#options.api.sendToSession(
      {
        method: 'PUT',
        url: sessionUri(session),
        headers: { 'content-range': `bytes */${item.sizeBytes}` },
        body: new Uint8Array(0),
        what,
      },
      signal,
    );
    if (response.status === 200 || response.status === 201)
      return this.#options.api.json(response, driveFile, what);
    if (response.status === 308) {
      await response.body?.cancel();
      throw new TransferFault(
        'retriable',
        `Google Drive holds only ${rangeEnd(response.headers.get('range'), 'Google Drive')} of ${item.sizeBytes} bytes of ${item.fileName} after its last chunk`,
      );
    }
    const fault = await this.#options.api.fault(response, what, true);
    if (!isFault(fault, 'session-gone')) throw fault;
    // The session is gone, but the file it made may be there.
    const found = await this.#findRecording(item, signal);
    if (found === null) throw fault;
    return found;
  }

  async #put(
    session: RemoteSession,
    contentRange: string,
    bytes: Uint8Array,
    what: string,
    signal: AbortSignal,
  ): Promise<RemoteOffset> {
    const response = await this.#options.api.sendToSession(
      {
        method: 'PUT',
        url: sessionUri(session),
        headers: { 'content-range': contentRange, 'content-type': 'application/octet-stream' },
        body: bytes,
        what,
      },
      signal,
    );
    if (response.status === 308) {
      await response.body?.cancel();
      return { complete: false, confirmed: rangeEnd(response.headers.get('range'), 'Google Drive') };
    }
    if (response.status === 200 || response.status === 201) {
      // The last chunk's answer is the file, with the md5Checksum asked for when the session began.
      return { complete: true, file: remoteFile(await this.#options.api.json(response, driveFile, what)) };
    }
    throw await this.#options.api.fault(response, what, true);
  }

  async #findRecording(item: UploadItem, signal: AbortSignal): Promise<DriveFileAnswer | null> {
    const properties = recordingProperties(item, ROLE_RECORDING);
    const q = `${propertyTerm('recordingId', properties.recordingId as string)} and ${propertyTerm('recordingRole', ROLE_RECORDING)} and trashed=false`;
    const files = await this.#options.api.listAll(q, UPLOADED_FILE_FIELDS, signal);
    return (
      files.find(
        (file) =>
          file.name === item.fileName &&
          file.size === item.sizeBytes &&
          (file.appProperties?.recordingModified ?? properties.recordingModified) ===
            properties.recordingModified,
      ) ?? null
    );
  }

  /**
   * The sidecar, beside the verified video, once: looked for by its own appProperties first, as
   * this runs again after a crash between the two.
   */
  async placeSidecar(item: UploadItem, video: RemoteFile, signal: AbortSignal): Promise<void> {
    const sidecar = sidecarToSend(item);
    if (sidecar === null) return;
    const file = { name: basename(sidecar.path), bytes: sidecar.bytes };
    await this.#placeSmall(item, video, file, ROLE_METADATA, `the metadata file ${sidecar.path}`, signal);
  }

  /** Every file this app stored as a recording (its appProperties say so), wherever it is. */
  async listHeld(signal: AbortSignal): Promise<HeldFile[]> {
    const q = `${propertyTerm('recordingRole', ROLE_RECORDING)} and trashed=false`;
    const files = await this.#options.api.listAll(q, 'id,name,size,md5Checksum', signal);
    return files.map((file) => ({
      id: file.id,
      name: file.name,
      sizeBytes: Number(file.size ?? 0),
      hashes: file.md5Checksum === undefined ? {} : { md5: file.md5Checksum.toLowerCase() },
    }));
  }

  /** The heartbeat: the new file first, then the older ones of that name go, so one is always there. */
  async writeHeartbeat(name: string, bytes: Uint8Array, signal: AbortSignal): Promise<boolean> {
    const { api, folders } = this.#options;
    const root = await folders.root(signal);
    const parent = await folders.fleetFolder(root.id, signal);
    const q = `${quoteQuery(parent)} in parents and name=${quoteQuery(name)} and trashed=false`;
    const older = await api.listAll(q, 'id', signal);
    const metadata: NewFileMetadata = {
      name,
      parents: [parent],
      mimeType: 'application/json',
      appProperties: {},
    };
    await api.uploadSmall(metadata, bytes, 'id', signal);
    for (const file of older) await api.deleteFile(file.id, signal);
    return true;
  }

  /** The receipt goes beside the video like the sidecar, found again by its own appProperties. */
  async placeBeside(
    item: UploadItem,
    video: RemoteFile,
    file: BesideFile,
    signal: AbortSignal,
  ): Promise<boolean> {
    await this.#placeSmall(item, video, file, file.role, `the ${file.role} of ${item.fileName}`, signal);
    return true;
  }

  /** A small file in the video's folder, once, known by the recording's id and its role. */
  async #placeSmall(
    item: UploadItem,
    video: RemoteFile,
    file: { name: string; bytes: Uint8Array },
    role: string,
    what: string,
    signal: AbortSignal,
  ): Promise<void> {
    const placed = await this.#options.api.getFile(video.id, 'id,name,parents', signal);
    const parent = placed?.parents?.[0];
    if (parent === undefined) {
      throw new TransferFault(
        'rejected',
        `Google Drive no longer shows the uploaded ${item.fileName}, so ${what} has no place`,
      );
    }
    const properties = recordingProperties(item, role);
    const q = `${quoteQuery(parent)} in parents and ${propertyTerm('recordingId', properties.recordingId as string)} and ${propertyTerm('recordingRole', role)} and trashed=false`;
    const present = await this.#options.api.listAll(q, 'id,name', signal);
    if (present.length > 0) return;
    if (file.bytes.byteLength > MULTIPART_LIMIT) {
      throw new TransferFault('rejected', `${what} is larger than 5 MB; Drive was not sent it`);
    }
    const metadata: NewFileMetadata = {
      name: file.name,
      parents: [parent],
      mimeType: 'application/json',
      appProperties: properties,
    };
    await this.#options.api.uploadSmall(metadata, file.bytes, 'id,name,parents', signal);
  }

  /**
   * Drive answered 404 for the session's parent: a template folder remembered here was deleted
   * remotely, or the root itself is gone. Remembered folders are forgotten; the app's own folder
   * is made again; a folder the operator chose is not silently replaced.
   */
  async #recoverFolder(item: UploadItem, fault: TransferFault, signal: AbortSignal): Promise<string> {
    const { folders } = this.#options;
    const root = await folders.root(signal);
    folders.forgetTemplateFolders(item, root.id);
    const rootFile = await this.#options.api.getFile(root.id, FOLDER_FIELDS, signal);
    const rootStillThere = rootFile !== null && rootFile.trashed !== true;
    if (!rootStillThere) {
      const isAppFolder = root.driveId === null && root.path === `/${APP_FOLDER_NAME}`;
      if (!isAppFolder) {
        throw new TransferFault(
          'rejected',
          `the Google Drive folder ${root.path} no longer exists or this sign-in cannot reach it: choose another folder (${fault.message})`,
        );
      }
      await folders.resetRoot(fault.message);
    }
    return folders.target(item, signal);
  }
}

function isFolderGone(error: unknown): boolean {
  return isFault(error, 'rejected') && error.status === 404;
}

function sessionUri(session: RemoteSession): string {
  const uri = session.state.uri;
  if (typeof uri !== 'string') throw new TransferFault('rejected', 'Google Drive upload session has no URI');
  return uri;
}

/**
 * What marks a file as this recording's: its id, its role, and its modification time (a file
 * recorded again under the same name is another recording). Drive caps a property at 124 bytes
 * of key and value, so a long id is stored as its sha256.
 */
export function recordingProperties(item: UploadItem, role: string): Record<string, string> {
  const id = item.recordingId;
  const value =
    Buffer.byteLength('recordingId') + Buffer.byteLength(id) <= 124
      ? id
      : `sha256-${createHash('sha256').update(id).digest('hex')}`;
  return { recordingId: value, recordingRole: role, recordingModified: String(Math.trunc(item.mtimeMs)) };
}

function propertyTerm(key: string, value: string): string {
  return `appProperties has { key=${quoteQuery(key)} and value=${quoteQuery(value)} }`;
}

function remoteFile(file: DriveFileAnswer): RemoteFile {
  return {
    id: file.id,
    url: file.webViewLink ?? null,
    hashes: file.md5Checksum === undefined ? {} : { md5: file.md5Checksum.toLowerCase() },
  };
}
