import { describe, expect, it } from 'vitest';
import { deriveHealth, type HealthInputs } from '../../src-main/core/health/derive-health.ts';
import type { QueueFacts } from '../../src-main/core/store/health-store.ts';
import type { ConnectionView } from '../../src-shared/bridge-contract.ts';
import { type DestinationReachability, reachableAt } from '../../src-shared/destination-reachability.ts';
import type { WatcherHealth } from '../../src-shared/health.ts';
import { headlineText } from '../../src-shared/health-words.ts';
import type { QueueTotals } from '../../src-shared/job.ts';
import { defaultSettings, type Settings } from '../../src-shared/settings.ts';
import { zeroTotals } from '../support/health-samples.ts';

const NOW = 1_700_000_000_000;
const watching: WatcherHealth = { state: 'watching', path: '/rec', since: NOW - 1000, detail: null };
const connected: ConnectionView = {
  destination: 'storage-api',
  state: 'connected',
  label: 'http://127.0.0.1:18080/api',
  detail: null,
};

function facts(totals: Partial<QueueTotals> = {}, more: Partial<QueueFacts> = {}): QueueFacts {
  return {
    totals: zeroTotals(totals),
    bytesLeft: 0,
    oldestOpenSince: null,
    needsAuth: {},
    open: {},
    nextAttemptAt: {},
    ...more,
  };
}

function inputs(more: {
  settings?: Partial<Settings>;
  watcher?: WatcherHealth;
  connection?: ConnectionView;
  seen?: Partial<DestinationReachability>;
  lastSuccessAt?: number | null;
  queue?: QueueFacts;
  freeBytes?: number | null;
  policyProblem?: string;
}): HealthInputs {
  return {
    now: NOW,
    settings: { ...defaultSettings(), recordingsFolder: '/rec', ...more.settings },
    watcher: more.watcher ?? watching,
    connections: [more.connection ?? connected],
    reachability: (kind) => ({ ...reachableAt(kind, 0), ...(kind === 'storage-api' ? more.seen : {}) }),
    lastSuccessAt: (kind) =>
      kind !== 'storage-api' ? null : more.lastSuccessAt === undefined ? NOW - 5000 : more.lastSuccessAt,
    queue: more.queue ?? facts(),
    bytesPerSecond: 0,
    freeBytes: more.freeBytes ?? 100 * 1024 ** 3,
    policyProblem: more.policyProblem ?? null,
    pauseManaged: false,
  };
}

const headline = (more: Parameters<typeof inputs>[0]) => deriveHealth(inputs(more)).headline;

