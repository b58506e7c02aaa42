/** The login item the OS should hold: only a packaged app registers, and it starts hidden in the tray. */
export function loginItemFor(
  startAtLogin: boolean,
  isPackaged: boolean,
): { openAtLogin: boolean; args: string[] } | null {
  if (!isPackaged) return null;
  return { openAtLogin: startAtLogin, args: [HIDDEN_ARG] };
}

/** Given at login: start in the tray without showing the window. */
export const HIDDEN_ARG = '--hidden';
