import type { BridgeEvent, BridgeRequest, BridgeResponse } from '../../src-shared/bridge-contract.ts';

/** What the desktop shell sends the core process. */
export type ShellToCore =
  | { kind: 'request'; request: BridgeRequest }
  | { kind: 'stop' }
  /** The tray's "Save support files": written into `folder` (the shell's, never the page's). */
  | { kind: 'support-files'; folder: string };

/** The support folder written, or why not. */
export type SupportFilesResult = { folder: string; files: string[] } | { error: string };

/** What the core process sends the desktop shell. Everything is structured-clone-able. */
export type CoreToShell =
  /** The core answers requests from now on (it may still be scanning the recordings folder). */
  | { kind: 'ready' }
  | { kind: 'response'; response: BridgeResponse }
  | { kind: 'event'; event: BridgeEvent }
  | { kind: 'support-files'; result: SupportFilesResult }
  /** A sign-in page: the shell opens it in the system browser, the core cannot. */
  | { kind: 'open-browser'; url: string }
  /** The core could not start, in a sentence for the operator; the process exits next. */
  | { kind: 'failed'; message: string }
  /** Everything is persisted after a `stop`; the process exits next. */
  | { kind: 'stopped' };
