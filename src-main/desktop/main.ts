import { join } from 'node:path';
import { app, type BrowserWindow, dialog, powerMonitor, session, shell } from 'electron';
import {
  type AnyBridgeEvent,
  type BridgeEvent,
  type BridgeRequest,
  type BridgeResponse,
  CORE_UNAVAILABLE,
} from '../../src-shared/bridge-contract.ts';
import { isOpenableWebUrl } from '../../src-shared/web-address.ts';
import { loadMachinePolicy } from '../core/policy/policy-file.ts';
import { isPerMachineInstall, planUpdates } from '../core/updates/update-plan.ts';
import { dataPaths } from '../node-host/data-dir.ts';
import { devRendererCsp } from '../node-host/renderer-host/content-security-policy.ts';
import { APP_ORIGIN, APP_PAGE_URL, appPaths } from './app-paths.ts';
import { registerAppScheme, serveRendererFiles } from './app-protocol.ts';
import { chooseFolder } from './bridge/folder-dialog.ts';
import { registerBridgeIpc, sendBridgeEvent } from './bridge/ipc.ts';
import { jobFromCore, routeShellRequest, type ShellCommandHandlers } from './bridge/shell-commands.ts';
import { showRecordingInFolder } from './bridge/show-in-folder.ts';
import { noticeFor } from './notifications/notices.ts';
import { createNotifier } from './notifications/notifications.ts';
import { originOf } from './security/sender-check.ts';
import { guardAllWebContents, hardenSession } from './security/session-security.ts';
import { resolveShellLanguage, type ShellStrings, shellStrings } from './shell-strings.ts';
import { HIDDEN_ARG, loginItemFor } from './start-at-login.ts';
import { CoreSupervisor } from './supervisor/core-supervisor.ts';
import { spawnUtilityCore } from './supervisor/utility-core.ts';
import { folderToOpen } from './tray/folder-to-open.ts';
import { applyShellEvent, initialShellState, type ShellState } from './tray/shell-state.ts';
import { AppTray } from './tray/tray.ts';
import { pauseParams, type TrayAction, trayMenuModel, uploadLimitParams } from './tray/tray-menu.ts';
import { countsDown, type TrayView, trayViewOf } from './tray/tray-state.ts';
import { startUpdates } from './updates.ts';
import { createMainWindow } from './window.ts';

const APP_ID = 'com.recordinguploader.desktop';
const TRAY_REFRESH_MS = 1000;

/** `npm run dev` sets this to Vite's server; a built or packaged app always loads app://. */
const devServerUrl = app.isPackaged ? undefined : process.env.VITE_DEV_SERVER_URL;
const pageUrl = devServerUrl ?? APP_PAGE_URL;
const appOrigin = devServerUrl === undefined ? APP_ORIGIN : (originOf(devServerUrl) ?? APP_ORIGIN);
const paths = appPaths(app.getAppPath(), process.resourcesPath, app.isPackaged);

let window: BrowserWindow | null = null;
let state: ShellState = initialShellState();
let tray: AppTray | null = null;
let supervisor: CoreSupervisor | null = null;
let quitting = false;
let trayTimer: NodeJS.Timeout | null = null;
let lastTrayView: TrayView | null = null;

registerAppScheme();
guardAllWebContents();

if (!app.requestSingleInstanceLock()) {
  // Another copy runs: it brings its window forward (second-instance), this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow());
  // The window closing is not the app ending: it lives on in the tray.
  app.on('window-all-closed', () => {});
  app.on('before-quit', onBeforeQuit);
  void app.whenReady().then(startShell);
}

function startShell(): void {
  app.setAppUserModelId(APP_ID);
  hardenSession(session.defaultSession, devServerUrl === undefined ? null : devRendererCsp(appOrigin));
  if (devServerUrl === undefined) serveRendererFiles(paths.rendererDir);

  const core = new CoreSupervisor({
    spawn: () => spawnUtilityCore(paths.coreEntry, app.getPath('userData')),
    onEvent: onCoreEvent,
    onOpenBrowser: (url) => {
      if (isOpenableWebUrl(url)) void shell.openExternal(url);
    },
  });
  supervisor = core;
  registerBridgeIpc({
    trusted: () => ({ origin: appOrigin, webContentsId: window?.webContents.id ?? null }),
    handle: (request) => routeShellRequest(request, shellCommands, (r) => core.request(r)),
    onRefused: (reason, facts) => console.warn(`refused ${reason}: ${facts.frameUrl ?? 'no frame'}`),
  });
  tray = new AppTray(paths.iconsDir, onTrayAction, () => showWindow());
  core.start();
  void refreshFromCore();
  refreshTray();
  // Shutting down (Linux, macOS): stop the core as on Quit, while the OS still waits for us.
  powerMonitor.on('shutdown', () => app.quit());

  const atLogin = process.argv.includes(HIDDEN_ARG) || app.getLoginItemSettings().wasOpenedAtLogin;
  if (!atLogin) showWindow();
}

const shellCommands: ShellCommandHandlers = {
  chooseLocalFolder: (params) => chooseFolder(window, strings().chooseFolderTitle, params),
  showInFolder: (params) => showRecordingInFolder(params.jobId, (jobId) => jobFromCore(askCore, jobId)),
};

function askCore(request: BridgeRequest): Promise<BridgeResponse> {
  return (
    supervisor?.request(request) ??
    Promise.resolve({
      id: request.id,
      error: { code: CORE_UNAVAILABLE, message: 'The uploader is shutting down' },
    })
  );
}

