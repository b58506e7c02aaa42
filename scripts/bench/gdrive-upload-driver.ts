import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SecretStore } from '../../src-main/core/auth/secret-store.ts';
import { systemClock } from '../../src-main/core/host-services.ts';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import { openDatabase } from '../../src-main/core/store/database.ts';
import { Uploader } from '../../src-main/core/uploader.ts';
import type { JobView } from '../../src-shared/job.ts';
import type { Settings } from '../../src-shared/settings.ts';

/**
 * Uploads one recording to the Drive test server with the real uploader core, measuring this
 * process while it does:
 *
 *   node gdrive-upload-driver.ts --file PATH --data-dir DIR --peer JSON [--chunk-bytes N]
 *
 * `--peer` is the settings line gdrive-peer-process.ts prints. The sign-in is the real one (the
 * "browser" follows the consent page back to the loopback listener). The refresh token is kept in
 * memory: a bench machine need not have a keychain, and nothing of it outlives the run. The
 * file's folder is the recordings folder. Prints one JSON line: a DriveUploadMeasurement, or
 * `{error}`.
 */
export interface DriveUploadMeasurement {
  fileName: string;
  sizeBytes: number;
  remoteId: string;
  /** From the job entering `uploading` to `done` (sent and md5 compared). */
  seconds: number;
  cpuSeconds: number;
  /** The process's peak resident set over its whole life (getrusage maxRSS). */
  peakRssBytes: number;
}

const DEADLINE_MS = 30 * 60 * 1000;

class MemorySecretStore implements SecretStore {
  readonly #values = new Map<string, string>();
  async get(name: string): Promise<string | null> {
    return this.#values.get(name) ?? null;
  }
  async set(name: string, value: string): Promise<void> {
    this.#values.set(name, value);
  }
  async delete(name: string): Promise<void> {
    this.#values.delete(name);
  }
}

async function main(): Promise<DriveUploadMeasurement> {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      'data-dir': { type: 'string' },
      peer: { type: 'string' },
      'chunk-bytes': { type: 'string' },
    },
  });
  const file = required(values.file, '--file');
  const dataDir = required(values['data-dir'], '--data-dir');
  const peer = JSON.parse(required(values.peer, '--peer')) as Partial<Settings>;
  const chunk = values['chunk-bytes'] === undefined ? {} : { chunkSizeBytes: Number(values['chunk-bytes']) };
  const db = openDatabase(join(dataDir, 'uploader.db'));
  const uploader = new Uploader({
    host: {
      fetch: globalThis.fetch,
      openBrowser: async (url) => {
        await (await fetch(url)).text();
      },
      secrets: new MemorySecretStore(),
      dataDir,
      clock: systemClock,
      logger: silentLogger,
    },
    db,
    overrides: {
      ...peer,
      activeDestination: 'gdrive',
      recordingsFolder: dirname(file),
      settleSeconds: 1,
      ...chunk,
    },
  });
  try {
    await uploader.connect({ destination: 'gdrive' });
    const measuring = measureJob(uploader, basename(file));
    await uploader.start();
    return await measuring;
  } finally {
    await uploader.stop();
    db.close();
  }
}

function measureJob(uploader: Uploader, fileName: string): Promise<DriveUploadMeasurement> {
  return new Promise((resolve, reject) => {
    let start: { at: number; cpu: NodeJS.CpuUsage } | null = null;
    const deadline = setTimeout(
      () => finish(new Error(`${fileName} was not done within 30 minutes`)),
      DEADLINE_MS,
    );
    const finish = (outcome: DriveUploadMeasurement | Error): void => {
      clearTimeout(deadline);
      unsubscribe();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const unsubscribe = uploader.events.subscribe((event) => {
      if (event.event !== 'job-updated') return;
      const job = event.payload as JobView;
      if (job.fileName !== fileName) return;
      if (job.state === 'uploading' && start === null)
        start = { at: performance.now(), cpu: process.cpuUsage() };
      if (job.state === 'failed' || job.state === 'needs-auth') {
        finish(new Error(`${fileName} ended ${job.state}: ${job.lastError ?? ''}`));
      }
      if (job.state !== 'done' || start === null) return;
      const cpu = process.cpuUsage(start.cpu);
      finish({
        fileName,
        sizeBytes: job.sizeBytes,
        remoteId: job.remoteId ?? '',
        seconds: (performance.now() - start.at) / 1000,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
      });
    });
  });
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}

main().then(
  (measurement) => {
    process.stdout.write(`${JSON.stringify(measurement)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stdout.write(
      `${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`,
    );
    process.exit(1);
  },
);
