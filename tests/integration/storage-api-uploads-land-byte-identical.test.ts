import { afterEach, describe, expect, it } from 'vitest';
import { sha256, UploaderHarness } from '../support/uploader-harness.ts';

const CHUNK = 256 * 1024;
const SIZES: Array<[string, number]> = [
  ['empty.mp4', 0],
  ['one-byte.mp4', 1],
  ['one-chunk.mp4', CHUNK],
  ['chunk-plus-one.mp4', CHUNK + 1],
  ['fifty-mib.mp4', 50 * 1024 * 1024],
];

describe.each([
  ['resumable mode', CHUNK],
  ['single-request mode', null],
])('recordings of every size land byte-identical (%s)', (_mode, chunkSize) => {
  let harness: UploaderHarness | undefined;
  afterEach(async () => {
    await harness?.close();
  });

  it('uploads 0 B, 1 B, one chunk, one chunk + 1 B and 50 MiB exactly once', {
    timeout: 90_000,
  }, async () => {
    harness = await UploaderHarness.start({
      peer: { chunkSize },
      settings: { chunkSizeBytes: CHUNK * 4 },
    });
    const written = new Map<string, Buffer>();
    for (const [name, size] of SIZES) written.set(name, await harness.writeRecording(name, size));

    const jobs = await harness.waitForStates(
      SIZES.map(([name]) => name),
      ['done'],
      45_000,
    );

    for (const [name, bytes] of written) {
      const stored = await harness.stored(name);
      expect(stored.byteLength, name).toBe(bytes.byteLength);
      expect(sha256(stored), name).toBe(sha256(bytes));
    }
    expect(harness.peer.recordings()).toHaveLength(SIZES.length);
    for (const job of jobs) {
      expect(job.confirmedBytes).toBe(job.sizeBytes);
      expect(job.remoteId).not.toBeNull();
    }
    const chunkPuts = harness.peer.requests
      .map((r) => /^bytes (\d+)-(\d+)\/(\d+)$/.exec(r.method === 'PUT' ? (r.contentRange ?? '') : ''))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ start: Number(m[1]), end: Number(m[2]), total: Number(m[3]) }));
    if (chunkSize === null) {
      expect(chunkPuts).toEqual([]);
    } else {
      // 50 MiB in 1 MiB chunks: the chunk loop really ran, and every chunk but a file's last
      // was a multiple of the server's chunk size.
      expect(chunkPuts.length).toBeGreaterThanOrEqual(50);
      for (const put of chunkPuts.filter((p) => p.end + 1 < p.total)) {
        expect((put.end - put.start + 1) % chunkSize).toBe(0);
      }
    }
  });
});
