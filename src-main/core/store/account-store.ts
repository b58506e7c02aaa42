import type { DestinationKind } from '../../../src-shared/settings.ts';
import type { Clock } from '../host-services.ts';
import type { Database } from './database.ts';
import { Ledger } from './ledger.ts';

export interface AccountRecord {
  destination: DestinationKind;
  /** Who is signed in, as the operator recognises it: a display name, a UPN, an e-mail. */
  label: string;
  /** Non-secret facts for the UI (drive type, quota…). Never a token. */
  details: Record<string, string | number | boolean | null>;
  updatedAt: number;
}

/** The signed-in account of each cloud destination: metadata only, the secrets live in the keychain. */
export class AccountStore {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #ledger: Ledger;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
    this.#ledger = new Ledger(db);
  }

  get(destination: DestinationKind): AccountRecord | null {
    const row = this.#db
      .prepare('SELECT label, details, updated_at AS updatedAt FROM accounts WHERE destination = ?')
      .get(destination) as { label: string; details: string; updatedAt: number } | undefined;
    if (row === undefined) return null;
    return { destination, label: row.label, details: parseDetails(row.details), updatedAt: row.updatedAt };
  }

  /** Who is signed in; a new account (not a refresh of the same one's details) is a ledger entry. */
  set(destination: DestinationKind, label: string, details: AccountRecord['details'] = {}): void {
    this.#db
      .transaction(() => {
        const before = this.get(destination);
        const now = this.#clock.now();
        this.#db
          .prepare(
            `INSERT INTO accounts (destination, label, details, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (destination) DO UPDATE SET label = excluded.label, details = excluded.details,
               updated_at = excluded.updated_at`,
          )
          .run(destination, label, JSON.stringify(details), now);
        if (before?.label !== label) {
          this.#ledger.append({ event: 'signed-in', details: { destination, account: label } }, now);
        }
      })
      .immediate();
  }

  clear(destination: DestinationKind): void {
    this.#db
      .transaction(() => {
        const before = this.get(destination);
        this.#db.prepare('DELETE FROM accounts WHERE destination = ?').run(destination);
        this.#db.prepare('DELETE FROM remote_folders WHERE destination = ?').run(destination);
        if (before !== null) {
          const details = { destination, account: before.label };
          this.#ledger.append({ event: 'signed-out', details }, this.#clock.now());
        }
      })
      .immediate();
  }

  /** A folder below `rootId` already made for a template path like "2024/10/26". */
  remoteFolder(destination: DestinationKind, rootId: string, path: string): string | null {
    const row = this.#db
      .prepare(
        'SELECT folder_id AS id FROM remote_folders WHERE destination = ? AND root_id = ? AND path = ?',
      )
      .get(destination, rootId, path) as { id: string } | undefined;
    return row?.id ?? null;
  }

  rememberRemoteFolder(destination: DestinationKind, rootId: string, path: string, folderId: string): void {
    this.#db
      .prepare(
        `INSERT INTO remote_folders (destination, root_id, path, folder_id) VALUES (?, ?, ?, ?)
         ON CONFLICT (destination, root_id, path) DO UPDATE SET folder_id = excluded.folder_id`,
      )
      .run(destination, rootId, path, folderId);
  }

  /** A remembered folder turned out to be gone (deleted remotely): forget it so it is made again. */
  forgetRemoteFolder(destination: DestinationKind, rootId: string, path: string): void {
    this.#db
      .prepare('DELETE FROM remote_folders WHERE destination = ? AND root_id = ? AND path = ?')
      .run(destination, rootId, path);
  }
}

function parseDetails(text: string): AccountRecord['details'] {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as AccountRecord['details']) : {};
  } catch {
    return {};
  }
}
