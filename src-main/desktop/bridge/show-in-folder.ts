import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { shell } from 'electron';
import type { BridgeCommands } from '../../../src-shared/bridge-contract.ts';
import type { JobView } from '../../../src-shared/job.ts';

/**
 * The OS file manager at a job's recording, selected. The path is the core's record of the job,
 * looked up by id: the page names a job, never a path, so it cannot make the shell open anything
 * else. A recording deleted after its upload (or moved away) leaves its folder to show instead.
 */
export async function showRecordingInFolder(
  jobId: number,
  lookUpJob: (jobId: number) => Promise<JobView>,
): Promise<BridgeCommands['showInFolder']['result']> {
  const job = await lookUpJob(jobId);
  if (await isKind(job.path, 'file')) {
    shell.showItemInFolder(job.path);
    return { shown: job.path };
  }
  const folder = dirname(job.path);
  if (!(await isKind(folder, 'folder'))) {
    throw new Error(`${job.fileName} is no longer on this computer, and its folder ${folder} is gone too`);
  }
  // openPath answers with an error message, or '' when the folder opened.
  const problem = await shell.openPath(folder);
  if (problem !== '') throw new Error(`the folder ${folder} could not be opened: ${problem}`);
  return { shown: folder };
}

async function isKind(path: string, kind: 'file' | 'folder'): Promise<boolean> {
  try {
    const found = await stat(path);
    return kind === 'file' ? found.isFile() : found.isDirectory();
  } catch {
    return false;
  }
}
