import { existsSync, mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { curlUpload } from './bench/curl-upload.ts';
import { describeMachine, sha256Throughput } from './bench/machine.ts';
import { PeerHandle, type PeerMode } from './bench/peer-handle.ts';
import { type BenchCase, mbPerSecond, type RunResult, renderReport, summarize } from './bench/report.ts';
import { sha256OfFile, type TestFile, writeTestFile } from './bench/test-files.ts';
import { uploaderRun } from './bench/uploader-run.ts';

/**
 * `npm run bench`: how fast the uploader moves a recording to the storage API peer on loopback,
 * against curl sending the same file to the same peer, with the uploader's CPU and memory.
 * Everything runs on 127.0.0.1; every upload is checked byte-identical; temp files are removed.
 *
 *   node scripts/bench.ts [--runs 5] [--small-mib 256] [--large-mib 1024] [--chunk-mib 10]
 */

const MiB = 1024 * 1024;
const DEFAULT_CHUNK_MIB = 10;

const CASES: BenchCase[] = [
  {
    id: 'uploader-chunked-small',
    label: 'uploader, chunks',
    tool: 'uploader',
    mode: 'resumable',
    size: 'small',
    baseline: null,
  },
  {
    id: 'uploader-chunked-large',
    label: 'uploader, chunks',
    tool: 'uploader',
    mode: 'resumable',
    size: 'large',
    baseline: 'curl-put-large',
  },
  {
    id: 'curl-put-large',
    label: 'curl, whole file in one PUT',
    tool: 'curl',
    mode: 'resumable',
    size: 'large',
    baseline: null,
  },
  {
    id: 'uploader-single-large',
    label: 'uploader, one multipart POST',
    tool: 'uploader',
    mode: 'single',
    size: 'large',
    baseline: 'curl-multipart-large',
  },
  {
    id: 'curl-multipart-large',
    label: 'curl, one multipart POST',
    tool: 'curl',
    mode: 'single',
    size: 'large',
    baseline: null,
  },
];

interface Options {
  runs: number;
  smallBytes: number;
  largeBytes: number;
  chunkBytes: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      'small-mib': { type: 'string', default: '256' },
      'large-mib': { type: 'string', default: '1024' },
      'chunk-mib': { type: 'string', default: String(DEFAULT_CHUNK_MIB) },
    },
  });
  const positive = (name: string, text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
    return value;
  };
  return {
    runs: positive('runs', values.runs),
    smallBytes: positive('small-mib', values['small-mib']) * MiB,
    largeBytes: positive('large-mib', values['large-mib']) * MiB,
    chunkBytes: positive('chunk-mib', values['chunk-mib']) * MiB,
  };
}

