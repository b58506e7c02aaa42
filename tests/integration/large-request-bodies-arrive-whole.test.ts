import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src-main/core/destinations/http-client.ts';

interface Received {
  headers: IncomingHttpHeaders;
  length: number;
  sha256: string;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Both fetches the hosts hand the core in Node: the built-in one and undici's (headless). */
const FETCHES: Array<[string, typeof fetch]> = [
  ['Node’s fetch', globalThis.fetch],
  ['undici’s fetch', undiciFetch as unknown as typeof fetch],
];

describe.each(FETCHES)('request bodies through %s', (_name, fetchImpl) => {
  let server: Server;
  let url: string;
  let received: Received[];
  const http = new HttpClient(fetchImpl, () => 30_000);

  beforeAll(async () => {
    received = [];
    server = createServer((req, res) => {
      const hash = createHash('sha256');
      let length = 0;
      req.on('data', (bytes: Buffer) => {
        hash.update(bytes);
        length += bytes.length;
      });
      req.on('end', () => {
        received.push({ headers: req.headers, length, sha256: hash.digest('hex') });
        res.writeHead(308, { Range: `bytes=0-${length - 1}` }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const put = async (body: Uint8Array, headers: Record<string, string> = {}): Promise<Received> => {
    const before = received.length;
    const response = await http.send(
      { method: 'PUT', url, headers, body, what: 'PUT test chunk' },
      new AbortController().signal,
    );
    expect(response.status).toBe(308);
    await response.body?.cancel();
    expect(received.length).toBe(before + 1);
    return received[before] as Received;
  };

  it('sends a large chunk whole, with its Content-Length and never chunked', async () => {
    const body = randomBytes(3 * 1024 * 1024 + 17);
    const got = await put(body, { 'content-range': `bytes 0-${body.byteLength - 1}/${body.byteLength}` });
    expect(got.length).toBe(body.byteLength);
    expect(got.sha256).toBe(sha256(body));
    expect(got.headers['content-length']).toBe(String(body.byteLength));
    expect(got.headers['transfer-encoding']).toBeUndefined();
  });

  it('sends a view into a larger buffer as exactly that view', async () => {
    const whole = randomBytes(4 * 1024 * 1024);
    const view = whole.subarray(1000, 1000 + 2 * 1024 * 1024);
    const got = await put(view);
    expect(got.length).toBe(view.byteLength);
    expect(got.sha256).toBe(sha256(view));
  });

  it('keeps a Content-Length the caller gave, once', async () => {
    const body = randomBytes(2 * 1024 * 1024);
    const got = await put(body, { 'Content-Length': String(body.byteLength) });
    expect(got.headers['content-length']).toBe(String(body.byteLength));
    expect(got.sha256).toBe(sha256(body));
  });

  it('sends a small body as it is', async () => {
    const body = randomBytes(100);
    const got = await put(body);
    expect(got.headers['content-length']).toBe('100');
    expect(got.sha256).toBe(sha256(body));
  });
});
