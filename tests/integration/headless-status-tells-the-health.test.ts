import { mkdirSync, renameSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { GOOGLE_REFRESH_TOKEN_SECRET } from '../../src-main/core/destinations/gdrive/google-credentials.ts';
import type { StatusReport } from '../../src-main/headless/commands/status-command.ts';
import { DrivePeer } from '../peers/drive-peer.ts';
import { GoogleIdentityPeer } from '../peers/google-identity-peer.ts';
import { startStoragePeer } from '../peers/storage-api-peer.ts';
import { googlePeerSettings } from '../support/drive-harness.ts';
import { HeadlessFixture, KiB } from '../support/headless-fixture.ts';

/**
 * `status` and `status --json` beside a running `run` and after it stopped: the first line is the
 * health's headline (the words the window's header and the tray show), and the destination's state
 * is the one the uploader lives through, never "connected" while uploads wait.
 */
let fixture: HeadlessFixture | undefined;
const cleanups: Array<() => Promise<unknown> | unknown> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await fixture?.close();
  fixture = undefined;
});

interface Status {
  lines: string[];
  json: StatusReport;
}

/** `status` with the run's own --settings FILE, as a server's operator asks it. */
async function status(f: HeadlessFixture): Promise<Status> {
  const extra = ['--settings', f.settingsFile];
  const human = await f.cli(['status', ...extra]);
  expect(human.code, human.stderr).toBe(0);
  const json = await f.cli(['status', '--json', ...extra]);
  expect(json.code, json.stderr).toBe(0);
  return { lines: human.stdout.trimEnd().split('\n'), json: JSON.parse(json.stdout) as StatusReport };
}

