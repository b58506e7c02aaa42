import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { DrivePeerProcess, driveUploaderRun } from './gdrive-bench.ts';
import type { UploadMeasurement } from './measure-job.ts';
import { GraphPeerProcess, oneDriveUploaderRun } from './onedrive-bench.ts';
import { median } from './report.ts';
import { type TestFile, writeTestFile } from './test-files.ts';

const GiB = 2 ** 30;

/** The destinations whose own hash is not SHA-256: there the proof of archive adds one. */
export type ProofHashDestination = 'onedrive' | 'gdrive';

interface Sample {
  /** Median over the runs: bytes over the job's time from uploading to done, in MB/s. */
  mbPerSecond: number;
  /** Median over the runs: the uploader process's user + system CPU per GiB sent. */
  cpuSecondsPerGiB: number;
}

export interface ProofHashCost {
  destination: ProofHashDestination;
  sizeBytes: number;
  runs: number;
  withHash: Sample;
  withoutHash: Sample;
  /**
   * Each round's with-over-without throughput (the two runs of a round are seconds apart, so a
   * machine whose speed drifts between rounds moves both alike), sorted: the median is the
   * figure, the spread says how far one round can be trusted.
   */
  roundRatios: number[];
  load: [number, number];
}

interface Peer {
  storedPath(id: string): Promise<string>;
  discard(id: string): Promise<void>;
  close(): Promise<void>;
}

type Send = (file: TestFile, dataDir: string, extraArgs: readonly string[]) => Promise<UploadMeasurement>;

/**
 * The same recording sent to each cloud destination's test server by the uploader with the
 * SHA-256 the proof of archive computes beside the destination's own hash, and without it, in
 * turns (with first in even rounds, without first in odd ones), so a machine whose load drifts
 * weighs on both alike. The storage API verifies with SHA-256 itself: nothing is added there.
 */
export async function measureProofHashCost(
  options: {
    sizeBytes: number;
    chunkBytes: number;
    runs: number;
    destinations: ProofHashDestination[];
    /** Where the recording and the servers' stores go: tmpfs, so a disk's stalls are not measured. */
    workRoot: string;
  },
  log: (line: string) => void,
): Promise<ProofHashCost[]> {
  const dir = mkdtempSync(join(options.workRoot, 'uploader-bench-proof-hash-'));
  try {
    mkdirSync(join(dir, 'recordings'));
    const file = await writeTestFile(join(dir, 'recordings', 'proof-hash.mp4'), options.sizeBytes);
    const results: ProofHashCost[] = [];
    for (const destination of options.destinations) {
      const store = join(dir, `${destination}-store`);
      mkdirSync(store);
      const { peer, send } = await startPeer(destination, store, dir, options.chunkBytes);
      try {
        results.push(await alternate(destination, file, options.runs, dir, peer, send, log));
      } finally {
        await peer.close();
      }
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startPeer(
  destination: ProofHashDestination,
  store: string,
  workDir: string,
  chunkBytes: number,
): Promise<{ peer: Peer; send: Send }> {
  if (destination === 'onedrive') {
    const peer = await GraphPeerProcess.start(store, workDir);
    return { peer, send: (file, data, extra) => oneDriveUploaderRun(peer, file, data, chunkBytes, extra) };
  }
  const peer = await DrivePeerProcess.start(store);
  return { peer, send: (file, data, extra) => driveUploaderRun(peer, file, data, chunkBytes, extra) };
}

async function alternate(
  destination: ProofHashDestination,
  file: TestFile,
  runs: number,
  dir: string,
  peer: Peer,
  send: Send,
  log: (line: string) => void,
): Promise<ProofHashCost> {
  const samples = { with: [] as UploadMeasurement[], without: [] as UploadMeasurement[] };
  const loadBefore = loadavg()[0] ?? 0;
  let count = 0;
  for (let round = 0; round < runs; round += 1) {
    const order = round % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const);
    for (const mode of order) {
      count += 1;
      const dataDir = join(dir, `${destination}-data-${count}`);
      const measured = await send(file, dataDir, mode === 'with' ? [] : ['--without-proof-hash']);
      // Landed, or the figure means nothing; then the server's copy goes, so its store stays small.
      await peer.storedPath(measured.remoteId);
      await peer.discard(measured.remoteId);
      samples[mode].push(measured);
      log(
        `proof hash: ${destination} ${mode} SHA-256, round ${round + 1}: ${(file.sizeBytes / measured.wallSeconds / 1e6).toFixed(0)} MB/s`,
      );
    }
  }
  return {
    destination,
    sizeBytes: file.sizeBytes,
    runs,
    withHash: summarise(samples.with, file.sizeBytes),
    withoutHash: summarise(samples.without, file.sizeBytes),
    roundRatios: samples.with
      .map((run, round) => (samples.without[round] as UploadMeasurement).wallSeconds / run.wallSeconds)
      .sort((a, b) => a - b),
    load: [loadBefore, loadavg()[0] ?? 0],
  };
}

function summarise(runs: UploadMeasurement[], sizeBytes: number): Sample {
  return {
    mbPerSecond: median(runs.map((r) => sizeBytes / r.wallSeconds / 1e6)),
    cpuSecondsPerGiB: median(runs.map((r) => (r.cpuUserSeconds + r.cpuSystemSeconds) / (sizeBytes / GiB))),
  };
}

const NAMES: Readonly<Record<ProofHashDestination, string>> = {
  onedrive: 'OneDrive (quickXorHash)',
  gdrive: 'Google Drive (md5)',
};

export function renderProofHashCost(costs: ProofHashCost[]): string {
  if (costs.length === 0) return '';
  const first = costs[0] as ProofHashCost;
  const last = costs[costs.length - 1] as ProofHashCost;
  const percent = (ratio: number) => {
    const change = (ratio - 1) * 100;
    return `${change >= 0 ? '+' : ''}${change.toFixed(1)} %`;
  };
  const rows = costs.map((cost) => {
    const change = median(cost.roundRatios);
    const verdict = change >= 0.98 ? 'met' : 'NOT met';
    const spread = `${percent(cost.roundRatios[0] ?? 1)} … ${percent(cost.roundRatios.at(-1) ?? 1)}`;
    return (
      `| ${NAMES[cost.destination]} | ${cost.withHash.mbPerSecond.toFixed(0)} MB/s | ` +
      `${cost.withoutHash.mbPerSecond.toFixed(0)} MB/s | ${percent(change)} (rounds ${spread}) | ` +
      `${cost.withHash.cpuSecondsPerGiB.toFixed(2)} / ${cost.withoutHash.cpuSecondsPerGiB.toFixed(2)} s | ` +
      `within 2 %: ${verdict} |`
    );
  });
  return [
    '## What the proof of archive’s SHA-256 costs an upload',
    '',
    `One ${first.sizeBytes / 2 ** 20} MiB recording sent ${first.runs} times each way to each test server, in ` +
      'turns: with the SHA-256 the uploader computes beside the destination’s own hash, and without it. ' +
      'Medians; the change is the median of each round’s with-over-without ratio, with the lowest and highest round beside it. (The storage API verifies with SHA-256 itself: nothing is added there.) ' +
      `Load average ${first.load[0].toFixed(1)} before, ${last.load[1].toFixed(1)} after.`,
    '',
    '| destination | with SHA-256 | without | throughput change, per round | CPU per GiB, with / without | aim |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    '',
  ].join('\n');
}
