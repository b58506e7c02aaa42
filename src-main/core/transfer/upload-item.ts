import type { UploadItem } from '../destinations/destination.ts';
import type { Logger } from '../logging/logger.ts';
import type { JobRecord, JobRepository } from '../store/job-record.ts';
import { findSidecar, readSidecar, recordingIdOf } from '../watcher/sidecar.ts';

/** How a sidecar's warning ends when it could not be used and the video went without it. */
export const WITHOUT_METADATA = '; the recording is uploaded without its metadata';

/**
 * A job as its destination sees it, built as its upload begins: the metadata sidecar paired (one
 * written after the video settled is still found, as long as the upload has not begun) and read
 * once. The item carries the sidecar from there on: the destination stores the bytes read here,
 * and the deletion after a verified upload goes by it.
 */
export async function prepareUploadItem(
  job: JobRecord,
  store: Pick<JobRepository, 'setSidecar' | 'setRecordingId' | 'setSidecarWarning'>,
  logger: Logger,
): Promise<UploadItem> {
  let sidecarPath = job.sidecarPath;
  if (sidecarPath === null) {
    sidecarPath = await findSidecar(job.path);
    if (sidecarPath !== null) store.setSidecar(job.id, sidecarPath);
  }
  const sidecar = sidecarPath === null ? null : await readSidecar(sidecarPath);
  const recordingId = recordingIdOf(job.path, sidecar);
  if (recordingId !== job.recordingId) store.setRecordingId(job.id, recordingId);
  const sidecarWarning = sidecar?.problem ? `${sidecar.problem}${WITHOUT_METADATA}` : null;
  if (sidecar?.problem) logger.warn('metadata sidecar unusable', { job: job.id, problem: sidecar.problem });
  // A sidecar mended since an earlier try goes with this one: its old warning would no longer be true.
  if (sidecarWarning !== job.sidecarWarning) store.setSidecarWarning(job.id, sidecarWarning);
  return {
    jobId: job.id,
    path: job.path,
    fileName: job.fileName,
    sizeBytes: job.sizeBytes,
    mtimeMs: job.mtimeMs,
    recordingId,
    sidecar,
  };
}
