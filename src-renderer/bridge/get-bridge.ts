import type { UploaderBridge } from '../../src-shared/bridge-client.ts';
import { withBridgeErrors } from './preload-bridge.ts';
import { bridgeSocketUrl, createWebSocketBridge, probePageAddress } from './web-socket-bridge.ts';

declare global {
  interface Window {
    /** Set by the desktop app's preload; absent when the UI runs in a browser. */
    readonly uploader?: UploaderBridge;
  }
}

let bridge: UploaderBridge | null = null;

/**
 * The one bridge the UI talks to: the desktop preload's `window.uploader` when there is one, else
 * the headless host's WebSocket at the address the page was served from. The UI never needs to
 * know which: on both, a failed command rejects with a BridgeError carrying the contract's code.
 */
export function getBridge(): UploaderBridge {
  if (bridge === null) {
    const preloaded = window.uploader;
    bridge =
      preloaded === undefined
        ? createWebSocketBridge({
            url: bridgeSocketUrl(window.location),
            probeAddress: () => probePageAddress(window.location.href),
          })
        : withBridgeErrors(preloaded);
  }
  return bridge;
}
