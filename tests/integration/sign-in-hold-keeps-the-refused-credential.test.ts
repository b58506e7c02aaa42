import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { credentialFingerprint } from '../../src-main/core/auth/credential-fingerprint.ts';
import { STORAGE_API_TOKEN_SECRET } from '../../src-main/core/auth/env-secret-store.ts';
import { KeychainSecretStore } from '../../src-main/core/auth/keychain-secret-store.ts';
import { CredentialHold } from '../../src-main/core/engine/credential-hold.ts';
import { Reachability } from '../../src-main/core/engine/reachability.ts';
import { systemClock } from '../../src-main/core/host-services.ts';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import { type Database, openDatabase } from '../../src-main/core/store/database.ts';
import { SqliteJobStore } from '../../src-main/core/store/job-store.ts';
import { ReachabilityStore } from '../../src-main/core/store/reachability-store.ts';
import { waitFor } from '../support/recording-jobs.ts';

const REFUSED = 'tok_refused_0123456789abcdef0123456789';
const NEW = 'tok_new_0123456789abcdef0123456789abcd';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** A sign-in hold over a real database and the real keychain, its stored credential read as the uploader reads it. */
async function heldSetup() {
  const dir = mkdtempSync(join(tmpdir(), 'hold-'));
  const db: Database = openDatabase(join(dir, 'uploader.db'));
  const secrets = new KeychainSecretStore({ namespace: `hold-${process.pid}-${Date.now()}`, dataDir: dir });
  await secrets.set(STORAGE_API_TOKEN_SECRET, REFUSED);
  const reachability = new Reachability(new ReachabilityStore(db), systemClock);
  const store = new SqliteJobStore(db, systemClock);
  const job = store.enqueue(
    { path: join(dir, 'a.mp4'), sizeBytes: 1, mtimeMs: 1, sidecarPath: null },
    'storage-api',
  );
  const releases: string[] = [];
  const hold = new CredentialHold({
    reachability,
    store,
    source: () => ({
      credentialFingerprint: async () => credentialFingerprint(await secrets.get(STORAGE_API_TOKEN_SECRET)),
      forgetCredentials: () => undefined,
    }),
    logger: silentLogger,
    // As often as the loop allows: any moment the refused credential is not known is found.
    pollMs: 1,
    changed: (destination, held) => {
      if (!held) releases.push(destination);
    },
  });
  cleanup = async () => {
    hold.stop();
    await secrets.delete(STORAGE_API_TOKEN_SECRET);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { hold, reachability, store, secrets, releases, jobId: job?.id ?? -1 };
}

describe('a destination held for sign-in', () => {
  it('refused again while held stays held: the same credential is never taken for a new one', async () => {
    const s = await heldSetup();
    s.hold.hold('storage-api', 'POST /uploads answered 401: the API token is not valid');
    await waitFor(
      () => s.reachability.authHolds()[0]?.rejectedCredential === credentialFingerprint(REFUSED),
      5_000,
      () => 'the refused credential to be known',
    );
    const since = s.reachability.get('storage-api').needsAuthSince;

    // Refused again (another request, a connection test) while the watch reads the keychain.
    for (let i = 0; i < 20; i++) {
      s.hold.hold('storage-api', 'GET /health answered 401: the API token is not valid');
      await sleep(5);
    }
    await sleep(100);

    expect(s.releases).toEqual([]);
    expect(s.reachability.get('storage-api').needsAuthSince).toBe(since);
    expect(s.reachability.authHolds()[0]?.rejectedCredential).toBe(credentialFingerprint(REFUSED));
    expect(s.store.get(s.jobId)?.state).toBe('needs-auth');

    // A new credential stored (set-secret from another process) still releases it.
    await s.secrets.set(STORAGE_API_TOKEN_SECRET, NEW);
    await waitFor(
      () => s.releases.length === 1,
      5_000,
      () => 'the hold to be released',
    );
    expect(s.store.get(s.jobId)?.state).toBe('queued');
    expect(s.reachability.isAuthHeld('storage-api')).toBe(false);
  });
});
