import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../src-shared/settings.ts';
import type { LostAnswer } from '../peers/graph-peer.ts';
import { referenceQuickXor } from '../peers/quick-xor-reference.ts';
import { OneDriveHarness } from '../support/onedrive-harness.ts';

const KiB = 1024;
/** One simple PUT …/content; and an upload session of four fragments. */
const SIMPLE = 200 * KiB;
const SESSION = 4 * 1024 * KiB + 700 * KiB;

type Conflict = Settings['oneDriveConflictBehavior'];

let harness: OneDriveHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(conflict: Conflict): Promise<OneDriveHarness> {
  harness = await OneDriveHarness.start({ settings: { oneDriveConflictBehavior: conflict } });
  await harness.connect();
  return harness;
}

/** What the folder holds, by name, with each file's bytes (the receipts placed beside recordings aside). */
async function folder(h: OneDriveHarness): Promise<Map<string, Buffer>> {
  const held = new Map<string, Buffer>();
  for (const file of h.graph.files()) {
    if (!file.name.endsWith('.receipt.json')) held.set(file.path, await h.graph.drive.read(file.id));
  }
  return held;
}

const deletes = (h: OneDriveHarness) => h.graph.requests.filter((r) => r.method === 'DELETE');

/**
 * A colleague's file of the same name and size is in the folder, and the answer to the commit of
 * the recording is lost after Graph stored it. The uploader must find its own copy by content,
 * never take the colleague's file for it, and never delete it.
 */
describe('OneDrive: a lost commit answer beside a foreign file of the same name', () => {
  for (const [mode, size, how] of [
    ['simple upload', SIMPLE, 'drop'],
    ['upload session', SESSION, 500],
  ] as const) {
    const on: LostAnswer['on'] = mode === 'simple upload' ? 'simple' : 'session';

    it(`rename (${mode}, answer ${how === 'drop' ? 'dropped' : 'a 500'}): one copy of the recording, the foreign file untouched`, async () => {
      const h = await start('rename');
      const foreign = randomBytes(size);
      const planted = await h.graph.putForeignFile('/Recordings', 'rec.mp4', foreign);
      h.graph.loseCommitAnswers({ on, how });
      const bytes = await h.writeRecording('rec.mp4', size);

      const [job] = await h.waitForStates(['rec.mp4'], ['done', 'failed']);

      expect(job?.state, job?.lastError ?? '').toBe('done');
      const held = await folder(h);
      expect([...held.keys()].sort()).toEqual(['/Recordings/rec 1.mp4', '/Recordings/rec.mp4']);
      expect(held.get('/Recordings/rec.mp4')?.equals(foreign)).toBe(true);
      expect(h.graph.fileAt('/Recordings/rec.mp4')?.id).toBe(planted.id);
      expect(held.get('/Recordings/rec 1.mp4')?.equals(bytes)).toBe(true);
      expect(job?.remoteId).toBe(h.graph.fileAt('/Recordings/rec 1.mp4')?.id);
      expect(deletes(h)).toEqual([]);
      expect(h.graph.lostAnswersLeft()).toBe(0);
    });

    it(`rename (${mode}), the service out for a moment after the lost answer: still one copy`, async () => {
      const h = await start('rename');
      const foreign = randomBytes(size);
      await h.graph.putForeignFile('/Recordings', 'outage.mp4', foreign);
      h.graph.loseCommitAnswers({ on, how, outageAfter: 3 });
      const bytes = await h.writeRecording('outage.mp4', size);

      const [job] = await h.waitForStates(['outage.mp4'], ['done', 'failed']);

      expect(job?.state, job?.lastError ?? '').toBe('done');
      const held = await folder(h);
      expect([...held.keys()].sort()).toEqual(['/Recordings/outage 1.mp4', '/Recordings/outage.mp4']);
      expect(held.get('/Recordings/outage.mp4')?.equals(foreign)).toBe(true);
      expect(held.get('/Recordings/outage 1.mp4')?.equals(bytes)).toBe(true);
      expect(h.graph.requests.filter((r) => r.status === 503).length).toBeGreaterThan(0);
      expect(deletes(h)).toEqual([]);
      expect(h.graph.lostAnswersLeft()).toBe(0);
    });

    it(`replace (${mode}): the recording replaces the file as asked, once, and nothing is deleted`, async () => {
      const h = await start('replace');
      await h.graph.putForeignFile('/Recordings', 'rec.mp4', randomBytes(size));
      h.graph.loseCommitAnswers({ on, how });
      const bytes = await h.writeRecording('rec.mp4', size);

      const [job] = await h.waitForStates(['rec.mp4'], ['done', 'failed']);

      expect(job?.state, job?.lastError ?? '').toBe('done');
      const held = await folder(h);
      expect([...held.keys()]).toEqual(['/Recordings/rec.mp4']);
      expect(held.get('/Recordings/rec.mp4')?.equals(bytes)).toBe(true);
      expect(deletes(h)).toEqual([]);
      expect(h.graph.lostAnswersLeft()).toBe(0);
    });

    it(`fail (${mode}): a lost answer is found as the recording's own copy; a foreign file fails the job, untouched`, async () => {
      const h = await start('fail');
      h.graph.loseCommitAnswers({ on, how });
      const bytes = await h.writeRecording('mine.mp4', size);
      const foreign = randomBytes(size);
      await h.graph.putForeignFile('/Recordings', 'theirs.mp4', foreign);
      await h.writeRecording('theirs.mp4', size);

      const [mine, theirs] = await h.waitForStates(['mine.mp4', 'theirs.mp4'], ['done', 'failed']);

      expect(mine?.state, mine?.lastError ?? '').toBe('done');
      expect(theirs?.state).toBe('failed');
      expect(theirs?.lastError).toMatch(/already holds a file named "theirs\.mp4".*"fail"/);
      const held = await folder(h);
      expect([...held.keys()].sort()).toEqual(['/Recordings/mine.mp4', '/Recordings/theirs.mp4']);
      expect(held.get('/Recordings/mine.mp4')?.equals(bytes)).toBe(true);
      expect(held.get('/Recordings/theirs.mp4')?.equals(foreign)).toBe(true);
      expect(h.graph.fileAt('/Recordings/mine.mp4')?.quickXorHash).toBe(referenceQuickXor(bytes));
      expect(deletes(h)).toEqual([]);
      expect(h.graph.lostAnswersLeft()).toBe(0);
    });
  }
});
