import { afterEach, describe, expect, it } from 'vitest';
import { referenceQuickXor } from '../peers/quick-xor-reference.ts';
import { OneDriveHarness } from '../support/onedrive-harness.ts';
import { waitFor as waitUntil } from '../support/recording-jobs.ts';

const MIB = 1024 * 1024;

describe('OneDrive recovers from faults', () => {
  let harness: OneDriveHarness | undefined;
  afterEach(async () => {
    await harness?.close();
  });

  const storedBytes = async (h: OneDriveHarness, path: string): Promise<Buffer> => {
    const item = h.graph.fileAt(path);
    if (item === undefined) throw new Error(`${path} is not in the drive`);
    return h.graph.drive.read(item.id);
  };

  it('a folder the account may only read fails its recording with Graph’s reason and holds nothing', async () => {
    harness = await OneDriveHarness.start();
    await harness.connect();
    await harness.writeRecording('first.mp4', MIB);
    await harness.waitForStates(['first.mp4'], ['done'], 30_000);
    harness.graph.denyWrites('/Recordings');

    await harness.writeRecording('denied.mp4', MIB);
    const [failed] = await harness.waitForStates(['denied.mp4'], ['failed'], 30_000);

    expect(failed?.lastError).toContain('403');
    expect(failed?.lastError).toContain('accessDenied');
    const connection = harness.uploader.getSnapshot().connections.find((c) => c.destination === 'onedrive');
    expect(connection?.state).toBe('connected');
    expect(harness.uploader.reachability.get('onedrive').needsAuthSince).toBeNull();
    expect(harness.jobs().some((job) => job.state === 'needs-auth')).toBe(false);
  });

  it('obeys Retry-After when Graph throttles', async () => {
    harness = await OneDriveHarness.start();
    await harness.connect();
    harness.graph.throttle({ count: 1, retryAfterSeconds: 2, on: 'upload', status: 429 });
    harness.graph.throttle({ count: 1, retryAfterSeconds: 1, on: 'api', status: 503 });
    const bytes = await harness.writeRecording('throttled.mp4', 5 * MIB);
    await harness.waitForStates(['throttled.mp4'], ['done'], 30_000);

    expect((await storedBytes(harness, '/Recordings/throttled.mp4')).equals(bytes)).toBe(true);
    const requests = harness.graph.requests;
    for (const [status, seconds] of [
      [429, 2],
      [503, 1],
    ] as const) {
      const index = requests.findIndex((r) => r.status === status);
      expect(index, `a ${status} answer`).toBeGreaterThanOrEqual(0);
      const throttled = requests[index];
      const next = requests.slice(index + 1).find((r) => r.kind === throttled?.kind);
      expect((next?.at ?? 0) - (throttled?.at ?? 0), `wait after ${status}`).toBeGreaterThanOrEqual(
        seconds * 1000 - 50,
      );
    }
  });

  it('holds every job in needs-auth when the grant is revoked, and finishes them all after a new sign-in', async () => {
    harness = await OneDriveHarness.start();
    await harness.connect();
    const first = await harness.writeRecording('before.mp4', 300_000);
    await harness.waitForStates(['before.mp4'], ['done']);

    harness.idp.revokeAll();
    const later = new Map<string, Buffer>();
    for (const name of ['after-1.mp4', 'after-2.mp4', 'after-3.mp4']) {
      later.set(name, await harness.writeRecording(name, name === 'after-2.mp4' ? 5 * MIB : 200_000));
    }
    await harness.waitForStates([...later.keys()], ['needs-auth'], 30_000);
    const held = harness.uploader.getSnapshot().connections.find((c) => c.destination === 'onedrive');
    expect(held?.state).toBe('needs-auth');
    expect(held?.detail).toMatch(/sign in again/);
    expect(harness.jobs().filter((j) => j.state === 'failed')).toEqual([]);

    const view = await harness.connect();
    expect(view.state).toBe('connected');
    await harness.waitForStates([...later.keys()], ['done'], 30_000);
    expect(harness.browserVisits).toBe(2);
    expect((await storedBytes(harness, '/Recordings/before.mp4')).equals(first)).toBe(true);
    for (const [name, bytes] of later) {
      expect((await storedBytes(harness, `/Recordings/${name}`)).equals(bytes), name).toBe(true);
    }
  });

  it('refreshes an expiring token silently before upload sessions', async () => {
    // Tokens that live less than MSAL's five-minute margin are renewed at every use.
    harness = await OneDriveHarness.start({ accessTokenTtlSeconds: 120 });
    await harness.connect();
    await harness.writeRecording('a.mp4', 5 * MIB);
    await harness.writeRecording('b.mp4', 5 * MIB);
    await harness.waitForStates(['a.mp4', 'b.mp4'], ['done']);
    expect(harness.idp.grantsOf('refresh_token').length).toBeGreaterThanOrEqual(2);
    expect(harness.idp.grantsOf('refresh_token').every((r) => r.status === 200)).toBe(true);
  });

  it('uploads again once when the stored hash differs, deleting the bad copy, and fails the second time', async () => {
    harness = await OneDriveHarness.start();
    await harness.connect();
    harness.graph.sessions.corruptCommits = 1;
    const once = await harness.writeRecording('flipped-once.mp4', 5 * MIB);
    await harness.waitForStates(['flipped-once.mp4'], ['done'], 30_000);
    const names = harness.graph.files().map((f) => f.path);
    expect(names.filter((name) => !name.endsWith('.receipt.json'))).toEqual(['/Recordings/flipped-once.mp4']);
    const stored = await storedBytes(harness, '/Recordings/flipped-once.mp4');
    expect(stored.equals(once)).toBe(true);
    expect(harness.graph.fileAt('/Recordings/flipped-once.mp4')?.quickXorHash).toBe(referenceQuickXor(once));

    harness.graph.sessions.corruptCommits = 2;
    await harness.writeRecording('flipped-twice.mp4', 1000);
    const [failed] = await harness.waitForStates(['flipped-twice.mp4'], ['failed'], 30_000);
    expect(failed?.lastError).toMatch(/quickXorHash/);
  });

  it('starts a new upload session when Graph forgets one mid-file', async () => {
    harness = await OneDriveHarness.start();
    await harness.connect();
    harness.graph.fragmentDelayMs = 50;
    const bytes = await harness.writeRecording('expiring.mp4', 12 * MIB);
    await waitUntil(
      () => harness?.graph.requests.filter((r) => r.kind === 'upload' && r.status === 202).length === 3,
      20_000,
      () => 'three fragments',
    );
    await harness.graph.expireSessions();
    harness.graph.fragmentDelayMs = 0;
    await harness.waitForStates(['expiring.mp4'], ['done'], 30_000);
    expect((await storedBytes(harness, '/Recordings/expiring.mp4')).equals(bytes)).toBe(true);
    const sessions = harness.graph.requests.filter((r) => r.path.endsWith('/createUploadSession'));
    expect(sessions).toHaveLength(2);
    expect(harness.graph.requests.some((r) => r.kind === 'upload' && r.status === 404)).toBe(true);
  });
});
