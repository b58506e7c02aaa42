import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeychainSecretStore } from '../../src-main/core/auth/keychain-secret-store.ts';
import { ONEDRIVE_CACHE_SECRET } from '../../src-main/core/destinations/onedrive/auth/msal-secret-cache.ts';
import { OneDriveAuth } from '../../src-main/core/destinations/onedrive/auth/onedrive-auth.ts';
import { isFault } from '../../src-main/core/faults.ts';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import { type IdentityProviderPeer, startIdentityProvider } from '../peers/identity-provider.ts';
import { visitSignIn } from '../support/form-post-browser.ts';
import { fetchTrusting } from '../support/trusting-fetch.ts';

describe('OneDrive sign-in through the browser', () => {
  let idp: IdentityProviderPeer;
  let root: string;
  let secrets: KeychainSecretStore;
  let trusting: typeof fetch;
  const visits: string[] = [];

  beforeEach(async () => {
    idp = await startIdentityProvider();
    root = mkdtempSync(join(tmpdir(), 'onedrive-auth-'));
    secrets = new KeychainSecretStore({ namespace: `test-${Date.now()}-${Math.random()}`, dataDir: root });
    trusting = fetchTrusting(idp.certificate);
    visits.length = 0;
  });

  afterEach(async () => {
    await secrets.delete(ONEDRIVE_CACHE_SECRET).catch(() => {});
    await idp.close();
    rmSync(root, { recursive: true, force: true });
  });

  const auth = (openBrowser?: (url: string) => Promise<void>, signInTimeoutMs?: number): OneDriveAuth =>
    new OneDriveAuth({
      settings: () => ({ clientId: idp.clientId, tenant: 'common', authorityHost: idp.origin }),
      fetch: trusting,
      openBrowser:
        openBrowser ??
        (async (url) => {
          visits.push((await visitSignIn(url, trusting)).landedOn);
        }),
      secrets,
      logger: silentLogger,
      requestTimeoutMs: () => 10_000,
      ...(signInTimeoutMs === undefined ? {} : { signInTimeoutMs }),
    });

  it('signs in with PKCE and form_post, keeps the cache in the keychain, and refreshes silently', async () => {
    const signedIn = await auth().signIn(AbortSignal.timeout(20_000));

    expect(signedIn.username).toBe(idp.user.preferredUsername);
    expect(signedIn.name).toBe(idp.user.name);
    expect(visits[0]).toMatch(/Signed in to OneDrive/);
    const [request] = idp.authorizations;
    expect(request?.response_mode).toBe('form_post');
    expect(request?.code_challenge_method).toBe('S256');
    expect(request?.redirect_uri).toMatch(/^http:\/\/localhost:\d+$/);
    expect(request?.scope?.split(' ')).toEqual(
      expect.arrayContaining(['Files.ReadWrite', 'User.Read', 'offline_access']),
    );
    expect(idp.grantsOf('authorization_code')).toEqual([expect.objectContaining({ status: 200 })]);
    expect(await secrets.get(ONEDRIVE_CACHE_SECRET)).toContain('"RefreshToken"');

    // A fresh instance (a restart) finds the account in the keychain and gets a token without a browser.
    const again = auth(async () => {
      throw new Error('no browser may open for a silent token');
    });
    expect((await again.account())?.username).toBe(idp.user.preferredUsername);
    const token = await again.accessToken();
    expect(idp.userOf(token)?.oid).toBe(idp.user.oid);
    const refreshed = await again.accessToken(true);
    expect(refreshed).not.toBe(token);
    expect(idp.userOf(refreshed)?.oid).toBe(idp.user.oid);
    expect(idp.grantsOf('refresh_token')).toHaveLength(1);
  });

  it('turns a revoked grant into an auth fault, and signing out forgets everything', async () => {
    const client = auth();
    await client.signIn(AbortSignal.timeout(20_000));
    idp.revokeAll();
    const revoked = await client.accessToken(true).catch((error: unknown) => error);
    expect(isFault(revoked, 'auth')).toBe(true);
    expect(String((revoked as Error).message)).toMatch(/sign in again.*invalid_grant|AADSTS50173/);

    await client.signOut();
    expect(await secrets.get(ONEDRIVE_CACHE_SECRET)).toBeNull();
    expect(await client.account()).toBeNull();
    const signedOut = await client.accessToken().catch((error: unknown) => error);
    expect(isFault(signedOut, 'auth')).toBe(true);
  });

  it('reports a declined consent', async () => {
    idp.consent = 'deny';
    await expect(auth().signIn(AbortSignal.timeout(20_000))).rejects.toThrow(/access_denied/);
  });

  it('gives up after its time-out and frees the loopback port', async () => {
    let authorizeUrl = '';
    const slow = auth(async (url) => {
      authorizeUrl = url;
    }, 300);
    await expect(slow.signIn(AbortSignal.timeout(20_000))).rejects.toThrow(/timed out/);
    const port = new URL(new URL(authorizeUrl).searchParams.get('redirect_uri') ?? '').port;
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});
