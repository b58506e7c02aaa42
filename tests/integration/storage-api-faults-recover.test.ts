import { afterEach, describe, expect, it } from 'vitest';
import type { JobView } from '../../src-shared/job.ts';
import type { RequestKind } from '../peers/storage-api-peer.ts';
import { chunkStart, type TappedExchange, tapFetch } from '../support/fetch-tap.ts';
import { waitFor } from '../support/recording-jobs.ts';
import { type HarnessOptions, sha256, UploaderHarness } from '../support/uploader-harness.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
/** The server's chunk_size; the uploader sends 1 MiB chunks, four of the server's each. */
const SERVER_CHUNK = 256 * KiB;
const FILE_SIZE = 4 * MiB;

let harness: UploaderHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Runs `action` once, when the uploader has its `count`-th chunk acknowledged. */
function afterChunks(count: number, action: () => void | Promise<void>): typeof fetch {
  let seen = 0;
  return tapFetch(async (exchange: TappedExchange) => {
    if (chunkStart(exchange) === null || exchange.status !== 308) return;
    seen += 1;
    if (seen === count) await action();
  });
}

async function start(options: HarnessOptions = {}): Promise<UploaderHarness> {
  harness = await UploaderHarness.start({
    peer: { chunkSize: SERVER_CHUNK },
    ...options,
    settings: { chunkSizeBytes: MiB, ...options.settings },
  });
  return harness;
}

/** The one recording the server holds under this name is byte-identical to what was written. */
async function expectLandedOnce(h: UploaderHarness, name: string, bytes: Buffer): Promise<void> {
  const stored = h.peer.recordings().filter((r) => r.fileName === name);
  expect(stored, `recordings named ${name}`).toHaveLength(1);
  const landed = await h.stored(name);
  expect(landed.byteLength).toBe(bytes.byteLength);
  expect(sha256(landed)).toBe(sha256(bytes));
  expect(stored[0]?.sha256).toBe(sha256(bytes));
}

function jobUpdates(h: UploaderHarness, fileName: string): JobView[] {
  return h.events
    .filter((event) => event.event === 'job-updated')
    .map((event) => event.payload as JobView)
    .filter((job) => job.fileName === fileName);
}

/** The requests of one recording's upload, not the health check that tells an outage from them. */
const RECORDING_REQUESTS: RequestKind[] = [
  'create',
  'chunk',
  'probe',
  'multipart',
  'metadata',
  'finalize',
  'status',
];

const requestsOf = (h: UploaderHarness, kind: RequestKind) => h.peer.requests.filter((r) => r.kind === kind);

