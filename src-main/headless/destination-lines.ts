import type { ConnectionState, ConnectionView } from '../../src-shared/bridge-contract.ts';
import type { Settings } from '../../src-shared/settings.ts';

/** Where uploads go, as `run` and `status` name it. */
export function destinationLabel(settings: Settings): string {
  switch (settings.activeDestination) {
    case 'storage-api':
      return settings.storageApiBaseUrl || '(no storage API URL set)';
    case 'gdrive':
      return `Google Drive ${settings.googleDriveFolder?.path ?? '(the app folder, made at first upload)'}`;
    case 'onedrive':
      return `OneDrive ${settings.oneDriveFolder?.path ?? '(no folder chosen)'}`;
  }
}

const NAMES: Record<Settings['activeDestination'], string> = {
  'storage-api': 'the storage API',
  onedrive: 'OneDrive',
  gdrive: 'Google Drive',
};

const STATE_WORDS: Record<ConnectionState, string> = {
  connected: 'connected',
  'needs-auth': 'needs sign-in',
  'not-configured': 'not set up',
  error: 'error',
};

/**
 * The active destination and what the uploader last knew of its account (who, quota), as saved:
 * `status` reads it without asking the remote, so it answers at once and offline.
 */
export function destinationLine(settings: Settings, connection: ConnectionView | undefined): string {
  const where = destinationLabel(settings);
  if (connection === undefined) return `Destination: ${where}`;
  if (connection.state === 'not-configured') {
    return `Destination: ${NAMES[settings.activeDestination]}, not set up — ${connection.detail ?? 'see its settings'}`;
  }
  const who = connection.label !== null && connection.label !== where ? ` as ${connection.label}` : '';
  const detail = connection.detail === null ? '' : ` — ${connection.detail}`;
  return `Destination: ${where} — ${STATE_WORDS[connection.state]}${who}${detail}`;
}
