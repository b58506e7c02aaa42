import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { SecretStore } from '../../src-main/core/auth/secret-store.ts';
import { createCommandRouter } from '../../src-main/core/bridge/command-router.ts';
import { systemClock } from '../../src-main/core/host-services.ts';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import { type Database, openDatabase } from '../../src-main/core/store/database.ts';
import { Uploader } from '../../src-main/core/uploader.ts';
import { startWebUiServer, type WebUiServer } from '../../src-main/headless/web-ui/web-ui-server.ts';
import {
  createWebSocketBridge,
  type SocketLike,
  type WebSocketBridge,
} from '../../src-renderer/bridge/web-socket-bridge.ts';
import { type BridgeEvent, CORE_UNAVAILABLE, NO_FOLDER_DIALOG } from '../../src-shared/bridge-contract.ts';

const noSecrets: SecretStore = {
  get: () => Promise.reject(new Error('no keychain in this test')),
  set: () => Promise.reject(new Error('no keychain in this test')),
  delete: () => Promise.reject(new Error('no keychain in this test')),
};

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A raw GET: the path goes out exactly as written (no `..` folding) and any Host can be sent. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket; resolves with the HTTP status it was refused with, or 101 when it opened. */
function upgradeStatus(url: string, options: { origin?: string; host?: string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      ...(options.origin === undefined ? {} : { origin: options.origin }),
      ...(options.host === undefined ? {} : { headers: { host: options.host } }),
    });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', (error) => reject(error));
  });
}

