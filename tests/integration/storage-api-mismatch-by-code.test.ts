import { afterEach, describe, expect, it } from 'vitest';
import { sha256, UploaderHarness } from '../support/uploader-harness.ts';

const KiB = 1024;
const FILE_SIZE = 1024 * KiB;

let harness: UploaderHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(peer: { mismatchDetail?: string } = {}): Promise<UploaderHarness> {
  harness = await UploaderHarness.start({
    peer: { chunkSize: 256 * KiB, ...peer },
    settings: { chunkSizeBytes: 256 * KiB, maxRetries: 3 },
  });
  return harness;
}

const creates = (h: UploaderHarness) => h.peer.requests.filter((r) => r.kind === 'create');

describe('storage API: a finalize refusal is read by its code, not its words', () => {
  it('a sha256_mismatch in the server’s own words sends the file again, once, and it lands once', async () => {
    const h = await start({ mismatchDetail: 'the announced content digest differs from the stored content' });
    h.peer.faults.damageInTransit(1);
    const bytes = await h.writeRecording('other-words.mp4', FILE_SIZE);

    const [job] = await h.waitForStates(['other-words.mp4'], ['done', 'failed']);

    expect(job?.state, job?.lastError ?? '').toBe('done');
    expect(creates(h)).toHaveLength(2);
    const finalizes = h.peer.requests.filter((r) => r.kind === 'finalize');
    expect(finalizes.map((r) => r.status)).toEqual([400, 200]);
    const stored = h.peer.recordings().filter((r) => r.fileName === 'other-words.mp4');
    expect(stored).toHaveLength(1);
    expect(sha256(await h.stored('other-words.mp4'))).toBe(sha256(bytes));
  });

  it('a 400 at finalize without the code fails the job with the server’s words, though they mention sha256', async () => {
    const h = await start();
    const detail = 'sha256 must be given in the request header X-Content-SHA256 on this server';
    h.peer.faults.serverErrors(1, 400, ['finalize'], detail);
    await h.writeRecording('plain-refusal.mp4', FILE_SIZE);

    const [job] = await h.waitForStates(['plain-refusal.mp4'], ['done', 'failed']);

    expect(job?.state).toBe('failed');
    expect(job?.lastError).toBe(`storage API POST /uploads/{id}/finalize answered 400: ${detail}`);
    expect(creates(h)).toHaveLength(1);
    expect(h.peer.recordings()).toHaveLength(0);
  });
});
