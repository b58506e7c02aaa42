import type { DestinationKind } from '../../../src-shared/settings.ts';
import type { DestinationProvider } from './destination-provider.ts';
import { DriveProvider } from './gdrive/drive-provider.ts';
import { OneDriveProvider } from './onedrive/onedrive-provider.ts';
import type { ProviderContext } from './provider-context.ts';
import { StorageApiProvider } from './storage-api/storage-api-provider.ts';

/** One provider per destination kind: the one place a new destination is plugged in. */
export function createProviders(context: ProviderContext): Map<DestinationKind, DestinationProvider> {
  const providers: DestinationProvider[] = [
    new StorageApiProvider(context),
    new OneDriveProvider(context),
    new DriveProvider(context),
  ];
  return new Map(providers.map((provider) => [provider.kind, provider]));
}
