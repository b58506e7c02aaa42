import type { DestinationKind } from '../../../src-shared/settings.ts';
import type { DestinationProvider } from './destination-provider.ts';
import { DriveProvider } from './gdrive/drive-provider.ts';
import { OneDriveProvider } from './onedrive/onedrive-provider.ts';
import type { ProviderContext } from './provider-context.ts';
import { StorageApiProvider } from './storage-api/storage-api-provider.ts';

/**
 * One provider per destination kind: the one place a new destination is plugged in. Each gets a
 * context of its own, so what it asks of the host (a sign-in page opened) is known to be its own.
 */
export function createProviders(
  contextFor: (kind: DestinationKind) => ProviderContext,
): Map<DestinationKind, DestinationProvider> {
  const providers: DestinationProvider[] = [
    new StorageApiProvider(contextFor('storage-api')),
    new OneDriveProvider(contextFor('onedrive')),
    new DriveProvider(contextFor('gdrive')),
  ];
  return new Map(providers.map((provider) => [provider.kind, provider]));
}
