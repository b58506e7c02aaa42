import { afterEach, describe, expect, it } from 'vitest';
import { DriveHarness, md5 } from '../support/drive-harness.ts';
import { waitFor } from '../support/recording-jobs.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

let harness: DriveHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Byte offsets where the chunks of an upload began, in the order Drive received them. */
function chunkStarts(h: DriveHarness): number[] {
  return h.drive.requests
    .filter((r) => r.kind === 'chunk')
    .map((r) => Number(/^bytes (\d+)-/.exec(r.contentRange ?? '')?.[1] ?? Number.NaN));
}

async function expectLanded(h: DriveHarness, name: string, bytes: Buffer): Promise<void> {
  const { file, bytes: stored } = await h.stored(name);
  expect(stored.equals(bytes)).toBe(true);
  expect(file.md5Checksum).toBe(md5(bytes));
}

/**
 * Pauses every upload the moment Drive holds a whole file, so the uploader stops before it hears
 * that the last chunk made the file. Says whether that has happened.
 */
function pauseWhenStored(h: DriveHarness): () => boolean {
  let paused = false;
  h.drive.onChunk = async (chunk) => {
    if (!paused && chunk.received === chunk.total) {
      paused = true;
      await h.uploader.pauseAll({ until: null });
    }
  };
  return () => paused;
}

