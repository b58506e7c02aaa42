import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { type RemoteFile, sidecarToSend, type UploadItem } from '../destinations/destination.ts';
import type { Logger } from '../logging/logger.ts';
import type { JobRecord, JobRepository, OwedDeletion } from '../store/job-record.ts';
import { sha256Of } from './file-sha256.ts';

/**
 * The operator chose to delete recordings once they are archived: the video, and the sidecar that
 * went with it, are owed a deletion only once the remote's hash matched ours, in the same
 * transaction that makes the job done. The deletion is carried out then, or by the next start if
 * the process stopped first, and only on files still the ones verified.
 */

/** What a verified upload owes its local files, or why they stay on disk. */
export function deletionToOwe(job: JobRecord, item: UploadItem, remote: RemoteFile): OwedDeletion | string {
  // The remote reported no hash to compare: done, but the local copy stays as the proof.
  if (remote.verified !== true)
    return `kept on disk: ${job.destination} did not report a hash of the stored file to compare with the local one`;
  if (remote.localHashes?.sha256 === undefined)
    return 'kept on disk: no SHA-256 of the uploaded file was computed to tell it by before deleting';
  // An unusable sidecar was not uploaded, so it is kept as evidence.
  const sidecar = sidecarToSend(item);
  if (sidecar === null) return { sidecar: null };
  const sha256 = createHash('sha256').update(sidecar.bytes).digest('hex');
  return { sidecar: { path: sidecar.path, sizeBytes: sidecar.bytes.length, sha256 } };
}

type DeletionStore = Pick<JobRepository, 'setWarning' | 'markLocalDeleted' | 'keepLocalFiles'>;

/**
 * Deletes the local files a done job owes a deletion, each only if it is still the file that was
 * verified (same size, same SHA-256, hashed again now). One replaced or changed since stays, named
 * in the job's warning; the obligation then ends. One that cannot be deleted keeps it owed.
 * `hash` reads a file's SHA-256 (a test replaces the file while it is read).
 */
export async function carryOutOwedDeletion(
  job: JobRecord,
  store: DeletionStore,
  logger: Logger,
  hash: (path: string) => Promise<string> = sha256Of,
): Promise<void> {
  const owed = job.deletionOwed;
  if (owed === null) return;
  try {
    const video = await compare(job.path, job.sizeBytes, job.sha256, hash);
    if (video.kind === 'changed') {
      store.keepLocalFiles(job.id, keptWarning(job.path, video.how));
      logger.warn('verified recording not deleted: the file changed since', { job: job.id, how: video.how });
      return;
    }
    if (video.kind === 'same') await unlink(job.path).catch(ignoreMissing);
    let sidecarDeleted: string | null = null;
    // This deletion's own earlier failure is no longer true once it is done; another warning stays.
    let warning: string | null | undefined = job.warning?.startsWith(NOT_DELETED) === true ? null : undefined;
    if (owed.sidecar !== null) {
      const { path, sizeBytes, sha256 } = owed.sidecar;
      const sidecar = await compare(path, sizeBytes, sha256, hash);
      if (sidecar.kind === 'changed') warning = keptWarning(path, sidecar.how);
      else {
        if (sidecar.kind === 'same') await unlink(path).catch(ignoreMissing);
        sidecarDeleted = path;
      }
    }
    store.markLocalDeleted(job.id, { sidecar: sidecarDeleted }, warning);
    logger.info('local recording deleted after verified upload', { job: job.id, file: basename(job.path) });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    store.setWarning(job.id, `${NOT_DELETED}: ${reason} (tried again every few minutes and at each start)`);
  }
}

const NOT_DELETED = 'uploaded and verified, but the local file could not be deleted';

type Comparison = { kind: 'same' } | { kind: 'absent' } | { kind: 'changed'; how: string };

/** Is the file at `path` still the one verified? Absent counts as deleted (by an earlier run, or by hand). */
async function compare(
  path: string,
  sizeBytes: number,
  sha256: string | null,
  hash: (path: string) => Promise<string>,
): Promise<Comparison> {
  let before: Stats;
  try {
    before = await stat(path);
    if (!before.isFile()) return { kind: 'changed', how: 'it is no longer a file' };
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return { kind: 'absent' };
    throw error;
  }
  if (before.size !== sizeBytes)
    return { kind: 'changed', how: `it is ${before.size} bytes, the verified file was ${sizeBytes}` };
  if (sha256 === null)
    return { kind: 'changed', how: 'no SHA-256 of the verified file is known to compare with' };
  const now = await hash(path);
  if (now !== sha256)
    return { kind: 'changed', how: `its SHA-256 is ${now}, the verified file's was ${sha256}` };
  // Hashing a large file takes a while: the path must still name the very file that was hashed.
  const after = await stat(path).catch(() => null);
  if (after === null || !sameFile(before, after))
    return { kind: 'changed', how: 'it was replaced or changed while it was being checked' };
  return { kind: 'same' };
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

function keptWarning(path: string, how: string): string {
  return `uploaded and verified, but "${path}" was kept on disk: it is not the file that was verified (${how})`;
}

function ignoreMissing(error: unknown): void {
  if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
}
