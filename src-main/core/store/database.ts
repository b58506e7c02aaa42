import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export type Database = BetterSqlite3.Database;
export type Statement = BetterSqlite3.Statement;
export type Migration = (db: Database) => void;

/**
 * The schema, one step per released change, in order: step N brings user_version from N-1 to N.
 * A released step is never edited (databases in the field already ran it); a change is a new step.
 */
export const MIGRATIONS: readonly Migration[] = [
  createInitialSchema,
  addAccountsAndRemoteFolders,
  addDestinationReachability,
  addLedgerAndProofColumns,
  addPendingDiscard,
  addCredentialBindings,
  addReceiptOwed,
  addSidecarWarning,
  addDeletionOwed,
];

/**
 * Opens (creating if needed) the uploader's database and brings its schema up to date.
 * Throws, naming the file, when the file is not a usable database or was written by a newer version.
 */
export function openDatabase(file: string): Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let db: Database;
  try {
    db = new BetterSqlite3(file);
  } catch (error) {
    throw new Error(`cannot open the database ${file}: ${messageOf(error)}`, { cause: error });
  }
  try {
    configure(db);
    migrate(db, file, MIGRATIONS);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof SchemaTooNewError) throw error;
    throw new Error(`cannot use the database ${file}: ${messageOf(error)}`, { cause: error });
  }
}

/**
 * Opens an existing database only to read it (an audit of a copy, or beside a running uploader):
 * nothing is created or migrated. Throws, naming the file, when it is missing or not a database.
 */
export function openDatabaseToRead(file: string): Database {
  let db: Database;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new Error(`cannot open the database ${file}: ${messageOf(error)}`, { cause: error });
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    schemaVersion(db);
    return db;
  } catch (error) {
    db.close();
    throw new Error(`cannot read the database ${file}: ${messageOf(error)}`, { cause: error });
  }
}

const BUSY_TIMEOUT_MS = 5000;
/** Something to block on for a few milliseconds: opening the database is synchronous throughout. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

function configure(db: Database): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  switchToWriteAheadLog(db);
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
}

/**
 * WAL lets a status reader run beside the uploader; NORMAL is durable across a process crash (only
 * a power cut can lose the last commits, never corrupt the file). Switching a new file to WAL needs
 * it alone, and SQLite answers SQLITE_BUSY at once, without waiting, when another process opening
 * the same new file holds it (status beside a first run): so the switch is tried again until the
 * busy timeout.
 */
function switchToWriteAheadLog(db: Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      Atomics.wait(PAUSE, 0, 0, 5 + Math.random() * 20);
    }
  }
}

export class SchemaTooNewError extends Error {
  constructor(file: string, found: number, known: number) {
    super(
      `the database ${file} has schema version ${found}, but this version of Recording Uploader ` +
        `knows only up to version ${known}: it was written by a newer version. ` +
        'Install that version again, or move the file away to start with an empty queue.',
    );
    this.name = 'SchemaTooNewError';
  }
}

