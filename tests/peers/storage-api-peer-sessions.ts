import { createHash, type Hash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';

export type UploadStatus = 'pending' | 'uploading' | 'completed' | 'expired';

export interface FinalizeAnswer {
  file_id: string;
  sha256: string;
  url: string;
}

/** One upload session, as the server keeps it. */
export interface UploadSession {
  readonly id: string;
  /** The recording's own id, as the client sent it in create-session. */
  readonly recordingSessionId: string;
  readonly fileName: string;
  readonly fileSize: number;
  readonly connectionInfo: unknown;
  /** The `metadata` object of the create-session body. */
  readonly createMetadata: unknown;
  readonly chunkSize: number | null;
  readonly expiresAt: number;
  readonly dataPath: string;
  received: number;
  /** Running sha256 of the held bytes; replaced by `sha256` once every byte is held. */
  hash: Hash;
  sha256: string | null;
  expired: boolean;
  /** The sidecar sent by metadata URL or multipart `file_type=metadata`. */
  metadata: { value: unknown } | null;
  /** The filename of the multipart part that carried the video, as the parser read it. */
  videoPartFileName: string | null;
  finalized: { answer: FinalizeAnswer; realSha256: string } | null;
  /** Chunks of one session are handled one at a time, in arrival order. */
  lock: Promise<void>;
}

export interface StoredRecording {
  fileId: string;
  fileName: string;
  fileSize: number;
  /** The sha256 the server announced at finalize (a `wrongSha256` fault makes it differ from the bytes'). */
  sha256: string;
  /** The recording's own session_id from create-session. */
  sessionId: string;
  uploadSessionId: string;
  /** The sidecar JSON sent as metadata, if any. */
  metadata: unknown;
  /** The `metadata` of the create-session body. */
  createMetadata: unknown;
  connectionInfo: unknown;
  /** Where the stored bytes are on disk. */
  path: string;
  createdAt: string;
}

export interface NewSession {
  recordingSessionId: string;
  fileName: string;
  fileSize: number;
  connectionInfo: unknown;
  createMetadata: unknown;
  chunkSize: number | null;
}

export const statusOf = (session: UploadSession): UploadStatus => {
  if (session.finalized) return 'completed';
  if (session.expired) return 'expired';
  return session.received === 0 ? 'pending' : 'uploading';
};

/** The server's memory of sessions and recordings, with the bytes in files under one folder. */
export class UploadRegistry {
  private readonly sessions = new Map<string, UploadSession>();
  private readonly stored = new Map<string, StoredRecording>();
  private readonly uploadsDir: string;
  private readonly recordingsDir: string;
  private readonly ttlMs: number;

  constructor(storeDir: string, ttlMs: number) {
    this.uploadsDir = join(storeDir, 'uploads');
    this.recordingsDir = join(storeDir, 'recordings');
    mkdirSync(this.uploadsDir, { recursive: true });
    mkdirSync(this.recordingsDir, { recursive: true });
    this.ttlMs = ttlMs;
  }

  create(spec: NewSession): UploadSession {
    const id = `upl_${randomBytes(12).toString('hex')}`;
    const dataPath = join(this.uploadsDir, `${id}.part`);
    writeFileSync(dataPath, '');
    const session: UploadSession = {
      ...spec,
      id,
      expiresAt: Date.now() + this.ttlMs,
      dataPath,
      received: 0,
      hash: createHash('sha256'),
      // An empty recording holds every one of its bytes from the start.
      sha256: spec.fileSize === 0 ? createHash('sha256').digest('hex') : null,
      expired: false,
      metadata: null,
      videoPartFileName: null,
      finalized: null,
      lock: Promise.resolve(),
    };
    this.sessions.set(id, session);
    return session;
  }

  /** A session by id, with its time-to-live applied first; finished sessions never expire. */
  find(id: string): UploadSession | undefined {
    const session = this.sessions.get(id);
    if (session && !session.finalized && !session.expired && Date.now() >= session.expiresAt) {
      this.expire(session);
    }
    return session;
  }

  all(): UploadSession[] {
    return [...this.sessions.keys()].map((id) => this.find(id)).filter((s) => s !== undefined);
  }

  /** The server forgets the session's bytes; its status stays answerable as `expired`. */
  expire(session: UploadSession): void {
    if (session.finalized) throw new Error(`upload session ${session.id} is finalized and cannot expire`);
    session.expired = true;
    session.received = 0;
    rmSync(session.dataPath, { force: true });
  }

  /** Runs `work` once every earlier call for the same session has finished. */
  async serialized<T>(session: UploadSession, work: () => Promise<T>): Promise<T> {
    const previous = session.lock;
    let release = (): void => undefined;
    session.lock = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** Makes the held bytes a recording. `announcedSha256` differs from the bytes' only under a fault. */
  async finalize(session: UploadSession, announcedSha256: string, baseUrl: string): Promise<FinalizeAnswer> {
    const realSha256 = session.sha256;
    if (realSha256 === null) throw new Error(`upload session ${session.id} does not hold every byte`);
    const fileId = `file_${randomBytes(12).toString('hex')}`;
    const path = join(this.recordingsDir, fileId);
    await rename(session.dataPath, path);
    const answer: FinalizeAnswer = {
      file_id: fileId,
      sha256: announcedSha256,
      url: `${baseUrl}/recordings/${fileId}`,
    };
    session.finalized = { answer, realSha256 };
    this.stored.set(fileId, {
      fileId,
      fileName: session.fileName,
      fileSize: session.fileSize,
      sha256: announcedSha256,
      sessionId: session.recordingSessionId,
      uploadSessionId: session.id,
      metadata: session.metadata?.value ?? null,
      createMetadata: session.createMetadata,
      connectionInfo: session.connectionInfo,
      path,
      createdAt: new Date().toISOString(),
    });
    return answer;
  }

  recordings(): StoredRecording[] {
    return [...this.stored.values()];
  }

  recording(fileId: string): StoredRecording | undefined {
    return this.stored.get(fileId);
  }

  deleteRecording(fileId: string): boolean {
    const found = this.stored.get(fileId);
    if (!found) return false;
    this.stored.delete(fileId);
    rmSync(found.path, { force: true });
    return true;
  }
}
