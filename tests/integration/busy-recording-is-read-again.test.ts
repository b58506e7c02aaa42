import { open } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenForReading } from '../../src-main/core/transfer/recording-file.ts';
import type { JobView } from '../../src-shared/job.ts';
import { sha256, UploaderHarness } from '../support/uploader-harness.ts';

let harness: UploaderHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/**
 * The file system's open, except that a recording named `busyName` is held by another program
 * (an antivirus scanning it, say) for its first `times` opens: Node's own EBUSY error, as Windows
 * gives it.
 */
function heldOpen(busyName: string, times: number, code = 'EBUSY'): OpenForReading & { refused: number } {
  const opener = Object.assign(
    async (path: string) => {
      if (path.endsWith(busyName) && opener.refused < times) {
        opener.refused += 1;
        const words = code === 'EBUSY' ? 'resource busy or locked' : 'operation not permitted';
        throw Object.assign(new Error(`${code}: ${words}, open '${path}'`), { code, syscall: 'open', path });
      }
      return open(path, 'r');
    },
    { refused: 0 },
  );
  return opener;
}

const updatesOf = (h: UploaderHarness, name: string): JobView[] =>
  h.events
    .filter((event) => event.event === 'job-updated')
    .map((event) => event.payload as JobView)
    .filter((job) => job.fileName === name);

describe('a recording another program holds for a while', () => {
  it('is read again after a wait when it was busy, and lands once', async () => {
    const opener = heldOpen('scanned.mp4', 2);
    const h = await UploaderHarness.start({ openFile: opener, settings: { maxRetries: 3 } });
    harness = h;
    const bytes = await h.writeRecording('scanned.mp4', 300 * 1024);

    const [done] = await h.waitForStates(['scanned.mp4'], ['done']);

    expect(opener.refused).toBe(2);
    expect(sha256(await h.stored('scanned.mp4'))).toBe(sha256(bytes));
    const waits = updatesOf(h, 'scanned.mp4').filter((job) => job.state === 'waiting');
    expect(waits.map((job) => job.attempts)).toEqual([1, 2]);
    for (const wait of waits)
      expect(wait.lastError).toMatch(/cannot be read for now: EBUSY: resource busy or locked/);
    expect(done?.lastError).toBeNull();
  });

  it('fails with the OS’s reason once it stays unreadable through every retry', async () => {
    const opener = heldOpen('locked.mp4', 100, 'EPERM');
    const h = await UploaderHarness.start({ openFile: opener, settings: { maxRetries: 2 } });
    harness = h;
    await h.writeRecording('locked.mp4', 1024);

    const [failed] = await h.waitForStates(['locked.mp4'], ['failed']);

    expect(opener.refused).toBe(3);
    expect(failed?.lastError).toContain("EPERM: operation not permitted, open '");
    expect(failed?.lastError).toContain('gave up after 3 attempts');
    expect(h.peer.recordings()).toHaveLength(0);
  });
});
