import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MIGRATIONS,
  type Migration,
  migrate,
  openDatabase,
  schemaVersion,
} from '../../src-main/core/store/database.ts';
import { readInstallId } from '../../src-main/core/store/install-id.ts';

// `status` beside a `run` that starts for the first time, or the desktop app and the headless
// host, open one new database at the same moment: both find it empty, and one of them migrates
// it while the other waits for the write lock.

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('a new database opened by two processes at once', () => {
  it('is migrated once; the one that waited finds the steps done and goes on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-race-'));
    dirs.push(dir);
    const file = join(dir, 'uploader.db');
    const first = new BetterSqlite3(file);
    first.pragma('busy_timeout = 5000');
    let otherRan = false;
    // The first reads the schema version, then the other process migrates in full before the
    // first takes the write lock for its first step.
    const racing = new Proxy(MIGRATIONS as Migration[], {
      get(target, property, receiver) {
        if (property === '0' && !otherRan) {
          otherRan = true;
          openDatabase(file).close();
        }
        return Reflect.get(target, property, receiver);
      },
    });

    expect(() => migrate(first, file, racing)).not.toThrow();

    expect(otherRan).toBe(true);
    expect(schemaVersion(first)).toBe(MIGRATIONS.length);
    expect(first.prepare("SELECT count(*) FROM meta WHERE key = 'install_id'").pluck().get()).toBe(1);
    first.close();
    const reopened = openDatabase(file);
    expect(readInstallId(reopened)).toMatch(/^[0-9a-f-]{36}$/);
    reopened.close();
  });
});
