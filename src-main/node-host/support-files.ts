import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../core/store/database.ts';
import { verifyLedger } from '../core/store/ledger-verification.ts';
import { dataPaths } from './data-dir.ts';

export interface SupportFilesInput {
  /** The data folder's open database, copied while the uploader may be running beside it. */
  db: Database;
  dataDir: string;
  /** Where the machine's policy is: copied as it is when it exists, valid or not. */
  policyFile: string;
  /** `status --json`'s report. */
  status: unknown;
  /** The folder the support folder is made in. */
  outDir: string;
  now: number;
}

/**
 * What support asks for, in one new private folder: the status, a consistent copy of the database
 * (SQLite's online backup, so a running uploader's last writes are in it), whether its ledger
 * holds, the logs, and the machine's policy. Never the keychain or `secrets/`: the database and
 * the logs hold no credential, so neither does the folder. Returns the folder and its files.
 */
export async function writeSupportFiles(
  input: SupportFilesInput,
): Promise<{ folder: string; files: string[] }> {
  const stamp = new Date(input.now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const folder = join(input.outDir, `recording-uploader-support-${stamp}`);
  // Paths and file names of recordings are in it: private to whoever collects it.
  mkdirSync(folder, { mode: 0o700 });
  const files: string[] = [];
  const write = (name: string, text: string): void => {
    writeFileSync(join(folder, name), text, { mode: 0o600 });
    files.push(name);
  };
  write('status.json', `${JSON.stringify(input.status, null, 2)}\n`);
  await input.db.backup(join(folder, 'uploader.db'));
  chmodSync(join(folder, 'uploader.db'), 0o600);
  files.push('uploader.db');
  write('ledger-check.json', `${JSON.stringify(verifyLedger(input.db), null, 2)}\n`);
  files.push(...copyLogs(dataPaths(input.dataDir).logs, join(folder, 'logs')));
  if (existsSync(input.policyFile)) {
    copyFileSync(input.policyFile, join(folder, 'policy.json'));
    chmodSync(join(folder, 'policy.json'), 0o600);
    files.push('policy.json');
  }
  return { folder, files };
}

/** The log files, current and rotated; none yet is no error. */
function copyLogs(from: string, to: string): string[] {
  if (!existsSync(from)) return [];
  mkdirSync(to, { mode: 0o700 });
  const copied: string[] = [];
  const names = readdirSync(from, { withFileTypes: true }).filter((entry) => entry.isFile());
  for (const name of names.map((entry) => entry.name).sort()) {
    copyFileSync(join(from, name), join(to, name));
    chmodSync(join(to, name), 0o600);
    copied.push(`logs/${name}`);
  }
  return copied;
}
