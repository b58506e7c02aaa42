import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type StoragePeer, type StoragePeerOptions, startStoragePeer } from './storage-api-peer.ts';

const CHUNK = 1024;
const TOKEN = 'token-for-storage-tests';

const peers: StoragePeer[] = [];

afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.close()));
});

const start = async (options: StoragePeerOptions = {}): Promise<StoragePeer> => {
  const peer = await startStoragePeer({ token: TOKEN, chunkSize: CHUNK, ...options });
  peers.push(peer);
  return peer;
};

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const call = (url: string, init: RequestInit = {}, token = TOKEN): Promise<Response> =>
  fetch(url, { ...init, headers: { Authorization: `Bearer ${token}`, ...init.headers } });

const postJson = (url: string, body: unknown): Promise<Response> =>
  call(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

interface Created {
  session_id: string;
  expires_at: string;
  video_upload_url?: string;
  metadata_upload_url?: string;
  chunk_size?: number;
}

const createSession = async (peer: StoragePeer, fileSize: number, recordingId = 'rdp_123_1729950022') => {
  const res = await postJson(`${peer.baseUrl}/uploads/create-session`, {
    session_id: recordingId,
    file_name: 'session_123_ServerName_20241026_150000.mp4',
    file_size: fileSize,
    connection_info: { con_codigo: 123, ip: '192.168.1.100', name: 'Production Server' },
    metadata: { start_time: '2024-10-26T15:00:22.123456' },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Created;
};

const putChunk = (url: string, bytes: Uint8Array, from: number, total: number): Promise<Response> =>
  call(url, {
    method: 'PUT',
    headers: { 'Content-Range': `bytes ${from}-${from + bytes.length - 1}/${total}` },
    body: bytes,
  });

const probe = (url: string, total: number): Promise<Response> =>
  call(url, { method: 'PUT', headers: { 'Content-Range': `bytes */${total}` } });

const status = async (peer: StoragePeer, sid: string) => {
  const res = await call(`${peer.baseUrl}/uploads/${sid}/status`);
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string; received_bytes: number; file_id: string | null };
};

const finalizeWith = (peer: StoragePeer, sid: string, fileSize: number, hash: string): Promise<Response> =>
  postJson(`${peer.baseUrl}/uploads/${sid}/finalize`, { file_size: fileSize, sha256: hash });

const multipart = (peer: StoragePeer, sid: string, fileType: string, bytes: Uint8Array, name = 'rec.mp4') => {
  const form = new FormData();
  form.append('file_type', fileType);
  form.append('file', new Blob([bytes]), name);
  return call(`${peer.baseUrl}/uploads/${sid}/file`, { method: 'POST', body: form });
};

/** Sends the whole file in chunks of `step` bytes and returns the last answer. */
const sendAll = async (url: string, bytes: Uint8Array, step: number, from = 0): Promise<Response> => {
  let last: Response | null = null;
  for (let offset = from; offset < bytes.length; offset += step) {
    await last?.arrayBuffer();
    last = await putChunk(url, bytes.subarray(offset, offset + step), offset, bytes.length);
  }
  if (!last) throw new Error('nothing to send');
  return last;
};

const detailOf = async (res: Response): Promise<string> => ((await res.json()) as { detail: string }).detail;

describe('storage API peer: authentication', () => {
  it('answers 401 without a token or with a wrong one, and honours a replaced token', async () => {
    const peer = await start();
    const health = `${peer.baseUrl}/health`;
    expect((await fetch(health)).status).toBe(401);
    const wrong = await call(health, {}, 'not-the-token');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await detailOf(wrong)).toMatch(/token is not valid/);
    expect((await call(health)).status).toBe(200);

    peer.setToken('replacement-token');
    expect((await call(health)).status).toBe(401);
    expect((await call(health, {}, 'replacement-token')).status).toBe(200);
    expect(peer.token).toBe('replacement-token');
  });

  it('logs whether a request was authorized without ever logging the token', async () => {
    const peer = await start();
    await fetch(`${peer.baseUrl}/health`);
    await call(`${peer.baseUrl}/health`);
    expect(peer.requests.map((r) => [r.hadAuthorization, r.status])).toEqual([
      [false, 401],
      [true, 200],
    ]);
    expect(JSON.stringify(peer.requests)).not.toContain(TOKEN);
  });

  it('checks the token on upload URLs outside the base path too', async () => {
    const peer = await start();
    const created = await createSession(peer, 10);
    const res = await fetch(created.video_upload_url ?? '', {
      method: 'PUT',
      headers: { 'Content-Range': 'bytes */10' },
    });
    expect(res.status).toBe(401);
  });
});

describe('storage API peer: create-session', () => {
  it('offers chunk_size, upload URLs and an expiry in resumable mode', async () => {
    const peer = await start({ sessionTtlMs: 60_000 });
    const before = Date.now();
    const created = await createSession(peer, 5000);
    expect(created.session_id).toMatch(/^upl_/);
    expect(created.chunk_size).toBe(CHUNK);
    expect(created.video_upload_url).toBe(`${peer.origin}/upload/video/${created.session_id}`);
    expect(created.metadata_upload_url).toBe(`${peer.origin}/upload/metadata/${created.session_id}`);
    const expires = Date.parse(created.expires_at);
    expect(expires).toBeGreaterThanOrEqual(before + 60_000);
    expect(expires).toBeLessThan(Date.now() + 61_000);
    expect(peer.sessions()).toMatchObject([{ recordingSessionId: 'rdp_123_1729950022', status: 'pending' }]);
  });

  it('answers without chunk_size in single-request mode, and without URLs when told to', async () => {
    const peer = await start({ chunkSize: null, giveUploadUrls: false });
    const created = await createSession(peer, 5000);
    expect(Object.keys(created).sort()).toEqual(['expires_at', 'session_id']);
  });

  it('rejects a body that is not JSON, not JSON-typed, or lacks a valid file_size', async () => {
    const peer = await start();
    const url = `${peer.baseUrl}/uploads/create-session`;
    const notJson = await call(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{',
    });
    expect(notJson.status).toBe(400);
    expect(await detailOf(notJson)).toMatch(/not valid JSON/);
    const wrongType = await call(url, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: '{}',
    });
    expect(wrongType.status).toBe(415);
    const noSize = await postJson(url, { session_id: 'r', file_name: 'a.mp4' });
    expect(noSize.status).toBe(400);
    expect(await detailOf(noSize)).toMatch(/file_size must be a whole number of bytes/);
    const badName = await postJson(url, { session_id: 'r', file_name: '../a.mp4', file_size: 3 });
    expect(badName.status).toBe(400);
    expect(peer.sessions()).toEqual([]);
  });
});