describe('the health’s one headline, by a fixed priority', () => {
  it('is "All caught up" only with the folder watched, the last request accepted and nothing waiting', () => {
    expect(headline({})).toEqual({ kind: 'caught-up' });
    // Never asked anything yet: ready, not caught up.
    expect(headline({ lastSuccessAt: null })).toEqual({ kind: 'ready' });
    // A recording the operator paused still waits.
    expect(headline({ queue: facts({ paused: 1 }) })).toEqual({ kind: 'waiting', count: 1, paused: 1 });
    const missing: WatcherHealth = {
      state: 'folder-missing',
      path: '/rec',
      since: NOW,
      detail: 'it does not exist',
    };
    expect(headline({ watcher: missing })).toEqual({ kind: 'folder-missing', path: '/rec', since: NOW });
  });

  it('puts set-up, then the folder, then the credentials, the outage, the throttle, failures, the disk, the pause', () => {
    const missing: WatcherHealth = {
      state: 'folder-missing',
      path: '/rec',
      since: NOW,
      detail: 'it does not exist',
    };
    const refused = { needsAuthSince: NOW - 10, needsAuthReason: 'answered 401' };
    const down = { unreachableSince: NOW - 60_000, lastError: '(ECONNREFUSED)', nextTryAt: NOW + 42_000 };
    const slowed = { throttledUntil: NOW + 30_000, lastError: 'answered 429', lastErrorAt: NOW };
    const everything = {
      queue: facts({ failed: 2, uploading: 1 }),
      settings: { uploadsPaused: true },
      freeBytes: 1,
    };
    expect(headline({ ...everything, settings: { recordingsFolder: '' } }).kind).toBe('set-up');
    expect(headline({ ...everything, watcher: missing, seen: refused }).kind).toBe('folder-missing');
    expect(headline({ ...everything, seen: refused })).toMatchObject({ kind: 'needs-auth', since: NOW - 10 });
    expect(headline({ ...everything, seen: down })).toMatchObject({
      kind: 'unreachable',
      nextTryAt: NOW + 42_000,
    });
    expect(headline({ ...everything, seen: slowed })).toMatchObject({
      kind: 'throttled',
      until: NOW + 30_000,
    });
    expect(headline(everything)).toEqual({ kind: 'failed', count: 2 });
    expect(headline({ ...everything, queue: facts({ uploading: 1 }) }).kind).toBe('disk-low');
    expect(headline({ ...everything, queue: facts({ uploading: 1 }), freeBytes: null }).kind).toBe('paused');
    expect(headline({ queue: facts({ uploading: 1 }) }).kind).toBe('uploading');
  });

  it('puts a policy that stops every upload above everything, in the words of its problem', () => {
    const problem = 'the policy /etc/recording-uploader/policy.json is not valid JSON (Unexpected token)';
    const stopped = headline({
      policyProblem: problem,
      settings: { recordingsFolder: '' },
      queue: facts({ failed: 2, queued: 3 }),
      seen: { needsAuthSince: NOW - 10, needsAuthReason: 'answered 401' },
    });
    expect(stopped).toEqual({ kind: 'policy-stopped', problem });
    expect(headlineText(stopped, 'en', NOW)).toBe(
      `Uploads are stopped until the policy is fixed: ${problem}`,
    );
    expect(headlineText(stopped, 'pt-BR', NOW)).toBe(
      `Os envios estão parados até a política ser corrigida: ${problem}`,
    );
  });

  it('warns of the disk below the operator’s own threshold, and never with 0', () => {
    const GiB = 1024 ** 3;
    const low = headline({ freeBytes: 5 * GiB, settings: { diskWarnBelowBytes: 10 * GiB } });
    expect(low).toEqual({ kind: 'disk-low', freeBytes: 5 * GiB, path: '/rec' });
    expect(headline({ freeBytes: 5 * GiB }).kind).toBe('caught-up');
    expect(headline({ freeBytes: 1, settings: { diskWarnBelowBytes: 0 } }).kind).toBe('caught-up');
    const health = deriveHealth(inputs({ freeBytes: 5 * GiB, settings: { diskWarnBelowBytes: 10 * GiB } }));
    expect(health.disk).toMatchObject({ warnBelowBytes: 10 * GiB, low: true });
  });

  it('knows a destination needs sign-in from the jobs held for it, even with nothing remembered', () => {
    const queue = facts(
      { 'needs-auth': 3 },
      { needsAuth: { 'storage-api': { count: 3, since: NOW - 7 } }, open: { 'storage-api': 3 } },
    );
    const health = deriveHealth(inputs({ queue, lastSuccessAt: null }));
    expect(health.headline).toEqual({
      kind: 'needs-auth',
      destination: 'storage-api',
      since: NOW - 7,
      waiting: 3,
    });
    expect(health.destinations[0]).toMatchObject({ state: 'needs-auth', since: NOW - 7 });
    expect(headlineText(health.headline, 'en', NOW)).toBe(
      'The storage API needs a new token — 3 recordings wait',
    );
  });

  it('says who holds a pause the policy locks: the organization, never "until you resume"', () => {
    const held = deriveHealth({
      ...inputs({ settings: { uploadsPaused: true } }),
      pauseManaged: true,
    }).headline;
    expect(held).toEqual({ kind: 'paused', until: null, waiting: 0, managed: true });
    expect(headlineText(held, 'en', NOW)).toBe('Paused by your organization');
    expect(headlineText(held, 'pt-BR', NOW)).toBe('Pausado pela sua organização');
    const own = headline({ settings: { uploadsPaused: true } });
    expect(own).toEqual({ kind: 'paused', until: null, waiting: 0, managed: false });
    expect(headlineText(own, 'en', NOW)).toBe('Paused until you resume');
  });

  it('counts queued, waiting, paused and held recordings alike as waiting', () => {
    const health = deriveHealth(
      inputs({ queue: facts({ queued: 1, waiting: 2, paused: 3, 'needs-auth': 4, failed: 9 }) }),
    );
    expect(health.queue.waiting).toBe(10);
  });
});
