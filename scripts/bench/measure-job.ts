import { subscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import type { Uploader } from '../../src-main/core/uploader.ts';
import type { JobView } from '../../src-shared/job.ts';

/** What a driver process measures of itself while the uploader core sends one recording. */
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
  /**
   * From the recording settling (its job queued by the watcher) to the first request carrying its
   * bytes starting on the wire: the session, the database writes, the first read, all in between.
   */
  settledToFirstByteSeconds: number | null;
}

/** The moment undici first writes the headers of a request that carries recording bytes. */
function watchFirstBodyRequest(): { at(): number | null } {
  let first: number | null = null;
  const listener = (message: unknown): void => {
    const { method, path } = (message as { request: { method: string; path: string } }).request;
    // Chunks and whole-file PUTs at every destination; the storage API's one multipart POST.
    if (first === null && (method === 'PUT' || (method === 'POST' && /\/file(\?|$)/.test(path)))) {
      first = performance.now();
    }
  };
  subscribe('undici:client:sendHeaders', listener);
  return { at: () => first };
}

const FAILED_STATES = new Set<JobView['state']>(['waiting', 'failed', 'needs-auth', 'cancelled', 'paused']);
const DEADLINE_MS = 15 * 60 * 1000;

/** Follows one recording's job through the uploader's events and measures this process meanwhile. */
export function measureJob(uploader: Uploader, fileName: string): Promise<UploadMeasurement> {
  return new Promise((resolve, reject) => {
    let start: { at: number; cpu: NodeJS.CpuUsage; rss: number } | null = null;
    let settledAt: number | null = null;
    const firstBody = watchFirstBodyRequest();
    const deadline = setTimeout(
      () => finish(new Error(`${fileName} was not done within 15 minutes`)),
      DEADLINE_MS,
    );
    const finish = (outcome: UploadMeasurement | Error): void => {
      clearTimeout(deadline);
      unsubscribe();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const unsubscribe = uploader.events.subscribe(({ event, payload }) => {
      if (event !== 'job-updated') return;
      const job = payload as JobView;
      if (job.fileName !== fileName) return;
      settledAt ??= performance.now();
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
          vmHwmBytes: procStatusBytes('self', 'VmHWM'),
          settledToFirstByteSeconds: secondsBetween(settledAt, firstBody.at()),
        });
      } else if (FAILED_STATES.has(job.state)) {
        finish(
          new Error(`the upload of ${fileName} went to ${job.state}: ${job.lastError ?? 'no reason given'}`),
        );
      }
    });
  });
}

const secondsBetween = (from: number | null, to: number | null): number | null =>
  from === null || to === null || to < from ? null : (to - from) / 1000;

/** A `kB` line of /proc/PID/status in bytes (VmRSS, VmHWM), or null where there is no /proc. */
export function procStatusBytes(pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match?.[1] === undefined ? null : Number(match[1]) * 1024;
  } catch {
    return null;
  }
}

/** A driver's last word on stdout: its measurement, or `{error}` and exit code 1. */
export function reportOutcome<T>(work: Promise<T>): void {
  work.then(
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
}

export function requiredOption(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}
