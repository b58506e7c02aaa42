import type { BridgeCommands, BridgeRequest, BridgeResponse } from '../../../src-shared/bridge-contract.ts';

/** The commands the desktop shell answers itself, because they need a window or the OS. */
export interface ShellCommandHandlers {
  chooseLocalFolder(
    params: BridgeCommands['chooseLocalFolder']['params'],
  ): Promise<BridgeCommands['chooseLocalFolder']['result']>;
  showInFolder(
    params: BridgeCommands['showInFolder']['params'],
  ): Promise<BridgeCommands['showInFolder']['result']>;
}

type Core = (request: BridgeRequest) => Promise<BridgeResponse>;

/**
 * Sends each request where it can be answered: `chooseLocalFolder` and `showInFolder` to the shell
 * (the OS), everything else to the core. Only the contract's host-answered commands are caught
 * here, so the core stays the single authority for every other command.
 */
export async function routeShellRequest(
  request: BridgeRequest,
  shell: ShellCommandHandlers,
  core: Core,
): Promise<BridgeResponse> {
  switch (request.method) {
    case 'chooseLocalFolder': {
      const params = request.params as BridgeCommands['chooseLocalFolder']['params'];
      if (params.defaultPath !== undefined && typeof params.defaultPath !== 'string') {
        return badRequest(request.id, 'defaultPath must be a folder path');
      }
      return answer(request.id, 'The folder dialog failed', () => shell.chooseLocalFolder(params));
    }
    case 'showInFolder': {
      const { jobId } = request.params as Partial<BridgeCommands['showInFolder']['params']>;
      if (typeof jobId !== 'number' || !Number.isSafeInteger(jobId) || jobId < 1) {
        return badRequest(request.id, 'showInFolder needs the jobId of a recording in the queue');
      }
      return answer(request.id, 'The recording could not be shown', () => shell.showInFolder({ jobId }));
    }
    default:
      return core(request);
  }
}

/** A job as the core knows it, asked by id: the shell opens the core's path, never the page's. */
export async function jobFromCore(core: Core, jobId: number): Promise<BridgeCommands['getJob']['result']> {
  const response = await core({ id: 0, method: 'getJob', params: { jobId } });
  if ('error' in response) throw new Error(response.error.message);
  return response.result as BridgeCommands['getJob']['result'];
}

async function answer(id: number, failure: string, work: () => Promise<unknown>): Promise<BridgeResponse> {
  try {
    return { id, result: await work() };
  } catch (error) {
    return {
      id,
      error: {
        code: 'failed',
        message: `${failure}: ${error instanceof Error ? error.message : String(error)}`,
      },
    };
  }
}

function badRequest(id: number, message: string): BridgeResponse {
  return { id, error: { code: 'BadRequest', message } };
}
