import type { Snapshot } from '../../../src-shared/bridge-contract.ts';
import { formatBytes } from '../../../src-shared/format-units.ts';
import type { DestinationHealth, Health } from '../../../src-shared/health.ts';
import { headlineText } from '../../../src-shared/health-words.ts';
import type { JobView, QueueTotals } from '../../../src-shared/job.ts';
import type { PolicyView } from '../../../src-shared/policy.ts';
import type { PolicyRules } from '../../core/policy/policy-rules.ts';
import { Uploader } from '../../core/uploader.ts';
import { dataPaths } from '../../node-host/data-dir.ts';
import { lockHolder } from '../../node-host/instance-lock.ts';
import { openNodeHost } from '../../node-host/node-host.ts';
import { type CliArgs, expectOptions, stringOption } from '../cli-args.ts';
import { destinationLabel, destinationLine, diskLine, folderLine, queueLine } from '../destination-lines.ts';
import { readOverrides } from './run-command.ts';

/** What `status --json` prints. */
export interface StatusReport {
  /** The headline in words: the first line of `status`, the window's header, the tray's tooltip. */
  headline: string;
  /** Whether an uploader (`run`, or the desktop app) runs on this data folder now. */
  running: boolean;
  health: Health;
  totals: QueueTotals;
  /** The active destination: where uploads go, and how it is as last known. */
  destination: DestinationHealth & { where: string };
  /** The administrator's policy in force on this machine. */
  policy: PolicyView;
  jobs: JobView[];
}

/**
 * Prints the health's headline, then the folder, the destination, the queue and the disk, read
 * straight from the database: beside a running uploader it shows what that uploader last saw (its
 * folder's state, its destination's answers); with none running it looks at the folder itself.
 */
export async function statusCommand(args: CliArgs, dataDir: string, policy: PolicyRules): Promise<number> {
  expectOptions(args, ['data-dir', 'json', 'settings']);
  // The same --settings FILE as a running `run` shows its destination as that run sees it.
  const overrides = await readOverrides(stringOption(args, 'settings'), policy);
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
    const snapshot = uploader.getSnapshot({ jobLimit: 1000 });
    const { settings, health } = snapshot;
    const now = Date.now();
    const report = statusReport(snapshot, running, now);
    const { headline, destination } = report;
    if (args.options.has('json')) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    const connection = snapshot.connections.find((c) => c.destination === settings.activeDestination);
    const lines = [
      headline,
      folderLine(health.watcher, running, now),
      destinationLine(settings, connection, destination, now),
      queueLine(health.queue, snapshot.paused),
      diskLine(health.disk),
      // Where there is a policy file, what it does; a machine without one has nothing to show.
      ...(snapshot.policy.state === 'none' ? [] : [policyLine(snapshot.policy)]),
      ...snapshot.jobs.map((job) => formatJob(job, now)),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await host.close();
  }
}

/** What `status --json` prints, from the uploader's snapshot. */
export function statusReport(snapshot: Snapshot, running: boolean, now: number): StatusReport {
  const { settings, health } = snapshot;
  return {
    headline: `${headlineText(health.headline, 'en', now)}${running ? '' : ' (the uploader is not running)'}`,
    running,
    health,
    totals: snapshot.totals,
    destination: { where: destinationLabel(settings), ...activeDestination(health) },
    policy: snapshot.policy,
    jobs: snapshot.jobs,
  };
}

/** The machine's policy: in force (what it locks), or invalid (uploads stopped, and why). */
export function policyLine(policy: PolicyView): string {
  if (policy.state === 'invalid') return `Policy: ${policy.problem} — uploads are stopped`;
  const locked = policy.locked.length === 0 ? 'nothing locked' : `locked: ${policy.locked.join(', ')}`;
  return `Policy: ${policy.file} in force — ${locked}; destinations: ${policy.allowedDestinations.join(', ')}`;
}

function activeDestination(health: Health): DestinationHealth {
  const found = health.destinations.find((d) => d.destination === health.activeDestination);
  if (found === undefined) throw new Error(`no health for ${health.activeDestination}`);
  return found;
}

export function formatJob(job: JobView, now: number): string {
  const percent = job.sizeBytes === 0 ? 100 : Math.floor((job.confirmedBytes / job.sizeBytes) * 100);
  const retry =
    job.state === 'waiting' && job.nextAttemptAt !== null
      ? ` (next try in ${Math.max(0, Math.ceil((job.nextAttemptAt - now) / 1000))} s)`
      : '';
  const detail = job.lastError ?? job.warning ?? job.sidecarWarning ?? job.remoteId ?? '';
  return [
    String(job.id).padStart(5),
    job.state.padEnd(10),
    `${String(percent).padStart(3)}%`,
    formatBytes(job.sizeBytes, 'en-US').padStart(9),
    job.fileName,
    detail === '' ? '' : `— ${detail}${retry}`,
  ]
    .join('  ')
    .trimEnd();
}
