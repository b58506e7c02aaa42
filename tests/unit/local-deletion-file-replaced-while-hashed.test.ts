import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import type { SqliteJobStore } from '../../src-main/core/store/job-store.ts';
import { sha256Of } from '../../src-main/core/transfer/file-sha256.ts';
import { carryOutOwedDeletion } from '../../src-main/core/transfer/local-deletion.ts';
import { jobStoreOn, recording, TempDatabase } from '../support/store-fixtures.ts';
import { makeTempFolder, removeFolder } from '../support/watcher-harness.ts';

const VIDEO = 'the verified bytes';
const OTHER = 'another recording';

describe('a file replaced while its deletion hashes it again', () => {
  let temp: TempDatabase;
  let store: SqliteJobStore;
  let folder = '';

  beforeEach(async () => {
    temp = new TempDatabase();
    store = jobStoreOn(temp.open());
    folder = await makeTempFolder('deletion-race-');
  });
  afterEach(async () => {
    temp.remove();
    await removeFolder(folder);
  });

  it('is kept: what was hashed is not what the path names any more', async () => {
    const video = join(folder, 'rec.mp4');
    await writeFile(video, VIDEO);
    const job = store.enqueue(recording({ path: video, sizeBytes: VIDEO.length }), 'storage-api');
    if (job === null) throw new Error('the recording was not queued');
    store.claimNext(['storage-api']);
    const sha256 = createHash('sha256').update(VIDEO).digest('hex');
    store.markDone(job.id, { id: 'remote-1', url: null, sha256, deletionOwed: { sidecar: null } });
    // Another program renames a new recording over the path while the old bytes are being read.
    const replacedMidway = async (path: string): Promise<string> => {
      const hash = await sha256Of(path);
      await writeFile(join(folder, 'incoming.tmp'), OTHER);
      await rename(join(folder, 'incoming.tmp'), path);
      return hash;
    };

    await carryOutOwedDeletion(store.get(job.id) ?? job, store, silentLogger, replacedMidway);

    expect(readFileSync(video, 'utf8')).toBe(OTHER);
    const after = store.get(job.id);
    expect(after?.localDeletedAt).toBeNull();
    expect(after?.warning).toContain(`"${video}" was kept on disk: it is not the file that was verified`);
  });
});
