import { type BrowserWindow, dialog, type OpenDialogOptions } from 'electron';
import type { BridgeCommands } from '../../../src-shared/bridge-contract.ts';

/** The OS folder picker for the recordings folder; path null when the operator cancels. */
export async function chooseFolder(
  parent: BrowserWindow | null,
  title: string,
  params: BridgeCommands['chooseLocalFolder']['params'],
): Promise<BridgeCommands['chooseLocalFolder']['result']> {
  const options: OpenDialogOptions = {
    title,
    properties: ['openDirectory', 'createDirectory'],
    ...(params.defaultPath ? { defaultPath: params.defaultPath } : {}),
  };
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return { path: result.canceled ? null : (result.filePaths[0] ?? null) };
}
