import { randomBytes } from 'node:crypto';
import { appendFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ConflictBehavior, type Drive, type DriveItem, GraphError } from './graph-peer-drive.ts';
import { ReferenceQuickXor } from './quick-xor-reference.ts';

export const FRAGMENT_MULTIPLE = 320 * 1024;
/** "The maximum bytes in any given request is less than 60 MiB." */
export const MAX_FRAGMENT = 60 * 1024 * 1024;

interface UploadSession {
  id: string;
  parentId: string;
  name: string;
  behavior: ConflictBehavior;
  total: number | null;
  received: number;
  path: string;
  hash: ReferenceQuickXor;
  lastActivity: number;
  createdAt: number;
}

export interface ChunkAnswer {
  status: number;
  body: Record<string, unknown>;
  committed: DriveItem | null;
}

export interface SessionTiming {
  /** Idle time after which a session is forgotten (Graph: about 15 minutes). */
  idleMs: number;
  /** Whole life of a session (Graph: about 24 hours). */
  lifeMs: number;
}

/**
 * Graph's resumable upload sessions: fragments in order, each but the last a multiple of
 * 320 KiB and under 60 MiB; 202 with `nextExpectedRanges` for each, the driveItem when the last
 * byte lands; 416 for a fragment that is not the next one; 404 once the session is gone.
 */
export class UploadSessions {
  readonly #sessions = new Map<string, UploadSession>();
  readonly #drive: Drive;
  readonly #timing: SessionTiming;
  /** How many of the next commits store a flipped byte. */
  corruptCommits = 0;

  constructor(drive: Drive, timing: SessionTiming) {
    this.#drive = drive;
    this.#timing = timing;
  }

  async create(parentId: string, name: string, behavior: ConflictBehavior): Promise<UploadSession> {
    this.#drive.get(parentId);
    const id = randomBytes(12).toString('base64url');
    const path = join(this.#drive.incomingDir, `upload-${id}`);
    await writeFile(path, new Uint8Array(0));
    const now = Date.now();
    const session: UploadSession = {
      id,
      parentId,
      name,
      behavior,
      total: null,
      received: 0,
      path,
      hash: new ReferenceQuickXor(),
      lastActivity: now,
      createdAt: now,
    };
    this.#sessions.set(id, session);
    return session;
  }

  status(id: string): Record<string, unknown> {
    const session = this.#live(id);
    return this.#progress(session);
  }

  /** Checks a fragment's headers before its body is read, so a bad one is refused at once. */
  check(id: string, contentRange: string | undefined, contentLength: number): { start: number; end: number } {
    const session = this.#live(id);
    const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange ?? '');
    if (match === null) {
      throw new GraphError(
        400,
        'invalidRequest',
        `Content-Range "${contentRange ?? ''}" is not bytes a-b/total`,
      );
    }
    const start = Number(match[1]);
    const end = Number(match[2]);
    const total = Number(match[3]);
    const length = end - start + 1;
    if (end < start || end >= total)
      throw new GraphError(400, 'invalidRequest', 'Content-Range is inconsistent');
    if (length !== contentLength) {
      throw new GraphError(
        400,
        'invalidRequest',
        `Content-Length ${contentLength} is not the range's ${length} bytes`,
      );
    }
    if (length >= MAX_FRAGMENT) {
      throw new GraphError(413, 'requestTooLarge', `a fragment of ${length} bytes is not under 60 MiB`);
    }
    if (session.total !== null && session.total !== total) {
      throw new GraphError(
        400,
        'invalidRequest',
        `the file was declared ${session.total} bytes, now ${total}`,
      );
    }
    if (end + 1 < total && length % FRAGMENT_MULTIPLE !== 0) {
      throw new GraphError(
        400,
        'invalidRequest',
        `a fragment of ${length} bytes is not a multiple of 320 KiB (only the last may be shorter)`,
      );
    }
    if (start !== session.received) {
      throw new GraphError(
        416,
        'invalidRange',
        `The uploaded fragment overlaps with data that has already been received, or is not the next one (expected ${session.received})`,
      );
    }
    session.total = total;
    return { start, end };
  }

  /** Appends a whole fragment that passed `check`, and commits the file when it was the last. */
  async accept(id: string, bytes: Buffer): Promise<ChunkAnswer> {
    const session = this.#live(id);
    await appendFile(session.path, bytes);
    session.hash.update(bytes);
    session.received += bytes.length;
    session.lastActivity = Date.now();
    if (session.received < (session.total ?? 0)) {
      return { status: 202, body: this.#progress(session), committed: null };
    }
    return this.#commit(session);
  }

  async cancel(id: string): Promise<void> {
    const session = this.#live(id);
    this.#sessions.delete(session.id);
    await rm(session.path, { force: true });
  }

  /** Forgets every session, as Graph does when they expire. */
  async expireAll(): Promise<void> {
    for (const session of [...this.#sessions.values()]) {
      this.#sessions.delete(session.id);
      await rm(session.path, { force: true });
    }
  }

  async #commit(session: UploadSession): Promise<ChunkAnswer> {
    const corrupt = this.corruptCommits > 0;
    if (corrupt) this.corruptCommits -= 1;
    try {
      const { item, created } = await this.#drive.storeFile(
        session.parentId,
        session.name,
        session.behavior,
        { path: session.path, size: session.received, quickXorHash: session.hash.digest() },
        corrupt,
      );
      return { status: created ? 201 : 200, body: {}, committed: item };
    } finally {
      this.#sessions.delete(session.id);
      await rm(session.path, { force: true });
    }
  }

  #live(id: string): UploadSession {
    const session = this.#sessions.get(id);
    const now = Date.now();
    if (
      session === undefined ||
      now - session.lastActivity > this.#timing.idleMs ||
      now - session.createdAt > this.#timing.lifeMs
    ) {
      if (session !== undefined) {
        this.#sessions.delete(id);
        void rm(session.path, { force: true });
      }
      throw new GraphError(404, 'itemNotFound', 'The upload session was not found or has expired');
    }
    return session;
  }

  #progress(session: UploadSession): Record<string, unknown> {
    const expires = Math.min(
      session.lastActivity + this.#timing.idleMs,
      session.createdAt + this.#timing.lifeMs,
    );
    return {
      expirationDateTime: new Date(expires).toISOString(),
      nextExpectedRanges: [`${session.received}-${session.total === null ? '' : session.total - 1}`],
    };
  }
}
