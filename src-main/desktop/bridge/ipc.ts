import { type IpcMainEvent, ipcMain, type WebContents } from 'electron';
import type { BridgeEvent, BridgeRequest, BridgeResponse } from '../../../src-shared/bridge-contract.ts';
import { parseBridgeRequest } from '../../core/bridge/parse-request.ts';
import { isTrustedSender, type SenderFacts, type TrustedRenderer } from '../security/sender-check.ts';
import { BRIDGE_MESSAGE_CHANNEL, BRIDGE_REQUEST_CHANNEL } from './ipc-channels.ts';

export interface BridgeIpcOptions {
  trusted(): TrustedRenderer;
  handle(request: BridgeRequest): Promise<BridgeResponse>;
  onRefused(reason: string, facts: SenderFacts): void;
}

/**
 * The window's end of the bridge in the main process. Every message's sender is checked first:
 * only the main frame of the app's own window, on the app's own origin, reaches the core.
 */
export function registerBridgeIpc(options: BridgeIpcOptions): () => void {
  const listener = (event: IpcMainEvent, payload: unknown) => {
    const facts = senderFactsOf(event);
    if (!isTrustedSender(facts, options.trusted())) {
      options.onRefused('a bridge message from a sender that is not the app window', facts);
      return;
    }
    const parsed = parseBridgeRequest(payload);
    if (!parsed.ok) {
      if (parsed.id !== null)
        reply(event.sender, { id: parsed.id, error: { code: 'BadRequest', message: parsed.problem } });
      return;
    }
    void options.handle(parsed.request).then((response) => reply(event.sender, response));
  };
  ipcMain.on(BRIDGE_REQUEST_CHANNEL, listener);
  return () => ipcMain.removeListener(BRIDGE_REQUEST_CHANNEL, listener);
}

/** Pushes a core event to the window, if there is one. */
export function sendBridgeEvent(contents: WebContents | null | undefined, event: BridgeEvent): void {
  if (contents) reply(contents, event);
}

export function senderFactsOf(event: IpcMainEvent): SenderFacts {
  const frame = event.senderFrame;
  return {
    frameUrl: frame?.url ?? null,
    isMainFrame: frame !== null && frame.parent === null,
    webContentsId: event.sender.id,
  };
}

function reply(contents: WebContents, message: BridgeResponse | BridgeEvent): void {
  if (!contents.isDestroyed()) contents.send(BRIDGE_MESSAGE_CHANNEL, message);
}
