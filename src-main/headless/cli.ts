import type { MachinePolicy } from '../../src-shared/policy.ts';
import { PolicyRules } from '../core/policy/policy-rules.ts';
import { defaultDataDir } from '../node-host/data-dir.ts';
import { type CliArgs, parseCliArgs, stringOption, UsageError } from './cli-args.ts';
import { importCommand } from './commands/import-command.ts';
import { receiptCommand, verifyReceiptCommand } from './commands/receipt-commands.ts';
import { reconcileCommand } from './commands/reconcile-command.ts';
import { connectCommand, foldersCommand, useCommand } from './commands/remote-folder-commands.ts';
import { reportCommand } from './commands/report-command.ts';
import { runCommand } from './commands/run-command.ts';
import { setSecretCommand } from './commands/set-secret-command.ts';
import { statusCommand } from './commands/status-command.ts';
import { supportFilesCommand } from './commands/support-files-command.ts';
import { verifyLedgerCommand } from './commands/verify-ledger-command.ts';

const USAGE = `Recording Uploader, headless

  run                      [--data-dir DIR] [--settings FILE]   watch and upload until Ctrl-C / SIGTERM
                           [--web-ui [--web-ui-port N]]         also serve the app's UI to a browser on this machine
  status                   [--data-dir DIR] [--settings FILE] [--json]  print the queue and the destination
  set-secret storage-api   [--data-dir DIR] [--settings FILE]   read the storage API token from stdin
  import-wats-config PATH  [--data-dir DIR]                     import the recording system's config.json
  connect DEST             [--data-dir DIR] [--settings FILE]   sign in to onedrive or gdrive in the browser
  folders DEST             [--data-dir DIR] [--settings FILE] [--parent ID] [--json]  list remote folders
  use DEST                 [--data-dir DIR] [--settings FILE] [--folder ID]  upload to DEST (into that folder)
  verify-ledger [RECEIPT|HEARTBEAT…] [--data-dir DIR | --database FILE] [--json]
                           check the ledger's hash chain, and that it agrees with receipts and heartbeats (exit 1 names what does not)
  report                   [--data-dir DIR | --database FILE] [--from DATE] [--to DATE] [--format csv|json]
                           one row per recording found in the period (DATE: YYYY-MM-DD, UTC, --to inclusive)
  reconcile                [--data-dir DIR] [--settings FILE] [--since DATE] [--destination DEST] [--json]
                           check every verified recording is still at the destination, unchanged (exit 1 if not)
  receipt JOB              [--data-dir DIR] [--settings FILE]   print a verified recording's receipt
  verify-receipt RECEIPT FILE  [--json]                         check a file against its receipt, offline
  support-files            [--data-dir DIR] [--settings FILE] [--out DIR]
                           write the status, a copy of the database, the logs and the policy into a new folder for support

Without --data-dir the desktop app's own data folder is used: ${defaultDataDir()}
`;

type Command = (args: CliArgs, dataDir: string, policy: PolicyRules) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  run: runCommand,
  status: statusCommand,
  'set-secret': setSecretCommand,
  'import-wats-config': importCommand,
  connect: connectCommand,
  folders: foldersCommand,
  use: useCommand,
  'verify-ledger': verifyLedgerCommand,
  receipt: receiptCommand,
  report: reportCommand,
  reconcile: reconcileCommand,
  'verify-receipt': verifyReceiptCommand,
  'support-files': supportFilesCommand,
};

/** Every command the headless host knows, as `--help` lists them. */
export const COMMAND_NAMES = Object.keys(COMMANDS);

/**
 * The command line, under the machine's policy. `main.ts` hands it the policy read from where the
 * OS keeps it; nothing on the command line or in the environment can name another one.
 */
export async function runCli(argv: readonly string[], machinePolicy: () => MachinePolicy): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.command === null || args.command === 'help' || args.options.has('help')) {
    process.stdout.write(USAGE);
    // Asked for (--help, help): an answer. Given nothing to do: a usage error.
    const asked = args.command === 'help' || args.options.has('help');
    return asked ? 0 : 2;
  }
  const command = COMMANDS[args.command];
  if (command === undefined) throw new UsageError(`unknown command "${args.command}"\n\n${USAGE}`);
  return command(args, stringOption(args, 'data-dir') ?? defaultDataDir(), new PolicyRules(machinePolicy()));
}

/** Runs the command line to its exit code: 2 for a usage error (a bad option, a locked setting). */
export function runCliProcess(argv: readonly string[], machinePolicy: () => MachinePolicy): void {
  endQuietlyWhenTheReaderLeaves();
  runCli(argv, machinePolicy).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`recording-uploader: ${message}\n`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
    },
  );
}

/**
 * `status | head` closes the pipe after a few lines: what is left to print has no reader, and that
 * is not an error of the uploader's. It ends quietly instead of printing an EPIPE stack.
 */
function endQuietlyWhenTheReaderLeaves(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}
