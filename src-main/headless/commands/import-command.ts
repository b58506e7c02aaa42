import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { STORAGE_API_TOKEN_SECRET } from '../../core/auth/env-secret-store.ts';
import { SettingsStore } from '../../core/store/settings-store.ts';
import { openNodeHost } from '../../node-host/node-host.ts';
import { type CliArgs, expectOptions, UsageError } from '../cli-args.ts';
import { parseWatsConfig } from '../wats-config.ts';

/** Imports the recording system's config.json: settings into the database, the token into the keychain. */
export async function importCommand(args: CliArgs, dataDir: string): Promise<number> {
  expectOptions(args, ['data-dir']);
  const [file] = args.positionals;
  if (file === undefined)
    throw new UsageError('import-wats-config: give the path of the config.json to import');
  const path = resolve(file);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? `is not valid JSON (${error.message})` : 'cannot be read';
    throw new UsageError(`${path} ${reason}`);
  }
  const imported = parseWatsConfig(json, path);
  const host = openNodeHost(dataDir);
  try {
    new SettingsStore(host.db, host.services.logger, host.services.clock).save(imported.settings);
    if (imported.token !== null) await host.services.secrets.set(STORAGE_API_TOKEN_SECRET, imported.token);
    process.stdout.write(
      `Imported ${path} into ${dataDir}:\n${imported.notes.map((n) => `  - ${n}`).join('\n')}\n`,
    );
    return 0;
  } finally {
    await host.close();
  }
}
