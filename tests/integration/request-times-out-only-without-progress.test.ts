import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch as undiciFetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src-main/core/destinations/http-client.ts';
import { sharedBuffer } from '../../src-main/core/transfer/hashing-thread.ts';

const MiB = 1024 * 1024;
const TIMEOUT_MS = 400;

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = null;
});

/** A server that reads request bodies as `read` lets it, then answers with the bytes it got. */
async function serve(read: (request: IncomingMessage) => void): Promise<string> {
  server = createServer((request, response) => {
    let received = 0;
    request.on('data', (piece: Buffer) => {
      received += piece.byteLength;
    });
    request.on('end', () => response.end(String(received)));
    read(request);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/chunk`;
}

const client = new HttpClient(undiciFetch as unknown as typeof fetch, () => TIMEOUT_MS);
const chunk = (bytes: number) => ({
  method: 'PUT',
  body: sharedBuffer(bytes).fill(7),
  what: 'test PUT chunk',
});

describe("a chunk's time-out counts from the last piece of it that moved", () => {
  it('lets a chunk that keeps moving take far longer than the time-out', async () => {
    // The server stops for 60 ms after every MiB it reads: the 24 MiB take well over a second.
    const url = await serve((request) => {
      let read = 0;
      request.on('data', (piece: Buffer) => {
        const before = Math.floor(read / MiB);
        read += piece.byteLength;
        if (Math.floor(read / MiB) === before) return;
        request.pause();
        setTimeout(() => request.resume(), 60);
      });
    });
    const started = performance.now();
    const response = await client.send({ ...chunk(24 * MiB), url }, new AbortController().signal);
    expect(await response.text()).toBe(String(24 * MiB));
    expect(performance.now() - started).toBeGreaterThan(TIMEOUT_MS);
  });

  it('gives up on a chunk whose bytes stopped moving, saying so', async () => {
    const url = await serve((request) => request.pause());
    const started = performance.now();
    await expect(client.send({ ...chunk(64 * MiB), url }, new AbortController().signal)).rejects.toThrow(
      `test PUT chunk timed out after ${TIMEOUT_MS / 1000} s without progress`,
    );
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
