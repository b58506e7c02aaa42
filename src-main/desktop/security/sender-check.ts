/** What the shell knows of an IPC message's sender. */
export interface SenderFacts {
  /** The sending frame's URL; null when the frame is gone or navigated away. */
  frameUrl: string | null | undefined;
  isMainFrame: boolean;
  webContentsId: number;
}

export interface TrustedRenderer {
  /** The app's own origin: app://renderer when built, the Vite dev server under `npm run dev`. */
  origin: string;
  /** The main window's web contents; null while there is no window. */
  webContentsId: number | null;
}

/**
 * Only the main frame of the app's own window, showing the app's own page, may talk to the core.
 * An iframe, another window, or the window after some navigation is refused.
 */
export function isTrustedSender(facts: SenderFacts, trusted: TrustedRenderer): boolean {
  if (trusted.webContentsId === null || facts.webContentsId !== trusted.webContentsId) return false;
  if (!facts.isMainFrame || !facts.frameUrl) return false;
  return originOf(facts.frameUrl) === trusted.origin;
}

/**
 * scheme://host[:port] of a URL. Written out because WHATWG `URL.origin` is "null" for schemes it
 * does not know, such as the app's own app://.
 */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.host === '' || parsed.username !== '' || parsed.password !== '') return null;
  return `${parsed.protocol}//${parsed.host}`;
}
