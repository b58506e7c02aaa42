import { type FileHandle, open, stat as statPath } from 'node:fs/promises';
import { TransferFault } from '../faults.ts';
import type { FileIdentity } from '../recording.ts';

/** How a recording is opened for reading: the file system's open, unless a test holds the file. */
export type OpenForReading = (path: string) => Promise<FileHandle>;

export const openForReading: OpenForReading = (path) => open(path, 'r');

/**
 * An open recording, checked against the identity it was queued with. Every read re-checks that
 * identity, so a file that grows, shrinks or is replaced mid-upload stops the job instead of
 * sending a mix of two versions.
 */
export class RecordingFile {
  readonly #handle: FileHandle;
  readonly identity: FileIdentity;

  private constructor(handle: FileHandle, identity: FileIdentity) {
    this.#handle = handle;
    this.identity = identity;
  }

  static async open(
    identity: FileIdentity,
    openFile: OpenForReading = openForReading,
  ): Promise<RecordingFile> {
    let handle: FileHandle;
    try {
      handle = await openFile(identity.path);
    } catch (error) {
      throw localFault(error, identity.path);
    }
    const file = new RecordingFile(handle, identity);
    try {
      await file.assertUnchanged();
    } catch (error) {
      await handle.close();
      throw error;
    }
    return file;
  }

  async assertUnchanged(): Promise<void> {
    const { path, sizeBytes, mtimeMs } = this.identity;
    let stat: { size: number; mtimeMs: number; ino: number; dev: number };
    let named: { ino: number; dev: number };
    try {
      stat = await this.#handle.stat();
      // An open handle outlives a delete or a replace (POSIX): the name must still lead to this file.
      named = await statPath(path);
    } catch (error) {
      throw localFault(error, path);
    }
    if (named.ino !== stat.ino || named.dev !== stat.dev) {
      throw new TransferFault(
        'changed',
        `${path} was replaced by another file while it was being uploaded; the new one will be uploaded once it stops changing`,
      );
    }
    if (stat.size !== sizeBytes || Math.trunc(stat.mtimeMs) !== Math.trunc(mtimeMs)) {
      throw new TransferFault(
        'changed',
        `${path} changed while it was being uploaded (was ${sizeBytes} bytes, now ${stat.size}); it will be uploaded again once it stops changing`,
      );
    }
  }

  /** Reads exactly [start, start + length) into `into` (reused between chunks to keep memory flat). */
  async read(start: number, length: number, into?: Buffer): Promise<Buffer> {
    const buffer =
      into !== undefined && into.byteLength >= length ? into.subarray(0, length) : Buffer.alloc(length);
    let filled = 0;
    try {
      while (filled < length) {
        const { bytesRead } = await this.#handle.read(buffer, filled, length - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
    } catch (error) {
      throw localFault(error, this.identity.path);
    }
    if (filled < length) {
      throw new TransferFault('changed', `${this.identity.path} became shorter while it was being uploaded`);
    }
    return buffer;
  }

  async close(): Promise<void> {
    await this.#handle.close().catch(() => {});
  }
}

/**
 * Errors that pass: another program holds the file (an antivirus or backup tool on Windows answers
 * EBUSY, EPERM or EACCES while it scans), or the process is out of file handles for a moment.
 */
const PASSING_READ_ERRORS = new Set(['EBUSY', 'EMFILE', 'ENFILE', 'EAGAIN', 'EPERM', 'EACCES']);

/**
 * A vanished file is a change (it may come back); one held by another program is busy (tried again
 * with backoff); anything else unreadable is a local fault.
 */
export function localFault(error: unknown, path: string): TransferFault {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') {
    return new TransferFault('changed', `${path} disappeared before its upload finished`, { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && PASSING_READ_ERRORS.has(code)) {
    return new TransferFault('busy', `${path} cannot be read for now: ${reason}`, { cause: error });
  }
  return new TransferFault('local', `${path} cannot be read: ${reason}`, { cause: error });
}
