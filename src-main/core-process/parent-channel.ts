import type { CoreToShell, ShellToCore } from './core-messages.ts';

export interface ParentChannel {
  post(message: CoreToShell): void;
  onMessage(listener: (message: ShellToCore) => void): void;
  /** The parent went away without a `stop` (only a Node parent can be seen going). */
  onParentGone(listener: () => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

/**
 * The core process's line to whoever started it: Electron's `process.parentPort` inside the desktop
 * app's utility process, Node's IPC channel when a plain `node` parent forked it (the tests). The
 * core's code is the same either way.
 */
export function parentChannel(): ParentChannel {
  const port = (process as { parentPort?: ElectronParentPort | null }).parentPort;
  if (port) {
    return {
      post: (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', (event) => listener(event.data as ShellToCore)),
      // Electron ends a utility process together with its parent.
      onParentGone: () => {},
    };
  }
  const send = process.send?.bind(process);
  if (send === undefined) {
    throw new Error(
      'the core process talks to the app that started it, and there is none: start the desktop app',
    );
  }
  return {
    post: (message) => {
      if (process.connected) send(message);
    },
    onMessage: (listener) => process.on('message', (message) => listener(message as ShellToCore)),
    onParentGone: (listener) => process.once('disconnect', listener),
  };
}
