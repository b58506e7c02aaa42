import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { STORAGE_API_TOKEN_ENV } from '../../src-main/core/auth/env-secret-store.ts';
import { DrivePeerProcess } from './gdrive-bench.ts';
import { GraphPeerProcess } from './onedrive-bench.ts';
import { PeerHandle } from './peer-handle.ts';
import type { Destination } from './report.ts';
import { sha256OfFile, type TestFile, writeTestFile } from './test-files.ts';
import type { ThrottledMeasurement } from './throttled-driver.ts';
import { driverRun } from './uploader-run.ts';

const MiB = 1024 * 1024;

/** One throttled case: so many uploads at once under one cap. */
export interface ThrottleCase {
  capMiBps: number;
  uploads: number;
}

/** The cases the issue of sharing a line asks about: 1, 5 and 20 MiB/s, and two uploads under 5. */
export const THROTTLE_CASES: readonly ThrottleCase[] = [
  { capMiBps: 1, uploads: 1 },
  { capMiBps: 5, uploads: 1 },
  { capMiBps: 20, uploads: 1 },
  { capMiBps: 5, uploads: 2 },
];

export interface ThrottleResult {
  destination: Destination;
  throttle: ThrottleCase;
  /** Bytes of each file. */
  fileBytes: number;
  measured: ThrottledMeasurement;
}

export interface ThrottleOptions {
  destinations: readonly Destination[];
  /** The size of each file: 1 GiB by default; or what the cap sends in this many seconds. */
  fileBytes(throttle: ThrottleCase): number;
  workDir: string;
  storeDir: string;
  log(line: string): void;
}

/** A destination's test server, as the throttled driver needs it. */
interface Peer {
  settings: Record<string, string>;
  env: NodeJS.ProcessEnv;
  storedPath(remoteId: string): Promise<string>;
  discard(remoteId: string): Promise<void>;
  close(): Promise<void>;
}

async function startPeer(destination: Destination, storeDir: string, workDir: string): Promise<Peer> {
  if (destination === 'storage-api') {
    const peer = await PeerHandle.start('resumable', storeDir);
    return {
      settings: { storageApiBaseUrl: peer.baseUrl },
      env: { ...process.env, [STORAGE_API_TOKEN_ENV]: peer.token },
      storedPath: async (id) => (await peer.stored(id)).path,
      discard: (id) => peer.delete(id),
      close: () => peer.close(),
    };
  }
  const peer =
    destination === 'onedrive'
      ? await GraphPeerProcess.start(storeDir, workDir)
      : await DrivePeerProcess.start(storeDir);
  const env =
    peer instanceof GraphPeerProcess
      ? { ...process.env, NODE_EXTRA_CA_CERTS: peer.certificatePath }
      : process.env;
  return {
    settings: peer.settings,
    env,
    storedPath: (id) => peer.storedPath(id),
    discard: (id) => peer.discard(id),
    close: () => peer.close(),
  };
}

/**
 * The upload speed limit under load: each destination's test server receives the files of each
 * case from the uploader (one process per case, sign-in included) under its cap; every stored
 * file is checked byte-identical and removed.
 */
export async function runThrottleSection(options: ThrottleOptions): Promise<ThrottleResult[]> {
  const results: ThrottleResult[] = [];
  let runs = 0;
  for (const destination of options.destinations) {
    const storeDir = join(options.storeDir, `throttle-${destination}`);
    const workDir = join(options.workDir, `throttle-${destination}`);
    mkdirSync(storeDir, { recursive: true });
    mkdirSync(workDir, { recursive: true });
    const peer = await startPeer(destination, storeDir, workDir);
    try {
      for (const throttle of THROTTLE_CASES) {
        runs += 1;
        const folder = join(workDir, `case-${runs}`);
        mkdirSync(folder);
        const fileBytes = options.fileBytes(throttle);
        const files: TestFile[] = [];
        for (let i = 1; i <= throttle.uploads; i += 1) {
          files.push(
            await writeTestFile(join(folder, `throttled_${throttle.capMiBps}M_${i}.mp4`), fileBytes),
          );
        }
        const args = ['--destination', destination, '--rate-limit', `${throttle.capMiBps}M`];
        for (const file of files) args.push('--file', file.path);
        args.push('--settings', JSON.stringify(peer.settings));
        const measured = await driverRun<ThrottledMeasurement>(
          './throttled-driver.ts',
          args,
          join(workDir, `data-${runs}`),
          peer.env,
        );
        for (const [index, file] of files.entries()) {
          const remoteId = measured.remoteIds[index] ?? '';
          const stored = await sha256OfFile(await peer.storedPath(remoteId));
          if (stored !== file.sha256) {
            throw new Error(
              `${destination} stored ${file.path} under a ${throttle.capMiBps}M cap with a different sha256`,
            );
          }
          await peer.discard(remoteId);
        }
        rmSync(folder, { recursive: true, force: true });
        const result = { destination, throttle, fileBytes, measured };
        options.log(`throttled  ${destination}: ${describe(result)}`);
        results.push(result);
      }
    } finally {
      await peer.close();
    }
  }
  return results;
}

/** Bytes per second on the line: what followed the first write, over the time it took. */
export const achievedRate = (r: ThrottleResult): number =>
  (r.measured.line.bytes - r.measured.line.firstWriteBytes) / r.measured.line.spanSeconds;

/** The achieved rate against the cap. */
export const capFraction = (r: ThrottleResult): number => achievedRate(r) / (r.throttle.capMiBps * MiB);

export const cpuPerGiB = (r: ThrottleResult): number =>
  r.measured.cpuSeconds / (r.measured.sizeBytes / 1024 ** 3);

/** CPU per GiB while the bytes went out (first write to last): what a long throttled upload costs. */
export const sendingCpuPerGiB = (r: ThrottleResult): number =>
  r.measured.line.cpuSecondsInSpan / ((r.measured.line.bytes - r.measured.line.firstWriteBytes) / 1024 ** 3);

function describe(r: ThrottleResult): string {
  const uploads = r.throttle.uploads === 1 ? '' : ` (${r.throttle.uploads} at once)`;
  return `${r.throttle.capMiBps} MiB/s cap${uploads}, ${r.fileBytes / MiB} MiB each: ${capFraction(r).toFixed(3)} of the cap, ${cpuPerGiB(r).toFixed(2)} CPU s/GiB (${sendingCpuPerGiB(r).toFixed(2)} while sending), largest gap ${r.measured.line.largestGapMs.toFixed(0)} ms, byte-identical`;
}
