import type { Database } from './database.ts';

/**
 * This installation's random id, made in the `meta` table when the database was first created:
 * it names the installation's keychain entries, so two data folders never share credentials.
 */
export function readInstallId(db: Database): string {
  const id = db.prepare("SELECT value FROM meta WHERE key = 'install_id'").pluck().get() as
    | string
    | undefined;
  if (id === undefined)
    throw new Error('the database has no install_id: it was not opened with openDatabase');
  return id;
}
