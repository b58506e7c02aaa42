import type { Machine } from './machine.ts';
import { table } from './report.ts';
import {
  achievedRate,
  capFraction,
  cpuPerGiB,
  sendingCpuPerGiB,
  type ThrottleResult,
} from './throttle-suite.ts';

const MiB = 1024 * 1024;
const TITLES = {
  'storage-api': 'Storage API',
  onedrive: 'OneDrive (Graph)',
  gdrive: 'Google Drive',
} as const;

/** The aims the upload speed limit is held against. */
export const THROTTLE_AIMS = { minFraction: 0.95, maxFraction: 1.02, maxGapMs: 250 } as const;

export interface ThrottleReportInput {
  /** Printed when the throughput section (which names the machine) did not run. */
  machine: Machine | null;
  /** Seconds of sending each file was sized for; null: every file 1 GiB. */
  sizedForSeconds: number | null;
  results: ThrottleResult[];
}

/** The upload speed limit's section of the report, as Markdown. */
export function renderThrottleReport(input: ThrottleReportInput): string {
  const lines: string[] = [];
  if (input.machine !== null) {
    const m = input.machine;
    lines.push(
      '## Machine',
      '',
      `- CPU: ${m.cpu}, ${m.cores} cores`,
      `- RAM: ${m.ramGiB.toFixed(1)} GiB`,
      `- OS: ${m.os}`,
      `- Node: ${m.node}`,
      `- cores: ${m.placement}`,
      `- link: ${m.link}`,
      '',
    );
  }
  lines.push(
    '## Upload speed limit (uploadRateLimit)',
    '',
    input.sizedForSeconds === null
      ? 'Each file is 1 GiB.'
      : `Each file is sized to what its cap sends in ${input.sizedForSeconds} s (at most 1 GiB; two uploads at once share that), not the full 1 GiB: a 1 GiB file at 1 MiB/s takes 17 minutes. \`--throttle-seconds 0\` sends 1 GiB each.`,
    "Caps are rclone units (1M = 1 MiB/s). The achieved rate is the recording bytes written to the sockets after the first write, over the time from the first write to the last; the gap is the longest time between two consecutive writes of recording bytes (any upload's), and, beside it, the longest between two writes of one request (the pacing alone, without the wait for a chunk's answer before the next chunk); CPU is the uploader process's per GiB sent: from the first upload starting to the last verified (start-up, sign-in, the first request's loading of undici and the commit included, which weigh on a short file), and, beside it, only while the bytes went out (first write to last), which is what a long throttled upload costs.",
    '',
  );
  const rows = input.results.map((r) => {
    const fraction = capFraction(r);
    return [
      TITLES[r.destination],
      `${r.throttle.capMiBps}M`,
      String(r.throttle.uploads),
      `${(r.fileBytes / MiB).toFixed(0)} MiB`,
      (achievedRate(r) / MiB).toFixed(3),
      fraction.toFixed(3),
      fraction >= THROTTLE_AIMS.minFraction && fraction <= THROTTLE_AIMS.maxFraction ? 'met' : 'NOT met',
      cpuPerGiB(r).toFixed(2),
      sendingCpuPerGiB(r).toFixed(2),
      r.measured.line.largestGapMs.toFixed(0),
      r.measured.line.largestGapMs < THROTTLE_AIMS.maxGapMs ? 'met' : 'NOT met',
      r.measured.line.largestGapInRequestMs.toFixed(0),
    ];
  });
  lines.push(
    table(
      [
        'destination',
        'cap',
        'uploads',
        'file each',
        'achieved MiB/s',
        'fraction of cap',
        `aim ${THROTTLE_AIMS.minFraction}–${THROTTLE_AIMS.maxFraction}`,
        'client CPU s/GiB',
        'while sending',
        'largest gap ms',
        `aim < ${THROTTLE_AIMS.maxGapMs}`,
        'largest gap within a request ms',
      ],
      rows,
    ),
    '',
    "Every throttled upload was read back from the server's store and matched the source's sha256.",
  );
  return `${lines.join('\n')}\n`;
}
