import type { Machine } from './machine.ts';

export type Tool = 'uploader' | 'curl';
export type PeerModeName = 'resumable' | 'single';

export interface BenchCase {
  id: string;
  label: string;
  tool: Tool;
  mode: PeerModeName;
  size: 'small' | 'large';
  /** The case this one is compared with (same peer mode, same file, curl). */
  baseline: string | null;
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
}

export interface Aims {
  minRatio: number;
  maxRssMB: number;
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

interface CaseSummary {
  bench: BenchCase;
  runs: RunResult[];
  throughput: number;
  throughputMin: number;
  throughputMax: number;
  clientCpuPerGiB: number | null;
  peerCpuPerGiB: number;
  peakRssMB: number | null;
  rssAtStartMB: number | null;
}

export function summarize(bench: BenchCase, runs: RunResult[]): CaseSummary {
  const speeds = runs.map(mbPerSecond);
  const perGiB = (seconds: number, run: RunResult) => seconds / (run.sizeBytes / GiB);
  const clientCpu = runs.flatMap((run) =>
    run.clientCpuSeconds === null ? [] : [perGiB(run.clientCpuSeconds, run)],
  );
  const rss = runs.flatMap((run) => (run.peakRssBytes === null ? [] : [run.peakRssBytes]));
  const atStart = runs.flatMap((run) => (run.rssAtStartBytes === null ? [] : [run.rssAtStartBytes]));
  return {
    bench,
    runs,
    throughput: median(speeds),
    throughputMin: Math.min(...speeds),
    throughputMax: Math.max(...speeds),
    clientCpuPerGiB: clientCpu.length === 0 ? null : median(clientCpu),
    peerCpuPerGiB: median(runs.map((run) => perGiB(run.peerCpuSeconds, run))),
    peakRssMB: rss.length === 0 ? null : Math.max(...rss) / MB,
    rssAtStartMB: atStart.length === 0 ? null : Math.max(...atStart) / MB,
  };
}

const sizeLabel = (bytes: number): string =>
  bytes >= GiB
    ? `${(bytes / GiB).toFixed(bytes % GiB === 0 ? 0 : 2)} GiB`
    : `${Math.round(bytes / 1024 ** 2)} MiB`;

const fixed = (value: number | null, digits: number): string =>
  value === null ? '–' : value.toFixed(digits);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export interface ReportInput {
  machine: Machine;
  sha256MBps: number;
  storeDir: string;
  chunkBytes: number;
  runsPerCase: number;
  /** 1-minute load average before and after the runs: a shared machine shows here. */
  load: [number, number];
  summaries: CaseSummary[];
  aims: Aims;
}

/** The whole report as Markdown, ready to paste into docs/benchmarks.md. */
export function renderReport(input: ReportInput): string {
  const { machine, summaries, aims } = input;
  const byId = new Map(summaries.map((s) => [s.bench.id, s]));
  const ratioOf = (s: CaseSummary): number | null => {
    const baseline = s.bench.baseline === null ? undefined : byId.get(s.bench.baseline);
    return baseline === undefined ? null : s.throughput / baseline.throughput;
  };
  const rows = summaries.map((s) => [
    s.bench.label,
    s.bench.mode,
    sizeLabel(s.runs[0]?.sizeBytes ?? 0),
    `${s.throughput.toFixed(0)} (${s.throughputMin.toFixed(0)}–${s.throughputMax.toFixed(0)})`,
    fixed(ratioOf(s), 2),
    fixed(s.clientCpuPerGiB, 2),
    fixed(s.peerCpuPerGiB, 2),
    fixed(s.rssAtStartMB, 0),
    fixed(s.peakRssMB, 0),
  ]);
  const verdicts = [...ratioVerdicts(summaries, ratioOf, aims), ...rssVerdicts(summaries, aims)];
  const lines = [
    '## Machine',
    '',
    `- CPU: ${machine.cpu}, ${machine.cores} cores${machine.shaExtensions === null ? '' : machine.shaExtensions ? ' (SHA extensions: yes)' : ' (SHA extensions: no)'}`,
    `- RAM: ${machine.ramGiB.toFixed(1)} GiB`,
    `- OS: ${machine.os}`,
    `- Node: ${machine.node}`,
    `- sha256 in Node's crypto, one core: ${input.sha256MBps.toFixed(0)} MB/s`,
    `- peer's store: ${input.storeDir}; uploader chunk size ${input.chunkBytes / 1024 ** 2} MiB; peer chunk_size 5 MiB`,
    `- load average (1 min) when the runs began and ended: ${input.load.map((l) => l.toFixed(2)).join(' → ')}`,
    '',
    `## Results (median of ${input.runsPerCase} runs; MB = 10^6 bytes)`,
    '',
    table(
      [
        'run',
        'peer mode',
        'file',
        'MB/s (min–max)',
        'vs curl',
        'client CPU s/GiB',
        'peer CPU s/GiB',
        'RSS at start MB',
        'peak RSS MB',
      ],
      rows,
    ),
    '',
    `Every upload was read back from the peer's store and matched the source's sha256.`,
    '',
    ...verdicts,
  ];
  return `${lines.join('\n')}\n`;
}

function ratioVerdicts(
  summaries: CaseSummary[],
  ratioOf: (s: CaseSummary) => number | null,
  aims: Aims,
): string[] {
  return summaries.flatMap((s) => {
    const ratio = ratioOf(s);
    if (s.bench.tool !== 'uploader' || ratio === null) return [];
    const verdict = ratio >= aims.minRatio ? 'met' : 'NOT met';
    return [
      `- ${s.bench.label} (${s.bench.mode}) reaches ${ratio.toFixed(2)} of curl's throughput on the same peer — aim ≥ ${aims.minRatio}: ${verdict}`,
    ];
  });
}

function rssVerdicts(summaries: CaseSummary[], aims: Aims): string[] {
  const uploads = summaries.filter((s) => s.bench.tool === 'uploader' && s.peakRssMB !== null);
  const lines = uploads.map((s) => {
    const peak = s.peakRssMB as number;
    const verdict = peak < aims.maxRssMB ? 'met' : 'NOT met';
    return `- ${s.bench.label} (${s.bench.mode}), ${sizeLabel(s.runs[0]?.sizeBytes ?? 0)}: peak RSS ${peak.toFixed(0)} MB, ${fixed(s.rssAtStartMB, 0)} MB of it held before the first byte — aim < ${aims.maxRssMB} MB: ${verdict}`;
  });
  const chunked = uploads.filter((s) => s.bench.mode === 'resumable');
  const small = chunked.find((s) => s.bench.size === 'small');
  const large = chunked.find((s) => s.bench.size === 'large');
  if (small?.peakRssMB != null && large?.peakRssMB != null) {
    const growth = large.peakRssMB - small.peakRssMB;
    lines.push(
      `- peak RSS from the ${sizeLabel(small.runs[0]?.sizeBytes ?? 0)} file to the ${sizeLabel(large.runs[0]?.sizeBytes ?? 0)} one (chunks): ${growth >= 0 ? '+' : ''}${growth.toFixed(0)} MB`,
    );
  }
  return lines;
}
