import { clockTime } from '../../../src-shared/clock-time.ts';
import type { JobProgress } from '../../../src-shared/job.ts';
import type { DestinationKind } from '../../../src-shared/settings.ts';
import type { Destination, RemoteFile, UploadItem } from '../destinations/destination.ts';
import { isFault, TransferFault } from '../faults.ts';
import type { Logger } from '../logging/logger.ts';
import type { JobRecord, JobRepository, RecordedPlace } from '../store/job-record.ts';
import { deletionToOwe } from '../transfer/local-deletion.ts';
import type { OpenForReading } from '../transfer/recording-file.ts';
import { prepareUploadItem } from '../transfer/upload-item.ts';
import { uploadRecording } from '../transfer/upload-recording.ts';
import type { CredentialHold } from './credential-hold.ts';
import { ProgressThrottle } from './progress-throttle.ts';
import type { Reachability } from './reachability.ts';
import { type Decision, decide, defaultTuning, type FaultContext, type RetryTuning } from './retry-policy.ts';

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
  /**
   * Time that only moves forward, at its own pace (performance.now by default): a server's
   * Retry-After is measured by it, so a wall clock set back meanwhile does not lengthen the wait.
   */
  elapsed?(): number;
  /** Carries out the local deletion a verified recording owes (the uploader's OwedDeletions). */
  deletions: { carryOut(job: JobRecord): Promise<void> };
  /** Places each verified recording's receipt with it (the uploader's ReceiptBook). */
  receipts?: {
    place(job: JobRecord, item: UploadItem, remote: RemoteFile, destination: Destination): Promise<void>;
    /** The account and folder in force for the destination: the `verified` entry keeps them. */
    placeOf(kind: DestinationKind): RecordedPlace;
  };
  /** The shared upload limit in force (bytes per second, null: none), which chunk sizes follow. */
  uploadRate?(): number | null;
  /** Each destination's reachability, sign-in hold and throttling: the engine keeps it, others read it. */
  reachability: Reachability;
  /** Holds a destination whose credentials were rejected, until they change. */
  credentials: CredentialHold;
  /**
   * A cheap request to the destination (its health, account or drive): does it answer at all?
   * Throws TransferFault. Asked after a 5xx or a time-out, to tell one recording's failure from an
   * outage of the whole destination.
   */
  ping(destination: DestinationKind, signal: AbortSignal): Promise<void>;
  /** How recordings are opened; the file system's open by default. */
  openFile?: OpenForReading;
  /**
   * The bench alone sets this, to measure what the proof of archive costs: uploads then skip the
   * SHA-256 they compute besides the destination's own hash, and so carry none and get no receipt.
   */
  withoutProofHash?: boolean;
  tuning?: EngineTuning;
}

export interface EngineTuning extends Partial<Omit<RetryTuning, 'maxRetries'>> {
  /**
   * The longest the scheduler sleeps without looking again, so a clock that jumps (a sleep, a
   * changed time) is noticed; 30 s by default.
   */
  recheckMs?: number;
}

/** The clocks as one pass of the scheduler read them: wall-clock and elapsed time. */
interface Look {
  now: number;
  elapsed: number;
}

/** One run of a job: the credentials it went with, and what stops it. */
interface Attempt {
  epoch: number;
  signal: AbortSignal;
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
  /** When it was claimed, in elapsed time. */
  startedAt: number;
}

/**
 * The scheduler: takes due jobs from the store, runs at most N at once, applies the retry
 * policy to whatever a transfer throws. One bad file never holds the others back: each job
 * runs on its own, and only credentials lost for a whole destination hold that destination.
 */
export class UploadEngine {
  readonly #options: EngineOptions;
  readonly #running = new Map<number, Running & { destination: DestinationKind }>();
  /** Per destination, since it last answered: failed tries (an outage) and throttles without Retry-After. */
  readonly #outageTries = new Map<DestinationKind, number>();
  readonly #throttles = new Map<DestinationKind, number>();
  /** Per destination, the throttle this process set: its wall-clock end, and when it ends in elapsed time. */
  readonly #throttleEnds = new Map<DestinationKind, { until: number; endsAt: number }>();
  /** Per destination, when (elapsed time) it was last throttled or found unreachable. */
  readonly #heldBackAt = new Map<DestinationKind, number>();
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

