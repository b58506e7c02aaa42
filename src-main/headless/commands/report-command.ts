import { once } from 'node:events';
import { csvHeader, csvLine } from '../../../src-shared/report.ts';
import { parseReportDate, reportRows } from '../../core/proof/report.ts';
import { openDatabaseToRead } from '../../core/store/database.ts';
import { dataPaths } from '../../node-host/data-dir.ts';
import { type CliArgs, expectOptions, stringOption, UsageError } from '../cli-args.ts';

/**
 * `report [--from DATE] [--to DATE] [--format csv|json]`: one row per recording found in the
 * period, read-only, streamed to standard output.
 */
export async function reportCommand(args: CliArgs, dataDir: string): Promise<number> {
  expectOptions(args, ['data-dir', 'database', 'from', 'to', 'format']);
  const format = stringOption(args, 'format') ?? 'csv';
  if (format !== 'csv' && format !== 'json')
    throw new UsageError(`report: --format is csv or json, not "${format}"`);
  const from = dates(args, 'from', false) ?? 0;
  const to = dates(args, 'to', true) ?? Number.MAX_SAFE_INTEGER;
  const db = openDatabaseToRead(stringOption(args, 'database') ?? dataPaths(dataDir).database);
  try {
    const out = new Output();
    out.write(format === 'csv' ? csvHeader() : '[');
    let first = true;
    for (const row of reportRows(db, from, to)) {
      if (format === 'csv') out.write(csvLine(row));
      else out.write(`${first ? '\n' : ',\n'}${JSON.stringify(row)}`);
      first = false;
      await out.drained();
    }
    if (format === 'json') out.write(first ? ']\n' : '\n]\n');
    await out.end();
    return 0;
  } finally {
    db.close();
  }
}

function dates(args: CliArgs, name: 'from' | 'to', end: boolean): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  try {
    return parseReportDate(text, end);
  } catch (error) {
    throw new UsageError(`report --${name}: ${(error as Error).message}`);
  }
}

/** Standard output in 64 KiB writes, waiting when the reader is slower than the database. */
class Output {
  #buffer = '';
  #pending: Promise<unknown> | null = null;

  write(text: string): void {
    this.#buffer += text;
    if (this.#buffer.length >= 65_536) this.#flush();
  }

  async drained(): Promise<void> {
    if (this.#pending === null) return;
    await this.#pending;
    this.#pending = null;
  }

  async end(): Promise<void> {
    this.#flush();
    await this.drained();
  }

  #flush(): void {
    if (this.#buffer === '') return;
    if (!process.stdout.write(this.#buffer)) this.#pending = once(process.stdout, 'drain');
    this.#buffer = '';
  }
}
