import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Recording } from '../../src-main/core/recording.ts';
import {
  ageFile,
  makeTempFolder,
  removeFolder,
  startWatcher,
  type WatcherRun,
  waitFor,
} from '../support/watcher-harness.ts';

const RECORDINGS = 200;

describe('recordings already in the folder at start', () => {
  let folder = '';
  let run: WatcherRun | undefined;

  afterEach(async () => {
    await run?.watcher.stop();
    run = undefined;
    await removeFolder(folder);
  });

  it('are reported in a few batches, each recording once with its sidecar, for the queue to take in one transaction each', async () => {
    folder = await makeTempFolder();
    for (let n = 1; n <= RECORDINGS; n += 1) {
      const video = path.join(folder, `session_${n}.mp4`);
      await writeFile(video, `recording ${n}`);
      await ageFile(video, 1);
    }
    await writeFile(path.join(folder, 'session_7_metadata.json'), '{}');
    await writeFile(path.join(folder, 'meta-for-9.json'), JSON.stringify({ session_id: 'session_9' }));
    const batches: Array<readonly Recording[]> = [];
    run = await startWatcher(folder, { settleMs: 200, onReady: (recordings) => batches.push(recordings) });

    await waitFor(() => batches.flat().length === RECORDINGS, `all ${RECORDINGS} recordings`);
    const reported = batches.flat();
    expect(new Set(reported.map((recording) => recording.path)).size).toBe(RECORDINGS);
    // One call a recording made start-up with thousands of them take seconds of transactions.
    expect(batches.length).toBeLessThan(RECORDINGS / 10);
    const sidecarOf = (n: number) =>
      reported.find((r) => r.path === path.join(folder, `session_${n}.mp4`))?.sidecarPath;
    expect(sidecarOf(7)).toBe(path.join(folder, 'session_7_metadata.json'));
    expect(sidecarOf(9)).toBe(path.join(folder, 'meta-for-9.json'));
    expect(sidecarOf(8)).toBeNull();
  });
});