/** Polls status until its first line matches (the running uploader saves its health as it changes). */
async function statusUntil(f: HeadlessFixture, headline: RegExp): Promise<Status> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const seen = await status(f);
    if (headline.test(seen.lines[0] ?? '')) return seen;
    if (Date.now() > deadline) throw new Error(`status never said ${headline}:\n${seen.lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('status tells the health', () => {
  it('a recordings folder that disappears, then comes back', async () => {
    fixture = await HeadlessFixture.start();
    const f = fixture;
    const child = f.run();
    await child.waitForOutput(/Watching /);
    const ready = await statusUntil(f, /^Watching the folder — nothing to upload yet$/);
    expect(ready.lines[1]).toMatch(new RegExp(`^Folder: ${f.folder} — watched since `));
    expect(ready.json).toMatchObject({ running: true, health: { watcher: { state: 'watching' } } });

    renameSync(f.folder, `${f.folder}-gone`);
    const missing = await statusUntil(f, /^The recordings folder is missing/);
    expect(missing.lines[0]).toBe(`The recordings folder is missing: ${f.folder} — nothing is watched`);
    expect(missing.lines[1]).toMatch(/ — missing since .* \(it does not exist\); nothing is watched$/);
    expect(missing.json.headline).toBe(missing.lines[0]);
    expect(missing.json.health.headline).toMatchObject({ kind: 'folder-missing', path: f.folder });
    expect(missing.json.health.watcher).toMatchObject({
      state: 'folder-missing',
      detail: 'it does not exist',
    });

    mkdirSync(f.folder);
    f.writeRecording('back.mp4', 100 * KiB);
    await f.waitForJob('back.mp4', ['done']);
    const back = await statusUntil(f, /^All caught up$/);
    expect(back.json.destination).toMatchObject({ state: 'working', where: f.peer.baseUrl });
    expect(await child.stop('SIGTERM')).toMatchObject({ code: 0 });
    const stopped = await status(f);
    expect(stopped.lines[0]).toBe('All caught up (the uploader is not running)');
    expect(stopped.json.running).toBe(false);
  });

  it('a token the storage API refuses, while running and after', async () => {
    fixture = await HeadlessFixture.start();
    const f = fixture;
    const child = f.run();
    await child.waitForOutput(/Watching /);
    f.peer.setToken('tok_rotated_by_the_it_department');
    f.writeRecording('refused.mp4', 100 * KiB);
    await f.waitForJob('refused.mp4', ['needs-auth']);
    const refused = await statusUntil(f, /needs a new token/);
    expect(refused.lines[0]).toBe('The storage API needs a new token — 1 recording waits');
    expect(refused.lines[2]).toMatch(
      /^Destination: http:\/\/127\.0\.0\.1:\d+\/api — needs a new token since .*: The server refused the token — enter a new token/,
    );
    expect(refused.json.destination).toMatchObject({ state: 'needs-auth', destination: 'storage-api' });
    expect(refused.json.destination.reason).toMatch(/answered 401/);
    expect(refused.json.health.queue).toMatchObject({ waiting: 1 });
    expect(JSON.stringify(refused.json)).not.toContain(f.peer.token);

    expect(await child.stop('SIGTERM')).toMatchObject({ code: 0 });
    const offline = await status(f);
    expect(offline.lines[0]).toBe(
      'The storage API needs a new token — 1 recording waits (the uploader is not running)',
    );
    expect(offline.json.destination.state).toBe('needs-auth');
  });

  it('a server that is down, then back: unreachable in plain words, with the next try', async () => {
    fixture = await HeadlessFixture.start({ settings: { maxRetries: 1 } });
    const f = fixture;
    const child = f.run();
    await child.waitForOutput(/Watching /);
    const port = new URL(f.peer.origin).port;
    await f.peer.close();
    f.writeRecording('outage.mp4', 100 * KiB);
    await f.waitForJob('outage.mp4', ['waiting']);
    const down = await statusUntil(f, /is unreachable/);
    expect(down.lines[0]).toMatch(/^The storage API is unreachable since .+ — next try (in \d+ s|now)$/);
    expect(down.lines[2]).toContain(
      `Nothing answers at 127.0.0.1:${port} — is the address right and the server running? (`,
    );
    expect(down.lines[2]).toContain('ECONNREFUSED');
    expect(down.json.destination).toMatchObject({ state: 'unreachable', nextTryAt: expect.any(Number) });
    // Waiting out an outage never uses up attempts: it is not a failure.
    expect(down.json.totals.failed).toBe(0);

    const back = await startStoragePeer({
      port: Number(port),
      storeDir: f.peer.storeDir,
      token: f.peer.token,
    });
    cleanups.push(() => back.close());
    await f.waitForJob('outage.mp4', ['done'], 60_000);
    const caughtUp = await statusUntil(f, /^All caught up$/);
    expect(caughtUp.json.destination.state).toBe('working');
    expect(await child.stop('SIGTERM')).toMatchObject({ code: 0 });
  });

  it('a server that asks to slow down: throttled, with when uploads go on', async () => {
    fixture = await HeadlessFixture.start();
    const f = fixture;
    const child = f.run();
    await child.waitForOutput(/Watching /);
    f.peer.faults.throttle(1, 30, ['create']);
    f.writeRecording('slow.mp4', 100 * KiB);
    await f.waitForJob('slow.mp4', ['waiting']);
    const slowed = await statusUntil(f, /asked to slow down/);
    expect(slowed.lines[0]).toMatch(/^The storage API asked to slow down — uploads go on in (1\d|2\d|30) s$/);
    expect(slowed.json.destination).toMatchObject({ state: 'throttled', until: expect.any(Number) });
    expect((slowed.json.destination.until ?? 0) - Date.now()).toBeGreaterThan(15_000);
    expect(await child.stop('SIGTERM')).toMatchObject({ code: 0 });
  });

  it('Google Drive whose sign-in was revoked: needs sign-in, while running and after', async () => {
    const identity = await GoogleIdentityPeer.start();
    cleanups.push(() => identity.close());
    const drive = await DrivePeer.start({ identity });
    cleanups.push(() => drive.close());
    fixture = await HeadlessFixture.start({
      settings: { ...googlePeerSettings(identity, drive), activeDestination: 'gdrive' },
    });
    const f = fixture;
    const withSettings = ['--settings', f.settingsFile];
    const connect = f.spawn(['connect', 'gdrive', '--data-dir', f.dataDir, ...withSettings]);
    const [, address] = /sign in:\s+(\S+)/.exec(await connect.waitForOutput(/sign in:\s+\S+/)) ?? [];
    expect(await (await fetch(address as string)).text()).toContain('connected to Google Drive');
    expect((await connect.exited).code).toBe(0);
    cleanups.push(() => f.keychain().delete(GOOGLE_REFRESH_TOKEN_SECRET));

    identity.revokeAll();
    const child = f.run();
    await child.waitForOutput(/Watching /);
    f.writeRecording('revoked.mp4', 300 * KiB);
    await f.waitForJob('revoked.mp4', ['needs-auth']);
    const held = await statusUntil(f, /^Sign in to Google Drive again/);
    expect(held.lines[0]).toBe('Sign in to Google Drive again — 1 recording waits');
    expect(held.json.destination).toMatchObject({ destination: 'gdrive', state: 'needs-auth' });
    expect(held.json.destination.since).toEqual(expect.any(Number));

    expect(await child.stop('SIGTERM')).toMatchObject({ code: 0 });
    const offline = await status(f);
    expect(offline.lines[0]).toBe(
      'Sign in to Google Drive again — 1 recording waits (the uploader is not running)',
    );
    expect(offline.json.destination.state).toBe('needs-auth');
  });
});
