import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MANAGED_REASON } from '../../../src-shared/policy.ts';
import type { SettingName, Settings } from '../../../src-shared/settings.ts';
import { EndpointBinding } from '../../core/auth/endpoint-binding.ts';
import { STORAGE_API_TOKEN_SECRET } from '../../core/auth/env-secret-store.ts';
import { storageApiEndpoints } from '../../core/destinations/storage-api/storage-api-provider.ts';
import type { PolicyRules } from '../../core/policy/policy-rules.ts';
import { CredentialBindingStore } from '../../core/store/credential-binding-store.ts';
import { SettingsStore } from '../../core/store/settings-store.ts';
import { checkNewFolder, Uploader } from '../../core/uploader.ts';
import { type NodeHost, openNodeHost } from '../../node-host/node-host.ts';
import { type CliArgs, expectOptions, UsageError } from '../cli-args.ts';
import { parseWatsConfig, TOKEN_STORED_NOTE, type WatsImport } from '../wats-config.ts';

/**
 * Imports the recording system's config.json: settings into the database, the token into the
 * keychain, bound to the storage API address the file names. A setting the machine's policy locks
 * is skipped, with a warning line; so is the token when the policy locks the address to another
 * server.
 */
export async function importCommand(args: CliArgs, dataDir: string, policy: PolicyRules): Promise<number> {
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
  const imported = parseWatsConfig(json, path, undefined, policy.settingsRules);
  const { kept, skipped } = withoutLocked(imported.settings, policy);
  // A recordings folder that cannot be watched is refused before anything is written.
  try {
    checkNewFolder(kept.recordingsFolder, '');
  } catch (error) {
    throw new UsageError(
      `${path}: ${error instanceof Error ? error.message : String(error)}; nothing was imported`,
    );
  }
  const host = openNodeHost(dataDir);
  try {
    new SettingsStore(host.db, host.services.logger, host.services.clock, {
      base: policy.baseValues,
      rules: policy.settingsRules,
    }).save(kept);
    const tokenSkipped =
      imported.token === null ? null : await storeToken(host, imported.token, imported, path, policy);
    const notes = imported.notes.map((note) =>
      tokenSkipped !== null && note === TOKEN_STORED_NOTE
        ? 'API token: not stored (see the warning below)'
        : note,
    );
    process.stdout.write(`Imported ${path} into ${dataDir}:\n${notes.map((n) => `  - ${n}`).join('\n')}\n`);
    for (const key of imported.unknownKeys) {
      process.stderr.write(`Warning: ${path} has "${key}", which this uploader does not know: ignored\n`);
    }
    for (const name of skipped) {
      process.stderr.write(
        `Warning: skipped "${name}" from ${path}: ${MANAGED_REASON.toLowerCase()} (locked by the policy ${policy.file})\n`,
      );
    }
    if (tokenSkipped !== null) process.stderr.write(`Warning: ${tokenSkipped}\n`);
    return 0;
  } finally {
    await host.close();
  }
}

/**
 * Stores the file's token, bound to the storage API address the file names. When the policy locks
 * that address to another origin the token would never be used (it goes only where it was given
 * for), and storing it would replace the token entered for the policy's server: it is skipped, and
 * the reason returned.
 */
async function storeToken(
  host: NodeHost,
  token: string,
  imported: WatsImport,
  path: string,
  policy: PolicyRules,
): Promise<string | null> {
  const { settings } = new Uploader({ host: host.services, db: host.db, policy });
  const given = imported.settings.storageApiBaseUrl ?? settings.storageApiBaseUrl;
  const forFile = storageApiEndpoints({ ...settings, storageApiBaseUrl: given });
  if (JSON.stringify(forFile) !== JSON.stringify(storageApiEndpoints(settings))) {
    return `skipped the API token from ${path}: it was given for ${forFile.storageApiBaseUrl ?? given}, but the policy ${policy.file} sets the storage API address to ${settings.storageApiBaseUrl}; enter that server's token with set-secret storage-api`;
  }
  await host.services.secrets.set(STORAGE_API_TOKEN_SECRET, token);
  new EndpointBinding({
    destination: 'storage-api',
    store: new CredentialBindingStore(host.db, host.services.clock),
    current: () => forFile,
    remedy: 'enter the storage API token again',
  }).bind();
  return null;
}

/** The imported settings a policy lock would change are left out; the same value again is harmless. */
function withoutLocked(
  settings: Partial<Settings>,
  policy: PolicyRules,
): { kept: Partial<Settings>; skipped: SettingName[] } {
  const locked = policy.lockedValues;
  const skipped = (Object.keys(settings) as SettingName[]).filter((name) => policy.isLocked(name));
  const kept = Object.fromEntries(
    Object.entries(settings).filter(([name]) => !policy.isLocked(name as SettingName)),
  ) as Partial<Settings>;
  return {
    kept,
    skipped: skipped.filter((name) => JSON.stringify(settings[name]) !== JSON.stringify(locked[name])),
  };
}
