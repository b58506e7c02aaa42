import { unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import type { RemoteFile, UploadItem } from '../destinations/destination.ts';
import type { Logger } from '../logging/logger.ts';
import type { JobRecord, JobRepository } from '../store/job-record.ts';

/**
 * The operator chose to delete recordings once they are archived: the video, and the sidecar that
 * went with it, are deleted only after the remote's hash matched ours (the job is already done).
 * Whatever stays on disk says why in the job's warning.
 */
export async function deleteAfterVerifiedUpload(
  job: JobRecord,
  item: UploadItem,
  remote: RemoteFile,
  store: Pick<JobRepository, 'setWarning' | 'markLocalDeleted'>,
  logger: Logger,
): Promise<void> {
  if (remote.verified !== true) {
    // The remote reported no hash to compare: done, but the local copy stays as the proof.
    store.setWarning(
      job.id,
      `kept on disk: ${job.destination} did not report a hash of the stored file to compare with the local one`,
    );
    return;
  }
  // An unusable sidecar was not uploaded, so it is kept as evidence.
  const sidecar = item.sidecar;
  const paths = [job.path, ...(sidecar !== null && sidecar.problem === null ? [sidecar.path] : [])];
  try {
    for (const path of paths) await unlink(path).catch(ignoreMissing);
    store.markLocalDeleted(job.id);
    logger.info('local recording deleted after verified upload', { job: job.id, file: basename(job.path) });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    store.setWarning(job.id, `uploaded and verified, but the local file could not be deleted: ${reason}`);
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
}
