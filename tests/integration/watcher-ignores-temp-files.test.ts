import { mkdir, rename, writeFile } from 'node:fs/promises';
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

describe('the watcher and files that are not finished recordings', () => {
  let folder = '';
  let run: WatcherRun | undefined;

  afterEach(async () => {
    await run?.watcher.stop();
    run = undefined;
    await removeFolder(folder);
  });

  it('reports only real videos, whatever the case of their extension', async () => {
    folder = await makeTempFolder();
    run = await startWatcher(folder, { settleMs: SETTLE_MS });
    const noise = [
      'session.mp4.part',
      'session.mp4.PART',
      'capture.tmp',
      '~$session.mp4',
      '.hidden.mp4',
      'download.mp4.crdownload',
      'notes.txt',
      'session.json',
      'no-extension',
    ];
    for (const name of noise) await writeFile(path.join(folder, name), 'not a recording');
    await mkdir(path.join(folder, 'nested'));
    await writeFile(path.join(folder, 'nested', 'deeper.mp4'), 'below the watched folder');
    const realPath = path.join(folder, 'Session_2024.MP4');
    await writeFile(realPath, 'a real recording');

    await waitFor(() => run?.ready.length === 1, 'the real recording');
    await sleep(3 * SETTLE_MS);
    expect(run.ready.map((recording) => recording.path)).toEqual([realPath]);
  });

  it('reports a partial file once it is renamed to its video name', async () => {
    folder = await makeTempFolder();
    run = await startWatcher(folder, { settleMs: SETTLE_MS });
    const partialPath = path.join(folder, 'recording.mkv.part');
    const finalPath = path.join(folder, 'recording.mkv');

    await writeFile(partialPath, 'still downloading');
    await sleep(3 * SETTLE_MS);
    expect(run.ready).toHaveLength(0);

    await rename(partialPath, finalPath);
    await waitFor(() => run?.ready.length === 1, 'the renamed recording');
    expect(run.ready[0]?.path).toBe(finalPath);
    expect(run.ready[0]?.sizeBytes).toBe('still downloading'.length);
  });

  it('follows the configured extensions only', async () => {
    folder = await makeTempFolder();
    run = await startWatcher(folder, { settleMs: SETTLE_MS, videoExtensions: ['.AVI'] });
    await writeFile(path.join(folder, 'ignored.mp4'), 'mp4 is not configured here');
    const aviPath = path.join(folder, 'taken.avi');
    await writeFile(aviPath, 'avi is');

    await waitFor(() => run?.ready.length === 1, 'the avi recording');
    await sleep(2 * SETTLE_MS);
    expect(run.ready.map((recording) => recording.path)).toEqual([aviPath]);
  });
});
