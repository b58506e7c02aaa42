import type { ConnectionView } from '../../src-shared/bridge-contract.ts';
import type { DestinationKind, Settings } from '../../src-shared/settings.ts';

/** A new operator's app: no folder to watch, or nowhere set up to upload to. */
export function needsFirstRun(
  settings: Settings,
  connections: Readonly<Partial<Record<DestinationKind, ConnectionView>>>,
): boolean {
  if (settings.recordingsFolder.trim() === '') return true;
  const active = connections[settings.activeDestination];
  return active === undefined || active.state === 'not-configured';
}
