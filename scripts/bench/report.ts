import type { Machine } from './machine.ts';

export type Tool = 'uploader' | 'curl';
export type Destination = 'storage-api' | 'onedrive' | 'gdrive';
export const DESTINATIONS: readonly Destination[] = ['storage-api', 'onedrive', 'gdrive'];

const TITLES: Record<Destination, string> = {
  'storage-api': 'Storage API (test server)',
  onedrive: 'OneDrive (Graph test server)',
  gdrive: 'Google Drive (Drive test server)',
};

export interface BenchCase {
  id: string;
  destination: Destination;
  label: string;
  /** The server's mode or protocol: resumable, single, upload session… */
  server: string;
  tool: Tool;
  size: 'small' | 'large';
  /** The curl case this one's "vs curl" ratio is taken against (same server, same file). */
  baseline: string | null;
  /** Further curl cases it is compared with in the verdicts. */
  alsoComparedWith?: string[];
  /** The least ratio to `baseline` this case aims at, if it has an aim. */
  aimRatio?: number;
  /** The desktop app's core process as built for shipping (the memory aim is held against it). */
  bundled?: boolean;
  /** The headless host as built for shipping (held to within a few MB of the bundled core). */
  headlessBundle?: boolean;
}

export interface RunResult {
  caseId: string;
  sizeBytes: number;
  wallSeconds: number;
  clientCpuSeconds: number | null;
  peerCpuSeconds: number;
  peakRssBytes: number | null;
  /** Resident set when the job started: what the process holds before any byte is sent. */
  rssAtStartBytes: number | null;
  /** TCP connections curl opened, where counted. */
  connections: number | null;
  /** The uploader's, where measured: from the recording settling to its first byte sent. */
  settledToFirstByteSeconds: number | null;
}

export interface Aims {
  /** The bundled core process's peak resident set. */
  maxRssMB: number;
  /** How far above the bundled core's peak the headless host (TypeScript sources) may go. */
  headlessOverBundledMB: number;
  /** From a recording settling to its first byte sent. */
  maxFirstByteMs: number;
  /** quickXorHash throughput against the OneDrive upload's. */
  minHashRatio: number;
}

const MB = 1e6;
const GiB = 1024 ** 3;

export const mbPerSecond = (run: RunResult): number => run.sizeBytes / MB / run.wallSeconds;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export interface CaseSummary {
  bench: BenchCase;
  runs: RunResult[];
  throughput: number;
  throughputMin: number;
  throughputMax: number;
  clientCpuPerGiB: number | null;
  peerCpuPerGiB: number;
  /** The highest peak of any run: what the aim is held against. */
  peakRssMB: number | null;
  peakRssMedianMB: number | null;
  /** Median over the runs: the garbage of a sign-in just before makes single runs vary. */
  rssAtStartMB: number | null;
  maxConnections: number | null;
  settledToFirstByteMs: { median: number; max: number } | null;
}

export function summarize(bench: BenchCase, runs: RunResult[]): CaseSummary {
  const speeds = runs.map(mbPerSecond);
  const perGiB = (seconds: number, run: RunResult) => seconds / (run.sizeBytes / GiB);
  const clientCpu = runs.flatMap((run) =>
    run.clientCpuSeconds === null ? [] : [perGiB(run.clientCpuSeconds, run)],
  );
  const rss = runs.flatMap((run) => (run.peakRssBytes === null ? [] : [run.peakRssBytes]));
  const atStart = runs.flatMap((run) => (run.rssAtStartBytes === null ? [] : [run.rssAtStartBytes]));
  const connections = runs.flatMap((run) => (run.connections === null ? [] : [run.connections]));
  const firstByte = runs.flatMap((run) =>
    run.settledToFirstByteSeconds === null ? [] : [run.settledToFirstByteSeconds * 1000],
  );
  return {
    bench,
    runs,
    throughput: median(speeds),
    throughputMin: Math.min(...speeds),
    throughputMax: Math.max(...speeds),
    clientCpuPerGiB: clientCpu.length === 0 ? null : median(clientCpu),
    peerCpuPerGiB: median(runs.map((run) => perGiB(run.peerCpuSeconds, run))),
    peakRssMB: rss.length === 0 ? null : Math.max(...rss) / MB,
    peakRssMedianMB: rss.length === 0 ? null : median(rss) / MB,
    rssAtStartMB: atStart.length === 0 ? null : median(atStart) / MB,
    maxConnections: connections.length === 0 ? null : Math.max(...connections),
    settledToFirstByteMs:
      firstByte.length === 0 ? null : { median: median(firstByte), max: Math.max(...firstByte) },
  };
}

