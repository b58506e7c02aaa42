import { EndpointBinding } from '../../core/auth/endpoint-binding.ts';
import { STORAGE_API_TOKEN_SECRET } from '../../core/auth/env-secret-store.ts';
import { storageApiEndpoints } from '../../core/destinations/storage-api/storage-api-provider.ts';
import type { PolicyRules } from '../../core/policy/policy-rules.ts';
import { CredentialBindingStore } from '../../core/store/credential-binding-store.ts';
import { SqliteJobStore } from '../../core/store/job-store.ts';
import { Uploader } from '../../core/uploader.ts';
import { openNodeHost } from '../../node-host/node-host.ts';
import { type CliArgs, expectOptions, stringOption, UsageError } from '../cli-args.ts';
import { readOverrides } from './run-command.ts';

/**
 * Reads the storage API token from standard input into the keychain; never echoes it. The token is
 * bound to the storage API URL in force (with the same `--settings FILE` as `run`): it is never
 * sent anywhere else.
 */
export async function setSecretCommand(args: CliArgs, dataDir: string, policy: PolicyRules): Promise<number> {
  expectOptions(args, ['data-dir', 'settings']);
  const [target] = args.positionals;
  if (target !== 'storage-api')
    throw new UsageError('set-secret: name the destination: set-secret storage-api');
  const overrides = await readOverrides(stringOption(args, 'settings'), policy);
  const token = (await readStdin()).trim();
  if (token === '') throw new UsageError('set-secret: no token on standard input');
  const host = openNodeHost(dataDir);
  try {
    const { settings } = new Uploader({ host: host.services, db: host.db, overrides, policy });
    await host.services.secrets.set(STORAGE_API_TOKEN_SECRET, token);
    new EndpointBinding({
      destination: 'storage-api',
      store: new CredentialBindingStore(host.db, host.services.clock),
      current: () => storageApiEndpoints(settings),
      remedy: 'enter the storage API token again',
    }).bind();
    // Jobs held for a rejected token go on once the uploader sees the new one: a running uploader
    // notices it by itself, a stopped one at its next start. Nothing else changes them.
    const held = new SqliteJobStore(host.db, host.services.clock).countHeldForAuth('storage-api');
    process.stdout.write(
      `Storage API token stored in the OS keychain.${held > 0 ? ` ${held} held upload(s) will continue.` : ''}\n`,
    );
    return 0;
  } finally {
    await host.close();
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Paste the storage API token, then press Ctrl-D:\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