describe('storage API peer: resumable uploads', () => {
  it('answers 308 with a growing Range, 200 with the sha256 at the end, and probes both ways', async () => {
    const peer = await start();
    const bytes = randomBytes(3000);
    const created = await createSession(peer, bytes.length);
    const url = created.video_upload_url ?? '';

    const empty = await probe(url, bytes.length);
    expect(empty.status).toBe(308);
    expect(empty.headers.get('range')).toBeNull();

    const first = await putChunk(url, bytes.subarray(0, 1024), 0, bytes.length);
    expect(first.status).toBe(308);
    expect(first.headers.get('range')).toBe('bytes=0-1023');
    const probed = await probe(url, bytes.length);
    expect(probed.status).toBe(308);
    expect(probed.headers.get('range')).toBe('bytes=0-1023');
    expect(await status(peer, created.session_id)).toMatchObject({
      status: 'uploading',
      received_bytes: 1024,
    });

    const second = await putChunk(url, bytes.subarray(1024, 2048), 1024, bytes.length);
    expect(second.status).toBe(308);
    expect(second.headers.get('range')).toBe('bytes=0-2047');
    const last = await putChunk(url, bytes.subarray(2048), 2048, bytes.length);
    expect(last.status).toBe(200);
    expect(await last.json()).toEqual({ received_bytes: 3000, sha256: sha256(bytes) });

    const done = await probe(url, bytes.length);
    expect(done.status).toBe(200);
    expect(peer.requests.filter((r) => r.kind === 'chunk').map((r) => r.contentRange)).toEqual([
      'bytes 0-1023/3000',
      'bytes 1024-2047/3000',
      'bytes 2048-2999/3000',
    ]);
  });

  it('takes chunks at {base}/uploads/{sid}/file when it gives no upload URL', async () => {
    const peer = await start({ giveUploadUrls: false });
    const bytes = randomBytes(2500);
    const created = await createSession(peer, bytes.length);
    const last = await sendAll(`${peer.baseUrl}/uploads/${created.session_id}/file`, bytes, 2048);
    expect(last.status).toBe(200);
  });

  it('rejects a chunk that is not a multiple of chunk_size, unless it is the last', async () => {
    const peer = await start();
    const bytes = randomBytes(3000);
    const created = await createSession(peer, bytes.length);
    const url = created.video_upload_url ?? '';
    const odd = await putChunk(url, bytes.subarray(0, 1000), 0, bytes.length);
    expect(odd.status).toBe(400);
    expect(await detailOf(odd)).toMatch(/not a multiple of chunk_size 1024/);
    expect((await status(peer, created.session_id)).received_bytes).toBe(0);
    expect((await putChunk(url, bytes.subarray(0, 2048), 0, bytes.length)).status).toBe(308);
    expect((await putChunk(url, bytes.subarray(2048), 2048, bytes.length)).status).toBe(200);
  });

  it('answers 416 with the held Range to a chunk that does not start at the next expected byte', async () => {
    const peer = await start();
    const bytes = randomBytes(4096);
    const created = await createSession(peer, bytes.length);
    const url = created.video_upload_url ?? '';
    await putChunk(url, bytes.subarray(0, 1024), 0, bytes.length);

    const ahead = await putChunk(url, bytes.subarray(2048, 3072), 2048, bytes.length);
    expect(ahead.status).toBe(416);
    expect(ahead.headers.get('range')).toBe('bytes=0-1023');
    expect(await detailOf(ahead)).toMatch(/next expected byte is 1024/);
    const again = await putChunk(url, bytes.subarray(0, 1024), 0, bytes.length);
    expect(again.status).toBe(416);
    expect(again.headers.get('range')).toBe('bytes=0-1023');
    expect((await status(peer, created.session_id)).received_bytes).toBe(1024);
  });

  it('rejects a wrong total, a range past the end, a malformed header and a body shorter than its range', async () => {
    const peer = await start();
    const bytes = randomBytes(3000);
    const created = await createSession(peer, bytes.length);
    const url = created.video_upload_url ?? '';
    const wrongTotal = await putChunk(url, bytes.subarray(0, 1024), 0, 5000);
    expect(wrongTotal.status).toBe(400);
    expect(await detailOf(wrongTotal)).toMatch(/differs from the file_size 3000/);
    const pastEnd = await call(url, {
      method: 'PUT',
      headers: { 'Content-Range': 'bytes 2048-3071/3000' },
      body: randomBytes(1024),
    });
    expect(pastEnd.status).toBe(400);
    const malformed = await call(url, {
      method: 'PUT',
      headers: { 'Content-Range': 'bytes=0-1023' },
      body: bytes,
    });
    expect(malformed.status).toBe(400);
    const missing = await call(url, { method: 'PUT', body: bytes.subarray(0, 1024) });
    expect(missing.status).toBe(400);
    expect(await detailOf(missing)).toMatch(/Content-Range header is required/);
    const short = await call(url, {
      method: 'PUT',
      headers: { 'Content-Range': 'bytes 0-2047/3000' },
      body: bytes.subarray(0, 1024),
    });
    expect(short.status).toBe(400);
    expect((await status(peer, created.session_id)).received_bytes).toBe(0);
  });

  it('answers 405 to chunks for a session that offered no chunk_size', async () => {
    const peer = await start({ chunkSize: null });
    const created = await createSession(peer, 100);
    const res = await putChunk(
      `${peer.baseUrl}/uploads/${created.session_id}/file`,
      randomBytes(100),
      0,
      100,
    );
    expect(res.status).toBe(405);
    expect(await detailOf(res)).toMatch(/multipart POST/);
  });
});

