import { readFile } from 'node:fs/promises';
import { openDatabaseToRead } from '../../core/store/database.ts';
import { anchorOf, checkAnchors, type LedgerAnchor } from '../../core/store/ledger-anchors.ts';
import { verifyLedger } from '../../core/store/ledger-verification.ts';
import { dataPaths } from '../../node-host/data-dir.ts';
import { type CliArgs, expectOptions, stringOption, UsageError } from '../cli-args.ts';

/**
 * Walks the ledger's hash chain, read-only: exit 0 when every entry holds, 1 naming the first that
 * does not. `--database FILE` checks a copy (an auditor's), without touching the data folder.
 * Receipts and heartbeats given as arguments are anchors: the entries they name must still have
 * the hashes they recorded, which a chain rewritten and rehashed on the machine cannot match.
 */
export async function verifyLedgerCommand(args: CliArgs, dataDir: string): Promise<number> {
  expectOptions(args, ['data-dir', 'database', 'json']);
  const file = stringOption(args, 'database') ?? dataPaths(dataDir).database;
  const anchors = await readAnchors(args.positionals);
  const db = openDatabaseToRead(file);
  try {
    const chain = verifyLedger(db);
    const anchorProblems = chain.holds ? checkAnchors(db, anchors) : [];
    const verdict = { ...chain, anchorsChecked: anchors.length, anchorProblems };
    if (args.options.has('json')) {
      process.stdout.write(`${JSON.stringify({ database: file, ...verdict }, null, 2)}\n`);
    } else if (verdict.holds) {
      process.stdout.write(
        `The ledger holds: ${verdict.entries} entries, each chained to the one before.\n` +
          `Head: entry ${verdict.head.seq}, hash ${verdict.head.hash}\n`,
      );
      if (anchors.length > 0 && anchorProblems.length === 0) {
        process.stdout.write(`All ${anchors.length} receipts and heartbeats given agree with it.\n`);
      }
      for (const problem of anchorProblems) process.stdout.write(`DOES NOT AGREE: ${problem}\n`);
    } else {
      process.stdout.write(
        `The ledger does NOT hold at entry ${verdict.seq}: ${verdict.problem}\n` +
          `(${verdict.entriesChecked} entries before it hold.)\n`,
      );
    }
    return verdict.holds && anchorProblems.length === 0 ? 0 : 1;
  } finally {
    db.close();
  }
}

async function readAnchors(files: readonly string[]): Promise<LedgerAnchor[]> {
  const anchors: LedgerAnchor[] = [];
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new UsageError(
        `verify-ledger: ${file} is not a readable JSON file (${(error as Error).message})`,
      );
    }
    const anchor = anchorOf(file, json);
    if (anchor === null) throw new UsageError(`verify-ledger: ${file} is neither a receipt nor a heartbeat`);
    anchors.push(anchor);
  }
  return anchors;
}
