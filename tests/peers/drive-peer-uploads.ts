import { createHash, type Hash } from 'node:crypto';
import { type FileHandle, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { type DriveFile, type DriveFiles, newId } from './drive-peer-files.ts';

/**
 * Drive's resumable upload sessions (developers.google.com/drive/api/guides/manage-uploads):
 * bytes are kept only in whole 256 KiB blocks until the last chunk, a chunk other than the last
 * shorter than 256 KiB is refused, `308` + `Range: bytes=0-N` says what is held, an empty PUT
 * with `Content-Range: bytes *\/TOTAL` asks, and a session is gone (404) once it expires.
 */
export const BLOCK = 256 * 1024;

export interface UploadMetadata {
  name: string;
  mimeType: string;
  parents: string[];
  appProperties: Record<string, string>;
}

export interface UploadSession {
  id: string;
  metadata: UploadMetadata;
  declaredTotal: number | null;
  /** The `fields` of the request that started the session: they shape the final answer. */
  fields: string | null;
  received: number;
  expiresAt: number;
  fileId: string | null;
  hash: Hash;
  partPath: string;
  handle: FileHandle | null;
}

export type ChunkOutcome =
  | { kind: 'incomplete'; received: number }
  | { kind: 'complete'; file: DriveFile }
  | { kind: 'error'; status: number; reason: string; message: string };

export interface ChunkViolation {
  session: string;
  start: number;
  length: number;
  problem: string;
}

export interface ChunkOptions {
  /** Cut the connection after this many body bytes (a reset mid-chunk). */
  cutAfter?: number;
  /** Store the finished file with its first byte flipped (a corrupting store). */
  corrupt?: boolean;
}

type Range =
  | { probe: true; total: number | null }
  | { probe: false; start: number; end: number; total: number | null };

export class UploadSessions {
  readonly violations: ChunkViolation[] = [];
  readonly #sessions = new Map<string, UploadSession>();
  readonly #files: DriveFiles;
  readonly #dir: string;
  ttlMs: number;

  constructor(files: DriveFiles, dir: string, ttlMs: number) {
    this.#files = files;
    this.#dir = dir;
    this.ttlMs = ttlMs;
  }

  start(metadata: UploadMetadata, declaredTotal: number | null, fields: string | null): UploadSession {
    const id = `ADPyc${newId()}`;
    const session: UploadSession = {
      id,
      metadata,
      declaredTotal,
      fields,
      received: 0,
      expiresAt: Date.now() + this.ttlMs,
      fileId: null,
      hash: createHash('md5'),
      partPath: join(this.#dir, `${id}.part`),
      handle: null,
    };
    this.#sessions.set(id, session);
    return session;
  }

  /** A live session, or undefined when unknown or expired (both are a 404 to the client). */
  live(id: string): UploadSession | undefined {
    const session = this.#sessions.get(id);
    if (session === undefined) return undefined;
    if (session.expiresAt <= Date.now() && session.fileId === null) return undefined;
    return session;
  }

  all(): UploadSession[] {
    return [...this.#sessions.values()];
  }

  /** Sessions are forgotten, as after their week is up; finished ones too when asked. */
  expireAll(includeFinished = false): number {
    let count = 0;
    for (const [id, session] of this.#sessions) {
      if (session.fileId === null) {
        session.expiresAt = 0;
        count += 1;
      } else if (includeFinished) {
        this.#sessions.delete(id);
        count += 1;
      }
    }
    return count;
  }

  async put(session: UploadSession, req: IncomingMessage, options: ChunkOptions = {}): Promise<ChunkOutcome> {
    const range = parseContentRange(req.headers['content-range']);
    if (range === null) {
      await drain(req);
      return badRequest(`Failed to parse Content-Range header: ${req.headers['content-range'] ?? '(none)'}`);
    }
    const total = range.total ?? session.declaredTotal;
    if (range.total !== null && session.declaredTotal !== null && range.total !== session.declaredTotal) {
      await drain(req);
      return badRequest(
        `Content-Range total ${range.total} differs from X-Upload-Content-Length ${session.declaredTotal}`,
      );
    }
    if (session.fileId !== null) {
      await drain(req);
      return { kind: 'complete', file: this.#files.get(session.fileId) as DriveFile };
    }
    if (range.probe) {
      await drain(req);
      // An empty file is finished by its one empty request.
      if (total === 0 && session.received === 0) return this.#complete(session, 0, options);
      return { kind: 'incomplete', received: session.received };
    }
    const length = range.end - range.start + 1;
    const declaredLength = Number(req.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(declaredLength) && declaredLength !== length) {
      await drain(req);
      return badRequest(
        `Content-Length ${declaredLength} does not match Content-Range ${range.start}-${range.end}`,
      );
    }
    if (total !== null && range.end >= total) {
      await drain(req);
      return badRequest(`Content-Range ends at ${range.end}, beyond the total ${total}`);
    }
    const final = total !== null && range.end + 1 === total;
    if (range.start > session.received) {
      // A gap: nothing of it can be kept; the answer tells the client where to go on from.
      await drain(req);
      this.violations.push({
        session: session.id,
        start: range.start,
        length,
        problem: `gap after ${session.received}`,
      });
      return { kind: 'incomplete', received: session.received };
    }
    if (!final && length < BLOCK) {
      await drain(req);
      this.violations.push({
        session: session.id,
        start: range.start,
        length,
        problem: 'short non-final chunk',
      });
      return badRequest(
        `Invalid request. The number of bytes uploaded is required to be equal or greater than 262144, except for the final request (it's recommended to be the exact multiple of 262144). The received request contained ${length} bytes, which does not meet this requirement.`,
      );
    }
    if (!final && length % BLOCK !== 0) {
      this.violations.push({
        session: session.id,
        start: range.start,
        length,
        problem: 'not a multiple of 256 KiB',
      });
    }
    await this.#receive(session, req, range.start, final, options.cutAfter);
    if (final && session.received === total) return this.#complete(session, total, options);
    return { kind: 'incomplete', received: session.received };
  }

  /** Streams a chunk in, keeping only whole blocks (and, in the last chunk, the tail). */
  async #receive(
    session: UploadSession,
    req: IncomingMessage,
    start: number,
    final: boolean,
    cutAfter: number | undefined,
  ): Promise<void> {
    session.handle ??= await open(session.partPath, 'a+');
    let position = start;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let seen = 0;
    const commit = async (bytes: Buffer): Promise<void> => {
      await (session.handle as FileHandle).write(bytes, 0, bytes.length, session.received);
      session.hash.update(bytes);
      session.received += bytes.length;
    };
    try {
      for await (const piece of req as AsyncIterable<Buffer>) {
        seen += piece.length;
        let bytes = piece;
        if (position < session.received) {
          // Bytes the session already holds (a chunk sent again): skipped, not stored twice.
          const skip = Math.min(bytes.length, session.received - position);
          bytes = bytes.subarray(skip);
          position += skip;
        }
        position += bytes.length;
        if (bytes.length > 0) {
          pending.push(bytes);
          pendingBytes += bytes.length;
        }
        while (pendingBytes >= BLOCK) {
          const joined = Buffer.concat(pending);
          await commit(joined.subarray(0, BLOCK));
          pending = [joined.subarray(BLOCK)];
          pendingBytes = joined.length - BLOCK;
        }
        if (cutAfter !== undefined && seen >= cutAfter) {
          req.socket.destroy();
          return;
        }
      }
    } catch {
      // The client went away mid-chunk: whole blocks already received are kept.
      return;
    }
    if (final && pendingBytes > 0) await commit(Buffer.concat(pending));
  }

  async #complete(session: UploadSession, total: number, options: ChunkOptions): Promise<ChunkOutcome> {
    await session.handle?.close();
    session.handle = null;
    const contentPath = join(this.#dir, `${session.id}.content`);
    let md5: string;
    if (total === 0) {
      await writeFile(contentPath, Buffer.alloc(0));
      md5 = session.hash.digest('hex');
    } else {
      await rename(session.partPath, contentPath);
      md5 = session.hash.digest('hex');
      if (options.corrupt === true) {
        const bytes = await readFile(contentPath);
        bytes[0] = (bytes[0] as number) ^ 0xff;
        await writeFile(contentPath, bytes);
        md5 = createHash('md5').update(bytes).digest('hex');
      }
    }
    const file = this.#files.add({
      name: session.metadata.name,
      mimeType: session.metadata.mimeType,
      parents: session.metadata.parents,
      appProperties: session.metadata.appProperties,
      trashed: false,
      size: total,
      md5Checksum: md5,
      byApp: true,
      contentPath,
    });
    session.fileId = file.id;
    return { kind: 'complete', file };
  }

  async close(): Promise<void> {
    for (const session of this.#sessions.values()) {
      await session.handle?.close().catch(() => {});
      session.handle = null;
      await rm(session.partPath, { force: true });
    }
  }
}

function badRequest(message: string): ChunkOutcome {
  return { kind: 'error', status: 400, reason: 'badRequest', message };
}

/** `bytes S-E/T`, `bytes S-E/*`, `bytes *\/T`, `bytes *\/*`. */
export function parseContentRange(header: string | undefined): Range | null {
  if (header === undefined) return null;
  const probe = /^bytes \*\/(\d+|\*)$/.exec(header.trim());
  if (probe !== null) return { probe: true, total: probe[1] === '*' ? null : Number(probe[1]) };
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header.trim());
  if (match === null) return null;
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (end < start) return null;
  return { probe: false, start, end, total: match[3] === '*' ? null : Number(match[3]) };
}

export async function drain(req: IncomingMessage): Promise<void> {
  try {
    for await (const _piece of req) {
      // discarded
    }
  } catch {
    // The client went away: nothing to answer.
  }
}
