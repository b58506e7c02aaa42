import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src-main/core/destinations/http-client.ts';
import { GraphClient } from '../../src-main/core/destinations/onedrive/graph-client.ts';
import { OneDriveDestination } from '../../src-main/core/destinations/onedrive/onedrive-destination.ts';
import { OneDriveFolders } from '../../src-main/core/destinations/onedrive/onedrive-folders.ts';
import { isFault } from '../../src-main/core/faults.ts';
import { systemClock } from '../../src-main/core/host-services.ts';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import { AccountStore } from '../../src-main/core/store/account-store.ts';
import { type Database, openDatabase } from '../../src-main/core/store/database.ts';
import { defaultSettings } from '../../src-shared/settings.ts';
import { type GraphPeer, startGraphPeer } from '../peers/graph-peer.ts';

const KIB320 = 320 * 1024;

describe('OneDrive upload session protocol', () => {
  let graph: GraphPeer | undefined;
  let db: Database | undefined;
  let root = '';
  afterEach(async () => {
    db?.close();
    await graph?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('asks again after a 416, keeps the token off the upload URL, and fails clearly on a bad fragment', async () => {
    graph = await startGraphPeer({
      authorize: (token) =>
        token === 'good' ? { id: 'u1', displayName: 'U', userPrincipalName: 'u@x' } : null,
    });
    root = mkdtempSync(join(tmpdir(), 'onedrive-protocol-'));
    db = openDatabase(join(root, 'uploader.db'));
    const peer = graph;
    const graphClient = new GraphClient({
      baseUrl: () => peer.baseUrl,
      http: new HttpClient(fetch, () => 10_000),
      token: async () => 'good',
      now: () => Date.now(),
    });
    const destination = new OneDriveDestination({
      graph: graphClient,
      folders: new OneDriveFolders(graphClient, () => null),
      settings: () => defaultSettings(),
      accounts: new AccountStore(db, systemClock),
      logger: silentLogger,
    });
    const item = {
      jobId: 1,
      path: '/nowhere/rec.mp4',
      fileName: 'rec.mp4',
      sizeBytes: 5 * 1024 * 1024,
      mtimeMs: Date.now(),
      recordingId: 'rec',
      sidecar: null,
    };
    const signal = AbortSignal.timeout(10_000);
    const session = await destination.startSession(item, signal);
    expect(session.chunkMultiple).toBe(KIB320);
    expect(session.maxChunkBytes).toBeLessThan(60 * 1024 * 1024);
    const chunk = { start: 0, bytes: new Uint8Array(KIB320).fill(7), total: item.sizeBytes };

    expect(await destination.putChunk(session, chunk, signal)).toEqual({
      complete: false,
      confirmed: KIB320,
    });
    // The same fragment again: Graph answers 416, and the destination asks where the session stands.
    expect(await destination.putChunk(session, chunk, signal)).toEqual({
      complete: false,
      confirmed: KIB320,
    });
    const uploads = peer.requests.filter((r) => r.kind === 'upload');
    expect(uploads.map((r) => `${r.method} ${r.status}`)).toEqual(['PUT 202', 'PUT 416', 'GET 200']);
    expect(uploads.every((r) => !r.authorization)).toBe(true);
    expect(await destination.probe(session, item, signal)).toEqual({ complete: false, confirmed: KIB320 });

    const short = await destination
      .putChunk(session, { start: KIB320, bytes: new Uint8Array(1000), total: item.sizeBytes }, signal)
      .catch((error: unknown) => error);
    expect(isFault(short, 'rejected')).toBe(true);
    expect(String((short as Error).message)).toMatch(/multiple of 320 KiB/);

    await peer.expireSessions();
    const gone = await destination.probe(session, item, signal).catch((error: unknown) => error);
    expect(isFault(gone, 'session-gone')).toBe(true);
  });
});
