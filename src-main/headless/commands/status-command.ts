import type { ConnectionView } from '../../../src-shared/bridge-contract.ts';
import type { JobView, QueueTotals } from '../../../src-shared/job.ts';
import type { PolicyView } from '../../../src-shared/policy.ts';
import type { PolicyRules } from '../../core/policy/policy-rules.ts';
import { Uploader } from '../../core/uploader.ts';
import { openNodeHost } from '../../node-host/node-host.ts';
import { type CliArgs, expectOptions, stringOption } from '../cli-args.ts';
import { destinationLabel, destinationLine } from '../destination-lines.ts';
import { readOverrides } from './run-command.ts';

/** What `status --json` prints. */
export interface StatusReport {
  totals: QueueTotals;
  /** The active destination: where uploads go, and its connection as last known. */
  destination: Partial<ConnectionView> & { where: string };
  /** The administrator's policy in force on this machine. */
  policy: PolicyView;
  jobs: JobView[];
}

/**
 * Prints the queue and the destination, read straight from the database: it works while `run` is
 * running, too.
 */
export async function statusCommand(args: CliArgs, dataDir: string, policy: PolicyRules): Promise<number> {
  expectOptions(args, ['data-dir', 'json', 'settings']);
  // The same --settings FILE as a running `run` shows its destination as that run sees it.
  const overrides = await readOverrides(stringOption(args, 'settings'), policy);
  const host = openNodeHost(dataDir);
  try {
    const uploader = new Uploader({ host: host.services, db: host.db, overrides, policy });
    const snapshot = uploader.getSnapshot({ jobLimit: 1000 });
    const { settings } = snapshot;
    const connection = snapshot.connections.find((c) => c.destination === settings.activeDestination);
    if (args.options.has('json')) {
      const destination = { where: destinationLabel(settings), ...connection };
      const report: StatusReport = {
        totals: snapshot.totals,
        destination,
        policy: snapshot.policy,
        jobs: snapshot.jobs,
      };
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    const t = snapshot.totals;
    process.stdout.write(
      `Queue: ${t.queued} queued, ${t.uploading + t.verifying} uploading, ${t.waiting} waiting, ${t['needs-auth']} need sign-in, ${t.failed} failed, ${t.paused} paused, ${t.done} done (${t.doneToday} today)${snapshot.paused ? ' — uploads are paused' : ''}\n`,
    );
    process.stdout.write(`${destinationLine(settings, connection)}\n`);
    // Where there is a policy file, what it does; a machine without one has nothing to show.
    if (snapshot.policy.state !== 'none') process.stdout.write(`${policyLine(snapshot.policy)}\n`);
    for (const job of snapshot.jobs) process.stdout.write(`${formatJob(job)}\n`);
    return 0;
  } finally {
    await host.close();
  }
}

/** The machine's policy: in force (what it locks), or invalid (uploads stopped, and why). */
export function policyLine(policy: PolicyView): string {
  if (policy.state === 'invalid') return `Policy: ${policy.problem} — uploads are stopped`;
  const locked = policy.locked.length === 0 ? 'nothing locked' : `locked: ${policy.locked.join(', ')}`;
  return `Policy: ${policy.file} in force — ${locked}; destinations: ${policy.allowedDestinations.join(', ')}`;
}

export function formatJob(job: JobView): string {
  const percent = job.sizeBytes === 0 ? 100 : Math.floor((job.confirmedBytes / job.sizeBytes) * 100);
  const detail = job.lastError ?? job.warning ?? job.remoteId ?? '';
  return [
    String(job.id).padStart(5),
    job.state.padEnd(10),
    `${String(percent).padStart(3)}%`,
    formatBytes(job.sizeBytes).padStart(9),
    job.fileName,
    detail === '' ? '' : `— ${detail}`,
  ]
    .join('  ')
    .trimEnd();
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
