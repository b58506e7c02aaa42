import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { SecretStore } from '../../src-main/core/auth/secret-store.ts';
import { QuickXorHash } from '../../src-main/core/destinations/onedrive/quick-xor-hash.ts';
import { systemClock } from '../../src-main/core/host-services.ts';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import { openDatabase } from '../../src-main/core/store/database.ts';
import { Uploader } from '../../src-main/core/uploader.ts';
import { visitSignIn } from '../../tests/support/form-post-browser.ts';
import { fetchTrusting } from '../../tests/support/trusting-fetch.ts';

export interface OneDriveBenchResult {
  seconds: number;
  bytes: number;
  cpuSeconds: number;
  peakRssBytes: number;
}

interface PeerAddresses {
  graphBaseUrl: string;
  idpOrigin: string;
  clientId: string;
  certificate: string;
}

const REPO = resolve(import.meta.dirname, '../..');

/**
 * Uploads one file of `sizeBytes` to the Graph peer with the uploader core (sign-in through the
 * identity provider, upload session, quickXorHash verified), the peers running in a process of
 * their own. `seconds` runs from the job starting to upload to its verified end; CPU and peak
 * memory are this process's, i.e. the uploader's.
 */
export async function benchOneDriveUpload(
  sizeBytes: number,
  options: { chunkSizeBytes?: number } = {},
): Promise<OneDriveBenchResult> {
  const root = mkdtempSync(join(tmpdir(), 'onedrive-bench-'));
  const peers = spawn(process.execPath, ['scripts/bench/onedrive-peer-process.ts'], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let uploader: Uploader | null = null;
  try {
    const addresses = await firstLine(peers);
    const folder = join(root, 'recordings');
    mkdirSync(folder, { recursive: true });
    await writeRandomFile(join(folder, 'bench.mp4'), sizeBytes);
    const trusting = fetchTrusting(addresses.certificate);
    const db = openDatabase(join(root, 'uploader.db'));
    uploader = new Uploader({
      host: {
        fetch: trusting,
        openBrowser: async (url) => {
          await visitSignIn(url, trusting);
        },
        secrets: memorySecrets(),
        dataDir: root,
        clock: systemClock,
        logger: silentLogger,
      },
      db,
      overrides: {
        activeDestination: 'onedrive',
        oneDriveClientId: addresses.clientId,
        oneDriveAuthorityHost: addresses.idpOrigin,
        graphBaseUrl: addresses.graphBaseUrl,
        ...(options.chunkSizeBytes === undefined ? {} : { chunkSizeBytes: options.chunkSizeBytes }),
      },
    });
    await uploader.connect({ destination: 'onedrive' });
    await uploader.start();
    uploader.enqueue({
      path: join(folder, 'bench.mp4'),
      sizeBytes,
      mtimeMs: await mtimeOf(join(folder, 'bench.mp4')),
      sidecarPath: null,
    });
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await uploader.resumeAll();
    const job = await until(uploader, 'bench.mp4');
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    if (job !== 'done') throw new Error(`the benchmark upload ended ${job}`);
    await uploader.stop();
    uploader = null;
    db.close();
    return {
      seconds,
      bytes: sizeBytes,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    await uploader?.stop().catch(() => {});
    peers.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
  }
}

/** quickXorHash throughput in MB/s (10^6 bytes a second) over `sizeBytes` fed in 10 MiB pieces. */
export function quickXorHashThroughput(sizeBytes = 512 * 1024 * 1024): number {
  const piece = randomBytes(10 * 1024 * 1024);
  const hash = new QuickXorHash();
  hash.update(piece); // warm-up
  const started = performance.now();
  const fresh = new QuickXorHash();
  for (let done = 0; done < sizeBytes; done += piece.length) {
    fresh.update(piece.subarray(0, Math.min(piece.length, sizeBytes - done)));
  }
  fresh.digest();
  return sizeBytes / 1e6 / ((performance.now() - started) / 1000);
}

async function until(uploader: Uploader, fileName: string): Promise<string> {
  for (;;) {
    const job = uploader
      .listJobs({ filter: 'all', offset: 0, limit: 10 })
      .find((j) => j.fileName === fileName);
    if (job !== undefined && ['done', 'failed', 'needs-auth', 'cancelled'].includes(job.state))
      return job.state;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function firstLine(child: ChildProcess): Promise<PeerAddresses> {
  return new Promise((resolveLine, reject) => {
    if (child.stdout === null) throw new Error('the peer process has no output');
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolveLine(JSON.parse(line) as PeerAddresses));
    child.once('exit', (code) => reject(new Error(`the peer process exited (${code}) before it started`)));
  });
}

async function writeRandomFile(path: string, sizeBytes: number): Promise<void> {
  const file = await open(path, 'w');
  const block = randomBytes(8 * 1024 * 1024);
  try {
    for (let done = 0; done < sizeBytes; done += block.length) {
      await file.write(block, 0, Math.min(block.length, sizeBytes - done));
    }
  } finally {
    await file.close();
  }
}

async function mtimeOf(path: string): Promise<number> {
  const { stat } = await import('node:fs/promises');
  return (await stat(path)).mtimeMs;
}

/** The benchmark measures uploads, not the keychain. */
function memorySecrets(): SecretStore {
  const values = new Map<string, string>();
  return {
    get: async (name) => values.get(name) ?? null,
    set: async (name, value) => {
      values.set(name, value);
    },
    delete: async (name) => {
      values.delete(name);
    },
  };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const size = Number(process.argv[2] ?? 256 * 1024 * 1024);
  const result = await benchOneDriveUpload(size);
  const mbps = result.bytes / 1e6 / result.seconds;
  const hashing = quickXorHashThroughput();
  process.stdout.write(
    `${JSON.stringify({ ...result, uploadMBps: Math.round(mbps), quickXorHashMBps: Math.round(hashing), hashToUploadRatio: Number((hashing / mbps).toFixed(1)) })}\n`,
  );
}
