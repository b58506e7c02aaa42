import { homedir } from 'node:os';
import { join, posix, win32 } from 'node:path';

/** package.json's productName: Electron names the user-data folder after it. */
export const PRODUCT_NAME = 'Recording Uploader';

/**
 * The folder Electron's app.getPath('userData') gives this app, so the headless host and the
 * desktop app share one database, log folder and secrets when run by the same user.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: Record<string, string | undefined> = process.env,
  home: string = homedir(),
): string {
  if (platform === 'win32') {
    return win32.join(env.APPDATA || win32.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  // Chromium takes XDG_CONFIG_HOME as given whenever it is non-empty, relative or not.
  return posix.join(env.XDG_CONFIG_HOME || posix.join(home, '.config'), PRODUCT_NAME);
}

export interface DataPaths {
  database: string;
  logs: string;
  secrets: string;
  lock: string;
  /** The headless web UI's port and secret path, so its address outlives a restart. */
  webUi: string;
}

export function dataPaths(dataDir: string): DataPaths {
  return {
    database: join(dataDir, 'uploader.db'),
    logs: join(dataDir, 'logs'),
    secrets: join(dataDir, 'secrets'),
    lock: join(dataDir, 'uploader.lock'),
    webUi: join(dataDir, 'web-ui.json'),
  };
}
