import { BrowserWindow, shell } from 'electron';
import { isOpenableWebUrl } from '../../src-shared/web-address.ts';

export interface MainWindowOptions {
  preload: string;
  pageUrl: string;
  icon: string;
  show: boolean;
}

/**
 * The app's one window: sandboxed, isolated, no Node, web security on. It opens nothing itself:
 * a web link goes to the system browser, any other window or navigation is refused.
 */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1120,
    height: 760,
    minWidth: 720,
    minHeight: 520,
    show: false,
    title: 'Recording Uploader',
    icon: options.icon,
    autoHideMenuBar: true,
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  const openOutside = (url: string) => {
    if (isOpenableWebUrl(url)) void shell.openExternal(url);
  };
  window.webContents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    event.preventDefault();
    openOutside(url);
  });
  window.webContents.on('will-redirect', (event) => event.preventDefault());
  if (options.show) window.once('ready-to-show', () => window.show());
  void window.loadURL(options.pageUrl);
  return window;
}
