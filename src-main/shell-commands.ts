import type { BridgeCommands, BridgeRequest, BridgeResponse } from '../src-shared/bridge-contract.ts';

/** The commands the desktop shell answers itself, because they need a window or the OS. */
export interface ShellCommandHandlers {
  chooseLocalFolder(
    params: BridgeCommands['chooseLocalFolder']['params'],
  ): Promise<BridgeCommands['chooseLocalFolder']['result']>;
}

/**
 * Sends each request where it can be answered: `chooseLocalFolder` to the shell (a native dialog),
 * everything else to the core. Only the contract's host-answered command is caught here, so the
 * core stays the single authority for every other command.
 */
export async function routeShellRequest(
  request: BridgeRequest,
  shell: ShellCommandHandlers,
  core: (request: BridgeRequest) => Promise<BridgeResponse>,
): Promise<BridgeResponse> {
  if (request.method !== 'chooseLocalFolder') return core(request);
  const params = request.params as BridgeCommands['chooseLocalFolder']['params'];
  if (params.defaultPath !== undefined && typeof params.defaultPath !== 'string') {
    return { id: request.id, error: { code: 'BadRequest', message: 'defaultPath must be a folder path' } };
  }
  try {
    return { id: request.id, result: await shell.chooseLocalFolder(params) };
  } catch (error) {
    return {
      id: request.id,
      error: {
        code: 'failed',
        message: `The folder dialog failed: ${error instanceof Error ? error.message : String(error)}`,
      },
    };
  }
}
