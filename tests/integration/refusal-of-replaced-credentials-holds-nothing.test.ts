import { afterEach, describe, expect, it } from 'vitest';
import type { JobView } from '../../src-shared/job.ts';
import { sha256, UploaderHarness } from '../support/uploader-harness.ts';

const MiB = 1024 * 1024;
const NEW = 'tok_new_0123456789abcdef0123456789abcd';

let harness: UploaderHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The host's fetch, except that the first chunk waits on the way out until the test lets it go. */
function fetchHoldingFirstChunk() {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let held: () => void = () => undefined;
  const whenHeld = new Promise<void>((resolve) => {
    held = resolve;
  });
  let holding = true;
  const wrapped: typeof fetch = async (input, init) => {
    if (holding && init?.method === 'PUT') {
      holding = false;
      held();
      await released;
    }
    return globalThis.fetch(input, init);
  };
  return { fetch: wrapped, whenHeld, release };
}

describe('credentials replaced while a request was out', () => {
  it('its refusal, for the credentials it went with, holds nothing: the upload goes on with the new ones', async () => {
    const slow = fetchHoldingFirstChunk();
    const h = await UploaderHarness.start({ fetch: slow.fetch, peer: { chunkSize: 256 * 1024 } });
    harness = h;
    const bytes = await h.writeRecording('replaced.mp4', 2 * MiB);
    await slow.whenHeld;

    // The server rotates the token and the operator enters the new one while the chunk, sent with
    // the old one, is still on its way.
    h.peer.setToken(NEW);
    await h.uploader.setStorageApiToken({ token: NEW });
    slow.release();

    await h.waitForStates(['replaced.mp4'], ['done'], 15_000);
    expect(sha256(await h.stored('replaced.mp4'))).toBe(sha256(bytes));
    expect(h.peer.requests.filter((r) => r.status === 401)).toHaveLength(1);
    const states = h.events.filter((e) => e.event === 'job-updated').map((e) => (e.payload as JobView).state);
    expect(states).not.toContain('needs-auth');
    expect(h.uploader.reachability.get('storage-api').needsAuthSince).toBeNull();
  });
});
