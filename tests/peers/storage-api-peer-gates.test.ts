import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type StoragePeer, startStoragePeer } from './storage-api-peer.ts';

const CHUNK = 1024;
const TOKEN = 'token-for-gate-tests';

const peers: StoragePeer[] = [];

afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.close()));
});

const call = (url: string, init: RequestInit = {}): Promise<Response> =>
  fetch(url, { ...init, headers: { Authorization: `Bearer ${TOKEN}`, ...init.headers } });

/** A peer with one open session for a file of `size` random bytes. */
const openSession = async (size: number) => {
  const peer = await startStoragePeer({ token: TOKEN, chunkSize: CHUNK });
  peers.push(peer);
  const res = await call(`${peer.baseUrl}/uploads/create-session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ session_id: 'rec-1', file_name: 'rec-1.mp4', file_size: size }),
  });
  expect(res.status).toBe(201);
  const created = (await res.json()) as { video_upload_url: string };
  return { peer, url: created.video_upload_url, bytes: randomBytes(size) };
};

const putChunk = (url: string, bytes: Buffer, from: number, length: number, signal?: AbortSignal) =>
  call(url, {
    method: 'PUT',
    headers: { 'Content-Range': `bytes ${from}-${from + length - 1}/${bytes.length}` },
    body: bytes.subarray(from, from + length),
    ...(signal ? { signal } : {}),
  });

const heldRange = async (url: string, total: number): Promise<string | null> => {
  const res = await call(url, { method: 'PUT', headers: { 'Content-Range': `bytes */${total}` } });
  expect(res.status).toBe(308);
  return res.headers.get('range');
};

/** Whether the promise settles within `ms`. */
const settlesWithin = (promise: Promise<unknown>, ms: number): Promise<boolean> =>
  Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    sleep(ms).then(() => false),
  ]);

describe('storage API test server request gates', () => {
  it('holds the chosen chunk on arrival, unanswered, and handles it faithfully once released', async () => {
    const { peer, url, bytes } = await openSession(4 * CHUNK);
    const gate = peer.gates.hold('chunk', { afterCount: 1 });

    expect((await putChunk(url, bytes, 0, CHUNK)).status).toBe(308);
    const second = putChunk(url, bytes, CHUNK, CHUNK);
    const held = await gate.whenHeld();

    expect(held).toMatchObject({ method: 'PUT', kind: 'chunk', contentRange: `bytes 1024-2047/4096` });
    expect(gate.holding).toBe(true);
    expect(await settlesWithin(second, 200)).toBe(false);
    expect(peer.sessions()[0]?.receivedBytes).toBe(CHUNK);

    gate.release();
    const answer = await second;
    expect(answer.status).toBe(308);
    expect(answer.headers.get('range')).toBe('bytes=0-2047');
    expect(gate.holding).toBe(false);
  });

  it('keeps none of a held chunk whose client left before sending its whole body', async () => {
    const { peer, url, bytes } = await openSession(4 * CHUNK);
    expect((await putChunk(url, bytes, 0, CHUNK)).status).toBe(308);
    const gate = peer.gates.hold('chunk');
    const client = new AbortController();
    // Half the announced body, then the client stalls until it dies.
    const stalled = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(bytes.subarray(CHUNK, 2 * CHUNK)),
    });
    const cut = call(url, {
      method: 'PUT',
      headers: { 'Content-Range': `bytes 1024-3071/4096` },
      body: stalled,
      signal: client.signal,
      duplex: 'half',
    } as RequestInit);
    await gate.whenHeld();

    client.abort();
    await expect(cut).rejects.toThrow();
    gate.release();
    await gate.whenSettled();

    expect(await heldRange(url, bytes.length)).toBe('bytes=0-1023');
    const dropped = peer.requests.find((r) => r.contentRange === 'bytes 1024-3071/4096');
    expect(dropped?.status).toBeNull();
  });

  it('keeps what a request held before its answer did, though its client left unanswered', async () => {
    const { peer, url, bytes } = await openSession(4 * CHUNK);
    const gate = peer.gates.hold('chunk', { at: 'answer' });
    const client = new AbortController();
    const unanswered = putChunk(url, bytes, 0, 2 * CHUNK, client.signal);
    await gate.whenHeld();

    expect(peer.sessions()[0]?.receivedBytes).toBe(2 * CHUNK);
    client.abort();
    await expect(unanswered).rejects.toThrow();
    gate.release();
    await gate.whenSettled();

    expect(await heldRange(url, bytes.length)).toBe('bytes=0-2047');
  });

  it('names the request kind when nothing was held in time, and lets every hold go on close', async () => {
    const { peer, url, bytes } = await openSession(2 * CHUNK);
    const never = peer.gates.hold('finalize');
    await expect(never.whenHeld(50)).rejects.toThrow(/no finalize request was held at arrival within 50 ms/);

    const gate = peer.gates.hold('probe');
    const probe = call(url, { method: 'PUT', headers: { 'Content-Range': `bytes */${bytes.length}` } });
    await gate.whenHeld();
    peers.splice(peers.indexOf(peer), 1);
    await peer.close();
    await expect(probe).rejects.toThrow();
    expect(() => peer.gates.hold('chunk', { afterCount: -1 })).toThrow(/afterCount/);
  });
});
