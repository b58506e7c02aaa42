import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EndpointBinding } from '../../src-main/core/auth/endpoint-binding.ts';
import { KeychainSecretStore } from '../../src-main/core/auth/keychain-secret-store.ts';
import { googleEndpoints } from '../../src-main/core/destinations/gdrive/drive-provider.ts';
import {
  GOOGLE_REFRESH_TOKEN_SECRET,
  GoogleCredentials,
} from '../../src-main/core/destinations/gdrive/google-credentials.ts';
import { TransferFault } from '../../src-main/core/faults.ts';
import { systemClock } from '../../src-main/core/host-services.ts';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import { CredentialBindingStore } from '../../src-main/core/store/credential-binding-store.ts';
import { openDatabase } from '../../src-main/core/store/database.ts';
import { defaultSettings, type Settings } from '../../src-shared/settings.ts';
import { GoogleIdentityPeer } from '../peers/google-identity-peer.ts';

let identity: GoogleIdentityPeer;
let secrets: KeychainSecretStore;
let root: string;
let settings: Settings;
let credentials: GoogleCredentials;
let refreshToken: string;

beforeEach(async () => {
  identity = await GoogleIdentityPeer.start();
  root = mkdtempSync(join(tmpdir(), 'google-token-'));
  secrets = new KeychainSecretStore({ namespace: `token-test-${process.pid}-${Date.now()}`, dataDir: root });
  settings = {
    ...defaultSettings(),
    googleClientId: identity.clientId,
    googleClientSecret: identity.clientSecret,
    googleAuthUrl: identity.authUrl,
    googleTokenUrl: identity.tokenUrl,
    googleRevokeUrl: identity.revokeUrl,
  };
  const bindings = new CredentialBindingStore(openDatabase(':memory:'), systemClock);
  credentials = new GoogleCredentials({
    settings: () => settings,
    binding: new EndpointBinding({
      destination: 'gdrive',
      store: bindings,
      current: () => googleEndpoints(settings),
      remedy: 'sign in again',
    }),
    host: {
      fetch: globalThis.fetch,
      // The browser: opens the consent page and follows it back to the loopback listener.
      openBrowser: async (url) => {
        await (await fetch(url)).text();
      },
      secrets,
      dataDir: root,
      clock: systemClock,
      logger: silentLogger,
    },
  });
  await credentials.signIn('drive.file', 10_000, new AbortController().signal);
  refreshToken = (await secrets.get(GOOGLE_REFRESH_TOKEN_SECRET)) as string;
  // Drive refused the access token from the sign-in (401): the next call must refresh.
  identity.expireAccessTokens();
  credentials.dropAccessToken();
});

afterEach(async () => {
  await secrets.delete(GOOGLE_REFRESH_TOKEN_SECRET);
  await identity.close();
  rmSync(root, { recursive: true, force: true });
});

async function faultOf(promise: Promise<unknown>): Promise<TransferFault> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TransferFault) return error;
    throw error;
  }
  throw new Error('expected a fault');
}

const signal = (): AbortSignal => new AbortController().signal;

describe('refreshing the Google access token', () => {
  it('hands out a fresh token while the grant is good', async () => {
    const token = await credentials.accessToken(signal());
    expect(identity.checkAccessToken(token)).toMatchObject({ email: 'operator@example.com' });
    expect(identity.tokenRequests.at(-1)).toEqual({ grantType: 'refresh_token', status: 200, error: null });
  });

  it('keeps the newest refresh token when Google rotates it, and refreshes only when the access token lapses', async () => {
    identity.rotateRefreshTokens = true;
    const first = await credentials.accessToken(signal());
    const rotated = await secrets.get(GOOGLE_REFRESH_TOKEN_SECRET);
    expect(rotated).not.toBe(refreshToken);
    expect(rotated).toMatch(/^1\/\/refresh-/);
    // The access token just issued is used again, not refreshed on every call.
    expect(await credentials.accessToken(signal())).toBe(first);
    const refreshes = () => identity.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;
    expect(refreshes()).toBe(1);

    // Drive refuses the access token: the next refresh uses the rotated refresh token, which works.
    identity.expireAccessTokens();
    credentials.dropAccessToken();
    const second = await credentials.accessToken(signal());
    expect(identity.checkAccessToken(second)).not.toBeNull();
    expect(refreshes()).toBe(2);
    expect(identity.tokenRequests.at(-1)?.status).toBe(200);
    expect(await secrets.get(GOOGLE_REFRESH_TOKEN_SECRET)).not.toBe(rotated);
  });

  it('a revoked grant (invalid_grant) needs a new sign-in, and the message holds no token', async () => {
    identity.revokeAll();
    const fault = await faultOf(credentials.accessToken(signal()));
    expect(fault.kind).toBe('auth');
    expect(fault.message).toMatch(/invalid_grant: Token has been expired or revoked/);
    expect(fault.message).not.toContain(refreshToken);
  });

  it('a token endpoint in trouble (503) is waited out, not taken for lost credentials', async () => {
    identity.tokenOutage = { status: 503, count: 100 };
    const fault = await faultOf(credentials.accessToken(signal()));
    expect(fault.kind).toBe('retriable');
    identity.tokenOutage = null;
    expect(await credentials.accessToken(signal())).toMatch(/^ya29\./);
  });

  it('an unreachable token endpoint is a network fault', async () => {
    // Down, not moved: a moved endpoint gets no refresh token at all (the sign-in is bound to it).
    await identity.close();
    const fault = await faultOf(credentials.accessToken(signal()));
    expect(fault.kind).toBe('network');
    expect(fault.message).not.toContain(refreshToken);
  });

  it('without a saved sign-in, says so', async () => {
    await secrets.delete(GOOGLE_REFRESH_TOKEN_SECRET);
    credentials.forget();
    const fault = await faultOf(credentials.accessToken(signal()));
    expect(fault.kind).toBe('auth');
    expect(fault.message).toMatch(/not signed in to Google Drive/);
  });
});
