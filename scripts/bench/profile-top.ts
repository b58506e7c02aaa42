import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * The top of a V8 CPU profile (`--cpu-prof`), by self time: where an uploader process spends its
 * CPU, as `node scripts/bench/profile-top.ts FILE.cpuprofile [--top 25]` prints it in Markdown.
 * Samples are grouped by function and place, so one function called from many sites is one row.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, flag, count] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: profile-top.ts FILE.cpuprofile [--top N]');
const top = flag === '--top' ? Number(count) : 25;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, index) => {
  const node = byId.get(id);
  const delta = profile.timeDeltas[index] ?? 0;
  if (node === undefined) return;
  const { functionName, url, lineNumber } = node.callFrame;
  const place = url === '' ? '' : ` ${basename(url)}:${lineNumber + 1}`;
  const key = `${functionName || '(anonymous)'}${place}`;
  selfMicros.set(key, (selfMicros.get(key) ?? 0) + delta);
  total += delta;
});
const busy = total - (selfMicros.get('(idle)') ?? 0);
const rows = [...selfMicros.entries()]
  .filter(([key]) => key !== '(idle)')
  .sort((a, b) => b[1] - a[1])
  .slice(0, top);
process.stdout.write(
  `${basename(file)}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy on the main thread\n\n`,
);
process.stdout.write('| self ms | share of busy | function |\n|---|---|---|\n');
for (const [key, micros] of rows) {
  process.stdout.write(
    `| ${(micros / 1000).toFixed(0)} | ${((100 * micros) / busy).toFixed(1)} % | ${key} |\n`,
  );
}
