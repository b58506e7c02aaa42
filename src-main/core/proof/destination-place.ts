import type { DestinationPlace } from '../../../src-shared/job-details.ts';
import type { DestinationKind, Settings } from '../../../src-shared/settings.ts';
import type { AccountStore } from '../store/account-store.ts';

/**
 * Where a destination's recordings go, in the words a receipt and the details view both use: the
 * account signed in there, and the chosen folder (the storage API: its address).
 */
export function destinationPlace(
  settings: Settings,
  accounts: AccountStore,
  kind: DestinationKind,
): DestinationPlace {
  return { kind, account: accounts.get(kind)?.label ?? null, folder: folderOf(settings, kind) };
}

function folderOf(settings: Settings, kind: DestinationKind): string | null {
  if (kind === 'onedrive') return settings.oneDriveFolder?.path ?? null;
  if (kind === 'gdrive') return settings.googleDriveFolder?.path ?? null;
  return settings.storageApiBaseUrl === '' ? null : settings.storageApiBaseUrl;
}
