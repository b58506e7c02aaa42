import type { DestinationKind } from '../../../src-shared/settings.ts';
import type { AccountStore } from '../store/account-store.ts';

export interface FolderOps {
  /** The id of the child folder with this exact name, or null. */
  findChild(parentId: string, name: string, signal: AbortSignal): Promise<string | null>;
  createChild(parentId: string, name: string, signal: AbortSignal): Promise<string>;
}

/**
 * Finds or makes each folder of `segments` below `rootId` and returns the last one's id. Folders
 * already made are remembered, so a template like {yyyy}/{MM}/{dd} costs requests once a day,
 * not once a recording.
 */
export async function ensureFolderPath(
  destination: DestinationKind,
  rootId: string,
  segments: readonly string[],
  ops: FolderOps,
  accounts: AccountStore,
  signal: AbortSignal,
): Promise<string> {
  let parentId = rootId;
  for (let depth = 1; depth <= segments.length; depth += 1) {
    const path = segments.slice(0, depth).join('/');
    const name = segments[depth - 1] as string;
    const known = accounts.remoteFolder(destination, rootId, path);
    if (known !== null) {
      parentId = known;
      continue;
    }
    const id =
      (await ops.findChild(parentId, name, signal)) ?? (await ops.createChild(parentId, name, signal));
    accounts.rememberRemoteFolder(destination, rootId, path, id);
    parentId = id;
  }
  return parentId;
}
