import { afterEach, describe, expect, it } from 'vitest';
import type { RequestKind, RequestLogEntry } from '../peers/storage-api-peer.ts';
import type { HeadlessProcess } from '../support/headless-cli.ts';
import { HeadlessFixture, MiB, sha256 } from '../support/headless-fixture.ts';

// The headless host is a child process killed with SIGKILL at exact points of an upload (held
// there by a request gate of the storage API peer), then started again on the same data folder.

const NAME = 'session_123_ServerName_20241026_150000.mp4';
/** Four whole 1 MiB chunks and a short fifth. */
const SIZE = 4 * MiB + 12_345;

let fixture: HeadlessFixture | undefined;

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

async function killed(child: HeadlessProcess): Promise<void> {
  const outcome = await child.stop('SIGKILL');
  expect(outcome.signal).toBe('SIGKILL');
}

/** Runs again until the recording is done, and returns every request the second run made. */
async function restartUntilDone(f: HeadlessFixture, bytes: Buffer): Promise<RequestLogEntry[]> {
  f.peer.clearRequests();
  const again = f.run();
  await again.waitForOutput(/Watching /);
  await f.waitForStored(NAME);
  const job = await f.waitForJob(NAME, ['done']);
  expect(sha256(await f.storedOnce(NAME))).toBe(sha256(bytes));
  expect(f.peer.recordings()).toHaveLength(1);
  expect(job.remoteId).toBe(f.peer.recordings()[0]?.fileId);
  expect(await again.stop('SIGTERM')).toMatchObject({ code: 0 });
  return [...f.peer.requests];
}

const ofKind = (requests: RequestLogEntry[], kind: RequestKind) => requests.filter((r) => r.kind === kind);

/** What the server holds of the one upload session now. */
const heldBytes = (f: HeadlessFixture): number => f.peer.sessions()[0]?.receivedBytes ?? -1;

