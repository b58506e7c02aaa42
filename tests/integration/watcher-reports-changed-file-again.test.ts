import { appendFile, chmod, unlink, writeFile } from 'node:fs/promises';
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

const SETTLE_MS = 250;

describe('a recording that changes after it was reported', () => {
  let folder = '';
  let run: WatcherRun | undefined;

  afterEach(async () => {
    await run?.watcher.stop();
    run = undefined;
    await removeFolder(folder);
  });

  it('is reported again with its new identity once it settles again', async () => {
    folder = await makeTempFolder();
    run = await startWatcher(folder, { settleMs: SETTLE_MS });
    const videoPath = path.join(folder, 'session.mp4');

    await writeFile(videoPath, 'first take');
    await waitFor(() => run?.ready.length === 1, 'the first report');
    const first = run.ready[0];

    await appendFile(videoPath, ', continued');
    await waitFor(() => run?.ready.length === 2, 'the second report');
    const second = run.ready[1];
    expect(second).toEqual({ path: videoPath, ...(await identityOf(videoPath)), sidecarPath: null });
    expect(second?.sizeBytes).toBe('first take, continued'.length);
    expect(second?.sizeBytes).not.toBe(first?.sizeBytes);

    await sleep(3 * SETTLE_MS);
    expect(run.ready).toHaveLength(2);
  });

  it('is not reported again when only its permissions change', async () => {
    folder = await makeTempFolder();
    run = await startWatcher(folder, { settleMs: SETTLE_MS });
    const videoPath = path.join(folder, 'session.mp4');

    await writeFile(videoPath, 'recorded');
    await waitFor(() => run?.ready.length === 1, 'the first report');
    await chmod(videoPath, 0o444);
    await sleep(4 * SETTLE_MS);
    expect(run.ready).toHaveLength(1);
  });

  it('is forgotten when it is deleted before it settles', async () => {
    folder = await makeTempFolder();
    run = await startWatcher(folder, { settleMs: SETTLE_MS });
    const videoPath = path.join(folder, 'aborted.mp4');
    const keptPath = path.join(folder, 'kept.mp4');

    await writeFile(videoPath, 'aborted recording');
    await writeFile(keptPath, 'kept recording');
    await sleep(SETTLE_MS / 5);
    await unlink(videoPath);

    await waitFor(() => run?.ready.length === 1, 'the kept recording');
    await sleep(3 * SETTLE_MS);
    expect(run.ready.map((recording) => recording.path)).toEqual([keptPath]);
    expect(run.problems).toEqual([]);
  });

  it('is reported no more once the watcher stopped', async () => {
    folder = await makeTempFolder();
    run = await startWatcher(folder, { settleMs: SETTLE_MS });
    await writeFile(path.join(folder, 'late.mp4'), 'written just before stopping');
    await sleep(SETTLE_MS / 5);
    await run.watcher.stop();

    await sleep(3 * SETTLE_MS);
    expect(run.ready).toHaveLength(0);
  });
});
