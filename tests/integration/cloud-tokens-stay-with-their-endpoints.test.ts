import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EndpointBinding } from '../../src-main/core/auth/endpoint-binding.ts';
import { KeychainSecretStore } from '../../src-main/core/auth/keychain-secret-store.ts';
import { googleEndpoints } from '../../src-main/core/destinations/gdrive/drive-provider.ts';
import {
  GOOGLE_REFRESH_TOKEN_SECRET,
  GoogleCredentials,
} from '../../src-main/core/destinations/gdrive/google-credentials.ts';
import { HttpClient } from '../../src-main/core/destinations/http-client.ts';
import { GraphClient } from '../../src-main/core/destinations/onedrive/graph-client.ts';
import { OneDriveFolders } from '../../src-main/core/destinations/onedrive/onedrive-folders.ts';
import { isFault } from '../../src-main/core/faults.ts';
import { systemClock } from '../../src-main/core/host-services.ts';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import { CredentialBindingStore } from '../../src-main/core/store/credential-binding-store.ts';
import { type Database, openDatabase } from '../../src-main/core/store/database.ts';
import { defaultSettings, type Settings } from '../../src-shared/settings.ts';
import { GoogleIdentityPeer } from '../peers/google-identity-peer.ts';
import { type GraphPeer, startGraphPeer } from '../peers/graph-peer.ts';
import { tapFetch } from '../support/fetch-tap.ts';

let root = '';
let db: Database | undefined;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  db?.close();
  db = undefined;
  if (root !== '') rmSync(root, { recursive: true, force: true });
  root = '';
});

describe('the Graph token goes only to Graph', () => {
  it('refuses an @odata.nextLink on another origin instead of following it with the token', async () => {
    const graph: GraphPeer = await startGraphPeer({
      authorize: (token) =>
        token === 'good' ? { id: 'u1', displayName: 'U', userPrincipalName: 'u@x' } : null,
      pageSize: 1,
      nextLinkHost: 'localhost',
    });
    cleanups.push(() => graph.close());
    graph.drive.createFolder(graph.drive.rootId, 'A', 'fail');
    graph.drive.createFolder(graph.drive.rootId, 'B', 'fail');
    const client = new GraphClient({
      baseUrl: () => graph.baseUrl,
      http: new HttpClient(fetch, () => 10_000),
      token: async () => 'good',
      now: () => Date.now(),
    });
    const listing = new OneDriveFolders(client, () => null).list(null, AbortSignal.timeout(10_000));
    const error = await listing.catch((e: unknown) => e);
    expect(isFault(error, 'rejected')).toBe(true);
    expect((error as Error).message).toMatch(/localhost:\d+ is not Graph's origin/);
    // The first page came from Graph itself; nothing went to the other origin.
    expect(graph.requests.filter((r) => r.host.startsWith('127.0.0.1')).length).toBe(1);
    expect(graph.requests.filter((r) => r.host.startsWith('localhost'))).toEqual([]);
  });
});

describe("Google's refresh token goes only to the token endpoint that issued it", () => {
  it('is not sent to a token endpoint the settings moved to, and the destination asks for a new sign-in', async () => {
    const issuer = await GoogleIdentityPeer.start();
    const other = await GoogleIdentityPeer.start();
    cleanups.push(
      () => issuer.close(),
      () => other.close(),
    );
    root = mkdtempSync(join(tmpdir(), 'google-binding-'));
    db = openDatabase(join(root, 'uploader.db'));
    const secrets = new KeychainSecretStore({
      namespace: `binding-${process.pid}-${Date.now()}`,
      dataDir: root,
    });
    cleanups.push(() => secrets.delete(GOOGLE_REFRESH_TOKEN_SECRET));
    let settings: Settings = {
      ...defaultSettings(),
      googleClientId: issuer.clientId,
      googleClientSecret: issuer.clientSecret,
      googleAuthUrl: issuer.authUrl,
      googleTokenUrl: issuer.tokenUrl,
      googleRevokeUrl: issuer.revokeUrl,
    };
    const asked: string[] = [];
    const credentials = new GoogleCredentials({
      settings: () => settings,
      binding: new EndpointBinding({
        destination: 'gdrive',
        store: new CredentialBindingStore(db, systemClock),
        current: () => googleEndpoints(settings),
        remedy: 'sign in to Google Drive again',
      }),
      host: {
        fetch: tapFetch((exchange) => {
          asked.push(exchange.url);
        }),
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
    issuer.expireAccessTokens();
    credentials.dropAccessToken();

    settings = { ...settings, googleTokenUrl: other.tokenUrl, googleRevokeUrl: other.revokeUrl };
    asked.length = 0;
    const error = await credentials.accessToken(AbortSignal.timeout(10_000)).catch((e: unknown) => e);
    expect(isFault(error, 'auth')).toBe(true);
    expect((error as Error).message).toContain(`googleTokenUrl now points to ${other.tokenUrl}`);
    expect((error as Error).message).toContain('sign in to Google Drive again');
    // Signing out forgets it without handing it to the new revocation address either.
    await credentials.revoke();
    expect(asked).toEqual([]);
    expect(other.tokenRequests).toEqual([]);
    expect(other.revocations).toEqual([]);
    expect(await secrets.get(GOOGLE_REFRESH_TOKEN_SECRET)).toBeNull();
  });
});
