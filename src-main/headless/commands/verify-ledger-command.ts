import { openDatabaseToRead } from '../../core/store/database.ts';
import { verifyLedger } from '../../core/store/ledger-verification.ts';
import { dataPaths } from '../../node-host/data-dir.ts';
import { type CliArgs, expectOptions, stringOption } from '../cli-args.ts';

/**
 * Walks the ledger's hash chain, read-only: exit 0 when every entry holds, 1 naming the first that
 * does not. `--database FILE` checks a copy (an auditor's), without touching the data folder.
 */
export async function verifyLedgerCommand(args: CliArgs, dataDir: string): Promise<number> {
  expectOptions(args, ['data-dir', 'database', 'json']);
  const file = stringOption(args, 'database') ?? dataPaths(dataDir).database;
  const db = openDatabaseToRead(file);
  try {
    const verdict = verifyLedger(db);
    if (args.options.has('json')) {
      process.stdout.write(`${JSON.stringify({ database: file, ...verdict }, null, 2)}\n`);
    } else if (verdict.holds) {
      process.stdout.write(
        `The ledger holds: ${verdict.entries} entries, each chained to the one before.\n` +
          `Head: entry ${verdict.head.seq}, hash ${verdict.head.hash}\n`,
      );
    } else {
      process.stdout.write(
        `The ledger does NOT hold at entry ${verdict.seq}: ${verdict.problem}\n` +
          `(${verdict.entriesChecked} entries before it hold.)\n`,
      );
    }
    return verdict.holds ? 0 : 1;
  } finally {
    db.close();
  }
}
