import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ageFile,
  makeTempFolder,
  removeFolder,
  sleep,
  startWatcher,
  type WatcherRun,
  waitFor,
} from '../support/watcher-harness.ts';

const SETTLE_MS = 250;

describe('recordings already in the folder at start', () => {
  let folder = '';
  let run: WatcherRun | undefined;

  afterEach(async () => {
    await run?.watcher.stop();
    run = undefined;
    await removeFolder(folder);
  });

  /** A folder holding a recording from just now, one two days old and one ten days old. */
  async function folderWithOlderRecordings() {
    folder = await makeTempFolder();
    const fresh = path.join(folder, 'fresh.mp4');
    const twoDays = path.join(folder, 'two-days.mp4');
    const tenDays = path.join(folder, 'ten-days.mp4');
    await writeFile(fresh, 'fresh');
    await writeFile(twoDays, 'two days old');
    await writeFile(tenDays, 'ten days old');
    await ageFile(twoDays, 2);
    await ageFile(tenDays, 10);
    return { fresh, twoDays, tenDays };
  }

  const reportedPaths = () => (run?.ready ?? []).map((recording) => recording.path).sort();

  it('are reported, after settling, when older recordings are wanted and younger than the maximum age', async () => {
    const { fresh, twoDays } = await folderWithOlderRecordings();
    run = await startWatcher(folder, { settleMs: SETTLE_MS, uploadOlderRecordings: true, maxFileAgeDays: 7 });
    expect(run.ready).toHaveLength(0);

    await waitFor(() => run?.ready.length === 2, 'the two recordings younger than seven days');
    await sleep(3 * SETTLE_MS);
    expect(reportedPaths()).toEqual([fresh, twoDays].sort());
  });

  it('follow the maximum age setting', async () => {
    const { fresh, twoDays, tenDays } = await folderWithOlderRecordings();
    run = await startWatcher(folder, {
      settleMs: SETTLE_MS,
      uploadOlderRecordings: true,
      maxFileAgeDays: 30,
    });

    await waitFor(() => run?.ready.length === 3, 'all three recordings younger than thirty days');
    expect(reportedPaths()).toEqual([fresh, twoDays, tenDays].sort());
  });

  it('that are too old are reported once they change after start', async () => {
    const { tenDays } = await folderWithOlderRecordings();
    run = await startWatcher(folder, { settleMs: SETTLE_MS, uploadOlderRecordings: true, maxFileAgeDays: 7 });
    await waitFor(() => run?.ready.length === 2, 'the two young recordings');

    await appendFile(tenDays, ' and then some');
    await waitFor(() => run?.ready.length === 3, 'the old recording after it changed');
    expect(run.ready[2]?.path).toBe(tenDays);
    expect(run.ready[2]?.sizeBytes).toBe('ten days old and then some'.length);
  });

  it('are left alone when older recordings are not wanted, unless they change after start', async () => {
    const { twoDays } = await folderWithOlderRecordings();
    run = await startWatcher(folder, {
      settleMs: SETTLE_MS,
      uploadOlderRecordings: false,
      maxFileAgeDays: 7,
    });
    await sleep(4 * SETTLE_MS);
    expect(run.ready).toHaveLength(0);

    const newPath = path.join(folder, 'recorded-after-start.mp4');
    await writeFile(newPath, 'new');
    await appendFile(twoDays, ' grown');
    await waitFor(() => run?.ready.length === 2, 'the new recording and the one that changed');
    expect(reportedPaths()).toEqual([newPath, twoDays].sort());
    expect(run.ready.find((recording) => recording.path === twoDays)?.sizeBytes).toBe(
      'two days old grown'.length,
    );
  });

  it('are each reported once, however many there are', async () => {
    folder = await makeTempFolder();
    const names = Array.from({ length: 200 }, (_, i) => `session_${String(i).padStart(3, '0')}.mp4`);
    await Promise.all(names.map((name, i) => writeFile(path.join(folder, name), `recording ${i}`)));
    run = await startWatcher(folder, { settleMs: SETTLE_MS, uploadOlderRecordings: true });

    await waitFor(() => run?.ready.length === names.length, 'every recording in the folder');
    await sleep(3 * SETTLE_MS);
    expect(reportedPaths()).toEqual(names.map((name) => path.join(folder, name)));
  });
});
