import { statfsSync } from 'node:fs';
import { z } from 'zod';
import type { AnyBridgeEvent, BridgeEvent, ConnectionView } from '../../../src-shared/bridge-contract.ts';
import type { DestinationReachability } from '../../../src-shared/destination-reachability.ts';
import { type Health, WATCHER_STATES, type WatcherHealth } from '../../../src-shared/health.ts';
import { DESTINATION_KINDS, type DestinationKind, type Settings } from '../../../src-shared/settings.ts';
import type { Clock } from '../host-services.ts';
import type { HealthStore } from '../store/health-store.ts';
import { deriveHealth } from './derive-health.ts';
import { folderProblem } from './folder-check.ts';

export interface HealthMonitorOptions {
  store: HealthStore;
  clock: Clock;
  settings(): Settings;
  connections(): ConnectionView[];
  /** What the engine last saw of each destination (outage, throttling, sign-in hold). */
  reachability(kind: DestinationKind): DestinationReachability;
  /** A new health, different from the one before: the uploader sends it to every carrier. */
  changed(health: Health): void;
  /** Why the machine's policy stops every upload, or null (none by default). */
  policyProblem?(): string | null;
  /** Whether the machine's policy locks the pause (false by default). */
  pauseManaged?(): boolean;
  /** Free bytes on the volume of a folder, null when unknown; statfs by default. */
  freeBytes?(folder: string): number | null;
  /**
   * Where the watcher's state comes from before this monitor's own watcher reports: a look at the
   * folder ('probe'), or what the uploader running on this data folder last saved ('last-known',
   * for `status` beside a running `run`).
   */
  watcherSource?: 'probe' | 'last-known';
}

/** Recomputed at most this often however many events arrive: one burst, one health. */
const SETTLE_MS = 100;
/** The disk is measured and the health saved again at least this often. */
const REFRESH_MS = 30_000;
/** How often a health that differs only in bytes left and speed is sent on. */
const MOVING_FIGURES_MS = 1000;

const lastKnownSchema = z.object({
  watcher: z.object({
    state: z.enum(WATCHER_STATES),
    path: z.string().nullable(),
    since: z.number().nullable(),
    detail: z.string().nullable(),
  }),
  lastSuccessAt: z.partialRecord(z.enum(DESTINATION_KINDS), z.number()),
  freeBytes: z.number().nullable(),
});
type LastKnown = z.infer<typeof lastKnownSchema>;

/** What was saved by the last uploader that ran on this data folder, if anything readable. */
export function readLastKnown(store: HealthStore): LastKnown | null {
  const saved = store.loadLastKnown();
  const parsed = lastKnownSchema.safeParse(
    typeof saved === 'object' && saved !== null ? (saved as { inputs?: unknown }).inputs : undefined,
  );
  return parsed.success ? parsed.data : null;
}

/**
 * Keeps the uploader's health: gathers what the watcher, the destinations' answers, the queue and
 * the disk say, derives the one Health from them, sends it when it changes, and saves it (with what
 * it was derived from) as last known, so `status` shows it while the uploader runs or after.
 */
export class HealthMonitor {
  readonly #options: HealthMonitorOptions;
  /** When each destination last accepted a request. */
  readonly #lastSuccess = new Map<DestinationKind, number>();
  /** The destination of each job under way, to know whose chunk a progress event confirms. */
  readonly #uploading = new Map<number, DestinationKind>();
  readonly #speeds = new Map<number, number>();
  #watcher: WatcherHealth | null;
  #freeBytes: number | null;
  #current: Health | null = null;
  #settleTimer: NodeJS.Timeout | undefined;
  #figuresTimer: NodeJS.Timeout | undefined;
  #refreshTimer: NodeJS.Timeout | undefined;
  #expiryTimer: NodeJS.Timeout | undefined;
  #lastSaved = '';
  #lastSavedAt = 0;
  #lastSent = 0;
  /** Only a started monitor (the running uploader's) saves; a `status` reading beside it never does. */
  #started = false;
  /** The folder the free space was measured for. */
  #measured: string | null = null;

  constructor(options: HealthMonitorOptions) {
    this.#options = options;
    const known = readLastKnown(options.store);
    for (const [kind, at] of Object.entries(known?.lastSuccessAt ?? {})) {
      this.#lastSuccess.set(kind as DestinationKind, at);
    }
    this.#watcher = options.watcherSource === 'last-known' ? (known?.watcher ?? null) : null;
    this.#freeBytes = known?.freeBytes ?? null;
  }

