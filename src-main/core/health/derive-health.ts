import type { ConnectionView } from '../../../src-shared/bridge-contract.ts';
import type { DestinationReachability } from '../../../src-shared/destination-reachability.ts';
import type {
  DestinationHealth,
  DiskHealth,
  Headline,
  Health,
  QueueHealth,
  WatcherHealth,
} from '../../../src-shared/health.ts';
import { DESTINATION_KINDS, type DestinationKind, type Settings } from '../../../src-shared/settings.ts';
import type { QueueFacts } from '../store/health-store.ts';

export interface HealthInputs {
  now: number;
  settings: Settings;
  watcher: WatcherHealth;
  /** Each destination as its provider last knew it: set up or not, who is signed in. */
  connections: readonly ConnectionView[];
  /** What the engine last saw of each destination: outage, throttling, sign-in hold. */
  reachability: (kind: DestinationKind) => DestinationReachability;
  /** When each destination last accepted a request (a chunk, an upload, a test, a sign-in). */
  lastSuccessAt: (kind: DestinationKind) => number | null;
  queue: QueueFacts;
  /** The combined speed of the uploads under way. */
  bytesPerSecond: number;
  /** Free bytes on the recordings volume; null when unknown. */
  freeBytes: number | null;
  /** Why the machine's policy stops every upload (it does not validate); null when it does not. */
  policyProblem: string | null;
  /** The machine's policy locks the pause: a pause is the organization's, not the operator's to lift. */
  pauseManaged: boolean;
}

/** The one place the uploader's health is derived: everything that shows it reads this. */
export function deriveHealth(inputs: HealthInputs): Health {
  const { settings, now } = inputs;
  const destinations = DESTINATION_KINDS.map((kind) => destinationHealth(kind, inputs));
  const queue = queueHealth(inputs);
  const disk = diskHealth(inputs);
  const paused = settings.uploadsPaused && (settings.pausedUntil === null || settings.pausedUntil > now);
  const health: Omit<Health, 'headline'> = {
    at: now,
    watcher: inputs.watcher,
    activeDestination: settings.activeDestination,
    destinations,
    queue,
    disk,
    paused,
    pausedUntil: paused ? settings.pausedUntil : null,
  };
  const headline: Headline =
    inputs.policyProblem === null
      ? headlineOf(health, inputs.queue, settings, inputs.pauseManaged)
      : { kind: 'policy-stopped', problem: inputs.policyProblem };
  return { ...health, headline };
}

function destinationHealth(kind: DestinationKind, inputs: HealthInputs): DestinationHealth {
  const connection = inputs.connections.find((c) => c.destination === kind);
  const seen = inputs.reachability(kind);
  const held = inputs.queue.needsAuth[kind];
  const base: DestinationHealth = {
    destination: kind,
    state: 'never-tested',
    label: connection?.label ?? null,
    lastSuccessAt: inputs.lastSuccessAt(kind),
    since: null,
    reason: null,
    nextTryAt: null,
    until: null,
  };
  if (connection === undefined || connection.state === 'not-configured') {
    return { ...base, state: 'not-set-up', reason: connection?.detail ?? null };
  }
  // Jobs held in needs-auth are in the store: the refusal is known even to a `status` run offline.
  if (seen.needsAuthSince !== null || connection.state === 'needs-auth' || held !== undefined) {
    return {
      ...base,
      state: 'needs-auth',
      since: seen.needsAuthSince ?? held?.since ?? null,
      reason: seen.needsAuthReason ?? connection.detail,
    };
  }
  if (seen.throttledUntil !== null && seen.throttledUntil > inputs.now) {
    return {
      ...base,
      state: 'throttled',
      since: seen.lastErrorAt,
      reason: seen.lastError,
      until: seen.throttledUntil,
    };
  }
  if (seen.unreachableSince !== null) {
    const nextTryAt = seen.nextTryAt ?? inputs.queue.nextAttemptAt[kind] ?? null;
    return { ...base, state: 'unreachable', since: seen.unreachableSince, reason: seen.lastError, nextTryAt };
  }
  if (connection.state === 'error') return { ...base, state: 'unreachable', reason: connection.detail };
  return base.lastSuccessAt === null ? base : { ...base, state: 'working' };
}

