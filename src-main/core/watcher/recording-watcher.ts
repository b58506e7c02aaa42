import { constants, type Stats } from 'node:fs';
import { open, opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import type { Clock } from '../host-services.ts';
import type { Logger } from '../logging/logger.ts';
import type { Recording } from '../recording.ts';
import { describeFsError, errorCode } from './fs-problem.ts';
import { isVideoFileName, normaliseExtensions } from './recording-files.ts';
import { findSidecars } from './sidecar.ts';

export interface RecordingWatcherOptions {
  folder: string;
  videoExtensions: string[];
  /** How long a recording's size and mtime must stay unchanged before it counts as finished. */
  settleMs: number;
  /** Whether recordings already in the folder at start are reported (up to maxFileAgeDays old). */
  uploadOlderRecordings: boolean;
  maxFileAgeDays: number;
  /** Compared with file mtimes, so it must tell wall-clock time. */
  clock: Clock;
  logger: Logger;
  /**
   * Recordings that settled together (thousands at once when the folder already held them at
   * start), each reported once, so the queue can take them in one transaction.
   */
  onReady(recordings: readonly Recording[]): void;
  onProblem?(path: string, message: string): void;
  /** The folder became watchable, or stopped being so (missing, unreadable): the health shows it. */
  onFolderState?(state: FolderState): void;
  /** Also require an exclusive open before a recording is ready; defaults to the running platform. */
  isWindows?: boolean;
  /** How often a missing or unreadable folder is looked at again. */
  folderRecheckMs?: number;
}

export type FolderState = { state: 'watching' } | { state: 'folder-missing' | 'unreadable'; detail: string };

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_FOLDER_RECHECK_MS = 5_000;

interface Observation {
  sizeBytes: number;
  mtimeMs: number;
}

interface FolderProblem {
  state: 'folder-missing' | 'unreadable';
  detail: string;
  message: string;
}

/** What the watcher knows about one video in the folder. */
interface TrackedFile {
  path: string;
  timer: NodeJS.Timeout | undefined;
  /** Bumped on every (re)arm, so a settle check that an event overtook drops its result. */
  generation: number;
  /** Size and mtime at the last look; a settle check compares against it. */
  observed: Observation | null;
  /** The identity found at start and left alone (older recordings off, or too old). */
  skippedKey: string | null;
  reportedKey: string | null;
  problemReported: boolean;
}

type Origin = 'initial' | 'live';

/** A recording found settled, waiting for its sidecar to be paired with the others found with it. */
interface SettledFile {
  file: TrackedFile;
  generation: number;
  observation: Observation;
}

/**
 * Watches the recordings folder and reports each recording once it is finished.
 *
 * - Only the folder itself is watched (chokidar depth 0): recorders write the video and its
 *   sidecar side by side, pairing is per folder, and one watch per folder keeps clear of the
 *   inotify watch limit whatever lies below it.
 * - Finished means settled: size and mtime unchanged between two looks settleMs apart, and the
 *   mtime itself at least settleMs old. Every add/change event re-arms the file's timer, so a
 *   recording still being written is never reported. An mtime in the future (a file server whose
 *   clock runs ahead) is not waited for: the two unchanged looks are proof enough. An empty file
 *   follows the same rule: one that stays empty for the settle time is a recording of nothing,
 *   and an admin must still see it archived.
 * - On Windows a settled recording must also open with share mode 0 (`UV_FS_O_EXLOCK`): that open
 *   fails while any other program, the recorder included, still holds the file. Where that flag is
 *   missing, `r+` is tried instead, which fails at least while the writer denies shared writing.
 *   Elsewhere there are no mandatory locks to ask, and settling alone decides.
 * - Each identity (path + size + mtime) is reported once; a file that changes after being
 *   reported is reported again with its new identity once it settles.
 * - At start (and whenever the folder reappears) the files already there are taken only when
 *   uploadOlderRecordings is on and their mtime is younger than maxFileAgeDays; a file left alone
 *   is reported only if it changes afterwards.
 * - A folder that is missing, not a folder, or unreadable is reported through onProblem and
 *   looked at again every folderRecheckMs, so a share mounted after login is picked up.
 *
 * A watcher starts once; to watch another folder or with other settings, stop it and create a new one.
 */
export class RecordingWatcher {
  readonly #options: RecordingWatcherOptions;
  readonly #folder: string;
  readonly #extensions: Set<string>;
  readonly #exclusiveOpen: boolean;
  readonly #folderRecheckMs: number;
  readonly #files = new Map<string, TrackedFile>();
  readonly #pendingInitial = new Set<Promise<void>>();
  #state: 'new' | 'started' | 'stopped' = 'new';
  #watcher: FSWatcher | null = null;
  #recheckTimer: NodeJS.Timeout | undefined;
  #lastFolderProblem: string | null = null;
  #releaseStart: (() => void) | null = null;
  /** Settled recordings whose sidecars are paired and which are reported in the next batch. */
  #settled: SettledFile[] = [];
  #reporting = false;

  constructor(options: RecordingWatcherOptions) {
    this.#options = options;
    this.#folder = options.folder.trim() === '' ? '' : path.resolve(options.folder);
    this.#extensions = normaliseExtensions(options.videoExtensions);
    this.#exclusiveOpen = options.isWindows ?? process.platform === 'win32';
    this.#folderRecheckMs = options.folderRecheckMs ?? DEFAULT_FOLDER_RECHECK_MS;
  }

  /** Resolves once the files already in the folder have been looked at (not once they are ready). */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new Error('a RecordingWatcher starts only once; create a new one');
    this.#state = 'started';
    if (this.#folder === '') {
      this.#reportFolderProblem('no recordings folder is chosen');
      return;
    }
    await this.#watchWhenAvailable();
  }

  /** After this resolves, onReady and onProblem are not called again. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    clearTimeout(this.#recheckTimer);
    this.#releaseStart?.();
    this.#clearFiles();
    const watcher = this.#watcher;
    this.#watcher = null;
    await watcher?.close();
  }

  async #watchWhenAvailable(): Promise<void> {
    const problem = await this.#folderProblem();
    if (this.#state !== 'started') return;
    if (problem !== null) {
      this.#folderState({ state: problem.state, detail: problem.detail });
      this.#reportFolderProblem(problem.message);
      this.#recheckTimer = setTimeout(() => {
        this.#watchWhenAvailable().catch((error: unknown) => this.#unexpected(error));
      }, this.#folderRecheckMs);
      return;
    }
    if (this.#lastFolderProblem !== null) {
      this.#options.logger.info('the recordings folder is available again', { folder: this.#folder });
      this.#lastFolderProblem = null;
    }
    await this.#watchFolder();
  }

  async #folderProblem(): Promise<FolderProblem | null> {
    const folder = this.#folder;
    const missing = (detail: string): FolderProblem => ({
      state: 'folder-missing',
      detail,
      message: `the recordings folder "${folder}" ${detail === 'it does not exist' ? 'does not exist' : 'is not a folder'}`,
    });
    try {
      if (!(await stat(folder)).isDirectory()) {
        return {
          state: 'unreadable',
          detail: 'it is a file, not a folder',
          message: `the recordings folder "${folder}" is not a folder`,
        };
      }
      await (await opendir(folder)).close();
      return null;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT') return missing('it does not exist');
      if (code === 'ENOTDIR') return missing('a part of its path is not a folder');
      const detail = describeFsError(error);
      return {
        state: 'unreadable',
        detail,
        message: `the recordings folder "${folder}" cannot be read: ${detail}`,
      };
    }
  }

  #folderState(state: FolderState): void {
    if (this.#state !== 'started') return;
    try {
      this.#options.onFolderState?.(state);
    } catch (error) {
      this.#unexpected(error);
    }
  }

  async #watchFolder(): Promise<void> {
    let scanning = true;
    const identity = await folderIdentity(this.#folder);
    const watcher = watch(this.#folder, {
      depth: 0,
      alwaysStat: true,
      ignoreInitial: false,
      ignored: (entryPath, stats) => this.#isIgnored(entryPath, stats),
    });
    this.#watcher = watcher;
    watcher.on('add', (filePath, stats) => this.#onFileEvent(filePath, stats, scanning ? 'initial' : 'live'));
    watcher.on('change', (filePath, stats) => this.#onFileEvent(filePath, stats, 'live'));
    watcher.on('unlink', (filePath) => this.#forget(filePath));
    watcher.on('unlinkDir', (dirPath) => {
      if (this.#isFolder(dirPath)) {
        this.#folderVanished(watcher).catch((error: unknown) => this.#unexpected(error));
      }
    });
    watcher.on('error', (error) => {
      // An error during the scan must not leave start() waiting for a 'ready' that may never come.
      this.#releaseStart?.();
      this.#folderState({ state: 'unreadable', detail: describeWatchError(error) });
      this.#reportFolderProblem(
        `watching the recordings folder "${this.#folder}" failed: ${describeWatchError(error)}`,
      );
    });
    this.#folderState({ state: 'watching' });
    this.#options.logger.info('watching the recordings folder', {
      folder: this.#folder,
      settleMs: this.#options.settleMs,
      uploadOlderRecordings: this.#options.uploadOlderRecordings,
      maxFileAgeDays: this.#options.maxFileAgeDays,
    });
    await new Promise<void>((resolve) => {
      this.#releaseStart = resolve;
      watcher.once('ready', () => {
        scanning = false;
        resolve();
      });
    });
    this.#releaseStart = null;
    this.#checkStillThere(watcher, identity);
    await Promise.all(this.#pendingInitial);
  }

  /**
   * A folder moved away (renamed, or a share unmounted and another folder put in its place) sends
   * no event for the folder itself: it is looked at every folderRecheckMs, and one that is gone or
   * is no longer the same folder is treated as vanished (the watcher then waits for it again).
   */
  #checkStillThere(watcher: FSWatcher, identity: string | null): void {
    this.#recheckTimer = setTimeout(async () => {
      if (this.#watcher !== watcher || this.#state !== 'started') return;
      const now = await folderIdentity(this.#folder);
      if (this.#watcher !== watcher) return;
      if (now === null || now !== identity) {
        this.#folderVanished(watcher).catch((error: unknown) => this.#unexpected(error));
      } else {
        this.#checkStillThere(watcher, identity);
      }
    }, this.#folderRecheckMs);
    this.#recheckTimer.unref();
  }

  /** chokidar asks this for every path, first with the path alone and again with its stats. */
  #isIgnored(entryPath: string, stats?: Stats): boolean {
    if (this.#isFolder(entryPath)) return false;
    if (stats?.isDirectory()) return true;
    return !isVideoFileName(path.basename(entryPath), this.#extensions);
  }

  #isFolder(entryPath: string): boolean {
    const resolved = path.resolve(entryPath);
    return process.platform === 'win32'
      ? resolved.toLowerCase() === this.#folder.toLowerCase()
      : resolved === this.#folder;
  }

  #onFileEvent(filePath: string, stats: Stats | undefined, origin: Origin): void {
    if (this.#state !== 'started') return;
    if (stats !== undefined) {
      this.#observe(filePath, stats, origin);
      return;
    }
    const lookup = stat(filePath).then(
      (info) => {
        if (this.#state === 'started') this.#observe(filePath, info, origin);
      },
      () => {},
    );
    if (origin === 'initial') {
      this.#pendingInitial.add(lookup);
      void lookup.finally(() => this.#pendingInitial.delete(lookup));
    }
  }

  #observe(filePath: string, stats: Stats, origin: Origin): void {
    let file = this.#files.get(filePath);
    if (file === undefined) {
      file = {
        path: filePath,
        timer: undefined,
        generation: 0,
        observed: null,
        skippedKey: null,
        reportedKey: null,
        problemReported: false,
      };
      this.#files.set(filePath, file);
    }
    const observation = { sizeBytes: stats.size, mtimeMs: stats.mtimeMs };
    if (origin === 'initial' && !this.#initialScanTakes(observation)) {
      file.skippedKey = identityKey(observation);
      this.#options.logger.debug('leaving an older recording alone', {
        path: filePath,
        mtimeMs: stats.mtimeMs,
      });
      return;
    }
    file.observed = observation;
    this.#arm(file, this.#options.settleMs);
  }

  #initialScanTakes(observation: Observation): boolean {
    const { uploadOlderRecordings, maxFileAgeDays, clock } = this.#options;
    return uploadOlderRecordings && clock.now() - observation.mtimeMs < maxFileAgeDays * DAY_MS;
  }

  #arm(file: TrackedFile, delayMs: number): void {
    clearTimeout(file.timer);
    file.generation += 1;
    const generation = file.generation;
    file.timer = setTimeout(() => {
      file.timer = undefined;
      this.#settle(file, generation).catch((error: unknown) => this.#unexpected(error));
    }, delayMs);
  }

  async #settle(file: TrackedFile, generation: number): Promise<void> {
    const current = () =>
      this.#state === 'started' && this.#files.get(file.path) === file && file.generation === generation;
    const settleMs = this.#options.settleMs;
    let info: Stats;
    try {
      info = await stat(file.path);
    } catch (error) {
      if (current()) this.#cannotLookAt(file, error);
      return;
    }
    if (!current()) return;
    if (!info.isFile()) {
      this.#forget(file.path);
      return;
    }
    const observation = { sizeBytes: info.size, mtimeMs: info.mtimeMs };
    if (!sameObservation(file.observed, observation)) {
      file.observed = observation;
      this.#arm(file, settleMs);
      return;
    }
    const age = this.#options.clock.now() - observation.mtimeMs;
    if (age >= 0 && age < settleMs) {
      this.#arm(file, settleMs - age);
      return;
    }
    const key = identityKey(observation);
    if (key === file.skippedKey || key === file.reportedKey) return;
    if (this.#exclusiveOpen && !(await opensExclusively(file.path))) {
      if (!current()) return;
      this.#options.logger.debug('a settled recording is still open in another program', { path: file.path });
      this.#arm(file, settleMs);
      return;
    }
    this.#settled.push({ file, generation, observation });
    if (!this.#reporting) {
      this.#reporting = true;
      setImmediate(() => {
        this.#reportSettled().catch((error: unknown) => this.#unexpected(error));
      });
    }
  }

  /**
   * Reports the recordings found settled, in batches: those that settled while the last batch's
   * folder listing was read make the next one. A recording whose file changed meanwhile waits for
   * its next settle check instead.
   */
  async #reportSettled(): Promise<void> {
    try {
      await this.#reportBatches();
    } finally {
      this.#reporting = false;
    }
  }

  async #reportBatches(): Promise<void> {
    while (this.#settled.length > 0 && this.#state === 'started') {
      const batch = this.#settled;
      this.#settled = [];
      const sidecars = await findSidecars(
        this.#folder,
        batch.map(({ file }) => path.basename(file.path)),
      ).catch(() => batch.map(() => null));
      const ready: Recording[] = [];
      for (const [at, { file, generation, observation }] of batch.entries()) {
        if (
          this.#state !== 'started' ||
          this.#files.get(file.path) !== file ||
          file.generation !== generation
        ) {
          continue;
        }
        const key = identityKey(observation);
        if (key === file.skippedKey || key === file.reportedKey) continue;
        file.reportedKey = key;
        file.problemReported = false;
        ready.push({ path: file.path, ...observation, sidecarPath: sidecars[at] ?? null });
      }
      if (ready.length > 0) this.#emitReady(ready);
    }
  }

  /** A vanished file is forgotten; an unreadable one is reported once and looked at again. */
  #cannotLookAt(file: TrackedFile, error: unknown): void {
    if (errorCode(error) === 'ENOENT') {
      this.#forget(file.path);
      return;
    }
    if (!file.problemReported) {
      file.problemReported = true;
      this.#reportProblem(
        file.path,
        `the recording "${file.path}" cannot be read: ${describeFsError(error)}`,
      );
    }
    this.#arm(file, this.#options.settleMs);
  }

  #emitReady(recordings: readonly Recording[]): void {
    // The queue logs what it takes; a line each here doubled the cost of a large batch.
    for (const recording of recordings) {
      this.#options.logger.debug('recording ready', {
        path: recording.path,
        sizeBytes: recording.sizeBytes,
        sidecarPath: recording.sidecarPath,
      });
    }
    try {
      this.#options.onReady(recordings);
    } catch (error) {
      this.#options.logger.error('handling a ready recording failed', {
        path: recordings.map((recording) => recording.path).join(', '),
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  async #folderVanished(watcher: FSWatcher): Promise<void> {
    if (this.#watcher !== watcher) return;
    this.#watcher = null;
    this.#clearFiles();
    await watcher.close();
    await this.#watchWhenAvailable();
  }

  #forget(filePath: string): void {
    const file = this.#files.get(filePath);
    if (file === undefined) return;
    clearTimeout(file.timer);
    this.#files.delete(filePath);
  }

  #clearFiles(): void {
    for (const file of this.#files.values()) clearTimeout(file.timer);
    this.#files.clear();
  }

  #reportFolderProblem(message: string): void {
    if (message === this.#lastFolderProblem) return;
    this.#lastFolderProblem = message;
    this.#reportProblem(this.#folder, message);
  }

  #reportProblem(problemPath: string, message: string): void {
    if (this.#state !== 'started') return;
    this.#options.logger.warn(message, { path: problemPath });
    try {
      this.#options.onProblem?.(problemPath, message);
    } catch (error) {
      this.#options.logger.error('handling a watcher problem failed', {
        path: problemPath,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  #unexpected(error: unknown): void {
    this.#options.logger.error('the recordings watcher hit an unexpected error', {
      folder: this.#folder,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** Which folder is at the path (device and inode), or null when none is readable there. */
async function folderIdentity(folder: string): Promise<string | null> {
  try {
    const stats = await stat(folder);
    return stats.isDirectory() ? `${stats.dev}:${stats.ino}` : null;
  } catch {
    return null;
  }
}

function identityKey(observation: Observation): string {
  return `${observation.sizeBytes}:${observation.mtimeMs}`;
}

function sameObservation(a: Observation | null, b: Observation): boolean {
  return a !== null && a.sizeBytes === b.sizeBytes && a.mtimeMs === b.mtimeMs;
}

/**
 * Whether no other program holds the file. Share mode 0 (UV_FS_O_EXLOCK, Windows only) needs no
 * write permission, so a read-only recording still passes once the recorder lets go.
 */
async function opensExclusively(filePath: string): Promise<boolean> {
  // libuv defines the flag on Windows only, and @types/node does not declare it.
  const exclusiveLock = (constants as { UV_FS_O_EXLOCK?: number }).UV_FS_O_EXLOCK;
  const flags = exclusiveLock ? constants.O_RDONLY | exclusiveLock : 'r+';
  try {
    await (await open(filePath, flags)).close();
    return true;
  } catch {
    return false;
  }
}

function describeWatchError(error: unknown): string {
  const code = errorCode(error);
  if (code === 'ENOSPC') {
    return 'the system limit of file watches is reached (on Linux, raise fs.inotify.max_user_watches)';
  }
  if (code === 'EMFILE') return 'too many files are open (raise the open-file limit)';
  return describeFsError(error);
}
