import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src-main/core/host-services.ts';
import type { Recording } from '../../src-main/core/recording.ts';
import { RecordingWatcher } from '../../src-main/core/watcher/recording-watcher.ts';
import { makeTempFolder, removeFolder, waitFor } from '../support/watcher-harness.ts';

describe('a ready handler that throws', () => {
  let folder = '';
  let watcher: RecordingWatcher | undefined;

  afterEach(async () => {
    await watcher?.stop();
    watcher = undefined;
    await removeFolder(folder);
  });

  it('is logged and does not stop later recordings from being reported', async () => {
    folder = await makeTempFolder();
    const seen: Recording[] = [];
    const errors: string[] = [];
    watcher = new RecordingWatcher({
      folder,
      videoExtensions: ['mp4'],
      settleMs: 200,
      uploadOlderRecordings: true,
      maxFileAgeDays: 7,
      clock: systemClock,
      logger: {
        debug: () => {},
        info: () => {},
        warn: () => {},
        error: (message, fields) =>
          errors.push(`${message} ${String(fields?.path)} ${String(fields?.error)}`),
      },
      onReady: (recordings) => {
        seen.push(...recordings);
        if (seen.length === 1) throw new Error('the queue is full');
      },
    });
    await watcher.start();

    await writeFile(path.join(folder, 'first.mp4'), 'first');
    await waitFor(() => seen.length === 1, 'the first recording');
    await writeFile(path.join(folder, 'second.mp4'), 'second');
    await waitFor(() => seen.length === 2, 'the second recording');

    expect(seen.map((recording) => path.basename(recording.path))).toEqual(['first.mp4', 'second.mp4']);
    expect(errors).toEqual([
      `handling a ready recording failed ${path.join(folder, 'first.mp4')} the queue is full`,
    ]);
  });
});
