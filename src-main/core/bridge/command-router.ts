import {
  type BridgeCommands,
  type BridgeRequest,
  type BridgeResponse,
  type CommandName,
  NO_FILE_MANAGER,
  NO_FOLDER_DIALOG,
} from '../../../src-shared/bridge-contract.ts';
import type { Uploader } from '../uploader.ts';

/** The core has no screen: a native dialog is the desktop shell's to open, before it reaches here. */
class NoFolderDialogError extends Error {
  override readonly name = NO_FOLDER_DIALOG;

  constructor() {
    super('There is no folder dialog here: type the folder path');
  }
}

/** Nor can it show a file in a file manager: the desktop shell does, by the job's id. */
class NoFileManagerError extends Error {
  override readonly name = NO_FILE_MANAGER;

  constructor() {
    super(
      'There is no file manager here to show the recording in: it is on the computer the uploader runs on',
    );
  }
}

type Handlers = { [M in CommandName]: (params: BridgeCommands[M]['params']) => unknown };

/**
 * Answers bridge requests from any carrier. Only the commands of the contract are reachable: the
 * method name indexes this table, never the uploader object itself.
 */
export function createCommandRouter(uploader: Uploader): (request: BridgeRequest) => Promise<BridgeResponse> {
  const handlers: Handlers = {
    getSnapshot: (p) => uploader.getSnapshot(p),
    getHealth: () => uploader.getHealth(),
    listJobs: (p) => uploader.listJobs(p),
    updateSettings: (p) => uploader.updateSettings(p),
    setStorageApiToken: (p) => uploader.setStorageApiToken(p),
    testConnection: (p) => uploader.testConnection(p),
    connect: (p) => uploader.connect(p),
    disconnect: (p) => uploader.disconnect(p),
    listRemoteFolders: (p) => uploader.listRemoteFolders(p),
    createRemoteFolder: (p) => uploader.createRemoteFolder(p),
    describeRemoteFolder: (p) => uploader.describeRemoteFolder(p),
    chooseRemoteFolder: (p) => uploader.chooseRemoteFolder(p),
    getJob: (p) => uploader.getJob(p),
    getJobDetails: (p) => uploader.getJobDetails(p),
    retry: (p) => uploader.retry(p),
    pauseJob: (p) => uploader.pauseJob(p),
    resumeJob: (p) => uploader.resumeJob(p),
    cancelJob: (p) => uploader.cancelJob(p),
    pauseAll: (p) => uploader.pauseAll(p),
    resumeAll: () => uploader.resumeAll(),
    setUploadLimitNow: (p) => uploader.setUploadLimitNow(p),
    getHistory: (p) => uploader.getHistory(p),
    exportHistory: (p) => uploader.exportHistory(p),
    chooseLocalFolder: () => {
      throw new NoFolderDialogError();
    },
    showInFolder: () => {
      throw new NoFileManagerError();
    },
  };
  return async (request) => {
    const handler = Object.hasOwn(handlers, request.method)
      ? (handlers[request.method] as (params: unknown) => unknown)
      : undefined;
    if (handler === undefined) {
      return {
        id: request.id,
        error: { code: 'unknown-command', message: `no command "${String(request.method)}"` },
      };
    }
    try {
      return { id: request.id, result: await handler(request.params ?? {}) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = error instanceof Error && error.name !== 'Error' ? error.name : 'failed';
      return { id: request.id, error: { code, message } };
    }
  };
}