describe('headless host killed mid-upload and started again', () => {
  it('(a) before the first chunk is acknowledged: resumes the same session from what the server holds', async () => {
    fixture = await HeadlessFixture.start();
    const bytes = fixture.writeRecording(NAME, SIZE);
    const gate = fixture.peer.gates.hold('chunk');
    const first = fixture.run();
    expect((await gate.whenHeld()).contentRange).toBe(`bytes 0-${MiB - 1}/${SIZE}`);
    await killed(first);
    gate.release();
    await gate.whenSettled();
    // The chunk was never acknowledged; the server may still have read all of it before the
    // connection closed. Either way the next run must start where the server stands.
    const held = heldBytes(fixture);
    expect([0, MiB]).toContain(held);
    expect((await fixture.status()).jobs[0]).toMatchObject({ fileName: NAME, confirmedBytes: 0 });

    const requests = await restartUntilDone(fixture, bytes);

    expect(ofKind(requests, 'create')).toHaveLength(0);
    expect(fixture.peer.sessions()).toHaveLength(1);
    expect(ofKind(requests, 'probe').length).toBeGreaterThanOrEqual(1);
    expect(ofKind(requests, 'chunk')[0]?.contentRange).toMatch(new RegExp(`^bytes ${held}-`));
  });

  it('(a) after the server opened a session the client never heard of: one recording, the orphan stays unfinished', async () => {
    fixture = await HeadlessFixture.start();
    const bytes = fixture.writeRecording(NAME, SIZE);
    const gate = fixture.peer.gates.hold('create', { at: 'answer' });
    const first = fixture.run();
    await gate.whenHeld();
    await killed(first);
    gate.release();
    await gate.whenSettled();

    const requests = await restartUntilDone(fixture, bytes);

    expect(ofKind(requests, 'create')).toHaveLength(1);
    const sessions = fixture.peer.sessions();
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.status === 'completed')).toHaveLength(1);
    expect(sessions.filter((s) => s.status === 'pending')).toHaveLength(1);
    expect(ofKind(requests, 'chunk')[0]?.contentRange).toBe(`bytes 0-${MiB - 1}/${SIZE}`);
  });

  it('(b) mid-file: the next run probes and sends only the bytes the server lacks', async () => {
    fixture = await HeadlessFixture.start();
    const bytes = fixture.writeRecording(NAME, SIZE);
    const gate = fixture.peer.gates.hold('chunk', { afterCount: 2 });
    const first = fixture.run();
    expect((await gate.whenHeld()).contentRange).toBe(`bytes ${2 * MiB}-${3 * MiB - 1}/${SIZE}`);
    await killed(first);
    gate.release();
    await gate.whenSettled();
    const held = heldBytes(fixture);
    expect([2 * MiB, 3 * MiB]).toContain(held);
    expect((await fixture.status()).jobs[0]).toMatchObject({ confirmedBytes: 2 * MiB });

    const requests = await restartUntilDone(fixture, bytes);

    expect(ofKind(requests, 'create')).toHaveLength(0);
    expect(fixture.peer.sessions()).toHaveLength(1);
    const chunks = ofKind(requests, 'chunk');
    expect(chunks[0]?.contentRange).toBe(`bytes ${held}-${held + MiB - 1}/${SIZE}`);
    const resent = chunks.reduce((sum, chunk) => sum + rangeLength(chunk.contentRange), 0);
    expect(resent).toBe(SIZE - held);
  });

  it('(c) after the last chunk but before finalize: no video byte is sent again', async () => {
    fixture = await HeadlessFixture.start();
    const bytes = fixture.writeRecording(NAME, SIZE);
    // The last chunk is stored, but its answer never reaches the client.
    const gate = fixture.peer.gates.hold('chunk', { afterCount: 4, at: 'answer' });
    const first = fixture.run();
    expect((await gate.whenHeld()).contentRange).toBe(`bytes ${4 * MiB}-${SIZE - 1}/${SIZE}`);
    await killed(first);
    gate.release();
    await gate.whenSettled();
    expect(heldBytes(fixture)).toBe(SIZE);
    expect(fixture.peer.recordings()).toHaveLength(0);

    const requests = await restartUntilDone(fixture, bytes);

    expect(ofKind(requests, 'chunk')).toHaveLength(0);
    expect(ofKind(requests, 'create')).toHaveLength(0);
    expect(ofKind(requests, 'probe').length).toBeGreaterThanOrEqual(1);
    expect(ofKind(requests, 'finalize')).toHaveLength(1);
  });

  it('after finalize was done but its answer lost: the next run finds it completed and sends nothing', async () => {
    fixture = await HeadlessFixture.start();
    const bytes = fixture.writeRecording(NAME, SIZE);
    const gate = fixture.peer.gates.hold('finalize', { at: 'answer' });
    const first = fixture.run();
    await gate.whenHeld();
    await killed(first);
    gate.release();
    await gate.whenSettled();
    expect(fixture.peer.recordings()).toHaveLength(1);

    const requests = await restartUntilDone(fixture, bytes);

    for (const kind of ['create', 'chunk', 'probe', 'finalize'] as const) {
      expect(ofKind(requests, kind), kind).toHaveLength(0);
    }
    expect(ofKind(requests, 'status')).toHaveLength(1);
  });

  it('killed again and again across several recordings: each lands exactly once, byte-identical', async () => {
    fixture = await HeadlessFixture.start({ settings: { maxConcurrentUploads: 2 } });
    const names = ['rec-a.mp4', 'rec-b.mp4', 'rec-c.mp4'];
    const sizes = [3 * MiB + 1, 2 * MiB + 777, 3 * MiB];
    const files = new Map(names.map((name, i) => [name, fixture?.writeRecording(name, sizes[i] ?? 0)]));
    const points = [
      { kind: 'chunk', afterCount: 1, at: 'arrival' },
      { kind: 'chunk', afterCount: 2, at: 'answer' },
      { kind: 'finalize', afterCount: 0, at: 'answer' },
      { kind: 'create', afterCount: 1, at: 'answer' },
      { kind: 'chunk', afterCount: 0, at: 'arrival' },
    ] as const;
    let kills = 0;
    for (const point of points) {
      const gate = fixture.peer.gates.hold(point.kind, { afterCount: point.afterCount, at: point.at });
      const child = fixture.run();
      const f = fixture;
      await until(() => gate.holding || names.every((name) => isStored(f, name)), 30_000);
      if (gate.holding) {
        await killed(child);
        kills += 1;
        gate.release();
        await gate.whenSettled();
      } else {
        gate.release();
        await child.stop('SIGTERM');
      }
    }
    expect(kills).toBeGreaterThanOrEqual(3);

    const last = fixture.run();
    await last.waitForOutput(/Watching /);
    await allStored(fixture, names);
    for (const name of names) {
      expect(sha256(await fixture.storedOnce(name)), name).toBe(sha256(files.get(name) ?? Buffer.alloc(0)));
      expect((await fixture.waitForJob(name, ['done'])).remoteId).not.toBeNull();
    }
    expect(fixture.peer.recordings()).toHaveLength(names.length);
    expect(await last.stop('SIGTERM')).toMatchObject({ code: 0 });
  });
});

async function allStored(f: HeadlessFixture, names: string[]): Promise<void> {
  for (const name of names) await f.waitForStored(name, 60_000);
}

const isStored = (f: HeadlessFixture, name: string): boolean =>
  f.peer.recordings().some((r) => r.fileName === name);

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function rangeLength(contentRange: string | null): number {
  const match = /^bytes (\d+)-(\d+)\//.exec(contentRange ?? '');
  return match ? Number(match[2]) - Number(match[1]) + 1 : 0;
}
