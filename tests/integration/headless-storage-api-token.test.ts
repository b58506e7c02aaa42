import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STORAGE_API_TOKEN_SECRET } from '../../src-main/core/auth/env-secret-store.ts';
import { HeadlessFixture, MiB, sha256 } from '../support/headless-fixture.ts';

let fixture: HeadlessFixture | undefined;

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const newToken = (): string => `tok_${randomBytes(18).toString('base64url')}`;

/** Every file under `dir` (database, its WAL, logs, sealed secrets) that contains `text`. */
function filesContaining(dir: string, text: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, entry);
    if (statSync(path).isFile() && readFileSync(path).includes(text)) found.push(entry);
  }
  return found;
}

describe('headless storage API token', () => {
  it('set-secret reads it from stdin into the keychain, never prints it, and run uploads with it', async () => {
    const token = newToken();
    fixture = await HeadlessFixture.start({ peer: { token } });

    const stored = await fixture.cli(['set-secret', 'storage-api'], { input: `${token}\n` });

    expect(stored.code).toBe(0);
    expect(stored.stdout).toBe('Storage API token stored in the OS keychain.\n');
    expect(`${stored.stdout}${stored.stderr}`).not.toContain(token);
    expect(await fixture.keychain().get(STORAGE_API_TOKEN_SECRET)).toBe(token);

    const bytes = fixture.writeRecording('with-keychain-token.mp4', MiB + 17);
    const child = fixture.run({ token: null });
    await fixture.waitForStored('with-keychain-token.mp4');
    expect(sha256(await fixture.storedOnce('with-keychain-token.mp4'))).toBe(sha256(bytes));
    await fixture.waitForJob('with-keychain-token.mp4', ['done']);
    const stopped = await child.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(`${stopped.stdout}${stopped.stderr}`).not.toContain(token);
    expect(filesContaining(fixture.dataDir, token)).toEqual([]);
  });

  it('set-secret refuses an empty standard input and stores nothing', async () => {
    fixture = await HeadlessFixture.start();
    const outcome = await fixture.cli(['set-secret', 'storage-api'], { input: ' \n' });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('set-secret: no token on standard input');
    expect(await fixture.keychain().get(STORAGE_API_TOKEN_SECRET)).toBeNull();
  });

  it('set-secret names what it expects when the destination is missing or unknown', async () => {
    fixture = await HeadlessFixture.start();
    for (const args of [['set-secret'], ['set-secret', 'onedrive']]) {
      const outcome = await fixture.cli(args, { input: 'some-token\n' });
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toContain('set-secret: name the destination: set-secret storage-api');
    }
  });

  it(`takes the token from the environment when the keychain holds none`, async () => {
    fixture = await HeadlessFixture.start();
    const bytes = fixture.writeRecording('with-env-token.mp4', 2 * MiB);
    const child = fixture.run({ token: fixture.peer.token });
    await fixture.waitForStored('with-env-token.mp4');
    expect(sha256(await fixture.storedOnce('with-env-token.mp4'))).toBe(sha256(bytes));
    expect(fixture.peer.requests.every((r) => r.hadAuthorization && r.status !== 401)).toBe(true);
    expect(await fixture.keychain().get(STORAGE_API_TOKEN_SECRET)).toBeNull();
    const stopped = await child.stop('SIGTERM');
    expect(`${stopped.stdout}${stopped.stderr}`).not.toContain(fixture.peer.token);
    expect(filesContaining(fixture.dataDir, fixture.peer.token)).toEqual([]);
  });

  it('uploads wait for a token; set-secret on the side lets the running uploader go on by itself', async () => {
    const token = newToken();
    fixture = await HeadlessFixture.start({ peer: { token } });
    const bytes = fixture.writeRecording('waits-for-token.mp4', MiB + 5);
    const child = fixture.run({ token: null });
    const held = await fixture.waitForJob('waits-for-token.mp4', ['needs-auth']);
    expect(held.lastError).toMatch(/token/i);
    expect(fixture.peer.recordings()).toHaveLength(0);

    const stored = await fixture.cli(['set-secret', 'storage-api'], { input: token });
    expect(stored.code).toBe(0);
    expect(stored.stdout).toContain('1 held upload(s) will continue.');
    expect(`${stored.stdout}${stored.stderr}`).not.toContain(token);

    await fixture.waitForStored('waits-for-token.mp4', 20_000);
    expect(sha256(await fixture.storedOnce('waits-for-token.mp4'))).toBe(sha256(bytes));
    await fixture.waitForJob('waits-for-token.mp4', ['done']);
    const stopped = await child.stop('SIGTERM');
    expect(`${stopped.stdout}${stopped.stderr}`).not.toContain(token);
  });
});
