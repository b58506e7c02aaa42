import type { QueueTotals } from './job.ts';
import type { DestinationKind } from './settings.ts';

/**
 * The uploader's health: one value the core derives in one place and saves as last known, so the
 * window's header, the tray, notifications, `status` and `status --json` all say the same thing,
 * whether the uploader runs or not. Times are epoch milliseconds.
 */
export interface Health {
  /** When this was derived. */
  at: number;
  watcher: WatcherHealth;
  /** Where new recordings go. */
  activeDestination: DestinationKind;
  destinations: DestinationHealth[];
  queue: QueueHealth;
  disk: DiskHealth;
  /** All uploads paused by the operator; `pausedUntil` null means until resumed. */
  paused: boolean;
  pausedUntil: number | null;
  /** The one sentence everything shows, chosen by a fixed priority (see Headline). */
  headline: Headline;
}

export const WATCHER_STATES = ['not-configured', 'watching', 'folder-missing', 'unreadable'] as const;
export type WatcherState = (typeof WATCHER_STATES)[number];

export interface WatcherHealth {
  state: WatcherState;
  /** The recordings folder; null when none is chosen. */
  path: string | null;
  /** Since when the watcher is in this state. */
  since: number | null;
  /** What is wrong with the folder, in words ("it does not exist"); null while watching. */
  detail: string | null;
}

export const DESTINATION_HEALTH_STATES = [
  'not-set-up',
  'never-tested',
  'working',
  'needs-auth',
  'unreachable',
  'throttled',
] as const;
export type DestinationHealthState = (typeof DESTINATION_HEALTH_STATES)[number];

export interface DestinationHealth {
  destination: DestinationKind;
  state: DestinationHealthState;
  /** Who or where: the account, or the storage API's address. */
  label: string | null;
  /** The last time the destination accepted a request (a chunk, a finished upload, a test). */
  lastSuccessAt: number | null;
  /** Since when it needs sign-in, is unreachable or throttled. */
  since: number | null;
  /**
   * Why: what is missing to set it up, why the credentials were refused, or the last error seen
   * while unreachable (technical: the words the headline shows are derived from it).
   */
  reason: string | null;
  /** Unreachable: when the next upload tries again. */
  nextTryAt: number | null;
  /** Throttled: when the destination said to come back. */
  until: number | null;
}

/** Job states that count as waiting to upload, the same in the tiles, the header and `status`. */
export const WAITING_STATES = ['queued', 'waiting', 'paused', 'needs-auth'] as const;

export interface QueueHealth {
  counts: QueueTotals;
  /** Recordings not yet uploaded and not failed: queued, waiting, paused and needing sign-in. */
  waiting: number;
  /** Being uploaded or verified right now. */
  uploading: number;
  failed: number;
  /** When the oldest recording still waiting (or uploading) was found; null when none waits. */
  oldestWaitingSince: number | null;
  /** Bytes not yet confirmed by the destination, over every recording still to upload. */
  bytesLeft: number;
  /** The combined speed of the uploads under way; 0 when none moves. */
  bytesPerSecond: number;
  /** bytesLeft at that speed; null when nothing moves. */
  etaSeconds: number | null;
}

export interface DiskHealth {
  /** The folder whose volume was measured (the recordings folder); null when none is chosen. */
  path: string | null;
  /** Free bytes on that volume; null when it could not be measured. */
  freeBytes: number | null;
  /** Below this, the recordings volume is reported as nearly full. */
  warnBelowBytes: number;
  low: boolean;
}

/**
 * The headline, most urgent first (the order of this union is the priority): a machine policy that
 * does not validate (it stops every upload until an administrator fixes it), what stops uploads and
 * needs the operator, then what passes by itself, then what the operator chose, then work, then rest.
 * "caught-up" only when the folder is watched, the destination accepted its last request and nothing
 * waits; "ready" when the same holds but the destination has not been asked anything yet.
 */
export type Headline =
  | { kind: 'policy-stopped'; problem: string }
  | { kind: 'set-up'; missing: 'folder' | 'destination' }
  | { kind: 'folder-missing'; path: string; since: number | null }
  | { kind: 'folder-unreadable'; path: string; detail: string; since: number | null }
  | { kind: 'needs-auth'; destination: DestinationKind; since: number | null; waiting: number }
  | {
      kind: 'unreachable';
      destination: DestinationKind;
      since: number | null;
      nextTryAt: number | null;
      reason: string | null;
      waiting: number;
    }
  | { kind: 'throttled'; destination: DestinationKind; until: number | null; waiting: number }
  | { kind: 'failed'; count: number }
  | { kind: 'disk-low'; freeBytes: number; path: string }
  /** managed: the administrator's policy holds the pause, and only it can lift it. */
  | { kind: 'paused'; until: number | null; waiting: number; managed: boolean }
  | { kind: 'uploading'; count: number; bytesLeft: number; etaSeconds: number | null }
  | { kind: 'waiting'; count: number; paused: number }
  | { kind: 'ready' }
  | { kind: 'caught-up' };

export type HeadlineKind = Headline['kind'];

/** How the headline looks: the header's colour and the tray's icon follow it. */
export type HeadlineTone = 'bad' | 'warn' | 'offline' | 'calm' | 'busy' | 'good';

export const HEADLINE_TONE: Readonly<Record<HeadlineKind, HeadlineTone>> = {
  'policy-stopped': 'bad',
  'set-up': 'warn',
  'folder-missing': 'bad',
  'folder-unreadable': 'bad',
  'needs-auth': 'warn',
  unreachable: 'offline',
  throttled: 'offline',
  failed: 'bad',
  'disk-low': 'warn',
  paused: 'calm',
  uploading: 'busy',
  waiting: 'busy',
  ready: 'good',
  'caught-up': 'good',
};

/** The one action that fixes what the headline reports, offered beside it. */
export type HeadlineFix = 'choose-folder' | 'enter-token' | 'sign-in' | 'set-up' | 'show-failed' | null;

export function headlineFix(headline: Headline): HeadlineFix {
  switch (headline.kind) {
    case 'set-up':
      return 'set-up';
    case 'folder-missing':
    case 'folder-unreadable':
      return 'choose-folder';
    case 'needs-auth':
      return headline.destination === 'storage-api' ? 'enter-token' : 'sign-in';
    case 'failed':
      return 'show-failed';
    default:
      return null;
  }
}
