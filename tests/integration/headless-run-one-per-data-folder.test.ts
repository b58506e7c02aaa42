import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HeadlessFixture, MiB, sha256 } from '../support/headless-fixture.ts';

let fixture: HeadlessFixture | undefined;

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('one headless uploader per data folder', () => {
  it('a second run on the same data folder exits at once, saying who holds it; the first goes on', async () => {
    fixture = await HeadlessFixture.start();
    const lockFile = join(fixture.dataDir, 'uploader.lock');
    const first = fixture.run();
    await first.waitForOutput(/Watching /);

    const started = Date.now();
    const second = await fixture.run().exited;

    expect(Date.now() - started).toBeLessThan(5_000);
    expect(second.code).not.toBe(0);
    expect(second.code).not.toBeNull();
    expect(second.stderr).toContain(
      `another uploader is already running on this data folder (pid ${first.pid}): ${fixture.dataDir}`,
    );
    expect(second.stdout).not.toMatch(/Watching/);
    expect(readFileSync(lockFile, 'utf8').trim()).toBe(String(first.pid));

    // The first one still owns the folder and still uploads.
    const bytes = fixture.writeRecording('after-refusal.mp4', MiB + 1);
    await fixture.waitForStored('after-refusal.mp4');
    expect(sha256(await fixture.storedOnce('after-refusal.mp4'))).toBe(sha256(bytes));
    expect(await first.stop('SIGTERM')).toMatchObject({ code: 0 });
  });

  it('a run on another data folder is not held back', async () => {
    fixture = await HeadlessFixture.start();
    const first = fixture.run();
    await first.waitForOutput(/Watching /);
    const elsewhere = fixture.spawn([
      'run',
      '--data-dir',
      join(fixture.root, 'other-data'),
      '--settings',
      fixture.settingsFile,
    ]);
    await elsewhere.waitForOutput(/Watching /);
    expect(await elsewhere.stop('SIGTERM')).toMatchObject({ code: 0 });
    expect(await first.stop('SIGTERM')).toMatchObject({ code: 0 });
  });

  it('the lock of a run that was killed does not keep the next one out', async () => {
    fixture = await HeadlessFixture.start();
    const first = fixture.run();
    await first.waitForOutput(/Watching /);
    expect((await first.stop('SIGKILL')).signal).toBe('SIGKILL');
    expect(readFileSync(join(fixture.dataDir, 'uploader.lock'), 'utf8').trim()).toBe(String(first.pid));

    const next = fixture.run();
    await next.waitForOutput(/Watching /);
    expect(readFileSync(join(fixture.dataDir, 'uploader.lock'), 'utf8').trim()).toBe(String(next.pid));
    expect(await next.stop('SIGTERM')).toMatchObject({ code: 0 });
  });
});
