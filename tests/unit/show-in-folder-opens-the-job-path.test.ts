import { mkdirSync, mkdtempSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SecretStore } from '../../src-main/core/auth/secret-store.ts';
import { createCommandRouter } from '../../src-main/core/bridge/command-router.ts';
import { systemClock } from '../../src-main/core/host-services.ts';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import { type Database, openDatabase } from '../../src-main/core/store/database.ts';
import { Uploader } from '../../src-main/core/uploader.ts';
import {
  type BridgeRequest,
  type BridgeResponse,
  type HostCapabilities,
  NO_FILE_MANAGER,
  NO_FOLDER_DIALOG,
} from '../../src-shared/bridge-contract.ts';

const shown: string[] = [];
const opened: string[] = [];
let openPathAnswer = '';
vi.mock('electron', () => ({
  shell: {
    showItemInFolder: (path: string) => {
      shown.push(path);
    },
    openPath: async (path: string) => {
      opened.push(path);
      return openPathAnswer;
    },
  },
}));

const { showRecordingInFolder } = await import('../../src-main/desktop/bridge/show-in-folder.ts');
const { DESKTOP_HOST_CAPABILITIES } = await import('../../src-main/core-process/host-capabilities.ts');
const { jobFromCore, routeShellRequest } = await import('../../src-main/desktop/bridge/shell-commands.ts');

const noSecrets: SecretStore = {
  get: () => Promise.reject(new Error('no keychain in this test')),
  set: () => Promise.reject(new Error('no keychain in this test')),
  delete: () => Promise.reject(new Error('no keychain in this test')),
};

/**
 * The desktop shell's answer to `showInFolder`, with electron's `shell` mocked and everything else
 * real: a recording on disk, queued in a real core with its SQLite store, looked up by job id
 * through the core's command router as the shell does over its channel to the core process.
 */
