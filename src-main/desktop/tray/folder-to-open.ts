import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';

/**
 * What the tray's "Open recordings folder" may hand the OS: an existing directory, by an absolute
 * path, or nothing. The OS opens a file by running its handler (an .exe, a script, a document with
 * macros), and the recordings folder is a setting whoever drives the UI can change: so a path that
 * is a file — or a link to one — is never opened.
 */
export async function folderToOpen(path: string | undefined): Promise<string | null> {
  if (path === undefined || path === '' || !isAbsolute(path)) return null;
  try {
    // stat follows links: a link to a directory opens the directory, a link to a file is refused.
    return (await stat(path)).isDirectory() ? path : null;
  } catch {
    return null;
  }
}