  /** Starts measuring the disk now and then; the health is derived on demand until then. */
  start(): void {
    this.#started = true;
    this.#refresh();
  }

  stop(): void {
    if (!this.#started) return;
    clearTimeout(this.#settleTimer);
    clearTimeout(this.#figuresTimer);
    this.#figuresTimer = undefined;
    clearTimeout(this.#refreshTimer);
    clearTimeout(this.#expiryTimer);
    this.#settleTimer = undefined;
    if (this.#current !== null) this.#save(this.#current, true);
    this.#started = false;
    this.#current = null;
  }

  /** The health as it is now. */
  current(): Health {
    this.#current ??= this.#derive();
    return this.#current;
  }

  watcherChanged(watcher: WatcherHealth): void {
    const before = this.#watcher;
    if (before !== null && before.state === watcher.state && before.path === watcher.path) return;
    this.#watcher = watcher;
    this.changed();
  }

  /** The destination accepted a request: a chunk, a finished upload, a test, a sign-in. */
  accepted(kind: DestinationKind, at = this.#options.clock.now()): void {
    const before = this.#lastSuccess.get(kind);
    if (before !== undefined && before >= at) return;
    this.#lastSuccess.set(kind, at);
    this.changed();
  }

  /**
   * Every event the core sends is something the health is derived from; progress and finished
   * uploads also say that their destination accepts requests, and how fast bytes move.
   */
  observe(raw: BridgeEvent): void {
    const event = raw as AnyBridgeEvent;
    switch (event.event) {
      case 'health':
      case 'sign-in-started':
      case 'upload-rate':
        return;
      case 'progress': {
        this.#speeds.set(event.payload.jobId, event.payload.bytesPerSecond);
        const kind = this.#uploading.get(event.payload.jobId);
        if (kind !== undefined && event.payload.confirmedBytes > 0) {
          const before = this.#lastSuccess.get(kind);
          // A first accepted request is news; after it, a chunk's progress moves figures only.
          if (before === undefined) {
            this.accepted(kind);
            return;
          }
          this.#lastSuccess.set(kind, Math.max(before, this.#options.clock.now()));
        }
        this.#figuresMoved();
        return;
      }
      case 'job-updated': {
        const job = event.payload;
        if (job.state === 'uploading') this.#uploading.set(job.id, job.destination);
        else {
          this.#uploading.delete(job.id);
          this.#speeds.delete(job.id);
        }
        if (job.state === 'done' && job.completedAt !== null) this.accepted(job.destination, job.completedAt);
        break;
      }
    }
    this.changed();
  }

  /**
   * Only bytes left, speeds and the last accepted request moved (a chunk's progress): derived again
   * within MOVING_FIGURES_MS, the most often such a health is sent on anyway. Each derivation
   * counts the whole queue; with 100,000 recordings waiting, one every SETTLE_MS while uploading
   * took most of a core.
   */
  #figuresMoved(): void {
    if (!this.#started) {
      this.#current = null;
      return;
    }
    if (this.#settleTimer !== undefined || this.#figuresTimer !== undefined) return;
    this.#figuresTimer = setTimeout(() => {
      this.#figuresTimer = undefined;
      this.#publish();
    }, MOVING_FIGURES_MS);
    this.#figuresTimer.unref();
  }

  /** Something the health is derived from changed: derive it again shortly. */
  changed(): void {
    // A monitor that is not running (a reader, or one stopped with its database about to close)
    // derives on demand only.
    if (!this.#started) {
      this.#current = null;
      return;
    }
    if (this.#settleTimer !== undefined) return;
    this.#settleTimer = setTimeout(() => {
      this.#settleTimer = undefined;
      this.#publish();
    }, SETTLE_MS);
    this.#settleTimer.unref();
  }

  /** Derives at once (a command's answer must not be a step behind). */
  now(): Health {
    if (!this.#started) return this.#derive();
    clearTimeout(this.#settleTimer);
    this.#settleTimer = undefined;
    this.#publish();
    return this.current();
  }

  #publish(): void {
    clearTimeout(this.#figuresTimer);
    this.#figuresTimer = undefined;
    const before = this.#current;
    const health = this.#derive();
    this.#current = health;
    this.#armExpiry(health);
    const news = before === null || comparable(before) !== comparable(health);
    // Bytes left and the estimate move with every chunk: sent on, but not more than once a second.
    const moved = !news && before !== null && JSON.stringify(before.queue) !== JSON.stringify(health.queue);
    if (news || (moved && health.at - this.#lastSent >= MOVING_FIGURES_MS)) {
      this.#lastSent = health.at;
      this.#options.changed(health);
    }
    if (news || health.at - this.#lastSavedAt >= MOVING_FIGURES_MS * 5) this.#save(health, news);
  }

  #derive(): Health {
    const settings = this.#options.settings();
    // A folder just chosen, or a reader that never started: measure now rather than show nothing.
    if (this.#measured !== settings.recordingsFolder) this.#measureDisk();
    let speed = 0;
    for (const value of this.#speeds.values()) speed += value;
    const now = this.#options.clock.now();
    const midnight = new Date(now);
    midnight.setHours(0, 0, 0, 0);
    return deriveHealth({
      now,
      settings,
      watcher: this.#watcherHealth(settings),
      connections: this.#options.connections(),
      reachability: (kind) => this.#options.reachability(kind),
      lastSuccessAt: (kind) => this.#lastSuccess.get(kind) ?? null,
      queue: this.#options.store.queueFacts(midnight.getTime()),
      bytesPerSecond: speed,
      freeBytes: this.#freeBytes,
      policyProblem: this.#options.policyProblem?.() ?? null,
      pauseManaged: this.#options.pauseManaged?.() ?? false,
    });
  }

  /** The watcher's own report; before its first, what a look at the folder finds. */
  #watcherHealth(settings: Settings): WatcherHealth {
    const folder = settings.recordingsFolder;
    if (folder === '') return { state: 'not-configured', path: null, since: null, detail: null };
    if (this.#watcher === null || this.#watcher.path !== folder) {
      // Looked at by a reader (`status` with no uploader running), the state has no known start.
      this.#watcher = probeWatcher(folder, this.#started ? this.#options.clock.now() : null);
    }
    return this.#watcher;
  }

  /** A throttle's end or a retry's time changes the headline with no event: derive again then. */
  #armExpiry(health: Health): void {
    clearTimeout(this.#expiryTimer);
    const ends = health.destinations
      .map((d) => d.until)
      .filter((at): at is number => at !== null && at > health.at);
    if (ends.length === 0) return;
    this.#expiryTimer = setTimeout(() => this.changed(), Math.min(...ends) - health.at + 10);
    this.#expiryTimer.unref();
  }

  #refresh(): void {
    this.#measureDisk();
    this.changed();
    this.#refreshTimer = setTimeout(() => this.#refresh(), REFRESH_MS);
    this.#refreshTimer.unref();
  }

  #measureDisk(): void {
    const folder = this.#options.settings().recordingsFolder;
    this.#freeBytes = folder === '' ? null : (this.#options.freeBytes ?? freeBytesOf)(folder);
    this.#measured = folder;
  }

  #save(health: Health, force: boolean): void {
    if (!this.#started) return;
    const inputs: LastKnown = {
      watcher: health.watcher,
      lastSuccessAt: Object.fromEntries(this.#lastSuccess),
      freeBytes: this.#freeBytes,
    };
    const text = JSON.stringify({ inputs, headline: health.headline });
    if (!force && text === this.#lastSaved) return;
    this.#lastSaved = text;
    this.#lastSavedAt = health.at;
    this.#options.store.saveLastKnown({ at: health.at, inputs, health });
  }
}

/** A folder looked at once: watching if it can be, else what is wrong with it. */
export function probeWatcher(folder: string, since: number | null): WatcherHealth {
  if (folder === '') return { state: 'not-configured', path: null, since: null, detail: null };
  const problem = folderProblem(folder);
  if (problem === null) return { state: 'watching', path: folder, since, detail: null };
  return { state: problem.state, path: folder, since, detail: problem.detail };
}

/** Health minus what moves all the time (the moment, the bytes, the speed): its changes are news. */
function comparable(health: Health): string {
  const { at: _at, queue, ...rest } = health;
  const { bytesLeft: _b, bytesPerSecond: _s, etaSeconds: _e, ...counts } = queue;
  const headline =
    rest.headline.kind === 'uploading' ? { kind: 'uploading', count: rest.headline.count } : rest.headline;
  return JSON.stringify({ ...rest, headline, queue: counts });
}

function freeBytesOf(folder: string): number | null {
  try {
    const stats = statfsSync(folder);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}