describe('Google Drive uploads recover from what Drive does to them', () => {
  it('a session that expires mid-upload is started again and the recording lands once', async () => {
    harness = await DriveHarness.start();
    const h = harness;
    let expired = false;
    h.drive.onChunk = (chunk) => {
      if (!expired && chunk.received >= MiB) {
        expired = true;
        h.drive.uploads.expireAll();
      }
    };
    const bytes = await h.writeRecording('expires.mp4', 3 * MiB + 5);

    await h.waitForStates(['expires.mp4'], ['done']);

    await expectLanded(h, 'expires.mp4', bytes);
    expect(h.drive.requests.filter((r) => r.kind === 'start-session')).toHaveLength(2);
    expect(h.drive.requests.some((r) => r.kind === 'chunk' && r.status === 404)).toBe(true);
    // The new session began at byte 0: nothing of the forgotten one could be kept.
    expect(chunkStarts(h).filter((start) => start === 0)).toHaveLength(2);
  });

  it('a file that reached Drive before its session was lost is found by its appProperties, not sent again', async () => {
    harness = await DriveHarness.start();
    const h = harness;
    const paused = pauseWhenStored(h);
    const bytes = await h.writeRecording('found.mp4', 2 * MiB + 7, { session_id: 'found-1' });
    await waitFor(
      () => paused() && h.job('found.mp4')?.state === 'queued',
      10_000,
      () => 'the upload to stop',
    );
    expect(h.drive.stored('found.mp4')).toHaveLength(1);
    expect(h.drive.stored('found_metadata.json')).toHaveLength(0);
    h.drive.uploads.expireAll(true);

    await h.uploader.resumeAll();
    await h.waitForStates(['found.mp4'], ['done']);

    await expectLanded(h, 'found.mp4', bytes);
    expect(h.drive.requests.filter((r) => r.kind === 'start-session')).toHaveLength(1);
    const search = h.drive.requests.find(
      (r) => r.kind === 'list' && (r.query.q ?? '').includes("value='found-1'"),
    );
    expect(search?.query.q).toContain("appProperties has { key='recordingId' and value='found-1' }");
    // The sidecar that had not followed its video yet is placed now.
    expect(h.drive.stored('found_metadata.json')).toHaveLength(1);
    expect(h.job('found.mp4')?.remoteId).toBe(h.drive.stored('found.mp4')[0]?.id);
  });

  it('a damaged copy found by its appProperties after the session was lost is deleted and the recording sent again', async () => {
    harness = await DriveHarness.start();
    const h = harness;
    // One chunk, so the corrupting store is the one that completes the file.
    h.drive.inject({ on: 'chunk', corrupt: true });
    const paused = pauseWhenStored(h);
    const bytes = await h.writeRecording('found-damaged.mp4', 500 * KiB + 7, { session_id: 'damaged-1' });
    await waitFor(
      () => paused() && h.job('found-damaged.mp4')?.state === 'queued',
      10_000,
      () => 'the upload to stop',
    );
    const [damaged] = h.drive.stored('found-damaged.mp4');
    h.drive.uploads.expireAll(true);

    await h.uploader.resumeAll();
    await h.waitForStates(['found-damaged.mp4'], ['done']);

    await expectLanded(h, 'found-damaged.mp4', bytes);
    expect(h.drive.stored('found-damaged.mp4')).toHaveLength(1);
    const deletes = h.drive.requests.filter((r) => r.kind === 'delete' && r.status === 204);
    expect(deletes.map((r) => r.path)).toEqual([expect.stringContaining(damaged?.id ?? 'no damaged copy')]);
    expect(h.drive.requests.filter((r) => r.kind === 'start-session')).toHaveLength(2);
  });

  it('403 rate limits, 429 with Retry-After and 5xx wait and retry; none is taken for lost credentials', async () => {
    harness = await DriveHarness.start({ settings: { maxRetries: 10 } });
    const h = harness;
    h.drive.inject({
      on: 'start-session',
      status: 403,
      reason: 'rateLimitExceeded',
      message: 'Rate Limit Exceeded',
    });
    h.drive.inject({
      on: 'chunk',
      status: 403,
      reason: 'userRateLimitExceeded',
      message: 'User Rate Limit Exceeded',
      times: 2,
    });
    h.drive.inject({ on: 'probe', status: 429, reason: 'rateLimitExceeded', retryAfterSeconds: 1 });
    const bytes = await h.writeRecording('busy.mp4', 2 * MiB + 3);
    const started = Date.now();

    // Beyond the engine's 30 s recheck: once in a full run the job stayed waiting after its throttle
    // ended until that recheck took it (a missed wake-up still to be found); it must still land once.
    await h.waitForStates(['busy.mp4'], ['done'], 60_000);

    await expectLanded(h, 'busy.mp4', bytes);
    const states = h.statesOf('busy.mp4');
    expect(states).toContain('waiting');
    expect(states).not.toContain('needs-auth');
    expect(states).not.toContain('failed');
    expect(h.drive.requests.filter((r) => r.status === 403)).toHaveLength(3);
    expect(h.drive.requests.filter((r) => r.status === 429)).toHaveLength(1);
    // Retry-After: 1 was honoured.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('a 503 on a chunk and a connection cut mid-chunk resume from what Drive holds', async () => {
    harness = await DriveHarness.start({ settings: { maxRetries: 10 } });
    const h = harness;
    h.drive.inject({ on: 'chunk', status: 503, reason: 'backendError', message: 'Backend Error' });
    let cut = false;
    h.drive.onChunk = (chunk) => {
      if (!cut && chunk.received >= MiB) {
        cut = true;
        h.drive.inject({ on: 'chunk', reset: true });
      }
    };
    const bytes = await h.writeRecording('cut.mp4', 4 * MiB + 11);

    await h.waitForStates(['cut.mp4'], ['done']);

    await expectLanded(h, 'cut.mp4', bytes);
    expect(h.drive.requests.filter((r) => r.kind === 'start-session')).toHaveLength(1);
    const probes = h.drive.requests.filter((r) => r.kind === 'probe');
    expect(probes.length).toBeGreaterThanOrEqual(1);
    // Half of the cut 1 MiB chunk arrived: Drive kept its whole 256 KiB blocks, and the upload went
    // on from there, not from a chunk boundary and not from zero.
    const starts = chunkStarts(h);
    expect(starts).toContain(MiB + 512 * KiB);
    expect(starts.filter((start) => start === 0)).toHaveLength(2);
  });

  it('an access token that ran out is refreshed and the request repeated', async () => {
    harness = await DriveHarness.start();
    const h = harness;
    const first = await h.writeRecording('before.mp4', 100 * KiB);
    await h.waitForStates(['before.mp4'], ['done']);
    h.identity.expireAccessTokens();

    const second = await h.writeRecording('after.mp4', 100 * KiB);
    await h.waitForStates(['after.mp4'], ['done']);

    await expectLanded(h, 'before.mp4', first);
    await expectLanded(h, 'after.mp4', second);
    expect(h.drive.requests.some((r) => r.status === 401)).toBe(true);
    expect(h.identity.tokenRequests.map((r) => r.grantType)).toContain('refresh_token');
    expect(h.statesOf('after.mp4')).not.toContain('needs-auth');
  });

  it('an md5 mismatch deletes the bad copy and uploads once more', async () => {
    harness = await DriveHarness.start();
    const h = harness;
    h.drive.inject({ on: 'chunk', corrupt: true });
    const bytes = await h.writeRecording('corrupt-once.mp4', 500 * KiB);

    await h.waitForStates(['corrupt-once.mp4'], ['done']);

    await expectLanded(h, 'corrupt-once.mp4', bytes);
    expect(h.drive.requests.filter((r) => r.kind === 'delete' && r.status === 204)).toHaveLength(1);
    expect(h.drive.requests.filter((r) => r.kind === 'start-session')).toHaveLength(2);
  });

  it('a second md5 mismatch fails the recording with that reason and leaves no bad copy', async () => {
    harness = await DriveHarness.start();
    const h = harness;
    h.drive.inject({ on: 'chunk', corrupt: true, times: 2 });
    await h.writeRecording('corrupt-twice.mp4', 500 * KiB);

    const [job] = await h.waitForStates(['corrupt-twice.mp4'], ['failed']);

    expect(job?.lastError).toMatch(/md5 [0-9a-f]{32}, but the local file's md5 is [0-9a-f]{32}/);
    expect(job?.lastError).toMatch(/second time/);
    expect(h.drive.stored('corrupt-twice.mp4')).toEqual([]);
  });

  it('a template folder deleted in Drive is made again', async () => {
    harness = await DriveHarness.start({
      settings: { remoteSubfolderTemplate: 'by-name/{connection.name}' },
    });
    const h = harness;
    await h.writeRecording('one.mp4', 10 * KiB, { connection_info: { name: 'srv' } });
    await h.waitForStates(['one.mp4'], ['done']);
    const first = h.drive.files.all().find((f) => f.name === 'by-name');
    h.drive.files.delete(first?.id as string);

    const bytes = await h.writeRecording('two.mp4', 10 * KiB, { connection_info: { name: 'srv' } });
    await h.waitForStates(['two.mp4'], ['done']);

    await expectLanded(h, 'two.mp4', bytes);
    expect(h.drive.pathOf((await h.stored('two.mp4')).file)).toBe('/Recording Uploader/by-name/srv/two.mp4');
  });
});
