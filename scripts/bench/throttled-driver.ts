import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Uploader } from '../../src-main/core/uploader.ts';
import { dataPaths } from '../../src-main/node-host/data-dir.ts';
import { acquireInstanceLock } from '../../src-main/node-host/instance-lock.ts';
import { openNodeHost } from '../../src-main/node-host/node-host.ts';
import type { JobView } from '../../src-shared/job.ts';
import { DESTINATION_KINDS, type DestinationKind, type Settings } from '../../src-shared/settings.ts';
import { visitSignIn } from '../../tests/support/form-post-browser.ts';
import { reportOutcome, requiredOption } from './measure-job.ts';
import { memorySecrets } from './memory-secrets.ts';
import { meterWrites, type WriteTimeline } from './write-meter.ts';

/** What a throttled run measured of itself: every file sent under one upload speed limit. */
export interface ThrottledMeasurement {
  sizeBytes: number;
  remoteIds: string[];
  /** From the first job entering `uploading` to the last one `done`. */
  wallSeconds: number;
  cpuSeconds: number;
  line: WriteTimeline;
}

/**
 * Uploads one or more recordings at once under an upload speed limit with the real uploader core
 * (built as the headless `run` builds it), watching every body write on the sockets:
 *
 *   node throttled-driver.ts --destination storage-api|onedrive|gdrive --file PATH [--file PATH]
 *        --data-dir DIR --rate-limit SPEC --settings JSON
 *
 * `--settings` carries the destination's settings (the storage API's base URL, the cloud test
 * server's line); the storage API token comes from RECORDING_UPLOADER_STORAGE_API_TOKEN. All files
 * are in one folder, the recordings folder. Prints one JSON line: a ThrottledMeasurement or {error}.
 */
async function main(): Promise<ThrottledMeasurement> {
  const { values } = parseArgs({
    options: {
      destination: { type: 'string' },
      file: { type: 'string', multiple: true },
      'data-dir': { type: 'string' },
      'rate-limit': { type: 'string' },
      settings: { type: 'string' },
    },
  });
  const destination = requiredOption(values.destination, '--destination') as DestinationKind;
  if (!DESTINATION_KINDS.includes(destination)) throw new Error(`unknown --destination ${destination}`);
  const files = values.file ?? [];
  if (files.length === 0) throw new Error('--file is required');
  const dataDir = requiredOption(values['data-dir'], '--data-dir');
  const settings = JSON.parse(requiredOption(values.settings, '--settings')) as Partial<Settings>;

  const lock = acquireInstanceLock(dataPaths(dataDir).lock);
  const host = openNodeHost(dataDir);
  const { fetch } = host.services;
  const cloud = destination !== 'storage-api';
  const uploader = new Uploader({
    host: {
      ...host.services,
      ...(cloud ? { secrets: memorySecrets() } : {}),
      openBrowser: async (url) => {
        if (destination === 'onedrive') await visitSignIn(url, fetch);
        else await (await fetch(url)).text();
      },
    },
    db: host.db,
    overrides: {
      ...settings,
      activeDestination: destination,
      recordingsFolder: dirname(files[0] as string),
      settleSeconds: 1,
      maxConcurrentUploads: Math.max(2, files.length),
      uploadRateLimit: requiredOption(values['rate-limit'], '--rate-limit'),
    },
  });
  try {
    if (cloud) await uploader.connect({ destination });
    const measuring = measureJobs(
      uploader,
      files.map((file) => basename(file)),
    );
    await uploader.start();
    return await measuring;
  } finally {
    await uploader.stop();
    await host.close();
    lock.release();
  }
}

const FAILED_STATES = new Set<JobView['state']>(['waiting', 'failed', 'needs-auth', 'cancelled', 'paused']);

function measureJobs(uploader: Uploader, names: string[]): Promise<ThrottledMeasurement> {
  return new Promise((resolve, reject) => {
    const line = meterWrites();
    const done = new Map<string, JobView>();
    let start: { at: number; cpu: NodeJS.CpuUsage } | null = null;
    const unsubscribe = uploader.events.subscribe(({ event, payload }) => {
      if (event !== 'job-updated') return;
      const job = payload as JobView;
      if (!names.includes(job.fileName)) return;
      if (job.state === 'uploading' && start === null)
        start = { at: performance.now(), cpu: process.cpuUsage() };
      if (FAILED_STATES.has(job.state)) {
        unsubscribe();
        line.stop();
        reject(
          new Error(
            `the upload of ${job.fileName} went to ${job.state}: ${job.lastError ?? 'no reason given'}`,
          ),
        );
        return;
      }
      if (job.state !== 'done' || start === null) return;
      done.set(job.fileName, job);
      if (done.size < names.length) return;
      unsubscribe();
      const cpu = process.cpuUsage(start.cpu);
      resolve({
        sizeBytes: [...done.values()].reduce((sum, j) => sum + j.sizeBytes, 0),
        remoteIds: names.map((name) => done.get(name)?.remoteId ?? ''),
        wallSeconds: (performance.now() - start.at) / 1000,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        line: line.stop(),
      });
    });
  });
}

reportOutcome(main());
