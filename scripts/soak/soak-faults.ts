import type { DrivePeer } from '../../tests/peers/drive-peer.ts';
import type { GraphPeer } from '../../tests/peers/graph-peer.ts';
import type { StoragePeer } from '../../tests/peers/storage-api-peer.ts';

/** How often a request brings a fault with it. */
const FAULT_RATE = 0.1;
/** Faults that damage stored bytes are rarer, and spaced out, so no recording meets two. */
const DAMAGE_SHARE = 0.05;
const DAMAGE_GAP_MS = 20_000;
const MAX_DAMAGES = 2;

export interface Chaos {
  enable(on: boolean): void;
  counts(): { requests: number; faults: number; damages: number };
}

type Arm = () => void;

/**
 * Watches a server's request log and, for about one request in ten, arms one fault drawn from
 * what that service really does (passing 5xx, throttling, cut connections, lost answers, failed
 * deletes, forgotten sessions; now and then damaged bytes). Each fault fires on a later request.
 */
function chaos(requests: () => number, transient: readonly Arm[], damaging: readonly Arm[]): Chaos {
  let seen = requests();
  let faults = 0;
  let damages = 0;
  let lastDamage = 0;
  let timer: NodeJS.Timeout | undefined;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;
  const tick = (): void => {
    const now = requests();
    for (; seen < now; seen += 1) {
      if (Math.random() >= FAULT_RATE) continue;
      faults += 1;
      const mayDamage = damages < MAX_DAMAGES && Date.now() - lastDamage > DAMAGE_GAP_MS;
      if (mayDamage && damaging.length > 0 && Math.random() < DAMAGE_SHARE) {
        damages += 1;
        lastDamage = Date.now();
        pick(damaging)();
      } else {
        pick(transient)();
      }
    }
  };
  return {
    enable(on) {
      clearInterval(timer);
      seen = requests();
      if (on) timer = setInterval(tick, 20);
    },
    counts: () => ({ requests: requests(), faults, damages }),
  };
}

export function graphChaos(graph: GraphPeer): Chaos {
  return chaos(
    () => graph.requests.length,
    [
      () => graph.throttle({ count: 1, retryAfterSeconds: 1, status: 503 }),
      () => graph.throttle({ count: 1, retryAfterSeconds: 1, status: 429, on: 'upload' }),
      () => graph.loseCommitAnswers({ on: 'any', how: 'drop' }),
      () => graph.loseCommitAnswers({ on: 'any', how: 500 }),
      () => graph.failDeletes(1, 503),
      () => void graph.expireSessions(),
    ],
    [
      () => {
        graph.sessions.corruptCommits += 1;
      },
    ],
  );
}

export function driveChaos(drive: DrivePeer): Chaos {
  return chaos(
    () => drive.requests.length,
    [
      () => drive.inject({ on: 'chunk', status: 503 }),
      () => drive.inject({ on: 'chunk', reset: true }),
      () => drive.inject({ on: 'chunk', status: 403, reason: 'userRateLimitExceeded' }),
      () => drive.inject({ on: 'start-session', status: 500 }),
      () => drive.inject({ on: 'probe', status: 502 }),
      () => drive.inject({ on: 'list', status: 503 }),
      () => drive.inject({ on: 'delete', status: 502 }),
      () => void drive.uploads.expireAll(),
    ],
    [() => drive.inject({ on: 'chunk', corrupt: true })],
  );
}

export function storageChaos(peer: StoragePeer): Chaos {
  return chaos(
    () => peer.requests.length,
    [
      () => peer.faults.serverErrors(1, 503),
      () => peer.faults.throttle(1, 1),
      () => peer.faults.resetMidChunk(1),
      () => peer.faults.partialAck(1),
      () => peer.faults.expireSession(),
      () => peer.faults.serverErrors(1, 502, ['delete']),
      () => peer.faults.serverErrors(1, 500, ['finalize']),
    ],
    [() => peer.faults.wrongSha256(1), () => peer.faults.damageInTransit(1)],
  );
}