describe('storage API peer: finalize', () => {
  it('refuses to finalize before every byte is held', async () => {
    const peer = await start();
    const bytes = randomBytes(3000);
    const created = await createSession(peer, bytes.length);
    await putChunk(created.video_upload_url ?? '', bytes.subarray(0, 1024), 0, bytes.length);
    const early = await finalizeWith(peer, created.session_id, bytes.length, sha256(bytes));
    expect(early.status).toBe(409);
    expect(await detailOf(early)).toMatch(/holds 1024 of 3000 bytes/);
    expect(peer.recordings()).toEqual([]);
  });

  it('detects a client sha256 that differs from the received bytes, then finalizes once, idempotently', async () => {
    const peer = await start();
    const bytes = randomBytes(2000);
    const created = await createSession(peer, bytes.length);
    await sendAll(created.video_upload_url ?? '', bytes, 1024);

    const wrong = await finalizeWith(peer, created.session_id, bytes.length, sha256(Buffer.from('other')));
    expect(wrong.status).toBe(400);
    const body = (await wrong.json()) as { detail: string; code: string; sha256: string };
    expect(body.code).toBe('sha256_mismatch');
    expect(body.sha256).toBe(sha256(bytes));
    expect(body.detail).toMatch(/sha256 mismatch/);
    expect(peer.recordings()).toEqual([]);

    const wrongSize = await finalizeWith(peer, created.session_id, 1999, sha256(bytes));
    expect(wrongSize.status).toBe(400);

    const first = await finalizeWith(peer, created.session_id, bytes.length, sha256(bytes).toUpperCase());
    expect(first.status).toBe(200);
    const answer = (await first.json()) as { file_id: string; sha256: string; url: string };
    expect(answer.sha256).toBe(sha256(bytes));
    const second = await finalizeWith(peer, created.session_id, bytes.length, sha256(bytes));
    expect(await second.json()).toEqual(answer);
    expect(peer.recordings()).toHaveLength(1);
    expect(await peer.readRecording(answer.file_id)).toEqual(bytes);
    expect(await status(peer, created.session_id)).toEqual(
      expect.objectContaining({ status: 'completed', file_id: answer.file_id, received_bytes: 2000 }),
    );
    const described = await call(answer.url);
    expect(await described.json()).toMatchObject({ file_id: answer.file_id, sha256: sha256(bytes) });
  });

  it('keeps the recording id, connection info and both metadata forms with the recording', async () => {
    const peer = await start();
    const bytes = randomBytes(10);
    const created = await createSession(peer, bytes.length, 'rdp_7_1');
    await putChunk(created.video_upload_url ?? '', bytes, 0, bytes.length);
    const sidecar = { session_id: 'rdp_7_1', recorder_settings: { fps: 10 } };
    const put = await call(created.metadata_upload_url ?? '', {
      method: 'PUT',
      body: JSON.stringify(sidecar),
    });
    expect(put.status).toBe(200);
    expect((await finalizeWith(peer, created.session_id, bytes.length, sha256(bytes))).status).toBe(200);
    expect(peer.recordings()).toMatchObject([
      {
        sessionId: 'rdp_7_1',
        fileSize: 10,
        metadata: sidecar,
        createMetadata: { start_time: '2024-10-26T15:00:22.123456' },
        connectionInfo: { con_codigo: 123 },
      },
    ]);
  });

  it('rejects metadata that is not JSON', async () => {
    const peer = await start();
    const created = await createSession(peer, 10);
    const res = await call(created.metadata_upload_url ?? '', { method: 'PUT', body: '{"unterminated' });
    expect(res.status).toBe(400);
    expect(await detailOf(res)).toMatch(/metadata body is not valid JSON/);
    expect(peer.sessions()[0]?.metadata).toBeNull();
  });
});

