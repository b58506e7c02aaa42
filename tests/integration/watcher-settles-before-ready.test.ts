import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  identityOf,
  makeTempFolder,
  removeFolder,
  sleep,
  startWatcher,
  type WatcherRun,
  waitFor,
} from '../support/watcher-harness.ts';

const SETTLE_MS = 400;
const CHUNK = Buffer.alloc(64 * 1024, 7);

describe('a recording written in several appends', () => {
  let folder = '';
  let run: WatcherRun | undefined;

  afterEach(async () => {
    await run?.watcher.stop();
    run = undefined;
    await removeFolder(folder);
  });

  /** Writes six chunks 200 ms apart (about a second) and returns when the last one landed. */
  async function recordSlowly(videoPath: string): Promise<number> {
    await writeFile(videoPath, CHUNK);
    for (let i = 1; i < 6; i += 1) {
      await sleep(200);
      await appendFile(videoPath, CHUNK);
    }
    return Date.now();
  }

  it('is reported once, only after it stops growing, with its final size', async () => {
    folder = await makeTempFolder();
    run = await startWatcher(folder, { settleMs: SETTLE_MS });
    const videoPath = path.join(folder, 'session_123_Server_20241026_150000.mp4');

    const lastWriteAt = await recordSlowly(videoPath);
    expect(run.ready).toHaveLength(0);

    await waitFor(() => run?.ready.length === 1, 'the recording to be reported');
    const final = await identityOf(videoPath);
    expect(run.ready[0]).toEqual({ path: videoPath, ...final, sidecarPath: null });
    expect(final.sizeBytes).toBe(6 * CHUNK.length);
    expect(run.readyAt[0]).toBeGreaterThanOrEqual(lastWriteAt + SETTLE_MS - 20);

    await sleep(3 * SETTLE_MS);
    expect(run.ready).toHaveLength(1);
  });

  it('carries the sidecar that sits next to it when it is ready', async () => {
    folder = await makeTempFolder();
    run = await startWatcher(folder, { settleMs: SETTLE_MS });
    const videoPath = path.join(folder, 'rdp_42.mkv');
    const sidecarPath = path.join(folder, 'rdp_42_metadata.json');

    await writeFile(videoPath, CHUNK);
    await writeFile(sidecarPath, JSON.stringify({ session_id: 'rdp_42' }));

    await waitFor(() => run?.ready.length === 1, 'the recording to be reported');
    expect(run.ready[0]?.sidecarPath).toBe(sidecarPath);
  });

  it('still settles first when the exclusive-open check is on', async () => {
    folder = await makeTempFolder();
    run = await startWatcher(folder, { settleMs: SETTLE_MS, isWindows: true });
    const videoPath = path.join(folder, 'recording.webm');

    const lastWriteAt = await recordSlowly(videoPath);
    await waitFor(() => run?.ready.length === 1, 'the recording to be reported');
    expect(run.ready[0]?.sizeBytes).toBe(6 * CHUNK.length);
    expect(run.readyAt[0]).toBeGreaterThanOrEqual(lastWriteAt + SETTLE_MS - 20);
  });

  it('reports an empty file that stays empty, and again once frames arrive', async () => {
    folder = await makeTempFolder();
    run = await startWatcher(folder, { settleMs: SETTLE_MS });
    const videoPath = path.join(folder, 'empty-session.mp4');

    await writeFile(videoPath, '');
    await waitFor(() => run?.ready.length === 1, 'the empty recording to be reported once it settles');
    expect(run.ready[0]?.sizeBytes).toBe(0);

    await appendFile(videoPath, CHUNK);
    await waitFor(() => run?.ready.length === 2, 'the recording to be reported again with its content');
    expect(run.ready[1]?.sizeBytes).toBe(CHUNK.length);
  });
});
