import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SecretStore } from '../../src-main/core/auth/secret-store.ts';
import { createCommandRouter } from '../../src-main/core/bridge/command-router.ts';
import { systemClock } from '../../src-main/core/host-services.ts';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import { type Database, openDatabase } from '../../src-main/core/store/database.ts';
import { Uploader } from '../../src-main/core/uploader.ts';
import { DESKTOP_HOST_CAPABILITIES } from '../../src-main/core-process/host-capabilities.ts';
import { createAppStore } from '../../src-renderer/state/app-store.ts';
import { setupSteps } from '../../src-renderer/state/first-run.ts';
import { canDo, rowActions } from '../../src-renderer/state/job-lists.ts';
import { createBridgeClient } from '../../src-shared/bridge-client.ts';
import {
  type BridgeEvent,
  type BridgeRequest,
  type BridgeResponse,
  type HostCapabilities,
  NO_HOST_CAPABILITIES,
} from '../../src-shared/bridge-contract.ts';
import { hostPlatformOf } from '../../src-shared/host-platform.ts';
import { JOB_STATES } from '../../src-shared/job.ts';

const noSecrets: SecretStore = {
  get: () => Promise.reject(new Error('no keychain in this test')),
  set: () => Promise.reject(new Error('no keychain in this test')),
  delete: () => Promise.reject(new Error('no keychain in this test')),
};

describe("a queue row's buttons", () => {
  it('offer Show in folder in every state where the host has a file manager, and nowhere else', () => {
    for (const state of JOB_STATES) {
      expect(rowActions(state, NO_HOST_CAPABILITIES), state).not.toContain('show-in-folder');
      expect(
        rowActions(state, {
          folderDialog: false,
          showInFolder: true,
          startAtLogin: false,
          updates: false,
        }).at(-1),
        state,
      ).toBe('show-in-folder');
      // A folder dialog alone is no file manager.
      expect(
        rowActions(state, { folderDialog: true, showInFolder: false, startAtLogin: false, updates: false }),
        state,
      ).not.toContain('show-in-folder');
    }
  });

  it("keep the operator's commands to what the job's state allows, whatever the host", () => {
    for (const state of JOB_STATES) {
      const allowed = (['retry', 'pause', 'resume', 'cancel'] as const).filter((a) => canDo(a, state));
      expect(rowActions(state, NO_HOST_CAPABILITIES), state).toEqual(allowed);
      expect(rowActions(state, DESKTOP_HOST_CAPABILITIES), state).toEqual([...allowed, 'show-in-folder']);
    }
    expect(rowActions('uploading', DESKTOP_HOST_CAPABILITIES)).toEqual(['pause', 'cancel', 'show-in-folder']);
    expect(rowActions('done', NO_HOST_CAPABILITIES)).toEqual([]);
  });
});

describe('what the UI learns of its host', () => {
  let dir: string;
  let db: Database;
  afterEach(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The UI's store over a real core, carried in-process: the host's statement arrives in the snapshot. */
  async function storeOver(hostCapabilities?: HostCapabilities) {
    dir = mkdtempSync(join(tmpdir(), 'ui-host-'));
    db = openDatabase(join(dir, 'uploader.db'));
    const uploader = new Uploader({
      host: {
        fetch,
        openBrowser: async () => {},
        secrets: noSecrets,
        dataDir: dir,
        clock: systemClock,
        logger: silentLogger,
      },
      db,
      ...(hostCapabilities ? { hostCapabilities } : {}),
    });
    const route = createCommandRouter(uploader);
    let deliver: (message: BridgeResponse | BridgeEvent) => void = () => {};
    uploader.events.subscribe((event) => deliver(structuredClone(event)));
    const bridge = createBridgeClient({
      send: (request: BridgeRequest) => {
        void route(structuredClone(request)).then((response) => deliver(structuredClone(response)));
      },
      onMessage: (listener) => {
        deliver = listener;
      },
    });
    const app = createAppStore(bridge);
    expect(app.store.getState().host).toEqual(NO_HOST_CAPABILITIES);
    const stop = app.actions.start();
    await waitFor(() => app.store.getState().loaded);
    return { app, stop };
  }

  it('offers no folder dialog and no file manager where the host is headless', async () => {
    const { app, stop } = await storeOver();
    expect(app.store.getState().host).toEqual({
      folderDialog: false,
      showInFolder: false,
      startAtLogin: false,
      updates: false,
    });
    stop();
  });

  it('offers both where the desktop shell says it answers them', async () => {
    const { app, stop } = await storeOver(DESKTOP_HOST_CAPABILITIES);
    expect(app.store.getState().host).toEqual({
      folderDialog: true,
      showInFolder: true,
      startAtLogin: true,
      updates: true,
    });
    stop();
  });
  it("learns the OS of the core's machine, whose paths the recordings folder is typed in", async () => {
    const { app, stop } = await storeOver();
    expect(app.store.getState().platform).toBe(hostPlatformOf(process.platform));
    expect(['win32', 'darwin', 'linux', 'freebsd'].map(hostPlatformOf)).toEqual([
      'windows',
      'macos',
      'linux',
      'linux',
    ]);
    stop();
  });
});

describe('the first run', () => {
  it('has no remote-folder step for the storage API, which files recordings itself', () => {
    expect(setupSteps('storage-api')).toEqual(['folder', 'destination']);
    expect(setupSteps('onedrive')).toEqual(['folder', 'destination', 'remote']);
    expect(setupSteps('gdrive')).toEqual(['folder', 'destination', 'remote']);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