  isAuthHeld(destination: DestinationKind): boolean {
    return this.#options.reachability.isAuthHeld(destination);
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
    // One look at the clocks for the whole pass: a throttle or a next try that ended between two
    // looks would leave its destination out of what may start and out of when to look again.
    const look = { now: this.#options.now(), elapsed: this.#elapsed() };
    let destinations = this.#claimable(look);
    while (this.#running.size < settings.maxConcurrentUploads && destinations.length > 0) {
      const job = this.#options.store.claimNext(destinations);
      if (job === undefined) break;
      this.#options.events.jobUpdated(job);
      this.#run(job, settings);
      if (this.#oneAtATime(job.destination))
        destinations = destinations.filter((kind) => kind !== job.destination);
    }
    // Every slot taken: a job falling due cannot start before one ends, and an ending run wakes
    // the scheduler itself. Counting it here would wake it at once, again and again, until then.
    const full = this.#running.size >= settings.maxConcurrentUploads;
    this.#armAt(this.#nextWake(full ? [] : destinations, look));
  }

  #isPaused(settings: EngineSettings): boolean {
    if (!settings.uploadsPaused) return false;
    return settings.pausedUntil === null || settings.pausedUntil > this.#options.now();
  }

  /** Connected destinations that are not held for sign-in, throttled, or between tries of an outage. */
  #claimable(look: Look): DestinationKind[] {
    const { reachability } = this.#options;
    const { now } = look;
    return this.#connected().filter((kind) => {
      if (reachability.isAuthHeld(kind) || this.#throttledUntil(kind, look) !== null) return false;
      if (this.#oneAtATime(kind) && this.#tryingAgain(kind)) return false;
      const nextTry = reachability.isUnreachable(kind) ? reachability.get(kind).nextTryAt : null;
      return nextTry === null || nextTry <= now;
    });
  }

