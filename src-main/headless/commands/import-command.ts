import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MANAGED_REASON } from '../../../src-shared/policy.ts';
import type { SettingName, Settings } from '../../../src-shared/settings.ts';
import { EndpointBinding } from '../../core/auth/endpoint-binding.ts';
import { STORAGE_API_TOKEN_ENV, STORAGE_API_TOKEN_SECRET } from '../../core/auth/env-secret-store.ts';
import { KeychainUnavailableError } from '../../core/auth/keychain-secret-store.ts';
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
 * server. On a server with no keychain the token in RECORDING_UPLOADER_STORAGE_API_TOKEN stands in
 * for it (the answer says so); with neither, nothing is imported.
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
    // The token first: a keychain that cannot take it leaves nothing imported.
    const token =
      imported.token === null
        ? null
        : await storeToken(host, imported.token, { imported, kept }, path, policy);
    new SettingsStore(host.db, host.services.logger, host.services.clock, {
      base: policy.baseValues,
      rules: policy.settingsRules,
    }).save(kept);
    const notes = imported.notes.map((note) =>
      token !== null && note === TOKEN_STORED_NOTE ? token.note : note,
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
    if (token?.warning) process.stderr.write(`Warning: ${token.warning}\n`);
    return 0;
  } finally {
    await host.close();
  }
}

/** Where the file's token went: the line that says so, and a warning when it went nowhere useful. */
interface TokenOutcome {
  note: string;
  warning: string | null;
}

const NOT_STORED = 'API token: not stored (see the warning below)';

/**
 * Stores the file's token, bound to the storage API address the file names. When the policy locks
 * that address to another origin the token would never be used (it goes only where it was given
 * for), and storing it would replace the token entered for the policy's server: it is skipped, and
 * the reason returned. Without a keychain, the environment's token stands in when it is the same;
 * when it is another one the settings are still imported, with a warning; with none, the import
 * fails before anything is written.
 */
async function storeToken(
  host: NodeHost,
  token: string,
  { imported, kept }: { imported: WatsImport; kept: Partial<Settings> },
  path: string,
  policy: PolicyRules,
): Promise<TokenOutcome> {
  const saved = new Uploader({ host: host.services, db: host.db, policy }).settings;
  // The settings as they will be once the import is saved (a locked one keeps the policy's value).
  const settings = { ...saved, ...kept };
  const given = imported.settings.storageApiBaseUrl ?? settings.storageApiBaseUrl;
  const forFile = storageApiEndpoints({ ...settings, storageApiBaseUrl: given });
  if (JSON.stringify(forFile) !== JSON.stringify(storageApiEndpoints(settings))) {
    return {
      note: NOT_STORED,
      warning: `skipped the API token from ${path}: it was given for ${forFile.storageApiBaseUrl ?? given}, but the policy ${policy.file} sets the storage API address to ${settings.storageApiBaseUrl}; enter that server's token with set-secret storage-api`,
    };
  }
  const fromEnv = process.env[STORAGE_API_TOKEN_ENV]?.trim() || null;
  const bind = () =>
    new EndpointBinding({
      destination: 'storage-api',
      store: new CredentialBindingStore(host.db, host.services.clock),
      current: () => forFile,
      remedy: 'enter the storage API token again',
    }).bind();
  try {
    await host.services.secrets.set(STORAGE_API_TOKEN_SECRET, token);
  } catch (error) {
    if (!(error instanceof KeychainUnavailableError) || fromEnv === null) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}; nothing was imported`);
    }
    if (fromEnv === token) {
      bind();
      return {
        note: `API token: not stored, as there is no OS keychain here; ${STORAGE_API_TOKEN_ENV} holds the same token, and the uploader takes it from there`,
        warning: null,
      };
    }
    return {
      note: NOT_STORED,
      warning: `the API token from ${path} was not stored: there is no OS keychain here (${error.message}). The uploader uses ${STORAGE_API_TOKEN_ENV}, which holds another token: put the file's token there if it is the right one`,
    };
  }
  bind();
  if (fromEnv !== null && fromEnv !== token) {
    return {
      note: TOKEN_STORED_NOTE,
      warning: `${STORAGE_API_TOKEN_ENV} is set and holds another token, which the uploader uses while it is set`,
    };
  }
  return { note: TOKEN_STORED_NOTE, warning: null };
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
