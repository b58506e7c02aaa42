import { join } from 'node:path';

export interface AppPaths {
  preload: string;
  coreEntry: string;
  rendererDir: string;
  /** The app and tray icons. */
  iconsDir: string;
}

/**
 * Where the built pieces live (see scripts/build-shell.ts and vite.config.ts): under out/ in the
 * app folder (inside app.asar when packaged); icons beside the app in dev, in the installed
 * resources folder when packaged (electron-builder's extraResources).
 */
export function appPaths(appPath: string, resourcesPath: string, isPackaged: boolean): AppPaths {
  return {
    preload: join(appPath, 'out', 'preload', 'preload.cjs'),
    coreEntry: join(appPath, 'out', 'core-process', 'core-entry.js'),
    rendererDir: join(appPath, 'out', 'renderer'),
    iconsDir: isPackaged ? join(resourcesPath, 'icons') : join(appPath, 'resources', 'icons'),
  };
}

/** The app's own origin for its pages, served by app-protocol.ts from the renderer build. */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://renderer`;
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`;
