import { mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock } from '../../src-main/core/host-services.ts';
import { silentLogger } from '../../src-main/core/logging/logger.ts';
import type { Recording } from '../../src-main/core/recording.ts';
import {
  RecordingWatcher,
  type RecordingWatcherOptions,
} from '../../src-main/core/watcher/recording-watcher.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface ReportedProblem {
  path: string;
  message: string;
}

/** A real RecordingWatcher on a real folder, with everything it reports collected in order. */
export interface WatcherRun {
  watcher: RecordingWatcher;
  ready: Recording[];
  problems: ReportedProblem[];
  /** Milliseconds since the epoch at which each ready recording arrived. */
  readyAt: number[];
}

export async function makeTempFolder(prefix = 'recordings-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export async function removeFolder(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true });
}

export async function startWatcher(
  folder: string,
  overrides: Partial<RecordingWatcherOptions> = {},
): Promise<WatcherRun> {
  const ready: Recording[] = [];
  const readyAt: number[] = [];
  const problems: ReportedProblem[] = [];
  const watcher = new RecordingWatcher({
    folder,
    videoExtensions: ['mp4', 'mkv', 'webm'],
    settleMs: 250,
    uploadOlderRecordings: true,
    maxFileAgeDays: 7,
    clock: systemClock,
    logger: silentLogger,
    onReady: (recordings) => {
      ready.push(...recordings);
      for (const _ of recordings) readyAt.push(Date.now());
    },
    onProblem: (problemPath, message) => problems.push({ path: problemPath, message }),
    folderRecheckMs: 100,
    ...overrides,
  });
  await watcher.start();
  return { watcher, ready, problems, readyAt };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until the condition holds; fails with the description when it never does. */
export async function waitFor(
  condition: () => boolean,
  description: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await sleep(20);
  }
}

/** Sets a file's mtime (and atime) the given number of days into the past. */
export async function ageFile(filePath: string, days: number): Promise<void> {
  const when = new Date(Date.now() - days * DAY_MS);
  await utimes(filePath, when, when);
}

export async function identityOf(filePath: string): Promise<{ sizeBytes: number; mtimeMs: number }> {
  const info = await stat(filePath);
  return { sizeBytes: info.size, mtimeMs: info.mtimeMs };
}
