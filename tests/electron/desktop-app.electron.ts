import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ElectronApplication, _electron as electron, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronBinary } from '../../scripts/electron-binary.ts';
import { STORAGE_API_TOKEN_ENV } from '../../src-main/core/auth/env-secret-store.ts';
import type { TrayView } from '../../src-main/desktop/tray/tray-state.ts';
import { type StoragePeer, startStoragePeer } from '../peers/storage-api-peer.ts';

/** What the test reads of the page's window (this file is type-checked without the DOM). */
interface PageWindow {
  uploader?: { invoke(method: string, params: object): Promise<unknown> };
  open(url: string): unknown;
}

/**
 * The built desktop app (npm run build), launched for real: its window and what the page can
 * reach, the tray state, and one recording uploaded to the storage API peer.
 */
describe('the desktop app', () => {
  let root: string;
  let recordings: string;
  let peer: StoragePeer;
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'desktop-app-'));
    recordings = join(root, 'recordings');
    mkdirSync(recordings);
    peer = await startStoragePeer({ chunkSize: 256 * 1024 });
    app = await electron.launch({
      executablePath: electronBinary(),
      args: ['.', `--user-data-dir=${join(root, 'user-data')}`],
      env: { ...process.env, [STORAGE_API_TOKEN_ENV]: peer.token },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  afterAll(async () => {
    await app?.close();
    await peer?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const trayView = () =>
    app.evaluate(() =>
      (globalThis as { recordingUploaderTrayView?: () => TrayView | null }).recordingUploaderTrayView?.(),
    );

  it("loads the app's own page, sandboxed, with only the bridge exposed", async () => {
    expect(page.url()).toBe('app://renderer/index.html');
    const reach = await page.evaluate(() => ({
      bridge: Object.keys((globalThis as unknown as PageWindow).uploader ?? {}).sort(),
      node: typeof (globalThis as { process?: unknown }).process,
      require: typeof (globalThis as { require?: unknown }).require,
    }));
    expect(reach).toEqual({ bridge: ['invoke', 'onEvent'], node: 'undefined', require: 'undefined' });
    const blocked = await page.evaluate(
      () => (globalThis as unknown as PageWindow).open('https://example.com') === null,
    );
    expect(blocked).toBe(true);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });

  it('tells the page that the shell offers the folder dialog and the file manager', async () => {
    const snapshot = (await page.evaluate(() =>
      (globalThis as unknown as PageWindow).uploader?.invoke('getSnapshot', {}),
    )) as { host?: unknown };
    expect(snapshot.host).toEqual({ folderDialog: true, showInFolder: true, startAtLogin: true });
  });

  it('uploads a recording dropped into the folder, and the tray follows', async () => {
    await page.evaluate(
      ([folder, baseUrl]) =>
        (globalThis as unknown as PageWindow).uploader?.invoke('updateSettings', {
          recordingsFolder: folder,
          storageApiBaseUrl: baseUrl,
          settleSeconds: 1,
          activeDestination: 'storage-api',
        }),
      [recordings, peer.baseUrl],
    );
    const bytes = randomBytes(700 * 1024);
    writeFileSync(join(recordings, 'session-1.mp4'), bytes);
    await expect.poll(() => peer.recordings().length, { timeout: 60_000 }).toBe(1);
    const [stored] = peer.recordings();
    expect(await peer.readRecording(stored?.fileId ?? '')).toEqual(bytes);
    await expect
      .poll(async () => (await trayView())?.status, { timeout: 10_000 })
      .toMatchObject({
        kind: 'idle',
        doneToday: 1,
      });
  });

  it('pauses from the bridge and shows it in the tray', async () => {
    await page.evaluate(() =>
      (globalThis as unknown as PageWindow).uploader?.invoke('pauseAll', {
        until: null,
      }),
    );
    await expect.poll(async () => (await trayView())?.state, { timeout: 10_000 }).toBe('paused');
  });

  it('keeps running in the tray when the window closes', async () => {
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close());
    const windows = await app.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows().map((w) => ({ visible: w.isVisible(), destroyed: w.isDestroyed() })),
    );
    expect(windows).toEqual([{ visible: false, destroyed: false }]);
    expect(await trayView()).not.toBeNull();
  });
});
