import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SecretStore } from '../../src-main/core/auth/secret-store.ts';
import { createCommandRouter } from '../../src-main/core/bridge/command-router.ts';
import { systemClock } from '../../src-main/core/host-services.ts';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import { type Database, openDatabase } from '../../src-main/core/store/database.ts';
import { Uploader } from '../../src-main/core/uploader.ts';
import { BridgeError, createBridgeClient, type UploaderBridge } from '../../src-shared/bridge-client.ts';
import type { BridgeEvent, BridgeRequest, BridgeResponse } from '../../src-shared/bridge-contract.ts';

/** A keychain that refuses every use: these commands must not need one. */
const noSecrets: SecretStore = {
  get: () => Promise.reject(new Error('no keychain in this test')),
  set: () => Promise.reject(new Error('no keychain in this test')),
  delete: () => Promise.reject(new Error('no keychain in this test')),
};

describe('the bridge, carried in-process with structured cloning', () => {
  let dir: string;
  let db: Database;
  afterEach(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function connect(): UploaderBridge {
    dir = mkdtempSync(join(tmpdir(), 'bridge-'));
    db = openDatabase(join(dir, 'uploader.db'));
    const uploader = new Uploader({
      host: {
        fetch,
        openBrowser: async () => {},
        secrets: noSecrets,
        dataDir: dir,
        clock: systemClock,
        logger: silentLogger,
      },
      db,
    });
    const route = createCommandRouter(uploader);
    let deliver: (message: BridgeResponse | BridgeEvent) => void = () => {};
    // structuredClone on both ways: what crosses a real carrier must survive it.
    uploader.events.subscribe((event) => deliver(structuredClone(event)));
    return createBridgeClient({
      send: (request: BridgeRequest) => {
        void route(structuredClone(request)).then((response) => deliver(structuredClone(response)));
      },
      onMessage: (listener) => {
        deliver = listener;
      },
    });
  }

  it('answers a command with the core state and pushes events', async () => {
    const bridge = connect();
    const events: BridgeEvent[] = [];
    bridge.onEvent((event) => events.push(event));
    const snapshot = await bridge.invoke('getSnapshot', {});
    expect(snapshot.settings.maxConcurrentUploads).toBe(2);
    expect(snapshot.connections.map((c) => c.destination)).toContain('storage-api');

    const settings = await bridge.invoke('updateSettings', { maxConcurrentUploads: 3 });
    expect(settings.maxConcurrentUploads).toBe(3);
    expect(events.some((e) => e.event === 'snapshot')).toBe(true);
  });

  it('turns a refused command into an error naming the problem, not a crash', async () => {
    const bridge = connect();
    await expect(bridge.invoke('updateSettings', { maxRetries: -1 })).rejects.toThrow(/maxRetries/);
    await expect(bridge.invoke('retry', { jobId: 999 })).rejects.toThrow(/job 999/);
    const unknown = bridge.invoke('notACommand' as never, {} as never);
    await expect(unknown).rejects.toBeInstanceOf(BridgeError);
    await expect(unknown).rejects.toThrow(/no command "notACommand"/);
  });
});
