import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UploadItem } from '../../src-main/core/destinations/destination.ts';

/** Writes `content` as `dir/fileName` and describes it as the queue hands it to the chunk loop. */
export function writeUploadItem(
  dir: string,
  fileName: string,
  content: Uint8Array,
  recordingId: string,
): UploadItem {
  const path = join(dir, fileName);
  writeFileSync(path, content);
  const stat = statSync(path);
  return {
    jobId: 1,
    path,
    fileName,
    sizeBytes: stat.size,
    mtimeMs: stat.mtimeMs,
    recordingId,
    sidecar: null,
  };
}
