import { existsSync, mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildBundledCore } from './bench/bundled-core.ts';
import { buildBundledHeadless } from './bench/bundled-headless.ts';
import {
  driveChunkBytes,
  graphFragmentBytes,
  startDriveSuite,
  startOneDriveSuite,
} from './bench/cloud-suites.ts';
import { type CorePlacement, corePlacementOf, placeCores } from './bench/cores.ts';
import { md5Throughput } from './bench/gdrive-bench.ts';
import { linkRateBits, type ShapedLink, shapeLoopback } from './bench/link.ts';
import { describeMachine, type Machine, sha256Throughput } from './bench/machine.ts';
import { quickXorHashThroughput } from './bench/onedrive-bench.ts';
import { measureProof, renderProof } from './bench/proof-bench.ts';
import {
  measureProofHashCost,
  type ProofHashDestination,
  renderProofHashCost,
} from './bench/proof-hash-cost.ts';
import {
  DESTINATIONS,
  type Destination,
  mbPerSecond,
  type RunResult,
  renderReport,
  summarize,
} from './bench/report.ts';
import { queueAtStart, queueInTheBrowser } from './bench/scale-bench.ts';
import { renderScale } from './bench/scale-report.ts';
import { startStorageApiSuite } from './bench/storage-api-suite.ts';
import type { BenchContext, RunnableCase, Suite } from './bench/suite.ts';
import { sha256OfFile, type TestFile, writeTestFile } from './bench/test-files.ts';
import { renderThrottleReport } from './bench/throttle-report.ts';
import { runThrottleSection, type ThrottleCase } from './bench/throttle-suite.ts';
import { profileUploadersInto } from './bench/uploader-flags.ts';

/**
 * `npm run bench`: how fast the uploader moves a recording to each destination's test server on
 * loopback (the storage API, OneDrive's Graph, Google Drive), against curl sending the same file
 * to the same server, with the uploader's CPU and memory and the verification hashes' speed.
 * Everything runs on 127.0.0.1; every upload is checked byte-identical; temp files are removed.
 *
 *   node scripts/bench.ts [--runs 5] [--small-mib 256] [--large-mib 1024] [--chunk-mib 10]
 *                         [--destinations storage-api,onedrive,gdrive] [--no-bundled] [--cores auto|split|shared] [--link-rate 1gbit]
 *                         [--cpu-prof DIR]   (a V8 CPU profile of every uploader run, into DIR)
 *                         [--sections throughput,throttle,proof,scale] [--throttle-seconds 60]
 *                         [--scale-recordings 10000] [--scale-jobs 100000]
 *
 * The throttle section sends files under upload speed limits of 1, 5 and 20 MiB/s (and two at once
 * under 5), each file sized to what its cap sends in --throttle-seconds (0: 1 GiB each, which at
 * 1 MiB/s alone takes 17 minutes).
 *
 * The proof section times `report` over 100,000 recordings and `verify-ledger` over 1,000,000
 * ledger entries, each run whole as an operator runs it, and sends the --small-mib file --proof-runs
 * times each way to the OneDrive and Drive test servers with and without the SHA-256 the proof
 * of archive adds beside their own hash.
 *
 * The scale section queues --scale-recordings recordings already in the folder at start, and
 * shows the web UI's queue with --scale-jobs jobs in Chromium (first paint, a fast scroll).
 */

const MiB = 1024 * 1024;
const DEFAULT_CHUNK_MIB = 10;

interface Options {
  runs: number;
  /** Rounds of the proof section's uploads, with and without the proof's SHA-256. */
  proofRuns: number;
  smallBytes: number;
  largeBytes: number;
  chunkBytes: number;
  destinations: Destination[];
  /** Also measure the desktop app's core process as built for shipping (storage API only). */
  bundled: boolean;
  /** Every uploader process writes a V8 CPU profile here (`--cpu-prof DIR`). */
  cpuProfileDir: string | null;
  sections: Section[];
  /** Throttled files are sized to what their cap sends in this long; null: 1 GiB each. */
  throttleSeconds: number | null;
  /** Recordings queued at start, and jobs in the browser's queue (the scale section). */
  scale: { recordings: number; jobs: number };
  /** Test servers on cores of their own, apart from the uploader and curl (cores.ts). */
  cores: CorePlacement;
  /** Loopback shaped to this rate (`--link-rate 1gbit`), or null: unshaped. */
  linkRate: string | null;
}

const SECTIONS = ['throughput', 'throttle', 'proof', 'scale'] as const;
type Section = (typeof SECTIONS)[number];

