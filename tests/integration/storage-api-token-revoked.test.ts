import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { STORAGE_API_TOKEN_SECRET } from '../../src-main/core/auth/env-secret-store.ts';
import { readInstallId } from '../../src-main/core/store/install-id.ts';
import type { JobView } from '../../src-shared/job.ts';
import { chunkStart, tapFetch } from '../support/fetch-tap.ts';
import { sha256, UploaderHarness } from '../support/uploader-harness.ts';

const MiB = 1024 * 1024;
const NAMES = ['rdp-1.mp4', 'rdp-2.mp4', 'rdp-3.mp4', 'rdp-4.mp4'];
const NEW_TOKEN = 'tok_rotated_after_revocation_0123456789';

let harness: UploaderHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Two uploading, two queued, and the server revokes the token as the first chunk is acknowledged. */
async function revokeMidUpload(): Promise<{
  h: UploaderHarness;
  written: Map<string, Buffer>;
  atRevocation: string[];
}> {
  let revoked = false;
  let atRevocation: string[] = [];
  const h = await UploaderHarness.start({
    peer: { chunkSize: 256 * 1024 },
    settings: { chunkSizeBytes: MiB, maxConcurrentUploads: 2, maxRetries: 1 },
    fetch: tapFetch((exchange) => {
      if (revoked || chunkStart(exchange) === null || exchange.status !== 308) return;
      revoked = true;
      atRevocation = (harness?.jobs() ?? []).map((job) => job.state).sort();
      harness?.peer.setToken(NEW_TOKEN);
    }),
  });
  harness = h;
  // Paused until all four are queued, so two start together and two wait their turn.
  await h.uploader.pauseAll({ until: null });
  const written = new Map<string, Buffer>();
  for (const name of NAMES) written.set(name, await h.writeRecording(name, 4 * MiB));
  await h.waitForStates(NAMES, ['queued']);
  await h.uploader.resumeAll();
  await h.waitForStates(NAMES, ['needs-auth']);
  return { h, written, atRevocation };
}

/** The revocation hit while two uploads ran and two others waited their turn. */
function expectSeveralUnderway(states: string[]): void {
  expect(states).toEqual(['queued', 'queued', 'uploading', 'uploading']);
}

function updates(h: UploaderHarness): JobView[] {
  return h.events.filter((e) => e.event === 'job-updated').map((e) => e.payload as JobView);
}

/** Held means held: no job flips back to try the rejected token again, and the server hears nothing. */
async function expectStaysHeld(h: UploaderHarness): Promise<void> {
  const requestsBefore = h.peer.requests.length;
  await new Promise((resolve) => setTimeout(resolve, 600));
  expect(h.jobs().map((job) => job.state)).toEqual(NAMES.map(() => 'needs-auth'));
  expect(h.peer.requests.length).toBe(requestsBefore);
  // Every job, the queued ones too, shows why it waits.
  for (const job of h.jobs()) expect(job.lastError).toMatch(/answered 401: the API token is not valid/);
}

async function expectAllLanded(h: UploaderHarness, written: Map<string, Buffer>): Promise<void> {
  await h.waitForStates(NAMES, ['done']);
  expect(h.peer.recordings()).toHaveLength(NAMES.length);
  for (const [name, bytes] of written) expect(sha256(await h.stored(name)), name).toBe(sha256(bytes));
  expect(updates(h).some((job) => job.state === 'failed')).toBe(false);
}

describe('a revoked storage API token holds every job of the destination until a new one is given', () => {
  it('needs-auth for all (none failed), then the token entered in the uploader finishes them all', async () => {
    const { h, written, atRevocation } = await revokeMidUpload();
    expectSeveralUnderway(atRevocation);

    expect(updates(h).some((job) => job.state === 'failed')).toBe(false);
    await expectStaysHeld(h);
    const connection = h.uploader.getSnapshot().connections.find((c) => c.destination === 'storage-api');
    expect(connection?.state).toBe('needs-auth');

    const view = await h.uploader.setStorageApiToken({ token: NEW_TOKEN });

    expect(view.state).toBe('connected');
    await expectAllLanded(h, written);
    expect(await h.secrets.get(STORAGE_API_TOKEN_SECRET)).toBe(NEW_TOKEN);
  });

  it('a token stored in the keychain by another process is noticed by the running uploader', async () => {
    const { h, written, atRevocation } = await revokeMidUpload();
    expectSeveralUnderway(atRevocation);
    await expectStaysHeld(h);

    await setTokenFromAnotherProcess(readInstallId(h.db), h.dataDir, NEW_TOKEN);

    await expectAllLanded(h, written);
  });

  it('403 holds the jobs the same way: needs-auth, nothing failed, until a token is entered', async () => {
    const h = await UploaderHarness.start({
      peer: { chunkSize: 256 * 1024 },
      settings: { chunkSizeBytes: MiB, maxRetries: 1 },
    });
    harness = h;
    h.peer.faults.serverErrors(1, 403, ['chunk']);
    const bytes = await h.writeRecording('forbidden.mp4', 2 * MiB);

    const [held] = await h.waitForStates(['forbidden.mp4'], ['needs-auth']);
    expect(held?.lastError).toMatch(/answered 403/);
    const requestsBefore = h.peer.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(h.job('forbidden.mp4')?.state).toBe('needs-auth');
    expect(h.peer.requests.length).toBe(requestsBefore);

    await h.uploader.setStorageApiToken({ token: h.peer.token });

    await h.waitForStates(['forbidden.mp4'], ['done']);
    expect(sha256(await h.stored('forbidden.mp4'))).toBe(sha256(bytes));
    expect(updates(h).some((job) => job.state === 'failed')).toBe(false);
  });
});

const keychainModule = fileURLToPath(
  new URL('../../src-main/core/auth/keychain-secret-store.ts', import.meta.url),
);

/** What the headless `set-secret` does: a separate process writes the keychain entry. */
async function setTokenFromAnotherProcess(namespace: string, dataDir: string, token: string): Promise<void> {
  const script = `
    const { KeychainSecretStore } = await import(process.env.KEYCHAIN_MODULE);
    const store = new KeychainSecretStore({ namespace: process.env.NS, dataDir: process.env.DATA_DIR });
    await store.set(process.env.SECRET_NAME, process.env.NEW_TOKEN);
  `;
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      ...process.env,
      KEYCHAIN_MODULE: keychainModule,
      NS: namespace,
      DATA_DIR: dataDir,
      SECRET_NAME: STORAGE_API_TOKEN_SECRET,
      NEW_TOKEN: token,
    },
  });
}
