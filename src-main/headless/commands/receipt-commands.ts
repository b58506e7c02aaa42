import { readFile } from 'node:fs/promises';
import type { PolicyRules } from '../../core/policy/policy-rules.ts';
import { checkAgainstReceipt, receiptBytes } from '../../core/proof/receipt.ts';
import { Uploader } from '../../core/uploader.ts';
import { openNodeHost } from '../../node-host/node-host.ts';
import { type CliArgs, expectOptions, stringOption, UsageError } from '../cli-args.ts';
import { readOverrides } from './run-command.ts';

/** `verify-receipt RECEIPT FILE`: offline, exit 0 when the file is the one the receipt describes. */
export async function verifyReceiptCommand(args: CliArgs): Promise<number> {
  expectOptions(args, ['json']);
  const [receiptPath, filePath] = args.positionals;
  if (receiptPath === undefined || filePath === undefined) {
    throw new UsageError('verify-receipt: name the receipt and the file: verify-receipt RECEIPT FILE');
  }
  const text = await readFile(receiptPath, 'utf8').catch((error: unknown) => {
    throw new Error(`cannot read the receipt ${receiptPath}: ${(error as Error).message}`);
  });
  const check = await checkAgainstReceipt(text, filePath).catch((error: unknown) => {
    throw new Error(`cannot read the file ${filePath}: ${(error as Error).message}`);
  });
  if (args.options.has('json')) {
    process.stdout.write(`${JSON.stringify(check, null, 2)}\n`);
  } else if (check.matches) {
    const { receipt } = check;
    process.stdout.write(
      `${filePath} matches its receipt: ${receipt.sizeBytes} bytes, SHA-256 ${receipt.sha256}\n` +
        `Recording ${receipt.recordingId} (${receipt.fileName}), verified at ${receipt.destination.kind} ` +
        `on ${receipt.verifiedAt} as ${receipt.remote.id}; ledger entry ${receipt.ledgerEntry.seq} ${receipt.ledgerEntry.hash}\n`,
    );
  } else {
    process.stdout.write(
      `${filePath} does NOT match its receipt:\n${check.problems.map((p) => `  - ${p}\n`).join('')}`,
    );
  }
  return check.matches ? 0 : 1;
}

/** `receipt JOB`: prints a verified recording's receipt from the database, as it was placed. */
export async function receiptCommand(args: CliArgs, dataDir: string, policy: PolicyRules): Promise<number> {
  expectOptions(args, ['data-dir', 'settings']);
  const jobId = Number(args.positionals[0]);
  if (!Number.isSafeInteger(jobId) || jobId <= 0)
    throw new UsageError('receipt: name the job by its number: receipt JOB');
  const overrides = await readOverrides(stringOption(args, 'settings'), policy);
  const host = openNodeHost(dataDir);
  try {
    const uploader = new Uploader({ host: host.services, db: host.db, overrides, policy });
    process.stdout.write(Buffer.from(receiptBytes(uploader.receiptOf(jobId))));
    return 0;
  } finally {
    await host.close();
  }
}
