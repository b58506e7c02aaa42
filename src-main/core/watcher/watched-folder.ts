import type { Settings } from '../../../src-shared/settings.ts';
import type { Clock } from '../host-services.ts';
import type { Logger } from '../logging/logger.ts';
import type { Recording } from '../recording.ts';
import { type FolderState, RecordingWatcher } from './recording-watcher.ts';

/** The settings a watcher is built from: a change to any of them starts it again. */
const WATCHER_SETTINGS = [
  'recordingsFolder',
  'videoExtensions',
  'settleSeconds',
  'uploadOlderRecordings',
  'maxFileAgeDays',
] as const satisfies readonly (keyof Settings)[];

export interface WatchedFolderOptions {
  clock: Clock;
  logger: Logger;
  onReady(recordings: readonly Recording[]): void;
  /** The folder watched, missing or unreadable, as the watcher finds it (the health shows it). */
  onFolderState?(folder: string, state: FolderState): void;
}

/**
 * The recordings folder the settings name, watched by one RecordingWatcher at a time: none while no
 * folder is set, a new one whenever a setting it is built from changes.
 */
export class WatchedFolder {
  readonly #options: WatchedFolderOptions;
  #watcher: RecordingWatcher | null = null;

  constructor(options: WatchedFolderOptions) {
    this.#options = options;
  }

  /** Watches the folder the settings name (none while no folder is set), in place of any watched now. */
  async start(settings: Settings): Promise<void> {
    await this.stop();
    if (settings.recordingsFolder === '') return;
    const { clock, logger, onReady, onFolderState } = this.#options;
    const folder = settings.recordingsFolder;
    this.#watcher = new RecordingWatcher({
      folder: settings.recordingsFolder,
      videoExtensions: settings.videoExtensions,
      settleMs: settings.settleSeconds * 1000,
      uploadOlderRecordings: settings.uploadOlderRecordings,
      maxFileAgeDays: settings.maxFileAgeDays,
      clock,
      logger,
      onReady,
      onProblem: (path, message) => logger.warn(message, { path }),
      onFolderState: (state) => onFolderState?.(folder, state),
    });
    await this.#watcher.start();
  }

  /** Starts watching again when a setting the watcher is built from changed. */
  async settingsChanged(before: Settings, after: Settings): Promise<void> {
    if (WATCHER_SETTINGS.some((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]))) {
      await this.start(after);
    }
  }

  async stop(): Promise<void> {
    await this.#watcher?.stop();
    this.#watcher = null;
  }
}
