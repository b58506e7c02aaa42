import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Database,
  MIGRATIONS,
  migrate,
  openDatabase,
  SchemaTooNewError,
  schemaVersion,
} from '../../src-main/core/store/database.ts';
import { readInstallId } from '../../src-main/core/store/install-id.ts';
import { TempDatabase } from '../support/store-fixtures.ts';

const tableNames = (db: Database): string[] =>
  db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];

describe('schema migrations', () => {
  let temp: TempDatabase;

  beforeEach(() => {
    temp = new TempDatabase();
  });
  afterEach(() => temp.remove());

  it('brings a fresh database to the newest version with every table', () => {
    const db = temp.open();

    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(tableNames(db)).toEqual(expect.arrayContaining(['jobs', 'meta', 'settings']));
  });

  it('makes a random install id once, and keeps it', () => {
    const first = readInstallId(temp.open());
    const again = readInstallId(temp.restart());
    const other = new TempDatabase();
    try {
      expect(first).toMatch(/^[0-9a-f-]{36}$/);
      expect(again).toBe(first);
      expect(readInstallId(other.open())).not.toBe(first);
    } finally {
      other.remove();
    }
  });

  it('does not run a step twice when opened again', () => {
    temp.open().prepare("INSERT INTO settings (name, value) VALUES ('settleSeconds', '5')").run();

    const db = temp.restart();

    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.prepare("SELECT value FROM settings WHERE name = 'settleSeconds'").pluck().get()).toBe('5');
  });

  it('refuses a database from a newer version, naming the file and both versions', () => {
    temp.open().pragma(`user_version = ${MIGRATIONS.length + 3}`);
    temp.closeAll();

    let thrown: unknown;
    try {
      openDatabase(temp.file);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(SchemaTooNewError);
    const message = (thrown as Error).message;
    expect(message).toContain(temp.file);
    expect(message).toContain(`schema version ${MIGRATIONS.length + 3}`);
    expect(message).toContain(`only up to version ${MIGRATIONS.length}`);
    // The refused file is left as it was, for the newer version to open again.
    const raw = new BetterSqlite3(temp.file);
    expect(schemaVersion(raw)).toBe(MIGRATIONS.length + 3);
    raw.close();
  });

  it('moves a sidecar’s warning written before it had a column of its own there, and leaves others', () => {
    const db = new BetterSqlite3(':memory:');
    const step = MIGRATIONS.findIndex((migration) => migration.name === 'addSidecarWarning');
    migrate(db, ':memory:', MIGRATIONS.slice(0, step));
    const insert = db.prepare(
      `INSERT INTO jobs (destination, path, file_name, size_bytes, mtime_ms, state, warning, created_at, updated_at)
       VALUES ('storage-api', ?, 'a.mp4', 1, 1, 'done', ?, 1, 1)`,
    );
    const sidecar =
      'metadata file "/rec/a_metadata.json" is not valid JSON; the recording is uploaded without its metadata';
    insert.run('/rec/a.mp4', sidecar);
    insert.run('/rec/b.mp4', 'uploaded and verified, but its receipt was not placed: 503');

    migrate(db, ':memory:', MIGRATIONS);

    const rows = db.prepare('SELECT warning, sidecar_warning FROM jobs ORDER BY id').all();
    expect(rows).toEqual([
      { warning: null, sidecar_warning: sidecar },
      { warning: 'uploaded and verified, but its receipt was not placed: 503', sidecar_warning: null },
    ]);
    db.close();
  });

  it('leaves the previous version intact when a step fails halfway', () => {
    const db = temp.open();
    const steps = [
      ...MIGRATIONS,
      (d: Database) => d.exec('CREATE TABLE later_step (id TEXT PRIMARY KEY)'),
      (d: Database) => {
        d.exec('CREATE TABLE half_done (x INTEGER)');
        throw new Error('disk full');
      },
    ];

    expect(() => migrate(db, temp.file, steps)).toThrow('disk full');

    expect(schemaVersion(db)).toBe(MIGRATIONS.length + 1);
    expect(tableNames(db)).toContain('later_step');
    expect(tableNames(db)).not.toContain('half_done');
  });
});
