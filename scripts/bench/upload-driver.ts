import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Uploader } from '../../src-main/core/uploader.ts';
import { dataPaths } from '../../src-main/headless/data-dir.ts';
import { openHeadlessHost } from '../../src-main/headless/headless-host.ts';
import { acquireInstanceLock } from '../../src-main/headless/instance-lock.ts';
import type { JobView } from '../../src-shared/job.ts';

/**
 * Uploads one recording with the real uploader core, built as the headless `run` command builds
 * it (same host services, same settings path), and measures this process while it does:
 *
 *   node upload-driver.ts --file PATH --base-url URL --data-dir DIR [--chunk-bytes N]
 *
 * The token comes from RECORDING_UPLOADER_STORAGE_API_TOKEN, as on a server without a keychain.
 * The file's folder is the recordings folder, so it is found by the watcher like any recording.
 * Prints one JSON line: an UploadMeasurement, or `{error}`.
 */
export interface UploadMeasurement {
  fileName: string;
  sizeBytes: number;
  remoteId: string;
  /** From the job entering `uploading` to `done` (sent, finalized, hash compared). */
  wallSeconds: number;
  cpuUserSeconds: number;
  cpuSystemSeconds: number;
  rssAtStartBytes: number;
  /** The process's peak resident set over its whole life (getrusage maxRSS). */
  peakRssBytes: number;
  /** The same peak as the kernel reports it in /proc/self/status, where there is one. */
  vmHwmBytes: number | null;
  /** Largest Buffer/ArrayBuffer total seen while uploading (sampled every 50 ms). */
  peakArrayBuffersBytes: number;
}

const FAILED_STATES = new Set<JobView['state']>(['waiting', 'failed', 'needs-auth', 'cancelled', 'paused']);
const DEADLINE_MS = 15 * 60 * 1000;

async function main(): Promise<UploadMeasurement> {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      'base-url': { type: 'string' },
      'data-dir': { type: 'string' },
      'chunk-bytes': { type: 'string' },
    },
  });
  const file = required(values.file, '--file');
  const baseUrl = required(values['base-url'], '--base-url');
  const dataDir = required(values['data-dir'], '--data-dir');
  const chunk = values['chunk-bytes'] === undefined ? {} : { chunkSizeBytes: Number(values['chunk-bytes']) };

  const lock = acquireInstanceLock(dataPaths(dataDir).lock);
  const host = openHeadlessHost(dataDir);
  const uploader = new Uploader({
    host: host.services,
    db: host.db,
    overrides: { recordingsFolder: dirname(file), storageApiBaseUrl: baseUrl, settleSeconds: 1, ...chunk },
  });
  try {
    const measuring = measureJob(uploader, basename(file));
    await uploader.start();
    return await measuring;
  } finally {
    await uploader.stop();
    await host.close();
    lock.release();
  }
}

function measureJob(uploader: Uploader, fileName: string): Promise<UploadMeasurement> {
  return new Promise((resolve, reject) => {
    let start: { at: number; cpu: NodeJS.CpuUsage; rss: number } | null = null;
    let peakArrayBuffers = 0;
    const sampler = setInterval(() => {
      peakArrayBuffers = Math.max(peakArrayBuffers, process.memoryUsage().arrayBuffers);
    }, 50);
    const deadline = setTimeout(
      () => finish(new Error(`${fileName} was not done within 15 minutes`)),
      DEADLINE_MS,
    );
    const finish = (outcome: UploadMeasurement | Error): void => {
      clearInterval(sampler);
      clearTimeout(deadline);
      unsubscribe();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const unsubscribe = uploader.events.subscribe(({ event, payload }) => {
      if (event !== 'job-updated') return;
      const job = payload as JobView;
      if (job.fileName !== fileName) return;
      if (job.state === 'uploading' && start === null) {
        start = { at: performance.now(), cpu: process.cpuUsage(), rss: process.memoryUsage.rss() };
      } else if (job.state === 'done' && start !== null) {
        const cpu = process.cpuUsage(start.cpu);
        finish({
          fileName,
          sizeBytes: job.sizeBytes,
          remoteId: job.remoteId ?? '',
          wallSeconds: (performance.now() - start.at) / 1000,
          cpuUserSeconds: cpu.user / 1e6,
          cpuSystemSeconds: cpu.system / 1e6,
          rssAtStartBytes: start.rss,
          peakRssBytes: process.resourceUsage().maxRSS * 1024,
          vmHwmBytes: vmHwm(),
          peakArrayBuffersBytes: Math.max(peakArrayBuffers, process.memoryUsage().arrayBuffers),
        });
      } else if (FAILED_STATES.has(job.state)) {
        finish(
          new Error(`the upload of ${fileName} went to ${job.state}: ${job.lastError ?? 'no reason given'}`),
        );
      }
    });
  });
}

function vmHwm(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match?.[1] === undefined ? null : Number(match[1]) * 1024;
  } catch {
    return null;
  }
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}

main().then(
  (measurement) => {
    process.stdout.write(`${JSON.stringify(measurement)}\n`);
  },
  (error: unknown) => {
    process.stdout.write(
      `${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`,
    );
    process.exitCode = 1;
  },
);
