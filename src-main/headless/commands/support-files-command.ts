import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PolicyRules } from '../../core/policy/policy-rules.ts';
import { Uploader } from '../../core/uploader.ts';
import { dataPaths } from '../../node-host/data-dir.ts';
import { lockHolder } from '../../node-host/instance-lock.ts';
import { openNodeHost } from '../../node-host/node-host.ts';
import { writeSupportFiles } from '../../node-host/support-files.ts';
import { type CliArgs, expectOptions, stringOption, UsageError } from '../cli-args.ts';
import { readOverrides } from './run-command.ts';
import { statusReport } from './status-command.ts';

/**
 * Writes what support asks for into a new folder (in `--out DIR`, else the working folder): the
 * status, a consistent copy of the database and its ledger check, the logs, the machine's policy.
 * Safe beside a running uploader; nothing in it is a credential.
 */
export async function supportFilesCommand(
  args: CliArgs,
  dataDir: string,
  policy: PolicyRules,
): Promise<number> {
  expectOptions(args, ['data-dir', 'settings', 'out']);
  const overrides = await readOverrides(stringOption(args, 'settings'), policy);
  const outDir = resolve(stringOption(args, 'out') ?? '.');
  if (!statSync(outDir, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`support-files: ${outDir} is not a folder`);
  const running = lockHolder(dataPaths(dataDir).lock) !== null;
  const host = openNodeHost(dataDir);
  try {
    const uploader = new Uploader({
      host: host.services,
      db: host.db,
      overrides,
      policy,
      watcherSource: running ? 'last-known' : 'probe',
    });
    const now = Date.now();
    const { folder, files } = await writeSupportFiles({
      db: host.db,
      dataDir,
      policyFile: policy.file,
      status: statusReport(uploader.getSnapshot({ jobLimit: 1000 }), running, now),
      outDir,
      now,
    });
    process.stdout.write(
      `Support files written to ${folder}:\n${files.map((f) => `  - ${f}`).join('\n')}\n` +
        'No token, password or refresh token is in them (the keychain and secrets/ are left out); the settings are as saved. Zip the folder and send it.\n',
    );
    return 0;
  } finally {
    await host.close();
  }
}
