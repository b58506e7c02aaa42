import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  makeTempFolder,
  removeFolder,
  sleep,
  startWatcher,
  type WatcherRun,
  waitFor,
} from '../support/watcher-harness.ts';

const SETTLE_MS = 250;

describe('a recordings folder that is not there', () => {
  let parent = '';
  let run: WatcherRun | undefined;

  afterEach(async () => {
    await run?.watcher.stop();
    run = undefined;
    await removeFolder(parent);
  });

  it('is reported by name, start still resolves, and it is watched once it appears', async () => {
    parent = await makeTempFolder();
    const folder = path.join(parent, 'Recordings');
    run = await startWatcher(folder, { settleMs: SETTLE_MS, folderRecheckMs: 100 });
    expect(run.problems).toEqual([
      { path: folder, message: `the recordings folder "${folder}" does not exist` },
    ]);

    await sleep(300);
    expect(run.problems).toHaveLength(1);

    await mkdir(folder);
    await sleep(300);
    const videoPath = path.join(folder, 'after-mount.mp4');
    await writeFile(videoPath, 'recorded once the folder existed');
    await waitFor(() => run?.ready.length === 1, 'the recording in the folder that appeared');
    expect(run.ready[0]?.path).toBe(videoPath);
  });

  it('is reported when the path is a file, not a folder', async () => {
    parent = await makeTempFolder();
    const notAFolder = path.join(parent, 'recordings.mp4');
    await writeFile(notAFolder, 'a file where the folder should be');
    run = await startWatcher(notAFolder, { settleMs: SETTLE_MS });
    expect(run.problems).toEqual([
      { path: notAFolder, message: `the recordings folder "${notAFolder}" is not a folder` },
    ]);
    await sleep(3 * SETTLE_MS);
    expect(run.ready).toHaveLength(0);
  });

  it('is reported when no folder is chosen', async () => {
    parent = await makeTempFolder();
    run = await startWatcher('', { settleMs: SETTLE_MS });
    expect(run.problems.map((problem) => problem.message)).toEqual(['no recordings folder is chosen']);
  });

  it('is reported when it is removed while watched, and watched again when it comes back', async () => {
    parent = await makeTempFolder();
    const folder = path.join(parent, 'Recordings');
    await mkdir(folder);
    run = await startWatcher(folder, { settleMs: SETTLE_MS, folderRecheckMs: 100 });
    await writeFile(path.join(folder, 'before.mp4'), 'before removal');
    await waitFor(() => run?.ready.length === 1, 'the recording before the folder went away');

    await rm(folder, { recursive: true });
    await waitFor(() => (run?.problems.length ?? 0) === 1, 'the removal to be reported');
    expect(run.problems[0]).toEqual({
      path: folder,
      message: `the recordings folder "${folder}" does not exist`,
    });

    await mkdir(folder);
    await sleep(300);
    const afterPath = path.join(folder, 'after.mp4');
    await writeFile(afterPath, 'after the folder came back');
    await waitFor(() => run?.ready.length === 2, 'the recording after the folder came back');
    expect(run.ready[1]?.path).toBe(afterPath);
  });
});
