import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dataPaths } from './data-dir.ts';

/**
 * The data folder holds the queue, the ledger and the logs of one operator: only they may read
 * it. The folder and its logs folder become 0700, the database (with its WAL and shared-memory
 * files), the web UI's address (its secret) and every log file 0600 — also when they already existed with wider permissions (made by
 * an older version, copied in, or created under a looser umask). Windows keeps its own ACLs, which
 * already give a user's AppData folder to that user alone.
 */
export function makeDataFolderPrivate(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const paths = dataPaths(dataDir);
  restrict(dataDir, 0o700);
  for (const file of [paths.database, `${paths.database}-wal`, `${paths.database}-shm`, paths.webUi])
    restrict(file, 0o600);
  if (existsSync(paths.logs)) {
    restrict(paths.logs, 0o700);
    for (const name of readdirSync(paths.logs)) {
      const file = join(paths.logs, name);
      if (statSync(file).isFile()) restrict(file, 0o600);
    }
  }
}

function restrict(path: string, mode: number): void {
  if (!existsSync(path)) return;
  if ((statSync(path).mode & 0o777) !== mode) chmodSync(path, mode);
}