describe('the headless web UI server', () => {
  let dir: string;
  let db: Database;
  let uploader: Uploader;
  let server: WebUiServer;
  let origin: string;
  let secret: string;
  const bridges: WebSocketBridge[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'web-ui-'));
    const rendererDir = join(dir, 'renderer');
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(
      join(rendererDir, 'index.html'),
      '<!doctype html><script type="module" src="./assets/app.js"></script>',
    );
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export const marker = "renderer asset";');
    writeFileSync(join(dir, 'outside.txt'), 'must never be served');
    db = openDatabase(join(dir, 'uploader.db'));
    uploader = new Uploader({
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
    server = await startWebUiServer({
      endpoint: {
        route: createCommandRouter(uploader),
        subscribe: (listener) => uploader.events.subscribe(listener),
      },
      rendererDir,
    });
    origin = `http://127.0.0.1:${server.port}`;
    secret = new URL(server.url).pathname.split('/')[1] ?? '';
  });

  afterEach(async () => {
    for (const bridge of bridges.splice(0)) bridge.close();
    await server.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function bridgeTo(url: string, socketOrigin = origin): WebSocketBridge {
    const bridge = createWebSocketBridge({
      url,
      // ws's socket has the browser's on* handlers; only its event types are spelled differently.
      openSocket: (address) => new WebSocket(address, { origin: socketOrigin }) as unknown as SocketLike,
      reconnectDelaysMs: [50],
    });
    bridges.push(bridge);
    return bridge;
  }

  it('prints an address on 127.0.0.1 with a secret of at least 128 bits in its path', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]+\/$/);
    expect(Buffer.from(secret, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
  });

  it('serves nothing without the secret: not the page, not an asset, not the socket', async () => {
    const wrong = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    for (const path of [
      '/',
      '/index.html',
      '/assets/app.js',
      `/${wrong}/`,
      `/${wrong}/assets/app.js`,
      '/x',
    ]) {
      const reply = await get(server.port, path);
      expect(reply.status, path).toBe(404);
      expect(reply.body).not.toContain('renderer asset');
      expect(reply.body).not.toContain('<script');
    }
    const ws = `ws://127.0.0.1:${server.port}`;
    expect(await upgradeStatus(`${ws}/bridge`, { origin })).toBe(404);
    expect(await upgradeStatus(`${ws}/${wrong}/bridge`, { origin })).toBe(404);
    expect(await upgradeStatus(`${ws}/${secret}/`, { origin })).toBe(404);
  });

  it('serves the page and its assets under the secret, with a strict CSP', async () => {
    const page = await get(server.port, `/${secret}/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('./assets/app.js');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(page.headers['referrer-policy']).toBe('no-referrer');

    const asset = await get(server.port, `/${secret}/assets/app.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
    expect(asset.body).toContain('renderer asset');

    const bare = await get(server.port, `/${secret}`);
    expect(bare.status).toBe(308);
    expect(bare.headers.location).toBe(`/${secret}/`);
  });

  it('never serves a file outside the renderer build', async () => {
    for (const path of [
      `/${secret}/../outside.txt`,
      `/${secret}/%2e%2e/outside.txt`,
      `/${secret}/assets/..%2f..%2foutside.txt`,
      `/${secret}/..%5coutside.txt`,
      `/${secret}/missing.js`,
    ]) {
      const reply = await get(server.port, path);
      expect(reply.status, path).toBe(404);
      expect(reply.body).not.toContain('must never be served');
    }
  });

  it('refuses a wrong Host (DNS rebinding) and a foreign Origin, even with the secret', async () => {
    const evilHost = await get(server.port, `/${secret}/`, { host: `rebound.example:${server.port}` });
    expect(evilHost.status).toBe(421);
    const localhostName = await get(server.port, `/${secret}/`, { host: `localhost:${server.port}` });
    expect(localhostName.status).toBe(421);
    const foreign = await get(server.port, `/${secret}/`, { origin: 'https://attacker.example' });
    expect(foreign.status).toBe(403);

    const socketUrl = `ws://127.0.0.1:${server.port}/${secret}/bridge`;
    expect(await upgradeStatus(socketUrl, { origin: 'https://attacker.example' })).toBe(403);
    expect(await upgradeStatus(socketUrl, { origin: `http://localhost:${server.port}` })).toBe(403);
    expect(await upgradeStatus(socketUrl)).toBe(403);
    expect(await upgradeStatus(socketUrl, { origin, host: `rebound.example:${server.port}` })).toBe(421);
    expect(await upgradeStatus(socketUrl, { origin })).toBe(101);
  });

  it('carries the bridge over a real WebSocket: commands answered, events pushed, errors named', async () => {
    const bridge = bridgeTo(`ws://127.0.0.1:${server.port}/${secret}/bridge`);
    const events: BridgeEvent[] = [];
    bridge.onEvent((event) => events.push(event));

    const snapshot = await bridge.invoke('getSnapshot', {});
    expect(snapshot.settings.maxConcurrentUploads).toBe(2);
    expect(snapshot.connections.map((c) => c.destination)).toContain('storage-api');

    const settings = await bridge.invoke('updateSettings', { maxConcurrentUploads: 4 });
    expect(settings.maxConcurrentUploads).toBe(4);
    await expect.poll(() => events.some((e) => e.event === 'snapshot')).toBe(true);

    await expect(bridge.invoke('updateSettings', { maxRetries: -1 })).rejects.toThrow(/maxRetries/);
    await expect(bridge.invoke('chooseLocalFolder', {})).rejects.toMatchObject({
      code: NO_FOLDER_DIALOG,
      message: expect.stringMatching(/type the folder path/),
    });
  });

  it('answers a malformed request with an error, and closes a socket that does not speak JSON', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/${secret}/bridge`, { origin });
    await new Promise((resolve) => socket.once('open', resolve));
    const answer = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
    socket.send(JSON.stringify({ id: 7, method: 'retry', params: 'job 1' }));
    expect(JSON.parse(await answer)).toEqual({
      id: 7,
      error: { code: 'BadRequest', message: 'the params of "retry" must be an object' },
    });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send('not json');
    expect(await closed).toBe(1007);
  });

  it('fails the commands a lost socket carried and reports the core unavailable', async () => {
    const bridge = bridgeTo(`ws://127.0.0.1:${server.port}/${secret}/bridge`);
    const statuses: unknown[] = [];
    bridge.onEvent((event) => {
      if (event.event === 'core-status') statuses.push(event.payload);
    });
    await bridge.invoke('getSnapshot', {});
    await server.close();
    await expect.poll(() => statuses.length).toBeGreaterThan(0);
    expect(statuses[0]).toMatchObject({ state: 'unavailable' });
    await expect(bridge.invoke('getSnapshot', {})).rejects.toMatchObject({ code: CORE_UNAVAILABLE });
  });
});
