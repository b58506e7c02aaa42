import { spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RemoteSession } from '../../src-main/core/destinations/destination.ts';
import { openDatabase } from '../../src-main/core/store/database.ts';
import {
  jobStoreOn,
  type ManualClock,
  manualClock,
  recording,
  TEST_SESSION_KEY,
  TempDatabase,
} from '../support/store-fixtures.ts';

const moduleUrl = (path: string): string => pathToFileURL(resolve(import.meta.dirname, '../..', path)).href;

const SESSION: RemoteSession = {
  mode: 'chunked',
  chunkMultiple: 262_144,
  maxChunkBytes: 60 * 1024 * 1024,
  expiresAt: 1_730_554_822_000,
  state: {
    sessionUri: 'https://upload.example/drive/v3/files?upload_id=xyz',
    fileId: null,
    resumable: true,
    parts: 3,
  },
};

describe('the store survives a restart', () => {
  let temp: TempDatabase;
  let clock: ManualClock;

  beforeEach(() => {
    temp = new TempDatabase();
    clock = manualClock();
  });
  afterEach(() => temp.remove());

  it('opens in WAL mode with the durability settings, and creates the folder it needs', () => {
    const db = temp.open();

    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(existsSync(temp.file)).toBe(true);
  });

  it('keeps what was committed when the process is killed, from the WAL file', () => {
    // A real process, killed without a chance to close or checkpoint the database.
    const script = join(temp.dir, 'killed-writer.mjs');
    writeFileSync(
      script,
      `import { openDatabase } from ${JSON.stringify(moduleUrl('src-main/core/store/database.ts'))};
       import { SqliteJobStore } from ${JSON.stringify(moduleUrl('src-main/core/store/job-store.ts'))};
       import { SessionSealer } from ${JSON.stringify(moduleUrl('src-main/core/auth/session-sealer.ts'))};
       const sealer = new SessionSealer(Buffer.from(process.argv[4], 'base64'));
       const store = new SqliteJobStore(openDatabase(process.argv[2]), { now: () => 1000 }, sealer);
       const job = store.enqueue({ path: '/rec/in-wal.mp4', sizeBytes: 4096, mtimeMs: 5, sidecarPath: null }, 'gdrive');
       store.claimNext(['gdrive']);
       store.saveSession(job.id, JSON.parse(process.argv[3]));
       store.saveProgress(job.id, 786432);
       process.kill(process.pid, 'SIGKILL');`,
    );
    const key = TEST_SESSION_KEY.toString('base64');
    const child = spawnSync(process.execPath, [script, temp.file, JSON.stringify(SESSION), key], {
      encoding: 'utf8',
    });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    expect(statSync(`${temp.file}-wal`).size).toBeGreaterThan(0);

    const store = jobStoreOn(temp.open(), clock);

    expect(store.list('all', 0, 10)).toEqual([
      expect.objectContaining({
        path: '/rec/in-wal.mp4',
        state: 'uploading',
        session: SESSION,
        confirmedBytes: 786_432,
      }),
    ]);
    expect(store.recoverInterrupted()).toBe(1);
  });

  it('round-trips the remote session and the confirmed offset through a restart', () => {
    const store = jobStoreOn(temp.open(), clock);
    const id = store.enqueue(recording(), 'onedrive')?.id ?? -1;
    store.claimNext(['onedrive']);
    store.saveSession(id, SESSION);
    store.saveProgress(id, 1_048_576);
    store.setWarning(id, 'uploaded and verified, but its receipt was not placed');
    store.setSidecarWarning(id, 'the sidecar is not valid JSON');
    store.setSidecar(id, '/rec/late-sidecar.json');

    const after = jobStoreOn(temp.restart(), clock).get(id);

    expect(after).toMatchObject({
      state: 'uploading',
      session: SESSION,
      confirmedBytes: 1_048_576,
      warning: 'uploaded and verified, but its receipt was not placed',
      sidecarWarning: 'the sidecar is not valid JSON',
      sidecarPath: '/rec/late-sidecar.json',
    });
  });

  it('puts jobs a crash left uploading or verifying back in the queue, keeping where they were', () => {
    const store = jobStoreOn(temp.open(), clock);
    const uploading = store.enqueue(recording(), 'storage-api')?.id ?? -1;
    const verifying = store.enqueue(recording(), 'storage-api')?.id ?? -1;
    const waiting = store.enqueue(recording(), 'storage-api')?.id ?? -1;
    const done = store.enqueue(recording(), 'storage-api')?.id ?? -1;
    for (let i = 0; i < 4; i++) store.claimNext(['storage-api']);
    store.saveSession(uploading, SESSION);
    store.saveProgress(uploading, 524_288);
    store.markVerifying(verifying);
    store.markWaiting(waiting, 'offline', clock.now() + 10_000, false);
    store.markDone(done, { id: 'f-1', url: null });

    clock.advance(60_000);
    const restarted = jobStoreOn(temp.restart(), clock);

    expect(restarted.recoverInterrupted()).toBe(2);
    expect(restarted.get(uploading)).toMatchObject({
      state: 'queued',
      session: SESSION,
      confirmedBytes: 524_288,
      updatedAt: clock.now(),
    });
    expect(restarted.get(verifying)?.state).toBe('queued');
    expect(restarted.get(waiting)?.state).toBe('waiting');
    expect(restarted.get(done)?.state).toBe('done');
    expect(restarted.recoverInterrupted()).toBe(0);
  });

  it('treats a session that no longer reads back as none, rather than failing the queue', () => {
    const db = temp.open();
    const store = jobStoreOn(db, clock);
    const id = store.enqueue(recording(), 'onedrive')?.id ?? -1;
    db.prepare('UPDATE jobs SET session = ? WHERE id = ?').run('{"mode":"chunk', id);

    expect(store.get(id)?.session).toBeNull();
    expect(store.list('all', 0, 10)).toHaveLength(1);
  });

  it('names the file when it is not a database', () => {
    const file = join(temp.dir, 'not-a-db.db');
    writeFileSync(file, 'these are not the bytes of an SQLite database, not even close to it at all');

    expect(() => openDatabase(file)).toThrow(`cannot use the database ${file}: file is not a database`);
  });
});
