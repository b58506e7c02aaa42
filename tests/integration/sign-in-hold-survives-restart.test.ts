import { afterEach, describe, expect, it } from 'vitest';
import {
  STORAGE_API_TOKEN_ENV,
  STORAGE_API_TOKEN_SECRET,
} from '../../src-main/core/auth/env-secret-store.ts';
import type { JobView } from '../../src-shared/job.ts';
import { sha256, UploaderHarness } from '../support/uploader-harness.ts';

const MiB = 1024 * 1024;
const NAMES = ['held-1.mp4', 'held-2.mp4'];
const ROTATED = 'tok_rotated_0123456789abcdef0123456789';

let harness: UploaderHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const updates = (h: UploaderHarness): JobView[] =>
  h.events.filter((e) => e.event === 'job-updated').map((e) => e.payload as JobView);

/** Held means held: nothing is tried with the rejected token, and the server hears nothing. */
async function expectStillHeld(h: UploaderHarness, names: string[]): Promise<void> {
  // Requests the stopped uploader had on the wire may still reach the server just after the
  // restart on a loaded machine: the held uploader is watched once those have landed.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const before = h.peer.requests.length;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(
    h
      .jobs()
      .filter((job) => names.includes(job.fileName))
      .map((job) => job.state),
  ).toEqual(names.map(() => 'needs-auth'));
  expect(h.peer.requests.length).toBe(before);
  const connection = h.uploader.getSnapshot().connections.find((c) => c.destination === 'storage-api');
  expect(connection?.state).toBe('needs-auth');
  expect(connection?.detail).toContain('enter a new one');
}

describe('a destination held for sign-in', () => {
  it('stays held across a restart, and a token stored afterwards releases every held job', async () => {
    const h = await UploaderHarness.start({ peer: { chunkSize: 256 * 1024 }, settings: { maxRetries: 1 } });
    harness = h;
    h.peer.setToken(ROTATED);
    const written = new Map<string, Buffer>();
    for (const name of NAMES) written.set(name, await h.writeRecording(name, 2 * MiB));
    await h.waitForStates(NAMES, ['needs-auth']);
    // The other recording's request may still be answered: the hold is read once the wire is quiet.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const heldSince = h.uploader.reachability.get('storage-api').needsAuthSince;
    expect(heldSince).not.toBeNull();

    await h.restart();

    await expectStillHeld(h, NAMES);
    expect(h.uploader.reachability.get('storage-api').needsAuthSince).toBe(heldSince);
    // A recording found while held waits with the others.
    written.set('later.mp4', await h.writeRecording('later.mp4', MiB));
    await h.waitForStates(['later.mp4'], ['needs-auth']);

    // What `set-secret` does from another process: the keychain entry changes, nothing else.
    await h.secrets.set(STORAGE_API_TOKEN_SECRET, ROTATED);

    await h.waitForStates([...NAMES, 'later.mp4'], ['done']);
    for (const [name, bytes] of written) expect(sha256(await h.stored(name)), name).toBe(sha256(bytes));
    expect(updates(h).some((job) => job.state === 'failed')).toBe(false);
    expect(h.uploader.reachability.get('storage-api').needsAuthSince).toBeNull();
  });

  it('a rotated environment token releases the held jobs at the next start', async () => {
    const h = await UploaderHarness.start({ token: null, settings: { maxRetries: 1 } });
    harness = h;
    await h.restart({ env: { [STORAGE_API_TOKEN_ENV]: h.peer.token } });
    h.peer.setToken(ROTATED);
    const bytes = await h.writeRecording('env-token.mp4', MiB);
    const [held] = await h.waitForStates(['env-token.mp4'], ['needs-auth']);
    expect(held?.lastError).toMatch(/401/);

    // The service is restarted with the new token in its environment.
    await h.restart({ env: { [STORAGE_API_TOKEN_ENV]: ROTATED } });

    await h.waitForStates(['env-token.mp4'], ['done']);
    expect(sha256(await h.stored('env-token.mp4'))).toBe(sha256(bytes));
    expect(await h.secrets.get(STORAGE_API_TOKEN_SECRET)).toBeNull();
  });

  it('Retry on a held job tries the stored credentials again', async () => {
    const h = await UploaderHarness.start({ peer: { chunkSize: 256 * 1024 }, settings: { maxRetries: 1 } });
    harness = h;
    // One refusal of a token the server accepts again afterwards (a hiccup at its identity service).
    h.peer.faults.serverErrors(1, 401, ['chunk']);
    const bytes = await h.writeRecording('retried.mp4', 2 * MiB);
    const [held] = await h.waitForStates(['retried.mp4'], ['needs-auth']);
    await expectStillHeld(h, ['retried.mp4']);

    const view = h.uploader.retry({ jobId: held?.id ?? -1 });

    expect(['queued', 'uploading']).toContain(view.state);
    await h.waitForStates(['retried.mp4'], ['done']);
    expect(sha256(await h.stored('retried.mp4'))).toBe(sha256(bytes));
  });
});
