import type { JobProgress } from '../../../src-shared/job.ts';
import type { DestinationKind } from '../../../src-shared/settings.ts';
import type { Destination, RemoteFile, UploadItem } from '../destinations/destination.ts';
import { isFault, TransferFault } from '../faults.ts';
import type { Logger } from '../logging/logger.ts';
import type { JobRecord, JobRepository } from '../store/job-record.ts';
import { deleteAfterVerifiedUpload } from '../transfer/local-deletion.ts';
import { prepareUploadItem } from '../transfer/upload-item.ts';
import { uploadRecording } from '../transfer/upload-recording.ts';
import { ProgressThrottle } from './progress-throttle.ts';
import { type Decision, decide, defaultTuning, type RetryTuning } from './retry-policy.ts';

export interface EngineSettings {
  maxConcurrentUploads: number;
  chunkSizeBytes: number;
  maxRetries: number;
  /** Delete the local recording once its upload is verified. */
  deleteAfterUpload: boolean;
  /** Uploads wait while this is true. */
  uploadsPaused: boolean;
  /** Epoch ms at which a timed pause ends by itself, if any. */
  pausedUntil: number | null;
}

export interface EngineEvents {
  jobUpdated(job: JobRecord): void;
  progress(progress: JobProgress): void;
  authLost(destination: DestinationKind, reason: string): void;
}

export interface EngineOptions {
  store: JobRepository;
  /** Every destination kind there is (the provider registry's). */
  kinds: readonly DestinationKind[];
  /** The kind's destination, when it is set up to take uploads. */
  destination(kind: DestinationKind): Destination | undefined;
  settings(): EngineSettings;
  events: EngineEvents;
  logger: Logger;
  now(): number;
  /** The shared upload limit in force (bytes per second, null: none), which chunk sizes follow. */
  uploadRate?(): number | null;
  tuning?: Partial<Omit<RetryTuning, 'maxRetries'>>;
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * The scheduler: takes due jobs from the store, runs at most N at once, applies the retry
 * policy to whatever a transfer throws. One bad file never holds the others back: each job
 * runs on its own, and only credentials lost for a whole destination hold that destination.
 */
export class UploadEngine {
  readonly #options: EngineOptions;
  readonly #running = new Map<number, Running>();
  readonly #networkFailures = new Map<number, number>();
  readonly #authHeld = new Set<DestinationKind>();
  readonly #progress: ProgressThrottle;
  #timer: NodeJS.Timeout | undefined;
  #started = false;

  constructor(options: EngineOptions) {
    this.#options = options;
    this.#progress = new ProgressThrottle((p) => options.events.progress(p), options.now);
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    const recovered = this.#options.store.recoverInterrupted();
    if (recovered > 0)
      this.#options.logger.info('resuming uploads interrupted by a stop', { jobs: recovered });
    this.wake();
  }

