import { type ChildProcess, execFile, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { STORAGE_API_TOKEN_ENV } from '../../src-main/core/auth/env-secret-store.ts';
import type { CoreToShell, ShellToCore } from '../../src-main/core-process/core-messages.ts';
import type { JobView } from '../../src-shared/job.ts';
import { procStatusBytes, type UploadMeasurement } from './measure-job.ts';
import type { PeerHandle } from './peer-handle.ts';
import type { TestFile } from './test-files.ts';
import { uploaderFlags } from './uploader-flags.ts';

const REPO = resolve(import.meta.dirname, '../..');
/** Inside the project (and git-ignored), so the bundle finds node_modules as out/ does. */
const BUILD_DIR = join(REPO, '.bench', 'shell');
const DEADLINE_MS = 15 * 60 * 1000;
/** Linux reports process CPU time in ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;

/**
 * Builds the desktop app's core process exactly as `npm run build:shell` does (the same script),
 * into .bench/shell, and returns its entry file: the JavaScript the packaged app runs.
 */
export async function buildBundledCore(): Promise<string> {
  await promisify(execFile)(process.execPath, ['scripts/build-shell.ts', '--out-dir', BUILD_DIR], {
    cwd: REPO,
  });
  return join(BUILD_DIR, 'core-process', 'core-entry.js');
}

/**
 * One upload by the bundled core process, forked by a plain Node parent as the tests fork it and
 * driven over its channel as the desktop shell drives it: settings in, job events out. It cannot
 * measure itself, so it is measured from outside, through /proc (Linux): CPU ticks and resident
 * set when the job starts uploading, and the peak resident set (VmHWM) when it is done.
 */
export async function bundledCoreRun(
  entry: string,
  peer: PeerHandle,
  file: TestFile,
  dataDir: string,
  chunkBytes: number,
): Promise<UploadMeasurement> {
  const child = fork(entry, ['--data-dir', dataDir], {
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    execArgv: [...process.execArgv, ...uploaderFlags()],
    env: { ...process.env, [STORAGE_API_TOKEN_ENV]: peer.token },
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-2000);
  });
  const post = (message: ShellToCore): void => {
    if (child.connected) child.send(message);
  };
  let midRunExit: ((code: number | null) => void) | null = null;
  try {
    const measured = await new Promise<UploadMeasurement>((resolveRun, reject) => {
      const deadline = setTimeout(
        () => reject(new Error('the bundled core took over 15 minutes')),
        DEADLINE_MS,
      );
      const watch = jobWatcher(child, file, (outcome) => {
        clearTimeout(deadline);
        if (outcome instanceof Error) reject(outcome);
        else resolveRun(outcome);
      });
      child.on('message', (message: CoreToShell) => {
        if (message.kind === 'ready') {
          post({
            kind: 'request',
            request: {
              id: 1,
              method: 'updateSettings',
              params: {
                recordingsFolder: resolve(file.path, '..'),
                storageApiBaseUrl: peer.baseUrl,
                settleSeconds: 1,
                // Normal priority, as curl runs (the shipped default yields to other work).
                cpuPriority: 'normal',
                chunkSizeBytes: chunkBytes,
              },
            },
          });
        } else if (message.kind === 'response' && 'error' in message.response) {
          watch(new Error(`the bundled core refused the settings: ${message.response.error.message}`));
        } else if (message.kind === 'failed') {
          watch(new Error(`the bundled core failed: ${message.message}`));
        } else if (message.kind === 'event' && message.event.event === 'job-updated') {
          watch(message.event.payload as JobView);
        }
      });
      midRunExit = (code) =>
        watch(new Error(`the bundled core exited (${code}) mid-run: ${stderr.trim() || 'no error output'}`));
      child.once('exit', midRunExit);
    });
    if (midRunExit !== null) child.off('exit', midRunExit);
    await stopCore(child, post);
    return measured;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

export type Outcome = UploadMeasurement | Error;

/** Turns the core's job events into one measurement (or the reason there is none). */
export function jobWatcher(
  child: ChildProcess,
  file: TestFile,
  done: (outcome: Outcome) => void,
): (update: JobView | Error) => void {
  const fileName = file.path.split('/').at(-1) ?? '';
  const pid = child.pid as number;
  let start: { at: number; ticks: [number, number]; rss: number } | null = null;
  let finished = false;
  return (update) => {
    if (finished) return;
    if (update instanceof Error) {
      finished = true;
      done(update);
      return;
    }
    if (update.fileName !== fileName) return;
    if (update.state === 'uploading' && start === null) {
      start = { at: performance.now(), ticks: cpuTicks(pid), rss: procStatusBytes(pid, 'VmRSS') ?? 0 };
    } else if (update.state === 'done' && start !== null) {
      const seconds = (performance.now() - start.at) / 1000;
      const [user, system] = cpuTicks(pid);
      const peak = procStatusBytes(pid, 'VmHWM') ?? 0;
      finished = true;
      done({
        fileName,
        sizeBytes: update.sizeBytes,
        remoteId: update.remoteId ?? '',
        wallSeconds: seconds,
        cpuUserSeconds: (user - start.ticks[0]) / TICKS_PER_SECOND,
        cpuSystemSeconds: (system - start.ticks[1]) / TICKS_PER_SECOND,
        rssAtStartBytes: start.rss,
        peakRssBytes: peak,
        vmHwmBytes: peak,
        // Measured inside the uploader's own process (measure-job.ts); not from out here.
        settledToFirstByteSeconds: null,
      });
    } else if (['failed', 'needs-auth', 'cancelled', 'paused'].includes(update.state)) {
      finished = true;
      done(new Error(`the bundled core's upload went to ${update.state}: ${update.lastError ?? ''}`));
    }
  };
}

/** utime and stime of a process, in ticks (fields 14 and 15 of /proc/PID/stat). */
function cpuTicks(pid: number): [number, number] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [Number(fields[11]), Number(fields[12])];
}

async function stopCore(child: ChildProcess, post: (message: ShellToCore) => void): Promise<void> {
  const exited = new Promise<void>((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit();
    else child.once('exit', () => resolveExit());
  });
  post({ kind: 'stop' });
  const late = new Promise<void>((resolveLate) => setTimeout(resolveLate, 15_000).unref());
  await Promise.race([exited, late]);
}