const sizeLabel = (bytes: number): string =>
  bytes >= GiB
    ? `${(bytes / GiB).toFixed(bytes % GiB === 0 ? 0 : 2)} GiB`
    : `${Math.round(bytes / 1024 ** 2)} MiB`;

const fixed = (value: number | null | undefined, digits: number): string =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export interface ReportInput {
  machine: Machine;
  /** One core, MB/s; null where that destination was not run. */
  hashes: { sha256: number; md5: number | null; quickXorHash: number | null };
  storeDir: string;
  chunkBytes: number;
  graphFragmentBytes: number;
  driveChunkBytes: number;
  runsPerCase: number;
  /** 1-minute load average: before the first run, the highest seen during the runs, after the last. */
  load: { before: number; highest: number; after: number };
  wallMinutes: number;
  summaries: CaseSummary[];
  aims: Aims;
}

/** The whole report as Markdown, ready to paste into docs/benchmarks.md. */
export function renderReport(input: ReportInput): string {
  const { machine, summaries } = input;
  const byId = new Map(summaries.map((s) => [s.bench.id, s]));
  const ratio = (s: CaseSummary, baseline: string | null | undefined): number | null => {
    const base = baseline == null ? undefined : byId.get(baseline);
    return base === undefined ? null : s.throughput / base.throughput;
  };
  const lines = [
    '## Machine',
    '',
    `- CPU: ${machine.cpu}, ${machine.cores} cores${machine.shaExtensions === null ? '' : machine.shaExtensions ? ' (SHA extensions: yes)' : ' (SHA extensions: no)'}`,
    `- RAM: ${machine.ramGiB.toFixed(1)} GiB`,
    `- OS: ${machine.os}`,
    `- Node: ${machine.node}`,
    `- cores: ${machine.placement}`,
    `- link: ${machine.link}`,
    `- servers' stores: ${input.storeDir}; uploader chunk size ${mib(input.chunkBytes)} (Graph fragments ${mib(input.graphFragmentBytes)}, Drive chunks ${mib(input.driveChunkBytes)}); storage API server chunk_size 5 MiB`,
    `- load average (1 min): ${input.load.before.toFixed(2)} before the runs, at most ${input.load.highest.toFixed(2)} during them, ${input.load.after.toFixed(2)} after; the runs took ${input.wallMinutes.toFixed(1)} minutes`,
    '',
    '## Hashes (one core, MB/s)',
    '',
    hashTable(input, byId),
    '',
  ];
  for (const destination of DESTINATIONS) {
    const group = summaries.filter((s) => s.bench.destination === destination);
    if (group.length === 0) continue;
    lines.push(
      `## ${TITLES[destination]} (median of ${input.runsPerCase} runs; MB = 10^6 bytes)`,
      '',
      destinationTable(group, (s) => ratio(s, s.bench.baseline)),
      '',
      ...ratioVerdicts(group, ratio),
      ...connectionNotes(group),
      ...firstByteVerdicts(group, input.aims),
      ...rssVerdicts(group, input.aims),
      '',
    );
  }
  lines.push("Every upload was read back from the server's store and matched the source's sha256.");
  return `${lines.join('\n')}\n`;
}

const mib = (bytes: number): string =>
  `${(bytes / 1024 ** 2).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 2)} MiB`;

function destinationTable(group: CaseSummary[], ratioOf: (s: CaseSummary) => number | null): string {
  const rows = group.map((s) => [
    s.bench.label,
    s.bench.server,
    sizeLabel(s.runs[0]?.sizeBytes ?? 0),
    `${s.throughput.toFixed(0)} (${s.throughputMin.toFixed(0)}–${s.throughputMax.toFixed(0)})`,
    fixed(ratioOf(s), 2),
    fixed(s.clientCpuPerGiB, 2),
    fixed(s.peerCpuPerGiB, 2),
    fixed(s.rssAtStartMB, 0),
    s.peakRssMB === null ? '–' : `${fixed(s.peakRssMedianMB, 0)} (${fixed(s.peakRssMB, 0)})`,
  ]);
  return table(
    [
      'run',
      'server',
      'file',
      'MB/s (min–max)',
      'vs curl',
      'client CPU s/GiB',
      'server CPU s/GiB',
      'RSS at start MB',
      'peak RSS MB (max)',
    ],
    rows,
  );
}

