import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionSealer } from '../../src-main/core/auth/session-sealer.ts';
import type { Clock } from '../../src-main/core/host-services.ts';
import type { Recording } from '../../src-main/core/recording.ts';
import { type Database, openDatabase } from '../../src-main/core/store/database.ts';
import { SqliteJobStore } from '../../src-main/core/store/job-store.ts';
import type { DestinationKind } from '../../src-shared/settings.ts';

/** A clock the test moves by hand, so due times and "today" are exact. */
export interface ManualClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

export function manualClock(start = Date.UTC(2024, 9, 26, 15, 0, 0)): ManualClock {
  let now = start;
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** The key upload sessions are sealed with: one per test process, as the keychain keeps one across restarts. */
export const TEST_SESSION_KEY = randomBytes(32);

/** A fresh folder holding a database file, and every connection opened on it, closed on cleanup. */
export class TempDatabase {
  readonly dir = mkdtempSync(join(tmpdir(), 'uploader-store-'));
  readonly file = join(this.dir, 'data', 'uploader.db');
  readonly #open: Database[] = [];

  open(): Database {
    const db = openDatabase(this.file);
    this.#open.push(db);
    return db;
  }

  /** Closes every connection, as a process exit would, and opens the file again. */
  restart(): Database {
    this.closeAll();
    return this.open();
  }

  closeAll(): void {
    for (const db of this.#open.splice(0)) if (db.open) db.close();
  }

  remove(): void {
    this.closeAll();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function jobStoreOn(db: Database, clock: Clock = manualClock()): SqliteJobStore {
  return new SqliteJobStore(db, clock, new SessionSealer(TEST_SESSION_KEY));
}

let counter = 0;

/** A recording identity; each call without a path names a new file. */
export function recording(overrides: Partial<Recording> = {}): Recording {
  counter += 1;
  return {
    path: `/recordings/session_${counter}_Server_20241026_150000.mp4`,
    sizeBytes: 15_728_640,
    mtimeMs: 1_729_950_022_123.456,
    sidecarPath: null,
    ...overrides,
  };
}

export const STORAGE_API: DestinationKind = 'storage-api';
