import { contextBridge, ipcRenderer } from 'electron';
import { createBridgeClient, type UploaderBridge } from '../../src-shared/bridge-client.ts';
import type { BridgeEvent, BridgeResponse } from '../../src-shared/bridge-contract.ts';
import { BRIDGE_MESSAGE_CHANNEL, BRIDGE_REQUEST_CHANNEL } from './bridge/ipc-channels.ts';

const client = createBridgeClient({
  send: (request) => ipcRenderer.send(BRIDGE_REQUEST_CHANNEL, request),
  onMessage: (listener) => {
    // The IPC event object stays here: the page only ever sees the message.
    ipcRenderer.on(BRIDGE_MESSAGE_CHANNEL, (_event, message: BridgeResponse | BridgeEvent) =>
      listener(message),
    );
  },
});

/**
 * contextBridge copies an Error with its message only; a plain object keeps the bridge's error
 * code, and getBridge() turns it back into a BridgeError on the page's side.
 */
function crossable(error: unknown): { name: string; message: string; code: string } {
  const message = error instanceof Error ? error.message : String(error);
  const code =
    typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : 'failed';
  return { name: 'BridgeError', message, code };
}

/** The page's whole window onto the app: the bridge contract, and nothing else. */
const uploader: UploaderBridge = {
  invoke: (method, params) =>
    client.invoke(method, params).catch((error: unknown) => {
      throw crossable(error);
    }),
  onEvent: (listener) => client.onEvent((event) => listener(event)),
};

contextBridge.exposeInMainWorld('uploader', uploader);
