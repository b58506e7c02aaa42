import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { HeadlessFixture, MiB, sleep } from '../support/headless-fixture.ts';

// The headless host, deleting recordings once they are verified, is killed with SIGKILL after a
// recording is done and before its local files are deleted: its receipt is on its way to the
// server, held there by a request gate of the storage API peer, and deletion follows the receipt.

const NAME = 'session_9_ServerName_20241026_160000.mp4';
const SIDECAR_NAME = 'session_9_ServerName_20241026_160000_metadata.json';
const SIDECAR = JSON.stringify({ session_id: 'rdp_9_1729958400', connection_info: { con_codigo: 9 } });

let fixture: HeadlessFixture | undefined;

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** Uploads the recording with its sidecar and kills the host once it is done, its files still on disk. */
async function killedBetweenDoneAndDelete(): Promise<{ f: HeadlessFixture; bytes: Buffer }> {
  fixture = await HeadlessFixture.start({ settings: { deleteAfterUpload: true } });
  const f = fixture;
  writeFileSync(join(f.folder, SIDECAR_NAME), SIDECAR);
  const bytes = f.writeRecording(NAME, MiB + 33);
  const gate = f.peer.gates.hold('receipt');
  const first = f.run();
  await gate.whenHeld();
  await f.waitForJob(NAME, ['done'], 5_000);
  expect((await first.stop('SIGKILL')).signal).toBe('SIGKILL');
  gate.release();
  await gate.whenSettled();
  expect(existsSync(join(f.folder, NAME))).toBe(true);
  expect(existsSync(join(f.folder, SIDECAR_NAME))).toBe(true);
  return { f, bytes };
}

function ledgerEvents(f: HeadlessFixture): { event: string; details: Record<string, unknown> }[] {
  const db = new BetterSqlite3(join(f.dataDir, 'uploader.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT event, details FROM ledger ORDER BY seq').all() as {
      event: string;
      details: string;
    }[];
    return rows.map((row) => ({ event: row.event, details: JSON.parse(row.details) }));
  } finally {
    db.close();
  }
}

function jobColumn(f: HeadlessFixture, column: 'local_deleted_at' | 'deletion_owed'): unknown {
  const db = new BetterSqlite3(join(f.dataDir, 'uploader.db'), { readonly: true });
  try {
    return (db.prepare(`SELECT ${column} AS value FROM jobs`).get() as { value: unknown }).value;
  } finally {
    db.close();
  }
}

const localDeletedAt = (f: HeadlessFixture): unknown => jobColumn(f, 'local_deleted_at');

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen in ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe('a deletion owed when the process died', () => {
  it('is carried out by the next start: the verified video and its sidecar are deleted, once', async () => {
    const { f, bytes } = await killedBetweenDoneAndDelete();

    f.peer.clearRequests();
    const again = f.run();
    await again.waitForOutput(/Watching /);
    await until(
      () => !existsSync(join(f.folder, NAME)) && !existsSync(join(f.folder, SIDECAR_NAME)),
      20_000,
      'the owed deletion',
    );

    expect(await f.storedOnce(NAME)).toEqual(bytes);
    const kinds = f.peer.requests.map((r) => r.kind);
    expect(kinds).not.toContain('create');
    expect(kinds).not.toContain('chunk');
    await until(() => localDeletedAt(f) !== null, 5_000, 'the deletion recorded');
    const deleted = ledgerEvents(f).filter((e) => e.event === 'local-deleted');
    expect(deleted).toEqual([
      {
        event: 'local-deleted',
        details: { path: join(f.folder, NAME), sidecar: join(f.folder, SIDECAR_NAME) },
      },
    ]);
    expect(f.jobs()[0]?.warning ?? null).toBeNull();
    expect(await again.stop('SIGTERM')).toMatchObject({ code: 0 });
    expect(ledgerEvents(f).filter((e) => e.event === 'local-deleted')).toHaveLength(1);
  });

  it('never deletes a file replaced since (same name, size and time, other bytes): a warning names it', async () => {
    const { f } = await killedBetweenDoneAndDelete();
    const video = join(f.folder, NAME);
    const { mtime, size } = statSync(video);
    const replacement = Buffer.alloc(size, 7);
    writeFileSync(video, replacement);
    // The same modification time: nothing but the bytes tells this file from the one verified.
    utimesSync(video, mtime, mtime);

    const again = f.run();
    await again.waitForOutput(/Watching /);
    await until(() => f.jobs()[0]?.warning != null, 10_000, 'a warning about the kept file');
    // Give a wrong deletion every chance to happen before looking.
    await sleep(300);

    expect(readFileSync(video)).toEqual(replacement);
    expect(existsSync(join(f.folder, SIDECAR_NAME))).toBe(true);
    const job = f.jobs()[0];
    expect(job?.warning).toContain(video);
    expect(job?.warning).toMatch(/not the file that was verified/);
    expect(localDeletedAt(f)).toBeNull();
    expect(ledgerEvents(f).filter((e) => e.event === 'local-deleted')).toHaveLength(0);
    expect(await again.stop('SIGTERM')).toMatchObject({ code: 0 });
  });

  it('is dropped, the files kept, when deleting after upload was turned off before the next start', async () => {
    const { f } = await killedBetweenDoneAndDelete();
    expect(jobColumn(f, 'deletion_owed')).not.toBeNull();
    const settings = JSON.parse(readFileSync(f.settingsFile, 'utf8')) as Record<string, unknown>;
    f.writeSettings({ ...settings, deleteAfterUpload: false });

    const again = f.run();
    await again.waitForOutput(/Watching /);
    await until(() => jobColumn(f, 'deletion_owed') === null, 10_000, 'the owed deletion dropped');

    expect(existsSync(join(f.folder, NAME))).toBe(true);
    expect(existsSync(join(f.folder, SIDECAR_NAME))).toBe(true);
    expect(localDeletedAt(f)).toBeNull();
    expect(await again.stop('SIGTERM')).toMatchObject({ code: 0 });
  });
});