  /**
   * An unreachable destination, or one whose server asked us to slow down and has not answered
   * since, is tried with one job at a time, not all of them at once (rclone's pacer likewise
   * spaces calls out after a throttle until answers come back).
   */
  #oneAtATime(destination: DestinationKind): boolean {
    return (
      this.#options.reachability.isUnreachable(destination) || (this.#throttles.get(destination) ?? 0) > 0
    );
  }

  /**
   * A job of the destination claimed since it was held back is its one try. A request still out
   * from before (a long chunk on a slow link) is no try of the server's pause or outage: waiting for
   * its answer would keep every other job waiting past the end of the pause.
   */
  #tryingAgain(destination: DestinationKind): boolean {
    const since = this.#heldBackAt.get(destination) ?? Number.NEGATIVE_INFINITY;
    return [...this.#running.values()].some(
      (run) => run.destination === destination && run.startedAt >= since,
    );
  }

  #connected(): DestinationKind[] {
    return this.#options.kinds.filter((kind) => this.#options.destination(kind) !== undefined);
  }

  /** The earliest of: a waiting job falling due, a throttle ending, an outage's next try, a recheck. */
  #nextWake(claimable: DestinationKind[], look: Look): number {
    const { reachability } = this.#options;
    const times = [look.now + (this.#options.tuning?.recheckMs ?? 30_000)];
    const due = this.#options.store.nextDueAt(claimable);
    if (due !== null) times.push(due);
    for (const kind of this.#connected()) {
      const throttled = this.#throttledUntil(kind, look);
      if (throttled !== null) times.push(throttled);
      // A next try already come is either taken in this pass or waits for the try under way,
      // whose end wakes the scheduler: looking again at once would only spin.
      const nextTry = reachability.isUnreachable(kind) ? reachability.get(kind).nextTryAt : null;
      if (nextTry !== null && nextTry > look.now) times.push(nextTry);
    }
    return Math.min(...times);
  }

  /**
   * Until when (wall clock) the destination's server asked for quiet, or null. A throttle this
   * process set ends when its time has elapsed, even where the wall clock was set back meanwhile
   * (a virtual machine's clock corrected after a pause): the throttle is then ended, and the jobs
   * it held are due at once.
   */
  #throttledUntil(kind: DestinationKind, look: Look): number | null {
    const { reachability, store } = this.#options;
    const until = reachability.get(kind).throttledUntil;
    if (until === null || until <= look.now) return null;
    const end = this.#throttleEnds.get(kind);
    if (end === undefined || end.until !== until) return until;
    const left = end.endsAt - look.elapsed;
    if (left > 0) return Math.min(until, look.now + left);
    this.#throttleEnds.delete(kind);
    reachability.throttleEnded(kind);
    store.dueNow(kind, until);
    return null;
  }

  #elapsed(): number {
    return this.#options.elapsed?.() ?? performance.now();
  }

  #armAt(at: number | null): void {
    if (at === null) return;
    const delay = Math.max(0, at - this.#options.now());
    this.#timer = setTimeout(() => this.wake(), Math.min(delay, 2 ** 31 - 1));
    this.#timer.unref();
  }

  #run(job: JobRecord, settings: EngineSettings): void {
    const controller = new AbortController();
    const sent = { epoch: this.#options.credentials.epoch(job.destination), signal: controller.signal };
    const done = this.#transfer(job, settings, sent).finally(() => {
      // A wake between this run's last move and here may have claimed the job again: that run's own.
      if (this.#running.get(job.id)?.controller === controller) this.#running.delete(job.id);
      this.#progress.forget(job.id);
      this.wake();
    });
    this.#running.set(job.id, { controller, done, destination: job.destination, startedAt: this.#elapsed() });
  }

  async #transfer(job: JobRecord, settings: EngineSettings, sent: Attempt): Promise<void> {
    const { store, logger } = this.#options;
    const { signal } = sent;
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
        ...(this.#options.openFile === undefined ? {} : { openFile: this.#options.openFile }),
        ...(this.#options.withoutProofHash === true ? { withoutProofHash: true } : {}),
        checkpoint: {
          saveSession: (session) => store.saveSession(job.id, session),
          saveProgress: (confirmed) => {
            // The remote said what it holds: it answers.
            this.#answered(job.destination);
            store.saveProgress(job.id, confirmed);
          },
          stored: (file) => store.markStored(job.id, { id: file.id, url: file.url }),
          sidecarPlaced: () => store.markSidecarPlaced(job.id),
          saveDiscard: (file) => store.saveDiscard(job.id, file),
        },
        onProgress: (confirmed) => this.#progress.report(job.id, confirmed, job.sizeBytes),
        onVerifying: () => this.#changed(job.id, store.markVerifying(job.id)),
      });
      await this.#completed(job, item, remote, destination);
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
      await this.#failed(job, fault, settings, sent);
    }
  }

  #answered(destination: DestinationKind): void {
    const wasHeldBack = this.#oneAtATime(destination);
    this.#outageTries.delete(destination);
    this.#throttles.delete(destination);
    this.#options.reachability.answered(destination);
    // It answers again: the jobs that waited their turn behind the one that tried may start.
    if (wasHeldBack) queueMicrotask(() => this.wake());
  }

  async #completed(
    job: JobRecord,
    item: UploadItem,
    remote: RemoteFile,
    destination: Destination,
  ): Promise<void> {
    const { store, logger } = this.#options;
    this.#answered(job.destination);
    this.#progress.report(job.id, job.sizeBytes, job.sizeBytes, true);
    const deletion = this.#options.settings().deleteAfterUpload ? deletionToOwe(job, item, remote) : null;
    const stored = {
      id: remote.id,
      url: remote.url,
      sha256: remote.localHashes?.sha256 ?? null,
      remoteHashes: remote.matchedHashes ?? {},
      // Owed from the moment it is done, so a stop before it is placed does not lose it.
      receiptOwed: this.#options.receipts !== undefined && destination.placeBeside !== undefined,
      // Owed likewise: a stop before the files are deleted leaves the deletion to the next start.
      ...(deletion === null || typeof deletion === 'string' ? {} : { deletionOwed: deletion }),
      ...(this.#options.receipts === undefined
        ? {}
        : { place: this.#options.receipts.placeOf(job.destination) }),
    };
    if (!store.markDone(job.id, stored)) return;
    logger.info('upload verified', { job: job.id, file: job.fileName, remoteId: remote.id });
    const done = store.get(job.id);
    if (done === undefined) return;
    this.#options.events.jobUpdated(done);
    await this.#options.receipts?.place(done, item, remote, destination);
    if (deletion === null) return;
    if (typeof deletion === 'string') store.setWarning(job.id, deletion);
    else await this.#options.deletions.carryOut(done);
    const after = store.get(job.id);
    if (after !== undefined) this.#options.events.jobUpdated(after);
  }

  async #failed(
    job: JobRecord,
    fault: TransferFault,
    settings: EngineSettings,
    sent: Attempt,
  ): Promise<void> {
    const { store, logger } = this.#options;
    const { signal } = sent;
    // A stop, pause or cancel aborted the transfer: the store already says where the job stands.
    if (signal.aborted || fault.kind === 'cancelled') {
      this.#requeueIfStillUploading(job.id);
      return;
    }
    logger.warn('upload interrupted', {
      job: job.id,
      file: job.fileName,
      kind: fault.kind,
      reason: fault.message,
    });
    const context = await this.#context(job.destination, fault, signal);
    if (signal.aborted) {
      this.#requeueIfStillUploading(job.id);
      return;
    }
    const current = store.get(job.id) ?? job;
    const met = context.pinged ?? fault;
    if (met.pacedUntil !== undefined) {
      this.#pacedBack(current, met, met.pacedUntil);
      return;
    }
    this.#apply(current, decide(met, current, this.#tuning(settings), context), sent);
  }

  /**
   * After a 5xx or a time-out, one cheap request tells whether the destination otherwise answers.
   * What that request itself met (a throttle, rejected credentials) stands for the whole
   * destination, so it is decided instead of the recording's fault (`pinged`).
   */
  async #context(
    destination: DestinationKind,
    fault: TransferFault,
    signal: AbortSignal,
  ): Promise<FaultContext & { pinged: TransferFault | null }> {
    const { reachability } = this.#options;
    const context = {
      destinationAnswers: true,
      outageTries: this.#outageTries.get(destination) ?? 0,
      throttles: this.#throttles.get(destination) ?? 0,
      pinged: null as TransferFault | null,
    };
    if (fault.kind !== 'retriable') return context;
    if (reachability.isUnreachable(destination)) return { ...context, destinationAnswers: false };
    try {
      await this.#options.ping(destination, signal);
      reachability.errored(destination, fault.message);
      return context;
    } catch (error) {
      if (!isFault(error)) return context;
      if (error.kind === 'retriable' || error.kind === 'network')
        return { ...context, destinationAnswers: false };
      if (error.kind === 'throttled' || error.kind === 'auth') return { ...context, pinged: error };
      return context;
    }
  }

  #apply(job: JobRecord, decision: Decision, sent: Attempt): void {
    const { store, reachability } = this.#options;
    const now = this.#options.now();
    switch (decision.action) {
      case 'wait':
        if (decision.countAttempt) reachability.errored(job.destination, decision.reason);
        this.#changed(
          job.id,
          store.markWaiting(job.id, decision.reason, now + decision.delayMs, decision.countAttempt),
        );
        return;
      case 'unreachable': {
        this.#outageTries.set(job.destination, (this.#outageTries.get(job.destination) ?? 0) + 1);
        this.#heldBackAt.set(job.destination, this.#elapsed());
        reachability.unreachable(job.destination, decision.reason, now + decision.delayMs);
        const since = reachability.get(job.destination).unreachableSince ?? now;
        const reason = `${DESTINATION_NAMES[job.destination]} unreachable since ${clockTime(since)}: ${decision.reason}`;
        this.#changed(job.id, store.markWaiting(job.id, reason, now + decision.delayMs, false));
        return;
      }
      case 'throttle': {
        this.#throttles.set(job.destination, (this.#throttles.get(job.destination) ?? 0) + 1);
        this.#heldBackAt.set(job.destination, this.#elapsed());
        reachability.throttled(job.destination, now + decision.delayMs, decision.reason);
        const until = reachability.get(job.destination).throttledUntil ?? now + decision.delayMs;
        this.#throttleEnds.set(job.destination, {
          until,
          endsAt: this.#elapsed() + Math.max(0, until - now),
        });
        const reason = `${DESTINATION_NAMES[job.destination]} asked to slow down until ${clockTime(until)}: ${decision.reason}`;
        this.#changed(job.id, store.markWaiting(job.id, reason, until, false));
        return;
      }
      case 'fail':
        reachability.errored(job.destination, decision.reason);
        this.#changed(job.id, store.markFailed(job.id, decision.reason));
        return;
      case 'restart':
        this.#changed(job.id, store.restartFromScratch(job.id, decision.reason, true));
        return;
      case 'requeue':
        this.#requeueIfStillUploading(job.id);
        return;
      case 'hold-auth': {
        // Refused credentials that were replaced while the request was out say nothing of the new
        // ones: the job goes again with them, and only a refusal of those holds the destination.
        if (sent.epoch !== this.#options.credentials.epoch(job.destination)) {
          this.#requeueIfStillUploading(job.id);
          return;
        }
        this.#options.credentials.hold(job.destination, decision.reason);
        // The other transfers of this destination will hit the same wall: stop them now.
        for (const [id, running] of this.#running) {
          if (id !== job.id && running.destination === job.destination) running.controller.abort();
        }
        return;
      }
    }
  }

  /**
   * The pacer turned a request back for a pause the destination already knows: no news from the
   * server. The job waits for that same pause, whose end (in elapsed time) makes it due; if the
   * pause has ended meanwhile, it goes again at once. Taken as a new throttle, it would start the
   * pause again, measured from a wall clock that may have been set back since.
   */
  #pacedBack(job: JobRecord, fault: TransferFault, until: number): void {
    if (this.#options.reachability.get(job.destination).throttledUntil !== until) {
      this.#requeueIfStillUploading(job.id);
      return;
    }
    const reason = `${DESTINATION_NAMES[job.destination]} asked to slow down until ${clockTime(until)}: ${fault.message}`;
    this.#changed(job.id, this.#options.store.markWaiting(job.id, reason, until, false));
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

const DESTINATION_NAMES: Readonly<Record<DestinationKind, string>> = {
  'storage-api': 'the storage API',
  onedrive: 'OneDrive',
  gdrive: 'Google Drive',
};
