import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HeadlessFixture, MiB, sha256 } from '../support/headless-fixture.ts';

let fixture: HeadlessFixture | undefined;

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('headless run stops on a signal', () => {
  it('a SIGTERM while it is still starting stops it cleanly once started', async () => {
    fixture = await HeadlessFixture.start();
    // A folder that takes the start a moment to scan widens the window the signal lands in.
    for (let i = 0; i < 3000; i += 1) writeFileSync(join(fixture.folder, `tiny-${i}.mp4`), 'x');
    const child = fixture.run();
    await child.waitForOutput(/watching the recordings folder/);
    const stopped = await child.stop('SIGTERM');

    expect(stopped).toMatchObject({ code: 0, signal: null });
    expect(stopped.stdout).toMatch(/Watching [^\n]*\n(.*\n)*Stopping…\n$/);
    expect(existsSync(join(fixture.dataDir, 'uploader.lock'))).toBe(false);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`exits 0 within 10 s on ${signal} mid-upload; the next run resumes the file byte-identical`, async () => {
      fixture = await HeadlessFixture.start();
      const name = `stopped-by-${signal.toLowerCase()}.mp4`;
      const size = 4 * MiB + 12_345;
      const bytes = fixture.writeRecording(name, size);
      // The third chunk is in flight when the signal comes.
      const gate = fixture.peer.gates.hold('chunk', { afterCount: 2 });

      const first = fixture.run();
      await first.waitForOutput(/Watching /);
      expect((await gate.whenHeld()).contentRange).toBe(`bytes ${2 * MiB}-${3 * MiB - 1}/${size}`);
      const stopped = await first.stop(signal);

      expect(stopped).toMatchObject({ code: 0, signal: null });
      expect(stopped.ms).toBeLessThan(10_000);
      expect(stopped.stdout).toMatch(/Stopping/);
      gate.release();
      await gate.whenSettled();

      // Persisted: the job waits to resume from what the server confirmed.
      const [job] = (await fixture.status()).jobs;
      expect(job).toMatchObject({ fileName: name, state: 'queued', confirmedBytes: 2 * MiB });
      const held = fixture.peer.sessions()[0]?.receivedBytes ?? -1;
      expect(held).toBeGreaterThanOrEqual(2 * MiB);

      fixture.peer.clearRequests();
      const second = fixture.run();
      await fixture.waitForStored(name);
      expect(sha256(await fixture.storedOnce(name))).toBe(sha256(bytes));

      const after = fixture.peer.requests;
      expect(after.filter((r) => r.kind === 'create')).toHaveLength(0);
      const firstChunk = after.find((r) => r.kind === 'chunk');
      expect(firstChunk?.contentRange).toBe(`bytes ${held}-${held + MiB - 1}/${size}`);
      expect(fixture.peer.sessions()).toHaveLength(1);

      await fixture.waitForJob(name, ['done']);
      expect(await second.stop(signal)).toMatchObject({ code: 0, signal: null });
      expect(`${first.stdout}${first.stderr}${second.stdout}${second.stderr}`).not.toContain(
        fixture.peer.token,
      );
    });
  }
});