/** tmpfs when there is room: the peer's store then measures the uploader, not this disk. */
function storeRoot(needBytes: number): string {
  const shm = '/dev/shm';
  try {
    if (existsSync(shm) && statfsSync(shm).bavail * statfsSync(shm).bsize > needBytes * 2) return shm;
  } catch {
    // no statfs here: the ordinary temp folder will do
  }
  return tmpdir();
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

class Bench {
  readonly #options: Options;
  readonly #filesRoot = mkdtempSync(join(tmpdir(), 'uploader-bench-'));
  readonly #storeRoot: string;
  readonly #peers = new Map<PeerMode, PeerHandle>();
  readonly #files = new Map<'small' | 'large', TestFile>();
  #dataDirs = 0;

  constructor(options: Options) {
    this.#options = options;
    this.#storeRoot = mkdtempSync(join(storeRoot(options.largeBytes), 'uploader-bench-store-'));
  }

  get storeRoot(): string {
    return this.#storeRoot;
  }

  async prepare(): Promise<void> {
    for (const [size, bytes] of [
      ['small', this.#options.smallBytes],
      ['large', this.#options.largeBytes],
    ] as const) {
      // One folder per file: it is that upload's recordings folder, holding nothing else.
      const folder = join(this.#filesRoot, size);
      mkdirSync(folder);
      const started = performance.now();
      const file = await writeTestFile(join(folder, `bench_${size}_${bytes / MiB}MiB.mp4`), bytes);
      log(
        `wrote ${file.path} (${bytes / MiB} MiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      this.#files.set(size, file);
    }
    for (const mode of ['resumable', 'single'] as const) {
      const store = join(this.#storeRoot, mode);
      mkdirSync(store);
      this.#peers.set(mode, await PeerHandle.start(mode, store));
    }
  }

  async run(bench: BenchCase, round: number): Promise<RunResult> {
    const peer = this.#peers.get(bench.mode) as PeerHandle;
    const file = this.#files.get(bench.size) as TestFile;
    const cpuBefore = await peer.cpuSeconds();
    let remoteId: string;
    let result: Omit<RunResult, 'peerCpuSeconds'>;
    if (bench.tool === 'curl') {
      const curl = await curlUpload(peer, file, `bench-${bench.id}-${round}`);
      remoteId = curl.remoteId;
      result = {
        caseId: bench.id,
        sizeBytes: file.sizeBytes,
        wallSeconds: curl.wallSeconds,
        clientCpuSeconds: curl.cpuSeconds,
        peakRssBytes: null,
        rssAtStartBytes: null,
      };
    } else {
      this.#dataDirs += 1;
      const dataDir = join(this.#filesRoot, `data-${this.#dataDirs}`);
      const upload = await uploaderRun(peer, file, dataDir, this.#options.chunkBytes);
      remoteId = upload.remoteId;
      result = {
        caseId: bench.id,
        sizeBytes: file.sizeBytes,
        wallSeconds: upload.wallSeconds,
        clientCpuSeconds: upload.cpuUserSeconds + upload.cpuSystemSeconds,
        peakRssBytes: upload.peakRssBytes,
        rssAtStartBytes: upload.rssAtStartBytes,
      };
    }
    const peerCpuSeconds = (await peer.cpuSeconds()) - cpuBefore;
    await this.#verify(peer, remoteId, file, bench);
    return { ...result, peerCpuSeconds };
  }

  /** A bench that uploads garbage fast proves nothing: every stored file is hashed again here. */
  async #verify(peer: PeerHandle, remoteId: string, file: TestFile, bench: BenchCase): Promise<void> {
    const stored = await peer.stored(remoteId);
    const sha256 = await sha256OfFile(stored.path);
    if (sha256 !== file.sha256) {
      throw new Error(
        `${bench.label} (${bench.mode}) stored ${remoteId} with sha256 ${sha256}, but the source's is ${file.sha256}`,
      );
    }
    await peer.delete(remoteId);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#peers.values()].map((peer) => peer.close()));
    this.removeTemp();
  }

  /** Synchronous, so it also runs from a signal handler. */
  removeTemp(): void {
    for (const peer of this.#peers.values()) peer.kill();
    rmSync(this.#filesRoot, { recursive: true, force: true });
    rmSync(this.#storeRoot, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  const bench = new Bench(options);
  const interrupted = (): void => {
    bench.removeTemp();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const machine = describeMachine();
    const sha256MBps = sha256Throughput();
    log(`sha256: ${sha256MBps.toFixed(0)} MB/s on one core`);
    await bench.prepare();
    const loadBefore = loadavg()[0] ?? 0;
    const results = new Map<string, RunResult[]>(CASES.map((c) => [c.id, []]));
    // Rounds interleave the cases, so a slow minute on a shared machine hits all of them alike.
    for (let round = 1; round <= options.runs; round += 1) {
      for (const benchCase of CASES) {
        const result = await bench.run(benchCase, round);
        results.get(benchCase.id)?.push(result);
        log(
          `round ${round}/${options.runs}  ${benchCase.label} (${benchCase.mode}, ${benchCase.size}): ${mbPerSecond(result).toFixed(0)} MB/s, byte-identical`,
        );
      }
    }
    process.stdout.write(
      renderReport({
        machine,
        sha256MBps,
        storeDir: bench.storeRoot.startsWith('/dev/shm') ? 'tmpfs (/dev/shm)' : 'temp folder on disk',
        chunkBytes: options.chunkBytes,
        runsPerCase: options.runs,
        load: [loadBefore, loadavg()[0] ?? 0],
        summaries: CASES.map((c) => summarize(c, results.get(c.id) ?? [])),
        aims: { minRatio: 0.9, maxRssMB: 150 },
      }),
    );
  } finally {
    await bench.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
