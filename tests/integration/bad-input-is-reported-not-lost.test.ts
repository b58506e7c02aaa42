import { appendFile, mkdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chunkStart, tapFetch } from '../support/fetch-tap.ts';
import { waitFor } from '../support/recording-jobs.ts';
import { type HarnessOptions, sha256, UploaderHarness } from '../support/uploader-harness.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

let harness: UploaderHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: HarnessOptions = {}): Promise<UploaderHarness> {
  harness = await UploaderHarness.start({
    ...options,
    peer: { chunkSize: 256 * KiB, ...options.peer },
    settings: { chunkSizeBytes: MiB, ...options.settings },
  });
  return harness;
}

/** Runs `action` once, when the uploader has its `count`-th chunk acknowledged. */
function afterChunks(count: number, action: () => Promise<void>): typeof fetch {
  let seen = 0;
  return tapFetch(async (exchange) => {
    if (chunkStart(exchange) === null || exchange.status !== 308) return;
    seen += 1;
    if (seen === count) await action();
  });
}

/** Names recorders and operators really produce: accents, dashes, guillemets, URL and shell specials, quotes. */
const AWKWARD_NAMES = [
  'sessão_123 — Café «x».mp4',
  'a&b=c#d%.mp4',
  'with spaces and "double" quotes.mp4',
  "it's (copy) [1] *final*.mp4",
  "l'été «bis» 100%.mp4",
  '日本語の録画.mp4',
];

describe('bad input is reported, never lost', () => {
  it('a sidecar that is not valid JSON is named in a warning, and the video still uploads', async () => {
    const h = await start();
    const bytes = await h.writeRecording('bad-sidecar.mp4', 300 * KiB, '{"session_id": "rdp_9", oops');

    const [job] = await h.waitForStates(['bad-sidecar.mp4'], ['done']);

    expect(sha256(await h.stored('bad-sidecar.mp4'))).toBe(sha256(bytes));
    expect(job?.sidecarWarning).toContain('bad-sidecar_metadata.json');
    expect(job?.sidecarWarning).toMatch(/not valid JSON/);
    const [stored] = h.peer.recordings();
    expect(stored?.metadata).toBeNull();
    expect(stored?.createMetadata).toBeNull();
    // Without usable metadata the recording is known by its file name.
    expect(stored?.sessionId).toBe('bad-sidecar');
  });

  describe.each([
    ['resumable mode', 256 * KiB],
    ['single-request mode', null],
  ])('awkward file names land exactly as they are (%s)', (_mode, chunkSize) => {
    it('keeps every character of the name', async () => {
      const h = await start({ peer: { chunkSize } });
      const written = new Map<string, Buffer>();
      for (const name of AWKWARD_NAMES) written.set(name, await h.writeRecording(name, 40 * KiB));

      await h.waitForStates(AWKWARD_NAMES, ['done']);

      for (const [name, bytes] of written) {
        expect(sha256(await h.stored(name)), name).toBe(sha256(bytes));
      }
      expect(
        h.peer
          .recordings()
          .map((r) => r.fileName)
          .sort(),
      ).toEqual([...AWKWARD_NAMES].sort());
      if (chunkSize === null) {
        // The multipart part itself carries the exact name, as a strict multipart parser reads it.
        const partNames = h.peer.sessions().map((s) => s.videoPartFileName);
        expect(partNames.sort()).toEqual([...AWKWARD_NAMES].sort());
      }
    });
  });

  it('a recording deleted mid-upload fails naming the file, and nothing is finalized', async () => {
    const path = () => join(harness?.folder ?? '', 'vanishing.mp4');
    const h = await start({
      settings: { chunkSizeBytes: 256 * KiB },
      fetch: afterChunks(2, () => unlink(path())),
    });
    await h.writeRecording('vanishing.mp4', 8 * MiB);

    const [job] = await h.waitForStates(['vanishing.mp4'], ['failed']);

    expect(job?.lastError).toContain(path());
    expect(job?.lastError).toMatch(/disappeared/);
    expect(h.peer.recordings()).toHaveLength(0);
    expect(h.peer.requests.some((r) => r.kind === 'finalize')).toBe(false);
    // It stopped at the next chunk, not after sending the rest of a file no one has any more.
    expect(h.peer.requests.filter((r) => r.kind === 'chunk')).toHaveLength(2);
  });

  it('a recording that cannot be read fails with the reason, and the others still upload', async () => {
    const h = await start();
    // Tests run as root, so permissions stop no read: a folder where the video should be does.
    const broken = join(h.folder, 'unreadable.mp4');
    await mkdir(broken);
    const info = await stat(broken);
    h.uploader.enqueue({ path: broken, sizeBytes: info.size, mtimeMs: info.mtimeMs, sidecarPath: null });
    const bytes = await h.writeRecording('readable.mp4', 300 * KiB);

    const [failed, done] = await h.waitForStates(['unreadable.mp4', 'readable.mp4'], ['failed', 'done']);

    expect(failed?.state).toBe('failed');
    expect(failed?.lastError).toContain(broken);
    expect(failed?.lastError).toMatch(/cannot be read|not a file/);
    expect(done?.state).toBe('done');
    expect(sha256(await h.stored('readable.mp4'))).toBe(sha256(bytes));
    expect(h.peer.recordings().map((r) => r.fileName)).toEqual(['readable.mp4']);
  });

  it('a recording that grows mid-upload fails as changed, and its new version uploads once it settles', async () => {
    const path = () => join(harness?.folder ?? '', 'growing.mp4');
    const tail = Buffer.alloc(100 * KiB, 7);
    const h = await start({ fetch: afterChunks(2, () => appendFile(path(), tail)) });
    const head = await h.writeRecording('growing.mp4', 4 * MiB);
    const grown = Buffer.concat([head, tail]);

    const jobsOf = () => h.jobs().filter((job) => job.fileName === 'growing.mp4');
    await waitFor(
      () => jobsOf().length === 2 && jobsOf().every((job) => job.state === 'failed' || job.state === 'done'),
      20_000,
      () => `two growing.mp4 jobs to end; now ${JSON.stringify(jobsOf())}`,
    );

    const [second, first] = jobsOf();
    expect(first?.state).toBe('failed');
    expect(first?.sizeBytes).toBe(head.byteLength);
    expect(first?.lastError).toMatch(/growing\.mp4 changed while it was being uploaded/);
    expect(second?.state).toBe('done');
    expect(second?.sizeBytes).toBe(grown.byteLength);
    const stored = await h.stored('growing.mp4');
    expect(stored.byteLength).toBe(grown.byteLength);
    expect(sha256(stored)).toBe(sha256(grown));
  });
});