/** Runs each pending step in its own transaction, so a failed step leaves the previous version intact. */
export function migrate(db: Database, file: string, migrations: readonly Migration[]): void {
  const current = schemaVersion(db);
  if (current > migrations.length) throw new SchemaTooNewError(file, current, migrations.length);
  for (let version = current + 1; version <= migrations.length; version++) {
    const step = migrations[version - 1];
    if (step === undefined) continue;
    db.transaction(() => {
      // Another process opening the same new database (status beside run) may have applied
      // this step while we waited for the write lock.
      if (schemaVersion(db) >= version) return;
      step(db);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function createInitialSchema(db: Database): void {
  db.exec(`
    CREATE TABLE jobs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      destination TEXT NOT NULL,
      path TEXT NOT NULL,
      file_name TEXT NOT NULL,
      size_bytes INTEGER NOT NULL,
      mtime_ms REAL NOT NULL,
      sidecar_path TEXT,
      state TEXT NOT NULL CHECK (state IN
        ('queued', 'uploading', 'verifying', 'done', 'waiting', 'needs-auth', 'failed', 'paused', 'cancelled')),
      session TEXT,
      confirmed_bytes INTEGER NOT NULL DEFAULT 0,
      attempts INTEGER NOT NULL DEFAULT 0,
      verify_failures INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER,
      last_error TEXT,
      warning TEXT,
      remote_id TEXT,
      remote_url TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      completed_at INTEGER,
      local_deleted_at INTEGER,
      UNIQUE (destination, path, size_bytes, mtime_ms)
    );
    -- claimNext (queued, oldest first) and the state-filtered lists, newest first.
    CREATE INDEX jobs_by_state ON jobs (state, id);
    -- claimNext and nextDueAt for waiting jobs whose time has come.
    CREATE INDEX jobs_by_due_time ON jobs (state, next_attempt_at);
    -- holdForAuth / releaseAuth touch one destination's jobs.
    CREATE INDEX jobs_by_destination ON jobs (destination, state);
    -- totals().doneToday
    CREATE INDEX jobs_by_completion ON jobs (completed_at) WHERE completed_at IS NOT NULL;

    CREATE TABLE settings (
      name TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );

    CREATE TABLE meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );
  `);
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('install_id', randomUUID());
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Cloud destinations: who is signed in (never a token), and remote folders already made. */
function addAccountsAndRemoteFolders(db: Database): void {
  db.exec(`
    CREATE TABLE accounts (
      destination TEXT PRIMARY KEY,
      label TEXT NOT NULL,
      details TEXT NOT NULL DEFAULT '{}',
      updated_at INTEGER NOT NULL
    );

    -- The template's intermediate folders (e.g. 2024/10/26) are created once and remembered.
    CREATE TABLE remote_folders (
      destination TEXT NOT NULL,
      root_id TEXT NOT NULL,
      path TEXT NOT NULL,
      folder_id TEXT NOT NULL,
      PRIMARY KEY (destination, root_id, path)
    );
  `);
}

/** Each destination's last known reachability: outage, throttling, credentials held for sign-in. */
function addDestinationReachability(db: Database): void {
  db.exec(`
    CREATE TABLE destination_reachability (
      destination TEXT PRIMARY KEY,
      unreachable_since INTEGER,
      last_error TEXT,
      last_error_at INTEGER,
      next_try_at INTEGER,
      throttled_until INTEGER,
      needs_auth_since INTEGER,
      needs_auth_reason TEXT,
      rejected_credential TEXT,
      updated_at INTEGER NOT NULL
    );
  `);
}

/**
 * The hash-chained ledger (see ledger.ts for its canonical form), and on each job what a receipt,
 * a report and reconciliation need: the recording's id, its SHA-256, the remote hashes that matched,
 * when the remote stored it, and the last reconciliation's finding.
 */
function addLedgerAndProofColumns(db: Database): void {
  db.exec(`
    CREATE TABLE ledger (
      seq INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      event TEXT NOT NULL,
      recording_id TEXT,
      job_id INTEGER,
      file_name TEXT,
      size_bytes INTEGER,
      details TEXT NOT NULL,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    );
    -- A job's entries, for its receipt and its details.
    CREATE INDEX ledger_by_job ON ledger (job_id, seq) WHERE job_id IS NOT NULL;
    -- Append-only inside SQLite too; the chain is the proof, these only stop a slip.
    CREATE TRIGGER ledger_refuses_update BEFORE UPDATE ON ledger
      BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: entries are never changed'); END;
    CREATE TRIGGER ledger_refuses_delete BEFORE DELETE ON ledger
      BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: entries are never deleted'); END;

    ALTER TABLE jobs ADD COLUMN recording_id TEXT;
    ALTER TABLE jobs ADD COLUMN sha256 TEXT;
    ALTER TABLE jobs ADD COLUMN remote_hashes TEXT;
    ALTER TABLE jobs ADD COLUMN stored_at INTEGER;
    ALTER TABLE jobs ADD COLUMN reconciled_at INTEGER;
    ALTER TABLE jobs ADD COLUMN reconciled_state TEXT;
    -- report --from --to: recordings by the time they were found.
    CREATE INDEX jobs_by_creation ON jobs (created_at);
  `);
}

/**
 * A damaged copy of a recording's own upload that must be deleted before anything is sent again:
 * an obligation kept with the job, so neither a restart nor a failed delete forgets it.
 */
function addPendingDiscard(db: Database): void {
  db.exec('ALTER TABLE jobs ADD COLUMN pending_discard TEXT');
}
/** The endpoints each destination's credentials were given for (origins and URLs, never a secret). */
function addCredentialBindings(db: Database): void {
  db.exec(`
    CREATE TABLE credential_bindings (
      destination TEXT PRIMARY KEY,
      endpoints TEXT NOT NULL,
      bound_at INTEGER NOT NULL
    );
  `);
}

/**
 * A verified recording's receipt still to be placed at its destination: an obligation kept with
 * the job from the moment it is done, so a process that dies before placing it places it at the
 * next start.
 */
function addReceiptOwed(db: Database): void {
  db.exec(`
    ALTER TABLE jobs ADD COLUMN receipt_owed INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX jobs_owing_receipts ON jobs (id) WHERE receipt_owed = 1;
  `);
}

/**
 * A sidecar that could not be used keeps its own column: a later warning (a receipt not placed, a
 * local copy kept) must never replace it, or the details would say the metadata went with the
 * upload. Warnings written before this step that are a sidecar's move there.
 */
function addSidecarWarning(db: Database): void {
  db.exec(`
    ALTER TABLE jobs ADD COLUMN sidecar_warning TEXT;
    UPDATE jobs SET sidecar_warning = warning, warning = NULL
     WHERE warning LIKE '%; the recording is uploaded without its metadata';
  `);
}

/**
 * A verified recording's local files still to be deleted (deleteAfterUpload): an obligation kept
 * with the job from the moment it is done, with the sidecar's size and SHA-256 as uploaded, so a
 * process that dies before deleting deletes at the next start, and only files still the same.
 */
function addDeletionOwed(db: Database): void {
  db.exec(`
    ALTER TABLE jobs ADD COLUMN deletion_owed TEXT;
    CREATE INDEX jobs_owing_deletions ON jobs (id) WHERE deletion_owed IS NOT NULL;
  `);
}
