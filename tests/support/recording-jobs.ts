import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Uploader } from '../../src-main/core/uploader.ts';
import type { JobView } from '../../src-shared/job.ts';

/**
 * What every uploader harness does alike: write a recording (and its sidecar) into the watched
 * folder, and follow its job through the bridge's own commands.
 */

/** Writes a recording of `size` random bytes (or the given bytes) and returns its content. */
export async function writeRecordingInto(
  folder: string,
  name: string,
  content: number | Buffer,
  sidecar?: unknown,
): Promise<Buffer> {
  const bytes = typeof content === 'number' ? randomBytes(content) : content;
  if (sidecar !== undefined) {
    const stem = name.replace(/\.[^.]+$/, '');
    const text = typeof sidecar === 'string' ? sidecar : JSON.stringify(sidecar);
    await writeFile(join(folder, `${stem}_metadata.json`), text);
  }
  await writeFile(join(folder, name), bytes);
  return bytes;
}

export function jobsOf(uploader: Uploader): JobView[] {
  return uploader.listJobs({ filter: 'all', offset: 0, limit: 10_000 });
}

export function jobOf(uploader: Uploader, fileName: string): JobView | undefined {
  return jobsOf(uploader).find((job) => job.fileName === fileName);
}

/** Waits until every named recording's job is in one of `states` (the harness's uploader of the moment). */
export async function waitForJobStates(
  harness: { uploader: Uploader },
  fileNames: string[],
  states: JobView['state'][],
  timeoutMs = 30_000,
): Promise<JobView[]> {
  const job = (name: string) => jobOf(harness.uploader, name);
  await waitFor(
    () => fileNames.every((name) => states.includes(job(name)?.state ?? ('missing' as never))),
    timeoutMs,
    () =>
      `jobs ${fileNames.join(', ')} to be ${states.join('/')}; now: ${jobsOf(harness.uploader)
        .map((j) => `${j.fileName}=${j.state}${j.lastError ? ` (${j.lastError})` : ''}`)
        .join(', ')}`,
  );
  return fileNames.map((name) => job(name) as JobView);
}

export async function waitFor(
  condition: () => boolean,
  timeoutMs: number,
  what: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