const USAGE = `Usage: node scripts/bench.ts [options]   (npm run bench -- [options])

  --sections LIST        which sections to run, comma-separated (default: all of them):
                           throughput  every destination's uploads against curl, hashes, memory
                           scale       10,000 recordings queued at start; the 100,000-job queue in Chromium
                           proof       report over 100,000 recordings, verify-ledger over 1,000,000 entries
                           throttle    the upload speed limit (about 15 minutes)
  --runs N               rounds of the throughput section (default 5)
  --proof-runs N         rounds of the proof section's uploads with and without its SHA-256
                         (default 10: a round's ratio varies by several percent on a busy machine)
  --small-mib N          the small test file, MiB (default 256)
  --large-mib N          the large test file, MiB (default 1024)
  --chunk-mib N          the uploader's chunk size, MiB (default ${DEFAULT_CHUNK_MIB})
  --destinations LIST    any of storage-api,onedrive,gdrive (default: all three)
  --no-bundled           without the shipped core process and headless host
  --cores auto|split|shared
                         split: the test servers run on the upper half of the cores and the
                         uploader and curl on the rest (Linux, taskset), as a real server runs on
                         a machine of its own; shared: wherever the scheduler puts them; auto
                         (default): split on 4 cores or more, shared on fewer, where one core
                         cannot hold both of the uploader's threads
  --link-rate RATE       shape loopback to RATE (1gbit, 500mbit…) with tc, as a workstation's network
                         limits every real upload (Linux, root; the bench must run alone)
  --cpu-prof DIR         a V8 CPU profile of every uploader process, into DIR
  --throttle-seconds N   each throttled file is what its cap sends in N s (0: 1 GiB each; default 60)
  --scale-recordings N   recordings already in the folder at start (default 10000)
  --scale-jobs N         jobs in the browser's queue (default 100000)
  --help                 this text

Example: npm run bench -- --sections throughput,scale,proof
The report (Markdown) goes to standard output, progress to standard error.
`;