function queueHealth(inputs: HealthInputs): QueueHealth {
  const { totals, bytesLeft, oldestOpenSince } = inputs.queue;
  const waiting = totals.queued + totals.waiting + totals.paused + totals['needs-auth'];
  const uploading = totals.uploading + totals.verifying;
  const speed = uploading > 0 ? Math.max(0, inputs.bytesPerSecond) : 0;
  return {
    counts: totals,
    waiting,
    uploading,
    failed: totals.failed,
    oldestWaitingSince: oldestOpenSince,
    bytesLeft,
    bytesPerSecond: speed,
    etaSeconds: speed > 0 ? Math.ceil(bytesLeft / speed) : null,
  };
}

function diskHealth(inputs: HealthInputs): DiskHealth {
  const path = inputs.settings.recordingsFolder === '' ? null : inputs.settings.recordingsFolder;
  const free = path === null ? null : inputs.freeBytes;
  // The operator's threshold (0: never warn).
  const warnBelowBytes = inputs.settings.diskWarnBelowBytes;
  return { path, freeBytes: free, warnBelowBytes, low: free !== null && free < warnBelowBytes };
}

/**
 * The fixed priority (after a policy that stops every upload): set-up, the folder, the destinations (credentials, then outages, then
 * throttling), failures, the disk, the operator's pause, uploads under way, recordings waiting, and
 * only then "caught up" — which needs the folder watched, the destination's last request accepted
 * and nothing waiting.
 */
function headlineOf(
  health: Omit<Health, 'headline'>,
  facts: QueueFacts,
  settings: Settings,
  pauseManaged: boolean,
): Headline {
  const { watcher, queue, disk } = health;
  if (settings.recordingsFolder === '' || watcher.state === 'not-configured') {
    return { kind: 'set-up', missing: 'folder' };
  }
  const active = health.destinations.find((d) => d.destination === health.activeDestination);
  if (active === undefined || active.state === 'not-set-up')
    return { kind: 'set-up', missing: 'destination' };
  const path = watcher.path ?? settings.recordingsFolder;
  if (watcher.state === 'folder-missing') return { kind: 'folder-missing', path, since: watcher.since };
  if (watcher.state === 'unreadable') {
    return { kind: 'folder-unreadable', path, detail: watcher.detail ?? '', since: watcher.since };
  }
  // The active destination, and any other that still has recordings to take.
  const concerned = health.destinations.filter((d) => d === active || (facts.open[d.destination] ?? 0) > 0);
  const waitingFor = (d: DestinationHealth) => facts.open[d.destination] ?? 0;
  const refused = concerned.find((d) => d.state === 'needs-auth');
  if (refused !== undefined) {
    return {
      kind: 'needs-auth',
      destination: refused.destination,
      since: refused.since,
      waiting: waitingFor(refused),
    };
  }
  const down = concerned.find((d) => d.state === 'unreachable');
  if (down !== undefined) {
    return {
      kind: 'unreachable',
      destination: down.destination,
      since: down.since,
      nextTryAt: down.nextTryAt,
      reason: down.reason,
      waiting: waitingFor(down),
    };
  }
  const slowed = concerned.find((d) => d.state === 'throttled');
  if (slowed !== undefined) {
    return {
      kind: 'throttled',
      destination: slowed.destination,
      until: slowed.until,
      waiting: waitingFor(slowed),
    };
  }
  if (queue.failed > 0) return { kind: 'failed', count: queue.failed };
  if (disk.low && disk.freeBytes !== null && disk.path !== null) {
    return { kind: 'disk-low', freeBytes: disk.freeBytes, path: disk.path };
  }
  if (health.paused)
    return {
      kind: 'paused',
      until: health.pausedUntil,
      waiting: queue.waiting + queue.uploading,
      managed: pauseManaged,
    };
  if (queue.uploading > 0) {
    return {
      kind: 'uploading',
      count: queue.uploading,
      bytesLeft: queue.bytesLeft,
      etaSeconds: queue.etaSeconds,
    };
  }
  if (queue.waiting > 0) return { kind: 'waiting', count: queue.waiting, paused: queue.counts.paused };
  return active.state === 'working' ? { kind: 'caught-up' } : { kind: 'ready' };
}
