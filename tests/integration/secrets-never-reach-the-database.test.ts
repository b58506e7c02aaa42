import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chunkStart, tapFetch } from '../support/fetch-tap.ts';
import { waitFor } from '../support/recording-jobs.ts';
import { sha256, UploaderHarness } from '../support/uploader-harness.ts';

const MiB = 1024 * 1024;

let harness: UploaderHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Every file of the database (the main file and its write-ahead log), as bytes read as text. */
function databaseText(h: UploaderHarness): string {
  return readdirSync(h.dataDir)
    .filter((name) => name.startsWith('uploader.db'))
    .map((name) => readFileSync(join(h.dataDir, name)).toString('latin1'))
    .join('\n');
}

describe('secrets stay out of the database and off the bridge', () => {
  it('a server that echoes the Authorization header leaves no token in the job’s error, the database or the events', async () => {
    const h = await UploaderHarness.start({ settings: { maxRetries: 1 }, peer: { chunkSize: 256 * 1024 } });
    harness = h;
    const token = h.peer.token;
    // A 500 that echoes it (the job waits with the reason), then a 400 that echoes it (the job fails with it).
    h.peer.faults.echoAuthorization(1, 500, ['chunk']);
    h.peer.faults.echoAuthorization(1, 400, ['chunk']);
    await h.writeRecording('echoed.mp4', MiB);

    const [failed] = await h.waitForStates(['echoed.mp4'], ['failed']);

    expect(failed?.lastError).toContain('may not write to this bucket');
    expect(failed?.lastError).toContain('[redacted]');
    expect(failed?.lastError).not.toContain(token);
    expect(JSON.stringify(h.events)).not.toContain(token);
    expect(JSON.stringify(h.uploader.getSnapshot())).not.toContain(token);
    expect(h.uploader.reachability.get('storage-api').lastError ?? '').not.toContain(token);
    expect(databaseText(h)).not.toContain(token);
  });

  it('an upload session’s addresses are sealed before the database keeps them, and still resume', async () => {
    let paused = false;
    const h = await UploaderHarness.start({
      peer: { chunkSize: 256 * 1024 },
      fetch: tapFetch(async (exchange) => {
        if (paused || chunkStart(exchange) === null || exchange.status !== 308) return;
        paused = true;
        await harness?.uploader.pauseAll({ until: null });
      }),
    });
    harness = h;
    const bytes = await h.writeRecording('sealed.mp4', 4 * MiB);
    await waitFor(
      () => paused && h.job('sealed.mp4')?.state === 'queued',
      20_000,
      () => `the upload to stop part-way; now ${JSON.stringify(h.job('sealed.mp4'))}`,
    );
    const [session] = h.peer.sessions();
    expect(session).toBeDefined();

    const row = h.db.prepare('SELECT session FROM jobs').get() as { session: string };
    expect(row.session.startsWith('sealed:')).toBe(true);
    const onDisk = databaseText(h);
    expect(onDisk).not.toContain('/upload/video/');
    expect(onDisk).not.toContain(session?.id ?? '');

    // The sealed session is the one the upload goes on with, after a restart too.
    await h.restart();
    await h.uploader.resumeAll();
    await h.waitForStates(['sealed.mp4'], ['done']);
    expect(sha256(await h.stored('sealed.mp4'))).toBe(sha256(bytes));
    expect(h.peer.sessions()).toHaveLength(1);
  });
});
