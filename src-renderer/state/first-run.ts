import type { ConnectionView } from '../../src-shared/bridge-contract.ts';
import type { DestinationKind, Settings } from '../../src-shared/settings.ts';

/**
 * A destination someone has connected: it may need a new sign-in or have a problem now, but it is
 * set up. Never connected reads as 'not-configured' or, for a provider that says so, 'needs-auth'
 * with no account to name.
 */
export function isSetUp(connection: ConnectionView | undefined): boolean {
  if (connection === undefined || connection.state === 'not-configured') return false;
  return connection.state !== 'needs-auth' || connection.label !== null;
}

/** A cloud destination needs the company's app registration before anyone can sign in. */
export function hasAppRegistration(kind: DestinationKind, settings: Settings): boolean {
  if (kind === 'onedrive') return settings.oneDriveClientId.trim() !== '';
  if (kind === 'gdrive')
    return settings.googleClientId.trim() !== '' && settings.googleClientSecret.trim() !== '';
  return true;
}

/** A new operator's app: no folder to watch, or nowhere set up to upload to. */
export function needsFirstRun(
  settings: Settings,
  connections: Readonly<Partial<Record<DestinationKind, ConnectionView>>>,
): boolean {
  return settings.recordingsFolder.trim() === '' || !isSetUp(connections[settings.activeDestination]);
}

/** The steps of the first run for a destination; the storage API files recordings itself: no folder. */
export function setupSteps(kind: DestinationKind): readonly SetupStep[] {
  return kind === 'storage-api' ? ['folder', 'destination'] : ['folder', 'destination', 'remote'];
}
export type SetupStep = 'folder' | 'destination' | 'remote';