describe('storage API faults: every recording still lands once, byte-identical', () => {
  it('a connection reset mid-chunk resumes from what the server confirmed', async () => {
    const h = await start({ fetch: afterChunks(2, () => harness?.peer.faults.resetMidChunk(1)) });
    const bytes = await h.writeRecording('reset.mp4', FILE_SIZE);

    const [job] = await h.waitForStates(['reset.mp4'], ['done']);

    await expectLandedOnce(h, 'reset.mp4', bytes);
    expect(job?.attempts).toBe(0);
    const resetAt = h.peer.requests.findIndex((r) => r.fault === 'reset');
    expect(resetAt).toBeGreaterThan(0);
    const after = h.peer.requests.slice(resetAt + 1);
    // The uploader asked what the server held, then went on from there instead of from byte 0.
    expect(after.slice(0, 2).map((r) => r.kind)).toEqual(['status', 'probe']);
    const resumedChunk = after.find((r) => r.kind === 'chunk');
    expect(resumedChunk?.contentRange).toMatch(new RegExp(`^bytes ${2 * MiB}-`));
    expect(requestsOf(h, 'create')).toHaveLength(1);
  });

  it('a connection reset in single-request mode sends the whole file again, once', async () => {
    const h = await start({ peer: { chunkSize: null } });
    h.peer.faults.resetMidChunk(1);
    const bytes = await h.writeRecording('reset-single.mp4', FILE_SIZE);

    await h.waitForStates(['reset-single.mp4'], ['done']);

    await expectLandedOnce(h, 'reset-single.mp4', bytes);
    const videoPosts = requestsOf(h, 'multipart');
    expect(videoPosts.map((r) => r.fault)).toEqual(['reset', null]);
  });

  it('a burst of 500s shorter than maxRetries is waited out, with the reason shown while waiting', async () => {
    const h = await start({
      settings: { maxRetries: 5 },
      tuning: { baseMs: 150, capMs: 400 },
      // The recording's own requests fail while the server otherwise answers (its /health does).
      fetch: afterChunks(1, () => harness?.peer.faults.serverErrors(3, 500, RECORDING_REQUESTS)),
    });
    const bytes = await h.writeRecording('burst.mp4', FILE_SIZE);

    await waitFor(
      () => h.job('burst.mp4')?.state === 'waiting',
      20_000,
      () => `burst.mp4 to wait; now ${JSON.stringify(h.job('burst.mp4'))}`,
    );
    const waiting = h.job('burst.mp4');
    expect(waiting?.lastError).toContain('the storage server failed (500)');
    expect(waiting?.attempts).toBeGreaterThanOrEqual(1);
    expect(waiting?.nextAttemptAt).toBeGreaterThan(waiting?.updatedAt ?? 0);

    const [done] = await h.waitForStates(['burst.mp4'], ['done']);
    await expectLandedOnce(h, 'burst.mp4', bytes);
    const waits = jobUpdates(h, 'burst.mp4').filter((job) => job.state === 'waiting');
    expect(waits.map((job) => job.attempts)).toEqual([1, 2, 3]);
    for (const wait of waits)
      expect(wait.lastError).toMatch(/answered 500: the storage server failed \(500\)/);
    expect(done?.lastError).toBeNull();
  });

  it('more 5xx than maxRetries fails the job with the server’s words; retry then finishes it', async () => {
    const h = await start({
      settings: { maxRetries: 2 },
      fetch: afterChunks(1, () => harness?.peer.faults.serverErrors(3, 503, RECORDING_REQUESTS)),
    });
    const bytes = await h.writeRecording('gave-up.mp4', FILE_SIZE);

    const [failed] = await h.waitForStates(['gave-up.mp4'], ['failed']);
    expect(failed?.lastError).toContain('the storage server failed (503)');
    expect(failed?.lastError).toContain('gave up after 3 attempts');
    expect(h.peer.recordings()).toHaveLength(0);
    expect(h.peer.faults.pending().status).toBe(0);

    h.uploader.retry({ jobId: failed?.id ?? -1 });
    const [done] = await h.waitForStates(['gave-up.mp4'], ['done']);
    await expectLandedOnce(h, 'gave-up.mp4', bytes);
    expect(done?.lastError).toBeNull();
    // The retry resumed the same session rather than starting the file over.
    expect(requestsOf(h, 'create')).toHaveLength(1);
  });

  it('429 with Retry-After: 1 makes the next attempt wait at least a second', async () => {
    const h = await start();
    h.peer.faults.throttle(1, 1, ['chunk']);
    const bytes = await h.writeRecording('throttled.mp4', FILE_SIZE);

    await h.waitForStates(['throttled.mp4'], ['done']);

    await expectLandedOnce(h, 'throttled.mp4', bytes);
    const throttledAt = h.peer.requests.findIndex((r) => r.fault === 'throttle');
    const throttled = h.peer.requests[throttledAt];
    const next = h.peer.requests[throttledAt + 1];
    expect(throttled?.status).toBe(429);
    expect(next).toBeDefined();
    expect((next?.at ?? 0) - (throttled?.at ?? 0)).toBeGreaterThanOrEqual(990);
    const wait = jobUpdates(h, 'throttled.mp4').find((job) => job.state === 'waiting');
    expect(wait?.lastError).toContain('too many requests');
  });

  it('429 with Retry-After as an HTTP date waits until that time', async () => {
    const h = await start();
    h.peer.faults.throttle(1, 3, ['chunk'], 'http-date');
    const bytes = await h.writeRecording('throttled-until.mp4', FILE_SIZE);

    await h.waitForStates(['throttled-until.mp4'], ['done']);

    await expectLandedOnce(h, 'throttled-until.mp4', bytes);
    const throttledAt = h.peer.requests.findIndex((r) => r.fault === 'throttle');
    const throttled = h.peer.requests[throttledAt];
    const next = h.peer.requests[throttledAt + 1];
    expect(throttled?.status).toBe(429);
    // The date has whole seconds, so "3 s from now" is between 2 and 3 s away when written.
    expect((next?.at ?? 0) - (throttled?.at ?? 0)).toBeGreaterThanOrEqual(1990);
  });

  it('408 on a chunk is waited out and retried like a 5xx, and the recording lands once', async () => {
    const h = await start();
    h.peer.faults.serverErrors(1, 408, ['chunk']);
    const bytes = await h.writeRecording('request-timeout.mp4', FILE_SIZE);

    await h.waitForStates(['request-timeout.mp4'], ['done']);

    await expectLandedOnce(h, 'request-timeout.mp4', bytes);
    expect(h.peer.requests.filter((r) => r.status === 408)).toHaveLength(1);
    expect(requestsOf(h, 'create')).toHaveLength(1);
    const wait = jobUpdates(h, 'request-timeout.mp4').find((job) => job.state === 'waiting');
    expect(wait?.lastError).toContain('408');
  });

  it('an upload session that expires mid-file is replaced by a new one, and the file lands once', async () => {
    const h = await start({ fetch: afterChunks(2, () => harness?.peer.faults.expireSession()) });
    const bytes = await h.writeRecording('expired.mp4', FILE_SIZE);

    await h.waitForStates(['expired.mp4'], ['done']);

    await expectLandedOnce(h, 'expired.mp4', bytes);
    const sessions = h.peer.sessions().filter((s) => s.fileName === 'expired.mp4');
    expect(sessions.map((s) => s.status).sort()).toEqual(['completed', 'expired']);
    expect(h.peer.requests.some((r) => r.fault === 'expire' && r.status === 404)).toBe(true);
  });

  it('410 on the session URL mid-file opens a new session and starts the file again', async () => {
    const h = await start({
      fetch: afterChunks(2, () => harness?.peer.faults.serverErrors(1, 410, ['chunk'])),
    });
    const bytes = await h.writeRecording('gone.mp4', FILE_SIZE);

    await h.waitForStates(['gone.mp4'], ['done']);

    await expectLandedOnce(h, 'gone.mp4', bytes);
    expect(requestsOf(h, 'create')).toHaveLength(2);
    const goneAt = h.peer.requests.findIndex((r) => r.status === 410);
    const nextChunk = h.peer.requests.slice(goneAt + 1).find((r) => r.kind === 'chunk');
    expect(nextChunk?.contentRange).toMatch(/^bytes 0-/);
  });

  it('a session that answered gone mid-file is forgotten even when opening its replacement fails', async () => {
    const h = await start({
      fetch: afterChunks(2, () => {
        harness?.peer.faults.serverErrors(1, 410, ['chunk']);
        harness?.peer.faults.serverErrors(1, 500, ['create']);
      }),
    });
    const bytes = await h.writeRecording('gone-twice.mp4', FILE_SIZE);

    await h.waitForStates(['gone-twice.mp4'], ['done']);

    await expectLandedOnce(h, 'gone-twice.mp4', bytes);
    const goneAt = h.peer.requests.findIndex((r) => r.status === 410);
    const after = h.peer.requests.slice(goneAt + 1);
    expect(after.find((r) => r.kind === 'create')?.status).toBe(500);
    // Nothing more was asked of the gone session: the next attempt opened a new one at once.
    expect(after.filter((r) => r.kind === 'status' || r.kind === 'probe')).toEqual([]);
    expect(requestsOf(h, 'create').map((r) => r.status)).toEqual([201, 500, 201]);
  });

  it('a session whose expires_at passed while waiting is not resumed: a new one is opened', async () => {
    const h = await start({
      peer: { chunkSize: SERVER_CHUNK, sessionTtlMs: 700 },
      fetch: afterChunks(1, () => harness?.peer.faults.throttle(1, 1, ['chunk'])),
    });
    const bytes = await h.writeRecording('stale.mp4', FILE_SIZE);

    await h.waitForStates(['stale.mp4'], ['done']);

    await expectLandedOnce(h, 'stale.mp4', bytes);
    const throttledAt = h.peer.requests.findIndex((r) => r.fault === 'throttle');
    // It knew the session was past its expires_at: no probe, only a look for a finished copy.
    expect(h.peer.requests.slice(throttledAt + 1, throttledAt + 3).map((r) => r.kind)).toEqual([
      'recordings',
      'create',
    ]);
  });

  it('any other 4xx fails the job at once with the server’s detail', async () => {
    const h = await start({ settings: { maxRetries: 5 } });
    h.peer.faults.serverErrors(1, 422, ['create']);
    await h.writeRecording('refused.mp4', FILE_SIZE);

    const [job] = await h.waitForStates(['refused.mp4'], ['failed']);

    expect(job?.lastError).toBe(
      'storage API POST /uploads/create-session answered 422: the storage server failed (422)',
    );
    expect(requestsOf(h, 'create')).toHaveLength(1);
    expect(h.peer.recordings()).toHaveLength(0);
  });

  it('a chunk acknowledged only in part is sent on from where the server stopped', async () => {
    const h = await start();
    h.peer.faults.partialAck(1);
    const bytes = await h.writeRecording('partial.mp4', FILE_SIZE);

    await h.waitForStates(['partial.mp4'], ['done']);

    await expectLandedOnce(h, 'partial.mp4', bytes);
    const chunks = requestsOf(h, 'chunk');
    expect(chunks[0]?.fault).toBe('partial-ack');
    // 1 MiB sent, 768 KiB kept: the next chunk starts at the first byte the server lacks.
    expect(chunks[1]?.contentRange).toMatch(new RegExp(`^bytes ${MiB - SERVER_CHUNK}-`));
  });

  it('a wrong sha256 once restarts the upload once and ends with a correct recording', async () => {
    const h = await start();
    h.peer.faults.wrongSha256(1);
    const bytes = await h.writeRecording('mismatch-once.mp4', FILE_SIZE);

    const [job] = await h.waitForStates(['mismatch-once.mp4'], ['done']);

    expect(requestsOf(h, 'create')).toHaveLength(2);
    // The damaged copy was deleted: only the good one is left on the server.
    const recordings = h.peer.recordings().filter((r) => r.fileName === 'mismatch-once.mp4');
    const good = recordings.filter((r) => r.sha256 === sha256(bytes));
    expect(good).toHaveLength(1);
    expect(recordings).toHaveLength(1);
    expect(job?.remoteId).toBe(good[0]?.fileId);
    expect(sha256(await h.peer.readRecording(good[0]?.fileId ?? ''))).toBe(sha256(bytes));
    const restarted = jobUpdates(h, 'mismatch-once.mp4').find(
      (view) => view.state === 'queued' && view.lastError !== null,
    );
    expect(restarted?.lastError).toMatch(/sha256/);
  });

  it('a wrong sha256 twice fails the job with the hash mismatch as the reason', async () => {
    const h = await start();
    h.peer.faults.wrongSha256(2);
    await h.writeRecording('mismatch-twice.mp4', FILE_SIZE);

    const [job] = await h.waitForStates(['mismatch-twice.mp4'], ['failed']);

    expect(job?.lastError).toMatch(
      /stored mismatch-twice\.mp4 with sha256 [0-9a-f]{64}, but the local file's sha256 is [0-9a-f]{64}/,
    );
    expect(job?.lastError).toContain('second time');
    expect(requestsOf(h, 'create')).toHaveLength(2);
    expect(h.peer.recordings().filter((r) => r.fileName === 'mismatch-twice.mp4')).toHaveLength(0);
  });

  it('losing the server mid-upload waits without using attempts, and resumes when it is back', async () => {
    const h = await start({
      settings: { maxRetries: 1 },
      fetch: afterChunks(2, () => harness?.stopPeer()),
    });
    const bytes = await h.writeRecording('outage.mp4', FILE_SIZE);

    const networkWaits = () =>
      jobUpdates(h, 'outage.mp4').filter(
        (job) => job.state === 'waiting' && /could not connect|failed/.test(job.lastError ?? ''),
      );
    await waitFor(
      () => networkWaits().length >= 4,
      20_000,
      () => `four network waits; seen ${JSON.stringify(jobUpdates(h, 'outage.mp4').slice(-3))}`,
    );
    const during = jobUpdates(h, 'outage.mp4');
    expect(during.every((job) => job.attempts === 0)).toBe(true);
    expect(during.some((job) => job.state === 'failed')).toBe(false);
    expect(h.job('outage.mp4')?.confirmedBytes).toBe(2 * MiB);

    await h.startPeerAgain();
    const [done] = await h.waitForStates(['outage.mp4'], ['done']);

    await expectLandedOnce(h, 'outage.mp4', bytes);
    expect(done?.attempts).toBe(0);
    expect(jobUpdates(h, 'outage.mp4').some((job) => job.state === 'failed')).toBe(false);
  });

  it('an outage of the whole server (every request 503) uses up no attempt: the job and the destination say since when', async () => {
    const h = await start({
      settings: { maxRetries: 1 },
      fetch: afterChunks(1, () => harness?.peer.faults.serverErrors(8, 503)),
    });
    const bytes = await h.writeRecording('outage-503.mp4', FILE_SIZE);

    await waitFor(
      () => /unreachable since \d\d:\d\d/.test(h.job('outage-503.mp4')?.lastError ?? ''),
      20_000,
      () => `an unreachable wait; now ${JSON.stringify(h.job('outage-503.mp4'))}`,
    );
    const connection = h.uploader.getSnapshot().connections.find((c) => c.destination === 'storage-api');
    expect(connection?.state).toBe('error');
    expect(connection?.detail).toMatch(/^unreachable since \d\d:\d\d: .*503/);
    expect(h.uploader.reachability.get('storage-api').unreachableSince).not.toBeNull();

    const [done] = await h.waitForStates(['outage-503.mp4'], ['done']);
    await expectLandedOnce(h, 'outage-503.mp4', bytes);
    // Eight refusals, more than maxRetries allows one recording, and none of them was counted.
    expect(h.peer.requests.filter((r) => r.status === 503)).toHaveLength(8);
    expect(jobUpdates(h, 'outage-503.mp4').every((job) => job.attempts === 0)).toBe(true);
    expect(jobUpdates(h, 'outage-503.mp4').some((job) => job.state === 'failed')).toBe(false);
    expect(done?.lastError).toBeNull();
    expect(h.uploader.reachability.get('storage-api').unreachableSince).toBeNull();
  });
});