function onCoreEvent(raw: BridgeEvent): void {
  const event = raw as AnyBridgeEvent;
  const before = state;
  state = applyShellEvent(state, event);
  const notice = noticeFor(before, event);
  if (notice !== null) notify(notice);
  if (event.event === 'snapshot') {
    applyLoginItem();
    startUpdatesOnce();
  }
  if (event.event === 'core-status' && event.payload.state === 'running') void refreshFromCore();
  sendBridgeEvent(window?.webContents, event);
  scheduleTrayRefresh();
}

/** The shell's own view of the core starts from a snapshot, like the window's. */
async function refreshFromCore(): Promise<void> {
  const response = await supervisor?.request({ id: 0, method: 'getSnapshot', params: { jobLimit: 200 } });
  if (response !== undefined && 'result' in response) {
    onCoreEvent({ event: 'snapshot', payload: response.result } as BridgeEvent);
  }
}

const notify = createNotifier(
  () => strings(),
  join(paths.iconsDir, 'icon.png'),
  () => showWindow(),
);

function strings(): ShellStrings {
  return shellStrings(resolveShellLanguage(state.settings?.language, app.getLocale()));
}

function showWindow(): void {
  if (window === null || window.isDestroyed()) {
    window = createMainWindow({
      preload: paths.preload,
      pageUrl,
      icon: join(paths.iconsDir, 'icon.png'),
      show: true,
    });
    window.on('close', (event) => {
      if (quitting) return;
      event.preventDefault();
      window?.hide();
    });
    // Windows logging off or shutting down: closing must not be refused, or it would hold the OS up.
    window.on('session-end', () => {
      quitting = true;
    });
    return;
  }
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

function onTrayAction(action: TrayAction): void {
  const pause = pauseParams(action, Date.now());
  if (pause !== null) {
    void invoke({ id: 0, method: 'pauseAll', params: pause });
    return;
  }
  const limit = uploadLimitParams(action);
  if (limit !== null) {
    void invoke({ id: 0, method: 'setUploadLimitNow', params: limit });
    return;
  }
  switch (action) {
    case 'open':
      showWindow();
      break;
    case 'resume':
      void invoke({ id: 0, method: 'resumeAll', params: {} });
      break;
    case 'open-recordings':
      void openFolder(state.settings?.recordingsFolder);
      break;
    case 'open-logs':
      void openFolder(dataPaths(app.getPath('userData')).logs);
      break;
    case 'save-support-files':
      void saveSupportFiles();
      break;
    case 'quit':
      app.quit();
      break;
  }
}

/** The core writes them into Downloads; the folder is then shown, or why it could not be written. */
async function saveSupportFiles(): Promise<void> {
  const result = await supervisor?.supportFiles(app.getPath('downloads'));
  if (result === undefined) return;
  if ('error' in result) dialog.showErrorBox(strings().supportFilesFailed, result.error);
  else shell.showItemInFolder(result.folder);
}

let updatesStarted = false;

/** Once the settings are known: the plan decides, electron-updater only carries it out. */
function startUpdatesOnce(): void {
  if (updatesStarted || state.settings === null) return;
  updatesStarted = true;
  const machine = loadMachinePolicy();
  // A policy that does not validate is never ignored: with it, nothing is installed.
  if (machine.state === 'invalid') return;
  const plan = planUpdates({
    settingsFeedUrl: state.settings.updateFeedUrl,
    settingsFeedLocked: machine.state === 'in-force' && machine.policy.locked.has('updateFeedUrl'),
    policy: machine.state === 'in-force' ? machine.policy.updates : null,
    perMachine: isPerMachineInstall(app.getPath('exe'), app.getPath('home')),
    packaged: app.isPackaged,
  });
  startUpdates(
    plan,
    (version, because) => notify({ kind: 'update-available', version, because }),
    (reason) => console.warn(`update check failed: ${reason}`),
  );
}

/** Only an existing directory is handed to the OS: it would run a file. */
async function openFolder(path: string | undefined): Promise<void> {
  const folder = await folderToOpen(path);
  if (folder !== null) await shell.openPath(folder);
}

/** A tray command's result arrives as events too; only a refusal needs saying here. */
async function invoke(request: BridgeRequest): Promise<void> {
  const response = await supervisor?.request(request);
  if (response !== undefined && 'error' in response)
    console.warn(`${request.method}: ${response.error.message}`);
}

function scheduleTrayRefresh(): void {
  if (trayTimer !== null) return;
  trayTimer = setTimeout(() => {
    trayTimer = null;
    refreshTray();
  }, TRAY_REFRESH_MS);
}

function refreshTray(): void {
  const view = trayViewOf(state);
  lastTrayView = view;
  const words = strings();
  tray?.update(
    view.state,
    `${words.appName}: ${words.status(view.status)}`,
    trayMenuModel(view, state, words),
  );
  // "Next try in 42 s" counts down: the tooltip is redrawn until the headline changes.
  if (countsDown(view)) scheduleTrayRefresh();
}

function applyLoginItem(): void {
  const item = loginItemFor(state.settings?.startAtLogin ?? true, app.isPackaged);
  if (item !== null) app.setLoginItemSettings(item);
}

/** Quit: let the core persist and stop (it resumes at the next start), then leave. */
function onBeforeQuit(event: Electron.Event): void {
  if (quitting && supervisor === null) return;
  event.preventDefault();
  if (quitting) return;
  quitting = true;
  const core = supervisor;
  void (core?.stop() ?? Promise.resolve()).finally(() => {
    supervisor = null;
    tray?.destroy();
    app.quit();
  });
}

/** Read by the Playwright test of the desktop app (npm run test:electron) through app.evaluate. */
Object.assign(globalThis, { recordingUploaderTrayView: () => lastTrayView });
