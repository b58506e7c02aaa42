import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import type { WatcherState } from '../../../src-shared/health.ts';
import { describeFsError, errorCode } from '../watcher/fs-problem.ts';

export interface FolderProblem {
  state: Exclude<WatcherState, 'watching' | 'not-configured'>;
  /** What is wrong, after the folder's name: "it does not exist". */
  detail: string;
}

/**
 * Whether a recordings folder can be watched: it exists, is a folder, and can be listed. Asked
 * wherever a folder is set (first run, Folders, Settings, import-wats-config, --settings), so a
 * misspelled path is refused with its reason instead of being saved and silently never watched.
 */
export function folderProblem(folder: string): FolderProblem | null {
  const resolved = path.resolve(folder);
  try {
    if (!statSync(resolved).isDirectory())
      return { state: 'unreadable', detail: 'it is a file, not a folder' };
    accessSync(resolved, constants.R_OK | constants.X_OK);
    return null;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return { state: 'folder-missing', detail: 'it does not exist' };
    if (code === 'ENOTDIR') return { state: 'folder-missing', detail: 'a part of its path is not a folder' };
    return { state: 'unreadable', detail: describeFsError(error) };
  }
}

/** The sentence an answer gives when a folder cannot be used, naming the folder. */
export function describeFolderProblem(folder: string, problem: FolderProblem): string {
  return `the recordings folder "${folder}" cannot be used: ${problem.detail}`;
}
