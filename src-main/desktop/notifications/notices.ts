import type { AnyBridgeEvent, BridgeEvent } from '../../../src-shared/bridge-contract.ts';
import { HEADLINE_TONE, type Headline } from '../../../src-shared/health.ts';
import type { DestinationKind } from '../../../src-shared/settings.ts';
import type { ShellState } from '../tray/shell-state.ts';

export type Notice =
  | { kind: 'problem'; headline: Headline }
  | { kind: 'recording-failed'; fileName: string; reason: string | null }
  | { kind: 'archive-changed'; destination: DestinationKind; missing: string[]; altered: string[] }
  | {
      kind: 'update-available';
      version: string;
      /** Why the app does not install it by itself (src-main/core/updates/update-plan.ts). */
      because: 'per-machine' | 'feed-from-settings';
    };

/**
 * The events worth an OS notification: the health's headline turning into a problem (the folder
 * gone, a token refused, the destination unreachable…), said in the headline's own words; a
 * recording whose upload failed for good; and archived recordings found missing or altered.
 * `before` is the shell state the event arrived on, so a problem already shown is not announced again.
 */
export function noticeFor(before: ShellState, raw: BridgeEvent): Notice | null {
  const event = raw as AnyBridgeEvent;
  if (event.event === 'health') {
    const headline = event.payload.headline;
    if (!isProblem(headline)) return null;
    const previous = before.health?.headline;
    return previous !== undefined && sameProblem(previous, headline) ? null : { kind: 'problem', headline };
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

/** Failures are announced one recording at a time; set-up is the window's to ask for. */
function isProblem(headline: Headline): boolean {
  if (headline.kind === 'failed' || headline.kind === 'set-up') return false;
  const tone = HEADLINE_TONE[headline.kind];
  return tone === 'bad' || tone === 'warn' || tone === 'offline';
}

function sameProblem(a: Headline, b: Headline): boolean {
  if (a.kind !== b.kind) return false;
  const where = (h: Headline) => ('destination' in h ? h.destination : 'path' in h ? h.path : '');
  return where(a) === where(b);
}