describe('storage API peer: single-request multipart', () => {
  it('stores a streamed multipart video and its metadata part, and finalizes them', async () => {
    const peer = await start({ chunkSize: null });
    const bytes = randomBytes(200_000);
    const created = await createSession(peer, bytes.length);
    const sent = await multipart(peer, created.session_id, 'video', bytes);
    expect(sent.status).toBe(200);
    expect(await sent.json()).toMatchObject({ received_bytes: bytes.length, sha256: sha256(bytes) });
    const meta = await multipart(peer, created.session_id, 'metadata', Buffer.from('{"fps":10}'), 'rec.json');
    expect(meta.status).toBe(200);
    const done = await finalizeWith(peer, created.session_id, bytes.length, sha256(bytes));
    expect(done.status).toBe(200);
    const [recording] = peer.recordings();
    expect(recording?.metadata).toEqual({ fps: 10 });
    expect(await peer.readRecording(recording?.fileId ?? '')).toEqual(bytes);
  });

  it('requires file_type before the file part, a known file_type and the announced size', async () => {
    const peer = await start({ chunkSize: null });
    const bytes = randomBytes(1000);
    const created = await createSession(peer, bytes.length);
    const url = `${peer.baseUrl}/uploads/${created.session_id}/file`;
    const fileFirst = new FormData();
    fileFirst.append('file', new Blob([bytes]), 'rec.mp4');
    fileFirst.append('file_type', 'video');
    const late = await call(url, { method: 'POST', body: fileFirst });
    expect(late.status).toBe(400);
    expect(await detailOf(late)).toMatch(/file_type field must come before the file part/);

    const unknown = await multipart(peer, created.session_id, 'thumbnail', bytes);
    expect(unknown.status).toBe(400);
    const short = await multipart(peer, created.session_id, 'video', bytes.subarray(0, 999));
    expect(short.status).toBe(400);
    expect(await detailOf(short)).toMatch(/has 999 bytes but create-session announced file_size 1000/);
    const notForm = await call(url, {
      method: 'POST',
      headers: { 'Content-Type': 'video/mp4' },
      body: bytes,
    });
    expect(notForm.status).toBe(415);
    expect(await status(peer, created.session_id)).toMatchObject({ status: 'pending', received_bytes: 0 });
  });

  it('refuses a multipart video for a resumable session', async () => {
    const peer = await start();
    const created = await createSession(peer, 100);
    const res = await multipart(peer, created.session_id, 'video', randomBytes(100));
    expect(res.status).toBe(400);
    expect(await detailOf(res)).toMatch(/resumable \(chunk_size 1024\)/);
  });
});