describe('show in folder, answered by the desktop shell', () => {
  let root: string;
  let folder: string;
  let db: Database;
  let uploader: Uploader;
  let coreRequests: BridgeRequest[];
  let core: (request: BridgeRequest) => Promise<BridgeResponse>;

  beforeEach(() => {
    shown.length = 0;
    opened.length = 0;
    openPathAnswer = '';
    root = mkdtempSync(join(tmpdir(), 'show-in-folder-'));
    folder = join(root, 'recordings');
    mkdirSync(folder);
    db = openDatabase(join(root, 'uploader.db'));
    uploader = newUploader(DESKTOP_HOST_CAPABILITIES);
    const route = createCommandRouter(uploader);
    coreRequests = [];
    core = (request) => {
      coreRequests.push(request);
      return route(structuredClone(request));
    };
  });

  afterEach(async () => {
    // Stopped before its database closes, as every host does: the queue's totals follow a job
    // change a moment later.
    await uploader.stop();
    db.close();
    rmSync(root, { recursive: true, force: true });
  });

  function newUploader(hostCapabilities?: HostCapabilities): Uploader {
    return new Uploader({
      host: {
        fetch,
        openBrowser: async () => {},
        secrets: noSecrets,
        dataDir: root,
        clock: systemClock,
        logger: silentLogger,
      },
      db,
      ...(hostCapabilities ? { hostCapabilities } : {}),
    });
  }

  function queue(name: string): { id: number; path: string } {
    const path = join(folder, name);
    writeFileSync(path, 'recording');
    const { size, mtimeMs } = statSync(path);
    const job = uploader.enqueue({ path, sizeBytes: size, mtimeMs, sidecarPath: null });
    if (job === null) throw new Error('not queued');
    return { id: job.id, path };
  }

  const handlers = {
    chooseLocalFolder: () => Promise.reject(new Error('not in this test')),
    showInFolder: (params: { jobId: number }) =>
      showRecordingInFolder(params.jobId, (jobId) => jobFromCore(core, jobId)),
  };

  const ask = (params: unknown) =>
    routeShellRequest({ id: 5, method: 'showInFolder', params } as BridgeRequest, handlers, core);

  it("selects the job's recording in the file manager, by the path the core holds", async () => {
    const job = queue('2024-10-26_0900_ana.mp4');
    expect(await ask({ jobId: job.id })).toEqual({ id: 5, result: { shown: job.path } });
    expect(shown).toEqual([job.path]);
    expect(coreRequests.map((request) => request.method)).toEqual(['getJob']);
  });

  it('opens nothing the page names: a path sent along with the job id is ignored', async () => {
    const job = queue('2024-10-26_0930_bia.mp4');
    const answer = await ask({ jobId: job.id, path: '/etc', defaultPath: '/bin/sh' });
    expect(answer).toEqual({ id: 5, result: { shown: job.path } });
    expect(shown).toEqual([job.path]);
    expect(opened).toEqual([]);
  });

  it('refuses a job id that is not a queue id, without asking the core or the OS', async () => {
    for (const params of [{}, { jobId: '1' }, { jobId: 0 }, { jobId: -3 }, { jobId: 1.5 }, { jobId: null }]) {
      const answer = await ask(params);
      expect(answer, JSON.stringify(params)).toEqual({
        id: 5,
        error: { code: 'BadRequest', message: 'showInFolder needs the jobId of a recording in the queue' },
      });
    }
    expect(coreRequests).toEqual([]);
    expect([...shown, ...opened]).toEqual([]);
  });

  it('names an unknown job in its refusal', async () => {
    expect(await ask({ jobId: 999 })).toEqual({
      id: 5,
      error: { code: 'failed', message: 'The recording could not be shown: there is no job 999' },
    });
    expect([...shown, ...opened]).toEqual([]);
  });

  it('opens the folder of a recording that is gone (deleted after upload), and says when that is gone too', async () => {
    const job = queue('2024-10-26_1000_caio.mp4');
    unlinkSync(job.path);
    expect(await ask({ jobId: job.id })).toEqual({ id: 5, result: { shown: folder } });
    expect(opened).toEqual([folder]);
    expect(shown).toEqual([]);

    openPathAnswer = 'Failed to open path';
    expect(await ask({ jobId: job.id })).toEqual({
      id: 5,
      error: {
        code: 'failed',
        message: `The recording could not be shown: the folder ${folder} could not be opened: Failed to open path`,
      },
    });

    rmSync(folder, { recursive: true });
    const answer = await ask({ jobId: job.id });
    expect(answer).toEqual({
      id: 5,
      error: {
        code: 'failed',
        message: `The recording could not be shown: 2024-10-26_1000_caio.mp4 is no longer on this computer, and its folder ${folder} is gone too`,
      },
    });
    expect(opened).toEqual([folder, folder]);
  });

  it('answers every command it states it can, itself: none of them reaches the core', async () => {
    const job = queue('2024-10-26_1100_davi.mp4');
    const answered = { ...handlers, chooseLocalFolder: async () => ({ path: folder }) };
    // Every capability that is a command (starting at login and updating are the shell's own, asked of no one).
    const commands: Record<Exclude<keyof HostCapabilities, 'startAtLogin' | 'updates'>, BridgeRequest> = {
      folderDialog: { id: 1, method: 'chooseLocalFolder', params: {} },
      showInFolder: { id: 2, method: 'showInFolder', params: { jobId: job.id } },
    };
    for (const [capability, request] of Object.entries(commands)) {
      expect(DESKTOP_HOST_CAPABILITIES[capability as keyof HostCapabilities]).toBe(true);
      const answer = await routeShellRequest(request, answered, async (forwarded) => ({
        id: forwarded.id,
        error: { code: 'forwarded', message: `${forwarded.method} reached the core` },
      }));
      expect('result' in answer, capability).toBe(true);
    }
  });

  it('is refused by the core itself, as the headless host answers it, and the core states no such host', async () => {
    const headless = newUploader();
    const route = createCommandRouter(headless);
    const job = queue('2024-10-26_1200_eva.mp4');
    const answer = await route({ id: 9, method: 'showInFolder', params: { jobId: job.id } });
    expect(answer).toMatchObject({ id: 9, error: { code: NO_FILE_MANAGER } });
    expect((answer as { error: { message: string } }).error.message).toMatch(/no file manager/);
    expect(await route({ id: 10, method: 'chooseLocalFolder', params: {} })).toMatchObject({
      error: { code: NO_FOLDER_DIALOG },
    });
    expect(headless.getSnapshot().host).toEqual({
      folderDialog: false,
      showInFolder: false,
      startAtLogin: false,
      updates: false,
    });
    expect(uploader.getSnapshot().host).toEqual({
      folderDialog: true,
      showInFolder: true,
      startAtLogin: true,
      updates: true,
    });
    expect([...shown, ...opened]).toEqual([]);
  });
});