  /** Stops every transfer; interrupted jobs keep their session and resume at the next start. */
  async stop(): Promise<void> {
    this.#started = false;
    clearTimeout(this.#timer);
    for (const running of this.#running.values()) running.controller.abort();
    await Promise.allSettled([...this.#running.values()].map((r) => r.done));
    this.#options.store.recoverInterrupted();
  }

  /** Stops one job's transfer (the store already holds its new state: paused or cancelled). */
  abortJob(jobId: number): void {
    this.#running.get(jobId)?.controller.abort();
  }

  /** New credentials for a destination: its held jobs are queued again. */
  releaseAuth(destination: DestinationKind): number {
    this.#authHeld.delete(destination);
    const released = this.#options.store.releaseAuth(destination);
    this.wake();
    return released;
  }

  isAuthHeld(destination: DestinationKind): boolean {
    return this.#authHeld.has(destination);
  }

  /** Something changed (a new job, a setting, a finished upload): take more work if there is room. */
  wake(): void {
    if (!this.#started) return;
    clearTimeout(this.#timer);
    const settings = this.#options.settings();
    if (this.#isPaused(settings)) {
      for (const running of this.#running.values()) running.controller.abort();
      this.#armAt(settings.pausedUntil);
      return;
    }
    const destinations = this.#claimable();
    while (this.#running.size < settings.maxConcurrentUploads) {
      const job = this.#options.store.claimNext(destinations);
      if (job === undefined) break;
      this.#options.events.jobUpdated(job);
      this.#run(job, settings);
    }
    this.#armAt(this.#options.store.nextDueAt(destinations));
  }

  #isPaused(settings: EngineSettings): boolean {
    if (!settings.uploadsPaused) return false;
    return settings.pausedUntil === null || settings.pausedUntil > this.#options.now();
  }

  #claimable(): DestinationKind[] {
    return this.#options.kinds.filter(
      (kind) => !this.#authHeld.has(kind) && this.#options.destination(kind) !== undefined,
    );
  }

  #armAt(at: number | null): void {
    if (at === null) return;
    const delay = Math.max(0, at - this.#options.now());
    this.#timer = setTimeout(() => this.wake(), Math.min(delay, 2 ** 31 - 1));
    this.#timer.unref();
  }

  #run(job: JobRecord, settings: EngineSettings): void {
    const controller = new AbortController();
    const done = this.#transfer(job, settings, controller.signal).finally(() => {
      this.#running.delete(job.id);
      this.#progress.forget(job.id);
      this.wake();
    });
    this.#running.set(job.id, { controller, done });
  }

  async #transfer(job: JobRecord, settings: EngineSettings, signal: AbortSignal): Promise<void> {
    const { store, logger } = this.#options;
    const destination = this.#options.destination(job.destination);
    try {
      if (destination === undefined) throw new TransferFault('auth', `${job.destination} is not connected`);
      const item = await prepareUploadItem(job, store, logger);
      logger.info('upload started', { job: job.id, file: job.fileName, destination: job.destination });
      const remote = await uploadRecording({
        item,
        destination,
        session: job.session,
        pendingDiscard: job.pendingDiscard,
        chunkSizeBytes: settings.chunkSizeBytes,
        signal,
        now: this.#options.now,
        uploadRate: this.#options.uploadRate ?? (() => null),
        checkpoint: {
          saveSession: (session) => store.saveSession(job.id, session),
          saveProgress: (confirmed) => store.saveProgress(job.id, confirmed),
          stored: (file) => store.markStored(job.id, { id: file.id, url: file.url }),
          sidecarPlaced: () => store.markSidecarPlaced(job.id),
          saveDiscard: (file) => store.saveDiscard(job.id, file),
        },
        onProgress: (confirmed) => this.#progress.report(job.id, confirmed, job.sizeBytes),
        onVerifying: () => this.#changed(job.id, store.markVerifying(job.id)),
      });
      await this.#completed(job, item, remote);
    } catch (error) {
      const fault = isFault(error)
        ? error
        : new TransferFault(
            'retriable',
            `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
            {
              cause: error,
            },
          );
      this.#failed(job, fault, settings, signal);
    }
  }

  async #completed(job: JobRecord, item: UploadItem, remote: RemoteFile): Promise<void> {
    const { store, logger } = this.#options;
    this.#networkFailures.delete(job.id);
    this.#progress.report(job.id, job.sizeBytes, job.sizeBytes, true);
    const stored = {
      id: remote.id,
      url: remote.url,
      sha256: remote.localHashes?.sha256 ?? null,
      remoteHashes: remote.matchedHashes ?? {},
    };
    if (!store.markDone(job.id, stored)) return;
    logger.info('upload verified', { job: job.id, file: job.fileName, remoteId: remote.id });
    const done = store.get(job.id);
    if (done === undefined) return;
    this.#options.events.jobUpdated(done);
    if (!this.#options.settings().deleteAfterUpload) return;
    await deleteAfterVerifiedUpload(done, item, remote, store, logger);
    const after = store.get(job.id);
    if (after !== undefined) this.#options.events.jobUpdated(after);
  }

  #failed(job: JobRecord, fault: TransferFault, settings: EngineSettings, signal: AbortSignal): void {
    const { store, logger } = this.#options;
    // A stop, pause or cancel aborted the transfer: the store already says where the job stands.
    if (signal.aborted || fault.kind === 'cancelled') {
      this.#requeueIfStillUploading(job.id);
      return;
    }
    const current = store.get(job.id) ?? job;
    const networkFailures = (this.#networkFailures.get(job.id) ?? 0) + (fault.kind === 'network' ? 1 : 0);
    if (fault.kind === 'network') this.#networkFailures.set(job.id, networkFailures);
    else this.#networkFailures.delete(job.id);
    const decision = decide(fault, current, this.#tuning(settings), networkFailures);
    logger.warn('upload interrupted', {
      job: job.id,
      file: job.fileName,
      kind: fault.kind,
      reason: fault.message,
    });
    this.#apply(current, decision);
  }

  #apply(job: JobRecord, decision: Decision): void {
    const { store, events } = this.#options;
    switch (decision.action) {
      case 'wait':
        this.#changed(
          job.id,
          store.markWaiting(
            job.id,
            decision.reason,
            this.#options.now() + decision.delayMs,
            decision.countAttempt,
          ),
        );
        return;
      case 'fail':
        this.#changed(job.id, store.markFailed(job.id, decision.reason));
        return;
      case 'restart':
        this.#changed(job.id, store.restartFromScratch(job.id, decision.reason, true));
        return;
      case 'requeue':
        this.#requeueIfStillUploading(job.id);
        return;
      case 'hold-auth': {
        this.#authHeld.add(job.destination);
        store.holdForAuth(job.destination, decision.reason);
        // The other transfers of this destination will hit the same wall: stop them now.
        for (const [id, running] of this.#running) {
          if (id !== job.id && store.get(id)?.destination === job.destination) running.controller.abort();
        }
        events.authLost(job.destination, decision.reason);
        return;
      }
    }
  }

  #requeueIfStillUploading(jobId: number): void {
    const job = this.#options.store.get(jobId);
    if (job !== undefined && (job.state === 'uploading' || job.state === 'verifying')) {
      this.#changed(jobId, this.#options.store.markQueued(jobId));
    } else if (job !== undefined) {
      this.#options.events.jobUpdated(job);
    }
  }

  #changed(jobId: number, applied: boolean): void {
    if (!applied) return;
    const job = this.#options.store.get(jobId);
    if (job !== undefined) this.#options.events.jobUpdated(job);
  }

  #tuning(settings: EngineSettings): RetryTuning {
    return { ...defaultTuning(settings.maxRetries), ...this.#options.tuning };
  }
}
