import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Reachability } from '../../src-main/core/engine/reachability.ts';
import {
  ReachabilityStore,
  readDestinationReachability,
} from '../../src-main/core/store/reachability-store.ts';
import { type ManualClock, manualClock, TempDatabase } from '../support/store-fixtures.ts';

describe('destination reachability', () => {
  let temp: TempDatabase;
  let clock: ManualClock;

  beforeEach(() => {
    temp = new TempDatabase();
    clock = manualClock();
  });
  afterEach(() => temp.remove());

  const open = () => new Reachability(new ReachabilityStore(temp.open()), clock);

  it('an outage keeps the time it began across failures, and ends with the first answer', () => {
    const reachability = open();
    const began = clock.now();
    reachability.unreachable('onedrive', 'GET /me answered 503', began + 1000);
    clock.advance(60_000);
    reachability.unreachable('onedrive', 'PUT chunk timed out', clock.now() + 2000);

    expect(reachability.get('onedrive')).toMatchObject({
      unreachableSince: began,
      nextTryAt: clock.now() + 2000,
      lastError: 'PUT chunk timed out',
      lastErrorAt: clock.now(),
    });
    expect(reachability.isUnreachable('onedrive')).toBe(true);
    expect(reachability.isUnreachable('gdrive')).toBe(false);

    reachability.answered('onedrive');
    expect(reachability.get('onedrive')).toMatchObject({
      unreachableSince: null,
      nextTryAt: null,
      lastError: 'PUT chunk timed out',
    });
  });

  it('the last known state, sign-in holds included, is there after a restart and for offline readers', () => {
    const first = open();
    first.holdForAuth('storage-api', 'the token was revoked', 'fingerprint-1');
    first.throttled('gdrive', clock.now() + 300_000, 'answered 429');
    first.unreachable('onedrive', 'could not connect (ECONNREFUSED)', clock.now() + 5000);
    const heldAt = clock.now();

    temp.closeAll();
    const again = open();
    expect(again.isAuthHeld('storage-api')).toBe(true);
    expect(again.authHolds()).toEqual([{ destination: 'storage-api', rejectedCredential: 'fingerprint-1' }]);
    expect(again.get('storage-api')).toMatchObject({
      needsAuthSince: heldAt,
      needsAuthReason: 'the token was revoked',
    });
    expect(again.throttledUntil('gdrive')).toBe(heldAt + 300_000);
    clock.advance(300_001);
    expect(again.throttledUntil('gdrive')).toBeNull();

    const offline = readDestinationReachability(temp.open());
    expect(offline.map((r) => r.destination).sort()).toEqual(['gdrive', 'onedrive', 'storage-api']);
    expect(offline.find((r) => r.destination === 'onedrive')?.unreachableSince).toBe(heldAt);
  });

  it('releasing a hold forgets the rejected credential and tells the listeners', () => {
    const reachability = open();
    const seen: Array<number | null> = [];
    reachability.subscribe((state) => seen.push(state.needsAuthSince));
    reachability.holdForAuth('gdrive', 'invalid_grant', 'fp');
    reachability.releaseAuth('gdrive');
    reachability.releaseAuth('gdrive');

    expect(seen).toEqual([clock.now(), null]);
    expect(reachability.authHolds()).toEqual([]);
  });
});
