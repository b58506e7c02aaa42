import { afterEach, describe, expect, it } from 'vitest';
import { HeadlessFixture, MiB, sha256 } from '../support/headless-fixture.ts';

// The headless host is killed with SIGKILL after a recording is done but while its receipt is on
// its way to the server (held there by a request gate of the storage API peer).

const NAME = 'session_7_ServerName_20241026_150000.mp4';

let fixture: HeadlessFixture | undefined;

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('a receipt owed when the process died', () => {
  it('is placed by the next start by itself, once, and the recording is not sent again', async () => {
    fixture = await HeadlessFixture.start();
    const f = fixture;
    const bytes = f.writeRecording(NAME, MiB + 17);
    const gate = f.peer.gates.hold('receipt');
    const first = f.run();
    await gate.whenHeld();
    const done = await f.waitForJob(NAME, ['done'], 5_000);
    expect((await first.stop('SIGKILL')).signal).toBe('SIGKILL');
    gate.release();
    await gate.whenSettled();
    const fileId = done.remoteId ?? 'no remote id';
    expect(f.peer.receipt(fileId)).toBeUndefined();

    // A machine policy that does not validate stops everything sent to a destination, this too.
    f.writePolicy('{ "settings": ');
    f.peer.clearRequests();
    const stopped = f.run();
    await stopped.waitForOutput(/Watching /);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(f.peer.requests.filter((r) => r.kind === 'receipt')).toHaveLength(0);
    expect(await stopped.stop('SIGTERM')).toMatchObject({ code: 0 });
    f.writePolicy({});

    f.peer.clearRequests();
    const again = f.run();
    await again.waitForOutput(/Watching /);
    const deadline = Date.now() + 20_000;
    while (f.peer.receipt(fileId) === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    expect(f.peer.receipt(fileId)).toMatchObject({ fileName: NAME, sha256: sha256(bytes) });
    const kinds = f.peer.requests.map((r) => r.kind);
    expect(kinds.filter((kind) => kind === 'receipt')).toHaveLength(1);
    expect(kinds).not.toContain('create');
    expect(kinds).not.toContain('chunk');
    expect(await again.stop('SIGTERM')).toMatchObject({ code: 0 });
    // Placed: the next start owes nothing and sends nothing.
    f.peer.clearRequests();
    const third = f.run();
    await third.waitForOutput(/Watching /);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(f.peer.requests.filter((r) => r.kind === 'receipt')).toHaveLength(0);
    expect(await third.stop('SIGTERM')).toMatchObject({ code: 0 });
  });
});
