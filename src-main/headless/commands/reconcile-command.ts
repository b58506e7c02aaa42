import { DESTINATION_KINDS, type DestinationKind } from '../../../src-shared/settings.ts';
import type { PolicyRules } from '../../core/policy/policy-rules.ts';
import type { ReconcileFinding } from '../../core/proof/reconcile.ts';
import { parseReportDate } from '../../core/proof/report.ts';
import { Uploader } from '../../core/uploader.ts';
import { openNodeHost } from '../../node-host/node-host.ts';
import { type CliArgs, expectOptions, stringOption, UsageError } from '../cli-args.ts';
import { readOverrides } from './run-command.ts';

/**
 * `reconcile [--since DATE] [--destination DEST] [--json]`: lists what the destination holds and
 * checks every verified recording is still there unchanged. Exit 1 when one is missing or altered.
 */
export async function reconcileCommand(args: CliArgs, dataDir: string, policy: PolicyRules): Promise<number> {
  expectOptions(args, ['data-dir', 'settings', 'since', 'destination', 'json']);
  const since = stringOption(args, 'since');
  let sinceMs: number | null = null;
  try {
    sinceMs = since === undefined ? null : parseReportDate(since, false);
  } catch (error) {
    throw new UsageError(`reconcile --since: ${(error as Error).message}`);
  }
  const destination = destinationOption(args);
  const overrides = await readOverrides(stringOption(args, 'settings'), policy);
  const host = openNodeHost(dataDir);
  try {
    const uploader = new Uploader({ host: host.services, db: host.db, overrides, policy });
    const result = await uploader.reconcile({ sinceMs, ...(destination ? { destination } : {}) });
    if (args.options.has('json')) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      const out = (line: string) => process.stdout.write(`${line}\n`);
      out(
        `${result.destination}, as of ${result.asOf}: ${result.checked} verified recording(s) checked` +
          `${result.since ? ` (verified since ${result.since})` : ''}; ${result.present} present and unchanged, ` +
          `${result.missing.length} missing, ${result.altered.length} altered, ${result.unexpected.length} unexpected`,
      );
      for (const f of result.missing) out(`MISSING  ${describe(f)}`);
      for (const f of result.altered) out(`ALTERED  ${describe(f)}: ${f.detail}`);
      for (const f of result.unexpected) out(`UNEXPECTED  ${f.name} (${f.id}, ${f.sizeBytes} bytes)`);
    }
    return result.missing.length + result.altered.length === 0 ? 0 : 1;
  } finally {
    await host.close();
  }
}

function describe(finding: ReconcileFinding): string {
  return `job ${finding.jobId} ${finding.fileName} (${finding.remoteId ?? 'no remote id'})`;
}

function destinationOption(args: CliArgs): DestinationKind | undefined {
  const value = stringOption(args, 'destination');
  if (value === undefined) return undefined;
  if (!(DESTINATION_KINDS as readonly string[]).includes(value)) {
    throw new UsageError(`reconcile --destination: one of ${DESTINATION_KINDS.join(', ')}, not "${value}"`);
  }
  return value as DestinationKind;
}
