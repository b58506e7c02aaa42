import type { AnyBridgeEvent, BridgeEvent } from '../../../src-shared/bridge-contract.ts';
import type { DestinationKind } from '../../../src-shared/settings.ts';
import type { ShellState } from '../tray/shell-state.ts';

export type Notice =
  | { kind: 'sign-in-needed'; destination: DestinationKind }
  | { kind: 'recording-failed'; fileName: string; reason: string | null }
  | { kind: 'archive-changed'; destination: DestinationKind; missing: string[]; altered: string[] };

/**
 * The events worth an OS notification: a destination that starts needing a sign-in, a
 * recording whose upload failed for good, and archived recordings found missing or altered. `before` is the shell state the event arrived on, so a
 * destination that already needed a sign-in is not announced again.
 */
export function noticeFor(before: ShellState, raw: BridgeEvent): Notice | null {
  const event = raw as AnyBridgeEvent;
  if (event.event === 'connection-changed' && event.payload.state === 'needs-auth') {
    const previous = before.connections.find((c) => c.destination === event.payload.destination);
    return previous?.state === 'needs-auth'
      ? null
      : { kind: 'sign-in-needed', destination: event.payload.destination };
  }
  if (event.event === 'reconciled' && event.payload.missing.length + event.payload.altered.length > 0) {
    const { destination, missing, altered } = event.payload;
    return { kind: 'archive-changed', destination, missing, altered };
  }
  if (event.event === 'job-updated' && event.payload.state === 'failed') {
    return { kind: 'recording-failed', fileName: event.payload.fileName, reason: event.payload.lastError };
  }
  return null;
}