describe('storage API peer: sessions, expiry and recordings', () => {
  it('answers 404 for unknown sessions and 405 for a wrong method', async () => {
    const peer = await start();
    expect((await call(`${peer.baseUrl}/uploads/upl_nope/status`)).status).toBe(404);
    expect((await probe(`${peer.baseUrl}/uploads/upl_nope/file`, 10)).status).toBe(404);
    expect((await finalizeWith(peer, 'upl_nope', 10, sha256(Buffer.alloc(10)))).status).toBe(404);
    const wrongMethod = await call(`${peer.baseUrl}/uploads/create-session`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('expires an unfinished session after its time to live, but never a finished one', async () => {
    const peer = await start({ sessionTtlMs: 150 });
    const bytes = randomBytes(2048);
    const unfinished = await createSession(peer, bytes.length);
    const finished = await createSession(peer, 10);
    await putChunk(unfinished.video_upload_url ?? '', bytes.subarray(0, 1024), 0, bytes.length);
    const ten = randomBytes(10);
    await putChunk(finished.video_upload_url ?? '', ten, 0, 10);
    expect((await finalizeWith(peer, finished.session_id, 10, sha256(ten))).status).toBe(200);
    await sleep(250);

    const late = await putChunk(unfinished.video_upload_url ?? '', bytes.subarray(1024), 1024, bytes.length);
    expect(late.status).toBe(404);
    expect(await detailOf(late)).toMatch(/has expired/);
    expect(await status(peer, unfinished.session_id)).toMatchObject({ status: 'expired', received_bytes: 0 });
    expect((await finalizeWith(peer, unfinished.session_id, bytes.length, sha256(bytes))).status).toBe(404);
    expect((await status(peer, finished.session_id)).status).toBe('completed');
  });

  it('drops a chunk that was streaming in when its session expired', async () => {
    const peer = await start();
    const bytes = randomBytes(2048);
    const created = await createSession(peer, bytes.length);
    let push = (_bytes: Uint8Array | null): void => undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (piece) => (piece === null ? controller.close() : controller.enqueue(piece));
      },
    });
    const answer = call(created.video_upload_url ?? '', {
      method: 'PUT',
      headers: { 'Content-Range': 'bytes 0-2047/2048' },
      body,
      duplex: 'half',
    } as RequestInit);
    push(bytes.subarray(0, 1024));
    await expect.poll(() => peer.requests.some((r) => r.kind === 'chunk')).toBe(true);
    await sleep(50);
    peer.faults.expireSession(created.session_id);
    push(bytes.subarray(1024));
    push(null);
    const res = await answer;
    expect(res.status).toBe(404);
    expect(await status(peer, created.session_id)).toMatchObject({ status: 'expired', received_bytes: 0 });
  });

  it('lists and deletes recordings', async () => {
    const peer = await start();
    const bytes = randomBytes(10);
    const created = await createSession(peer, 10);
    await putChunk(created.video_upload_url ?? '', bytes, 0, 10);
    const { file_id: fileId } = (await (
      await finalizeWith(peer, created.session_id, 10, sha256(bytes))
    ).json()) as {
      file_id: string;
    };
    const listed = await (await call(`${peer.baseUrl}/recordings`)).json();
    expect(listed).toMatchObject([{ file_id: fileId, file_size: 10, sha256: sha256(bytes) }]);
    expect((await call(`${peer.baseUrl}/recordings/${fileId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`${peer.baseUrl}/recordings/${fileId}`, { method: 'DELETE' })).status).toBe(404);
    expect(await (await call(`${peer.baseUrl}/recordings`)).json()).toEqual([]);
  });
});

describe('storage API peer: faults fire as armed, then stop', () => {
  it('answers server errors, then serves again', async () => {
    const peer = await start();
    peer.faults.serverErrors(2, 503);
    const health = `${peer.baseUrl}/health`;
    expect((await call(health)).status).toBe(503);
    expect((await call(health)).status).toBe(503);
    expect((await call(health)).status).toBe(200);
    expect(peer.requests.map((r) => r.fault)).toEqual(['server-error', 'server-error', null]);
  });

  it('fires a status fault only on the kinds of request it was armed for', async () => {
    const peer = await start();
    peer.faults.serverErrors(1, 500, ['finalize']);
    const bytes = randomBytes(10);
    const created = await createSession(peer, 10);
    expect((await putChunk(created.video_upload_url ?? '', bytes, 0, 10)).status).toBe(200);
    expect((await finalizeWith(peer, created.session_id, 10, sha256(bytes))).status).toBe(500);
    expect((await finalizeWith(peer, created.session_id, 10, sha256(bytes))).status).toBe(200);
  });

  it('throttles with Retry-After, once', async () => {
    const peer = await start();
    peer.faults.throttle(1, 7);
    const throttled = await call(`${peer.baseUrl}/health`);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    expect((await call(`${peer.baseUrl}/health`)).status).toBe(200);
  });

  it('writes Retry-After as an HTTP date when asked, that many seconds ahead', async () => {
    const peer = await start();
    peer.faults.throttle(1, 30, undefined, 'http-date');
    const before = Date.now();
    const throttled = await call(`${peer.baseUrl}/health`);
    expect(throttled.status).toBe(429);
    const header = throttled.headers.get('retry-after') ?? '';
    expect(header).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    const ahead = Date.parse(header) - before;
    expect(ahead).toBeGreaterThan(28_000);
    expect(ahead).toBeLessThanOrEqual(30_000);
  });

  it('resets the connection mid-chunk, keeps nothing of that chunk, and then accepts it', async () => {
    const peer = await start();
    const bytes = randomBytes(5000);
    const created = await createSession(peer, bytes.length);
    const url = created.video_upload_url ?? '';
    await putChunk(url, bytes.subarray(0, 1024), 0, bytes.length);
    peer.faults.resetMidChunk();
    await expect(putChunk(url, bytes.subarray(1024, 3072), 1024, bytes.length)).rejects.toThrow();
    expect((await status(peer, created.session_id)).received_bytes).toBe(1024);
    expect(peer.requests.at(-2)).toMatchObject({ kind: 'chunk', status: null, fault: 'reset' });
    const last = await sendAll(url, bytes, 2048, 1024);
    expect(last.status).toBe(200);
    expect(await last.json()).toMatchObject({ sha256: sha256(bytes) });
  });

  it('resets a single-request upload mid-body, leaving the session empty', async () => {
    const peer = await start({ chunkSize: null });
    const bytes = randomBytes(300_000);
    const created = await createSession(peer, bytes.length);
    peer.faults.resetMidChunk();
    await expect(multipart(peer, created.session_id, 'video', bytes)).rejects.toThrow();
    expect(await status(peer, created.session_id)).toMatchObject({ status: 'pending', received_bytes: 0 });
    const again = await multipart(peer, created.session_id, 'video', bytes);
    expect(again.status).toBe(200);
  });

  it('expires a named session at once, or the next session a request names', async () => {
    const peer = await start();
    const a = await createSession(peer, 10, 'a');
    const b = await createSession(peer, 10, 'b');
    peer.faults.expireSession(a.session_id);
    expect((await probe(a.video_upload_url ?? '', 10)).status).toBe(404);
    expect((await status(peer, a.session_id)).status).toBe('expired');

    peer.faults.expireSession();
    expect((await probe(b.video_upload_url ?? '', 10)).status).toBe(404);
    expect((await status(peer, b.session_id)).status).toBe('expired');
    const c = await createSession(peer, 10, 'c');
    expect((await probe(c.video_upload_url ?? '', 10)).status).toBe(308);
  });

  it('acknowledges only a chunk_size-aligned prefix once, and the upload completes from there', async () => {
    const peer = await start();
    const bytes = randomBytes(4000);
    const created = await createSession(peer, bytes.length);
    const url = created.video_upload_url ?? '';
    peer.faults.partialAck();
    const partial = await putChunk(url, bytes.subarray(0, 3072), 0, bytes.length);
    expect(partial.status).toBe(308);
    expect(partial.headers.get('range')).toBe('bytes=0-2047');
    const full = await putChunk(url, bytes.subarray(2048, 3072), 2048, bytes.length);
    expect(full.headers.get('range')).toBe('bytes=0-3071');
    const last = await putChunk(url, bytes.subarray(3072), 3072, bytes.length);
    expect(await last.json()).toMatchObject({ sha256: sha256(bytes) });
  });

  it('announces a wrong sha256 at one finalize, and the true one at the next', async () => {
    const peer = await start();
    peer.faults.wrongSha256();
    const hashes: string[] = [];
    for (const id of ['first', 'second']) {
      const bytes = randomBytes(10);
      const created = await createSession(peer, 10, id);
      await putChunk(created.video_upload_url ?? '', bytes, 0, 10);
      const res = await finalizeWith(peer, created.session_id, 10, sha256(bytes));
      expect(res.status).toBe(200);
      const announced = ((await res.json()) as { sha256: string }).sha256;
      expect(announced).toMatch(/^[0-9a-f]{64}$/);
      hashes.push(announced === sha256(bytes) ? 'true' : 'wrong');
    }
    expect(hashes).toEqual(['wrong', 'true']);
    expect(peer.faults.pending()).toEqual({
      status: 0,
      resets: 0,
      wrongSha256: 0,
      partialAcks: 0,
      expiries: 0,
      damages: 0,
    });
  });

  it('stores a chunk damaged on the way as it arrived, so finalize answers sha256_mismatch in its own words', async () => {
    const peer = await start({ mismatchDetail: 'Prüfsumme stimmt nicht' });
    peer.faults.damageInTransit();
    const bytes = randomBytes(10);
    const created = await createSession(peer, 10);
    const stored = await putChunk(created.video_upload_url ?? '', bytes, 0, 10);
    const held = ((await stored.json()) as { sha256: string }).sha256;
    expect(held).not.toBe(sha256(bytes));
    const res = await finalizeWith(peer, created.session_id, 10, sha256(bytes));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      detail: 'Prüfsumme stimmt nicht',
      code: 'sha256_mismatch',
      sha256: held,
    });
    expect(peer.recordings()).toHaveLength(0);
    expect(peer.faults.pending().damages).toBe(0);
  });

  it('refuses a request with the words a test chose, and no code', async () => {
    const peer = await start();
    peer.faults.serverErrors(1, 400, ['finalize'], 'sha256 must be sent in a header here');
    const bytes = randomBytes(10);
    const created = await createSession(peer, 10);
    await putChunk(created.video_upload_url ?? '', bytes, 0, 10);
    const refused = await finalizeWith(peer, created.session_id, 10, sha256(bytes));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ detail: 'sha256 must be sent in a header here' });
    expect((await finalizeWith(peer, created.session_id, 10, sha256(bytes))).status).toBe(200);
  });
});