function readOptions(): Options {
  const { values } = parseArgs({
    allowNegative: true,
    options: {
      help: { type: 'boolean', default: false },
      runs: { type: 'string', default: '5' },
      'proof-runs': { type: 'string', default: '10' },
      'small-mib': { type: 'string', default: '256' },
      'large-mib': { type: 'string', default: '1024' },
      'chunk-mib': { type: 'string', default: String(DEFAULT_CHUNK_MIB) },
      destinations: { type: 'string', default: DESTINATIONS.join(',') },
      bundled: { type: 'boolean', default: true },
      cores: { type: 'string', default: 'auto' },
      'link-rate': { type: 'string' },
      'cpu-prof': { type: 'string' },
      sections: { type: 'string', default: SECTIONS.join(',') },
      'throttle-seconds': { type: 'string', default: '60' },
      'scale-recordings': { type: 'string', default: '10000' },
      'scale-jobs': { type: 'string', default: '100000' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const positive = (name: string, text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
    return value;
  };
  return {
    runs: positive('runs', values.runs),
    proofRuns: positive('proof-runs', values['proof-runs']),
    smallBytes: positive('small-mib', values['small-mib']) * MiB,
    largeBytes: positive('large-mib', values['large-mib']) * MiB,
    chunkBytes: positive('chunk-mib', values['chunk-mib']) * MiB,
    destinations: destinationsOf(values.destinations),
    bundled: values.bundled,
    cores: corePlacementOf(values.cores),
    linkRate: linkRateOf(values['link-rate']),
    cpuProfileDir: values['cpu-prof'] ?? null,
    sections: sectionsOf(values.sections),
    scale: {
      recordings: positive('scale-recordings', values['scale-recordings']),
      jobs: positive('scale-jobs', values['scale-jobs']),
    },
    throttleSeconds:
      values['throttle-seconds'] === '0' ? null : positive('throttle-seconds', values['throttle-seconds']),
  };
}

/** `--link-rate`'s value, checked now rather than after minutes of other sections. */
function linkRateOf(text: string | undefined): string | null {
  if (text === undefined) return null;
  linkRateBits(text);
  return text;
}

function sectionsOf(text: string): Section[] {
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`--sections takes a comma-separated list of ${SECTIONS.join(', ')}; got "${text}"`);
  return SECTIONS.filter((section) => names.includes(section));
}

/** A throttled file: 1 GiB, or what its cap sends in the chosen time (shared by the uploads at once). */
function throttledFileBytes(options: Options): (throttle: ThrottleCase) => number {
  return (throttle) => {
    if (options.throttleSeconds === null) return 1024 * MiB;
    const mib = Math.floor((throttle.capMiBps * options.throttleSeconds) / throttle.uploads);
    return Math.max(1, Math.min(1024, mib)) * MiB;
  };
}

function destinationsOf(text: string): Destination[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(DESTINATIONS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(
      `--destinations takes a comma-separated list of ${DESTINATIONS.join(', ')}; got "${text}"`,
    );
  }
  return DESTINATIONS.filter((d) => names.includes(d));
}

/** tmpfs when there is room: the servers' stores then measure the uploader, not this disk. */
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
  readonly #suites: Suite[] = [];

  constructor(options: Options) {
    this.#options = options;
    this.#storeRoot = mkdtempSync(join(storeRoot(options.largeBytes), 'uploader-bench-store-'));
  }

  get storeRoot(): string {
    return this.#storeRoot;
  }

  get filesRoot(): string {
    return this.#filesRoot;
  }

  async prepare(): Promise<RunnableCase[]> {
    const files = {
      small: await this.#testFile('small', this.#options.smallBytes),
      large: await this.#testFile('large', this.#options.largeBytes),
    };
    const context = (name: string): BenchContext => {
      const workDir = join(this.#filesRoot, name);
      const storeDir = join(this.#storeRoot, name);
      mkdirSync(workDir);
      mkdirSync(storeDir);
      return { files, chunkBytes: this.#options.chunkBytes, workDir, storeDir, log };
    };
    for (const destination of this.#options.destinations) {
      if (destination === 'storage-api') {
        const entry = this.#options.bundled ? await buildBundledCore() : null;
        if (entry !== null) log(`built the desktop core process into ${entry}`);
        if (this.#options.bundled) log(`built the headless host into ${buildBundledHeadless()}`);
        this.#suites.push(await startStorageApiSuite(context(destination), entry, this.#options.bundled));
      } else if (destination === 'onedrive') {
        this.#suites.push(await startOneDriveSuite(context(destination)));
      } else {
        this.#suites.push(await startDriveSuite(context(destination)));
      }
    }
    return this.#suites.flatMap((suite) => suite.cases);
  }

  /** One folder per file: it is that upload's recordings folder, holding nothing else. */
  async #testFile(size: 'small' | 'large', bytes: number): Promise<TestFile> {
    const folder = join(this.#filesRoot, size);
    mkdirSync(folder);
    const started = performance.now();
    const file = await writeTestFile(join(folder, `bench_${size}_${bytes / MiB}MiB.mp4`), bytes);
    log(`wrote ${file.path} (${bytes / MiB} MiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return file;
  }

  async run(runnable: RunnableCase, round: number): Promise<RunResult> {
    const { bench, file } = runnable;
    const cpuBefore = await runnable.serverCpuSeconds();
    const landed = await runnable.run(round);
    const peerCpuSeconds = (await runnable.serverCpuSeconds()) - cpuBefore;
    // A bench that uploads garbage fast proves nothing: every stored file is hashed again here.
    const sha256 = await sha256OfFile(landed.storedPath);
    if (sha256 !== file.sha256) {
      throw new Error(
        `${bench.label} (${bench.destination}, ${bench.server}) stored a file with sha256 ${sha256}, but the source's is ${file.sha256}`,
      );
    }
    await landed.discard();
    return { ...landed.result, caseId: bench.id, peerCpuSeconds };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#suites.map((suite) => suite.close()));
    this.removeTemp();
  }

  /** Synchronous, so it also runs from a signal handler. */
  removeTemp(): void {
    for (const suite of this.#suites) suite.kill();
    rmSync(this.#filesRoot, { recursive: true, force: true });
    rmSync(this.#storeRoot, { recursive: true, force: true });
  }
}

/** The 1-minute load average, watched while the runs go on: a shared machine shows here. */
function watchLoad(): { stop(): { before: number; highest: number; after: number } } {
  const before = loadavg()[0] ?? 0;
  let highest = before;
  const timer = setInterval(() => {
    highest = Math.max(highest, loadavg()[0] ?? 0);
  }, 5000);
  return {
    stop: () => {
      clearInterval(timer);
      const after = loadavg()[0] ?? 0;
      return { before, highest: Math.max(highest, after), after };
    },
  };
}

/** The upload speed limit's section; `machine` is printed when no other section named it. */
async function throttleSection(options: Options, bench: Bench, machine: Machine | null): Promise<void> {
  const results = await runThrottleSection({
    destinations: options.destinations,
    fileBytes: throttledFileBytes(options),
    workDir: bench.filesRoot,
    storeDir: bench.storeRoot,
    log,
  });
  process.stdout.write(
    `\n${renderThrottleReport({ machine, sizedForSeconds: options.throttleSeconds, results })}`,
  );
}

/** Start-up and scale, once: it measures neither throughput nor the servers. */
async function scaleSection(options: Options, bench: Bench): Promise<void> {
  const { recordings, jobs } = options.scale;
  const atStart = await queueAtStart(bench.filesRoot, recordings);
  log(`${recordings} recordings queued ${atStart.queuedSeconds.toFixed(2)} s after start`);
  const browser = await queueInTheBrowser(bench.filesRoot, jobs);
  log(
    `the ${jobs}-job queue painted in ${browser.paintMs.toFixed(0)} ms, ${browser.droppedFrames} frames dropped`,
  );
  process.stdout.write(
    `\n${renderScale(atStart, browser, { queuedAtStartSeconds: 2, paintMs: 1000, droppedFrames: 0 })}`,
  );
}

async function main(): Promise<void> {
  const options = readOptions();
  if (options.cpuProfileDir !== null) {
    mkdirSync(options.cpuProfileDir, { recursive: true });
    profileUploadersInto(resolve(options.cpuProfileDir));
  }
  const bench = new Bench(options);
  let link: ShapedLink | null = null;
  const interrupted = (): void => {
    link?.remove();
    bench.removeTemp();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const machine = describeMachine(placeCores(options.cores), options.linkRate);
    if (options.linkRate !== null) link = shapeLoopback(options.linkRate);
    log(`link: ${machine.link}`);
    log(`cores: ${machine.placement}`);
    if (options.sections.includes('proof')) {
      process.stdout.write(renderProof(await measureProof(100_000, 1_000_000, log)));
      const destinations = options.destinations.filter((d): d is ProofHashDestination => d !== 'storage-api');
      const cost = {
        sizeBytes: options.smallBytes,
        chunkBytes: options.chunkBytes,
        runs: options.proofRuns,
        workRoot: bench.storeRoot,
      };
      process.stdout.write(renderProofHashCost(await measureProofHashCost({ ...cost, destinations }, log)));
    }
    if (!options.sections.includes('throughput')) {
      if (options.sections.includes('throttle')) await throttleSection(options, bench, machine);
      if (options.sections.includes('scale')) await scaleSection(options, bench);
      return;
    }
    const has = (d: Destination) => options.destinations.includes(d);
    const hashes = {
      sha256: sha256Throughput(),
      quickXorHash: has('onedrive') ? quickXorHashThroughput() : null,
      md5: has('gdrive') ? md5Throughput() : null,
    };
    log(
      `one core: sha256 ${hashes.sha256.toFixed(0)} MB/s, quickXorHash ${hashes.quickXorHash?.toFixed(0) ?? '–'} MB/s, md5 ${hashes.md5?.toFixed(0) ?? '–'} MB/s`,
    );
    const cases = await bench.prepare();
    const load = watchLoad();
    const started = performance.now();
    const results = new Map<string, RunResult[]>(cases.map((c) => [c.bench.id, []]));
    // Rounds interleave the cases, so a slow minute on a shared machine hits all of them alike.
    for (let round = 1; round <= options.runs; round += 1) {
      for (const runnable of cases) {
        const { bench: c } = runnable;
        const result = await bench.run(runnable, round);
        results.get(c.id)?.push(result);
        const memory =
          result.peakRssBytes === null
            ? ''
            : `, RSS ${((result.rssAtStartBytes ?? 0) / 1e6).toFixed(0)} MB at start, peak ${(result.peakRssBytes / 1e6).toFixed(0)} MB`;
        log(
          `round ${round}/${options.runs}  ${c.destination}: ${c.label} (${c.server}, ${c.size}): ${mbPerSecond(result).toFixed(0)} MB/s${memory}, byte-identical`,
        );
      }
    }
    process.stdout.write(
      renderReport({
        machine,
        hashes,
        storeDir: bench.storeRoot.startsWith('/dev/shm') ? 'tmpfs (/dev/shm)' : 'temp folder on disk',
        chunkBytes: options.chunkBytes,
        graphFragmentBytes: graphFragmentBytes(options.chunkBytes),
        driveChunkBytes: driveChunkBytes(options.chunkBytes),
        runsPerCase: options.runs,
        load: load.stop(),
        wallMinutes: (performance.now() - started) / 60_000,
        summaries: cases.map((c) => summarize(c.bench, results.get(c.bench.id) ?? [])),
        aims: { maxRssMB: 120, headlessOverBundledMB: 10, maxFirstByteMs: 1000, minHashRatio: 3 },
      }),
    );
    if (options.sections.includes('throttle')) await throttleSection(options, bench, null);
    if (options.sections.includes('scale')) await scaleSection(options, bench);
  } finally {
    link?.remove();
    await bench.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