function hashTable(input: ReportInput, byId: Map<string, CaseSummary>): string {
  const rows: string[][] = [];
  const row = (name: string, mbps: number | null, caseId: string, path: string, aim: string) => {
    if (mbps === null) return;
    const upload = byId.get(caseId);
    const size = upload === undefined ? '' : `, ${sizeLabel(upload.runs[0]?.sizeBytes ?? 0)}`;
    const ratio = upload === undefined ? '–' : `${(mbps / upload.throughput).toFixed(1)}×`;
    rows.push([name, mbps.toFixed(0), `${path}${size}`, fixed(upload?.throughput, 0), ratio, aim]);
  };
  const hashAim = `≥ ${input.aims.minHashRatio}×`;
  row('sha256', input.hashes.sha256, 'storage-chunks-large', 'storage API, chunks', '–');
  row('quickXorHash', input.hashes.quickXorHash, 'onedrive-large', 'OneDrive', hashAim);
  row('md5', input.hashes.md5, 'gdrive-large', 'Google Drive', '–');
  return table(['hash', 'MB/s', 'the upload it verifies', 'upload MB/s', 'hash ÷ upload', 'aim'], rows);
}

function ratioVerdicts(
  group: CaseSummary[],
  ratio: (s: CaseSummary, baseline: string | null | undefined) => number | null,
): string[] {
  return group.flatMap((s) => {
    if (s.bench.tool !== 'uploader') return [];
    return [s.bench.baseline, ...(s.bench.alsoComparedWith ?? [])].flatMap((baseline) => {
      const value = ratio(s, baseline);
      if (value === null || baseline == null) return [];
      const against = group.find((g) => g.bench.id === baseline)?.bench.label ?? baseline;
      const aim = baseline === s.bench.baseline ? s.bench.aimRatio : undefined;
      const verdict = aim === undefined ? '' : ` — aim ≥ ${aim}: ${value >= aim ? 'met' : 'NOT met'}`;
      return [`- ${s.bench.label} (${s.bench.server}) reaches ${value.toFixed(2)} of ${against}${verdict}`];
    });
  });
}

function firstByteVerdicts(group: CaseSummary[], aims: Aims): string[] {
  return group.flatMap((s) => {
    const ms = s.settledToFirstByteMs;
    if (ms === null) return [];
    const verdict = ms.max < aims.maxFirstByteMs ? 'met' : 'NOT met';
    return [
      `- ${s.bench.label} (${s.bench.server}), ${sizeLabel(s.runs[0]?.sizeBytes ?? 0)}: settled → first byte sent ${ms.median.toFixed(0)} ms (at most ${ms.max.toFixed(0)}) — aim < ${aims.maxFirstByteMs} ms: ${verdict}`,
    ];
  });
}

/** curl's fragments are only a fair baseline if it kept one connection for all of them. */
function connectionNotes(group: CaseSummary[]): string[] {
  return group.flatMap((s) =>
    s.maxConnections === null
      ? []
      : [
          `- ${s.bench.label}: ${s.maxConnections === 1 ? 'one connection, kept alive for every request' : `up to ${s.maxConnections} connections in a run`}`,
        ],
  );
}

function rssVerdicts(group: CaseSummary[], aims: Aims): string[] {
  const uploads = group.filter((s) => s.bench.tool === 'uploader' && s.peakRssMB !== null);
  const bundledOf = (s: CaseSummary) =>
    uploads.find((b) => b.bench.bundled === true && b.bench.size === s.bench.size);
  const lines = uploads.map((s) => {
    const peak = s.peakRssMB as number;
    const bundled = bundledOf(s);
    const aim =
      s.bench.bundled === true
        ? ` — aim ≤ ${aims.maxRssMB} MB: ${peak <= aims.maxRssMB ? 'met' : 'NOT met'}`
        : bundled?.peakRssMB == null || s.bench.headlessBundle !== true
          ? ''
          : ` — aim within ${aims.headlessOverBundledMB} MB of the bundled core's ${bundled.peakRssMB.toFixed(0)} MB: ${peak <= bundled.peakRssMB + aims.headlessOverBundledMB ? 'met' : 'NOT met'}`;
    return `- ${s.bench.label} (${s.bench.server}), ${sizeLabel(s.runs[0]?.sizeBytes ?? 0)}: peak RSS ${peak.toFixed(0)} MB at most (median ${fixed(s.peakRssMedianMB, 0)} MB), about ${fixed(s.rssAtStartMB, 0)} MB of it held before the first byte${aim}`;
  });
  for (const small of uploads.filter((s) => s.bench.size === 'small')) {
    const large = uploads.find(
      (s) =>
        s.bench.size === 'large' &&
        s.bench.label === small.bench.label &&
        s.bench.server === small.bench.server,
    );
    if (large?.peakRssMedianMB == null || small.peakRssMedianMB === null) continue;
    const growth = large.peakRssMedianMB - small.peakRssMedianMB;
    lines.push(
      `- ${small.bench.label}: median peak RSS from the ${sizeLabel(small.runs[0]?.sizeBytes ?? 0)} file to the ${sizeLabel(large.runs[0]?.sizeBytes ?? 0)} one: ${growth >= 0 ? '+' : ''}${growth.toFixed(0)} MB`,
    );
  }
  return lines;
}
