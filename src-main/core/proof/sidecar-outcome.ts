import type { SidecarDetails } from '../../../src-shared/job-details.ts';
import type { JobRecord } from '../store/job-record.ts';

/**
 * Where a recording's metadata file went, as the details view and the receipt both say it. The
 * cloud drives place it after the video, and the ledger says so (`placedBeside`). The storage API
 * takes it in the upload session, so a verified upload stored it, unless it could not be used:
 * then the job's sidecar warning names it and the video went alone.
 */
export function sidecarOutcome(job: JobRecord, placedBeside: boolean): SidecarDetails['stored'] {
  if (placedBeside) return 'beside-the-video';
  if (job.destination === 'storage-api' && job.state === 'done' && job.sidecarWarning === null)
    return 'with-the-upload';
  return 'no';
}
