import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileLogger, type FileLogger } from '../../src-main/core/logging/file-logger.ts';
import { DriveHarness } from '../support/drive-harness.ts';

let harness: DriveHarness | undefined;
let logger: FileLogger | undefined;
const logRoot = mkdtempSync(join(tmpdir(), 'gdrive-log-'));
afterEach(async () => {
  await harness?.close();
  await logger?.close();
  harness = undefined;
  rmSync(logRoot, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('Google sign-in secrets', () => {
  it('never reach the data folder, the log or the bridge events, through sign-in, refresh, revocation and sign-out', {
    timeout: 60_000,
  }, async () => {
    logger = createFileLogger({ dir: join(logRoot, 'logs'), level: 'debug' });
    harness = await DriveHarness.start({ logger });
    const h = harness;
    await h.writeRecording('one.mp4', 300 * 1024, { session_id: 'one' });
    await h.waitForStates(['one.mp4'], ['done']);
    h.identity.expireAccessTokens();
    await h.writeRecording('two.mp4', 300 * 1024);
    await h.waitForStates(['two.mp4'], ['done']);
    h.identity.revokeAll();
    h.identity.expireAccessTokens();
    await h.writeRecording('three.mp4', 300 * 1024);
    await h.waitForStates(['three.mp4'], ['needs-auth']);
    await h.connect();
    await h.waitForStates(['three.mp4'], ['done']);
    await h.uploader.disconnect({ destination: 'gdrive' });

    const secrets = h.identity.issuedSecrets();
    // Two sign-ins: two codes, two refresh tokens, and an access token per sign-in and refresh.
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    const places = [
      ...filesUnder(h.dataDir).map((path) => ({ path, text: readFileSync(path).toString('latin1') })),
      ...filesUnder(join(logRoot, 'logs')).map((path) => ({ path, text: readFileSync(path, 'utf8') })),
      { path: 'bridge events', text: JSON.stringify(h.events) },
    ];
    expect(places.some((p) => p.path.endsWith('.log') && p.text.includes('credentials rejected'))).toBe(true);
    for (const place of places) {
      for (const secret of secrets)
        expect(place.text.includes(secret), `${place.path} holds a Google secret`).toBe(false);
    }
  });
});
