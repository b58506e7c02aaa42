import type { HostCapabilities } from '../../src-shared/bridge-contract.ts';

/**
 * What the desktop shell offers the UI besides the core: the core process states it in the
 * snapshot, and the shell's router (desktop/bridge/shell-commands.ts) answers exactly these
 * commands. A test keeps the two together.
 */
export const DESKTOP_HOST_CAPABILITIES: HostCapabilities = {
  folderDialog: true,
  showInFolder: true,
  startAtLogin: true,
  updates: true,
};
