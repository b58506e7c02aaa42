import {
  type ConnectionView,
  type HostCapabilities,
  type JobFilter,
  NO_HOST_CAPABILITIES,
  RECORDINGS_FOLDER_REFUSED,
  type RemoteFolder,
  type Snapshot,
} from '../../src-shared/bridge-contract.ts';
import { clockTime } from '../../src-shared/clock-time.ts';
import { HEADLINE_TONE, type Health } from '../../src-shared/health.ts';
import { headlineText } from '../../src-shared/health-words.ts';
import type { HistoryExport, HistoryPeriod, HistoryView } from '../../src-shared/history.ts';
import { hostPlatformOf } from '../../src-shared/host-platform.ts';
import type { JobView } from '../../src-shared/job.ts';
import { HISTORY_LIMIT, type JobDetails } from '../../src-shared/job-details.ts';
import { SettingLockedError } from '../../src-shared/policy.ts';
import {
  applySettings,
  type DestinationKind,
  type RemoteFolderRef,
  type Settings,
} from '../../src-shared/settings.ts';
import type { UploadRateView } from '../../src-shared/upload-rate-limit.ts';
import { announcedSignIn } from './auth/announced-sign-in.ts';
import { SessionSealer } from './auth/session-sealer.ts';
import { TokenBucket } from './bandwidth/token-bucket.ts';
import { UploadRateControl } from './bandwidth/upload-rate-control.ts';
import { EventBus } from './bridge/event-bus.ts';
import type { Destination } from './destinations/destination.ts';
import type { DestinationProvider } from './destinations/destination-provider.ts';
import { HttpClient } from './destinations/http-client.ts';
import { createProviders } from './destinations/provider-registry.ts';
import { StorageApiProvider } from './destinations/storage-api/storage-api-provider.ts';
import { CredentialHold } from './engine/credential-hold.ts';
import { Reachability } from './engine/reachability.ts';
import { type EngineTuning, UploadEngine } from './engine/upload-engine.ts';
import { isFault } from './faults.ts';
import { describeFolderProblem, folderProblem } from './health/folder-check.ts';
import { HealthMonitor } from './health/health-monitor.ts';
import type { HostServices } from './host-services.ts';
import { redactReason } from './logging/redact-secrets.ts';
import { NO_POLICY_RULES, type PolicyRules } from './policy/policy-rules.ts';
import { Heartbeat } from './proof/heartbeat.ts';
import { HistoryBook } from './proof/history.ts';
import { jobDetailsOf } from './proof/job-details.ts';
import type { Receipt } from './proof/receipt.ts';
import { ReceiptBook } from './proof/receipt-book.ts';
import { type ReconcileResult, reconcile } from './proof/reconcile.ts';
import { ReconcileSchedule } from './proof/reconcile-schedule.ts';
import type { Recording } from './recording.ts';
import { AccountStore } from './store/account-store.ts';
import { CredentialBindingStore } from './store/credential-binding-store.ts';
import type { Database } from './store/database.ts';
import { HealthStore } from './store/health-store.ts';
import type { JobRecord } from './store/job-record.ts';
import { SqliteJobStore, toJobView } from './store/job-store.ts';
import { ReachabilityStore } from './store/reachability-store.ts';
import { SettingsStore } from './store/settings-store.ts';
import { OwedDeletions } from './transfer/owed-deletions.ts';
import type { OpenForReading } from './transfer/recording-file.ts';
import { WatchedFolder } from './watcher/watched-folder.ts';

export interface UploaderOptions {
  host: HostServices;
  db: Database;
  /** Settings for this run only (the headless host's --settings), laid over the saved ones. */
  overrides?: Partial<Settings>;
  /** Retry timing; tests shrink it. */
  tuning?: EngineTuning;
  /** How recordings are opened for reading; the file system's open unless a test holds a file. */
  openFile?: OpenForReading;
  /**
   * The bench alone sets this, to measure what the proof of archive costs: uploads then skip the
   * SHA-256 they compute besides the destination's own hash, and so carry none and get no receipt.
   */
  withoutProofHash?: boolean;
  /** How often the fleet heartbeat is written (five minutes); tests shrink it. */
  heartbeatMs?: number;
  /** How often the reconciliation schedule looks whether a run is due (an hour); tests shrink it. */
  reconcileCheckMs?: number;
  /** How often credentials are re-read while a destination waits for new ones. */
  credentialPollMs?: number;
  /** What the host answers itself besides the core (the desktop shell's dialogs); none by default. */
  hostCapabilities?: HostCapabilities;
  /** The machine's policy, as the host read it from where the OS keeps it; none by default. */
  policy?: PolicyRules;
  /**
   * An uploader that only reads (`status`) beside one that runs takes the folder's state from what
   * the running one last saved; otherwise it looks at the folder itself.
   */
  watcherSource?: 'probe' | 'last-known';
}

/** How soon the queue's totals follow the job changes that moved them. */
const TOTALS_EVERY_MS = 100;

/**
 * The composition root: builds the store, watcher, engine and destinations from settings, and
 * exposes the bridge contract. The Electron shell, the headless host and the tests all drive the
 * core through this one object.
 */
export class Uploader {
  readonly events = new EventBus();
  readonly #host: HostServices;
  readonly #store: SqliteJobStore;
  readonly #settingsStore: SettingsStore;
  readonly #receipts: ReceiptBook;
  readonly #history: HistoryBook;
  readonly #reconcileSchedule: ReconcileSchedule;
  readonly #heartbeat: Heartbeat;
  readonly #overrides: Partial<Settings>;
  readonly #engine: UploadEngine;
  readonly #reachability: Reachability;
  readonly #providers: Map<DestinationKind, DestinationProvider>;
  readonly #credentials: CredentialHold;
  /** Seals upload sessions' capability URLs before the database keeps them. */
  readonly #sessions = new SessionSealer();
  readonly #hostCapabilities: HostCapabilities;
  readonly #folder: WatchedFolder;
  readonly #health: HealthMonitor;
  /** One speed limit for every request body of every upload. */
  readonly #bucket = new TokenBucket();
  readonly #uploadRate: UploadRateControl;
  readonly #policy: PolicyRules;
  #settings: Settings;
  /** A totals-changed event owed for job changes since the last one (see #jobChanged). */
  #totalsDue: NodeJS.Timeout | null = null;
  readonly #deletions: OwedDeletions;

  constructor(options: UploaderOptions) {
    const { host, db } = options;
    this.#host = host;
    this.#policy = options.policy ?? NO_POLICY_RULES;
    this.#store = new SqliteJobStore(db, host.clock, this.#sessions);
    this.#history = new HistoryBook(db, host.clock);
    this.#settingsStore = new SettingsStore(db, host.logger, host.clock, {
      base: this.#policy.baseValues,
      rules: this.#policy.settingsRules,
    });
    const accounts = new AccountStore(db, host.clock);
    this.#overrides = options.overrides ?? {};
    this.#settings = this.#effectiveSettings();
    host.setCpuPriority?.(this.#settings.cpuPriority);
    this.#hostCapabilities = { ...(options.hostCapabilities ?? NO_HOST_CAPABILITIES) };
    this.#reachability = new Reachability(new ReachabilityStore(db), host.clock);
    this.#folder = new WatchedFolder({
      clock: host.clock,
      logger: host.logger,
      onReady: (recordings) => this.#queueSettled(recordings),
      onFolderState: (path, state) =>
        this.#health.watcherChanged({
          state: state.state,
          path,
          since: host.clock.now(),
          detail: state.state === 'watching' ? null : state.detail,
        }),
    });
    const shared = {
      settings: () => this.#settings,
      saveSettings: async (patch: Partial<Settings>) => {
        await this.updateSettings(patch);
      },
      accounts,
      bindings: new CredentialBindingStore(db, host.clock),
      origins: () => ({
        uploadOrigins: this.#policy.uploadOrigins,
        plainHttpOrigins: this.#policy.settingsRules.plainHttpOrigins,
      }),
    };
    this.#uploadRate = new UploadRateControl({
      bucket: this.#bucket,
      clock: host.clock,
      logger: host.logger,
      onChange: (view) => this.events.emit('upload-rate', view),
    });
    this.#uploadRate.setLimit(this.#settings.uploadRateLimit);
    this.#providers = createProviders((kind) => ({
      ...shared,
      // One pacer per destination: while its server asks to be left alone, none of its requests leave.
      http: new HttpClient(host.fetch, () => this.#settings.requestTimeoutSeconds * 1000, this.#bucket, {
        throttledUntil: () => this.#reachability.throttledUntil(kind),
        now: () => host.clock.now(),
      }),
      // A sign-in page is announced to the UI as well as handed to the host, which may only print it.
      host: {
        ...host,
        openBrowser: announcedSignIn(
          kind,
          (url) => host.openBrowser(url),
          (started) => this.events.emit('sign-in-started', started),
        ),
      },
    }));
    this.#receipts = new ReceiptBook({
      store: this.#store,
      accounts,
      settings: () => this.#settings,
      logger: host.logger,
      signal: () => this.#requestSignal(),
    });
    this.#credentials = new CredentialHold({
      reachability: this.#reachability,
      store: this.#store,
      source: (kind) => this.#providers.get(kind),
      logger: host.logger,
      pollMs: options.credentialPollMs ?? 5000,
      changed: (kind) => this.#holdChanged(kind),
    });
    this.#reconcileSchedule = new ReconcileSchedule({
      everyDays: () => this.#settings.reconcileEveryDays,
      dueFrom: () => this.#store.reconcileDueFrom(this.#settings.activeDestination),
      run: async () => {
        await this.reconcile();
      },
      clock: host.clock,
      logger: host.logger,
      ...(options.reconcileCheckMs === undefined ? {} : { checkEveryMs: options.reconcileCheckMs }),
    });
    this.#heartbeat = new Heartbeat({
      enabled: () => this.#settings.fleetHeartbeat,
      destination: () => this.#destination(this.#settings.activeDestination),
      queue: () => this.#store.queueFacts(),
      ledgerHead: () => this.#store.ledgerHead(),
      // The one headline the header, the tray and status show, in words an admin reads.
      health: () => {
        const { headline } = this.#health.now();
        const text = headlineText(headline, 'en', host.clock.now());
        return { kind: headline.kind, tone: HEADLINE_TONE[headline.kind], text };
      },
      clock: host.clock,
      logger: host.logger,
      signal: () => this.#requestSignal(),
      ...(options.heartbeatMs === undefined ? {} : { intervalMs: options.heartbeatMs }),
    });
    this.#deletions = new OwedDeletions({
      store: this.#store,
      logger: host.logger,
      enabled: () => this.#settings.deleteAfterUpload,
      heldBy: () => this.#policy.stopsUploads,
      changed: (job) => this.#jobChanged(job),
    });
    this.#engine = new UploadEngine({
      store: this.#store,
      deletions: this.#deletions,
      receipts: this.#receipts,
      kinds: [...this.#providers.keys()],
      destination: (kind) => this.#destination(kind),
      // A policy that does not validate stops uploads: it is never silently ignored.
      settings: () =>
        this.#policy.stopsUploads === null
          ? this.#settings
          : { ...this.#settings, uploadsPaused: true, pausedUntil: null },
      events: {
        jobUpdated: (job) => this.#jobChanged(job),
        progress: (progress) => this.events.emit('progress', progress),
      },
      logger: host.logger,
      now: () => host.clock.now(),
      elapsed: () => host.clock.elapsed?.() ?? performance.now(),
      uploadRate: () => this.#bucket.rate,
      reachability: this.#reachability,
      credentials: this.#credentials,
      ping: (kind, signal) => this.#provider(kind).ping(AbortSignal.any([signal, this.#pingSignal()])),
      ...(options.openFile ? { openFile: options.openFile } : {}),
      ...(options.withoutProofHash === true ? { withoutProofHash: true } : {}),
      ...(options.tuning ? { tuning: options.tuning } : {}),
    });
    this.#health = new HealthMonitor({
      store: new HealthStore(db),
      clock: host.clock,
      settings: () => this.#settings,
      connections: () => [...this.#providers.values()].map((provider) => provider.connection()),
      reachability: (kind) => this.#reachability.get(kind),
      changed: (health) => this.events.emit('health', health),
      policyProblem: () => (this.#policy.machine.state === 'invalid' ? this.#policy.machine.problem : null),
      pauseManaged: () => this.#policy.isLocked('uploadsPaused') || this.#policy.isLocked('pausedUntil'),
      watcherSource: options.watcherSource ?? 'probe',
    });
    this.events.subscribe((event) => this.#health.observe(event));
    this.#reachability.subscribe(() => this.#health.changed());
  }

  /** Each destination's last known reachability (outage, throttling, sign-in hold), for the health model. */
  get reachability(): Pick<Reachability, 'get' | 'list' | 'subscribe'> {
    return this.#reachability;
  }

  get settings(): Settings {
    return this.#settings;
  }

  async start(): Promise<void> {
    await this.#sessions.load(this.#host.secrets, this.#host.logger);
    this.#store.sealPlainSessions();
    const stopped = this.#policy.stopsUploads;
    if (stopped !== null) this.#host.logger.error(stopped);
    this.#health.start();
    this.#engine.start();
    this.#reconcileSchedule.start();
    this.#heartbeat.start();
    // Holds from the last run stay, unless the credentials changed while the uploader was stopped.
    await this.#credentials.restore();
    this.#engine.wake();
    void this.#placeOwedReceipts();
    this.#deletions.start();
    await this.#folder.start(this.#settings);
  }

  /** Stops watching and uploading; everything is already persisted, so the next start resumes. */
  async stop(): Promise<void> {
    await this.#deletions.stop();
    await this.#reconcileSchedule.stop();
    await this.#heartbeat.stop();
    this.#uploadRate.stop();
    this.#credentials.stop();
    await this.#folder.stop();
    await this.#engine.stop();
    if (this.#totalsDue !== null) this.#emitTotals();
    this.#health.stop();
  }

  /** A finished recording: queued once per destination, however often it is reported. */
  enqueue(recording: Recording): JobView | null {
    return this.enqueueMany([recording])[0] ?? null;
  }

  /** Finished recordings, queued in one transaction; the views of those not known before. */
  enqueueMany(recordings: readonly Recording[]): JobView[] {
    const destination = this.#settings.activeDestination;
    const queued = this.#store.enqueueMany(recordings, destination);
    if (queued.length === 0) return [];
    this.#logQueued(queued, destination);
    // A destination waiting for sign-in takes its new jobs into the hold: read them again.
    const held = this.#credentials.isHeld(destination);
    if (held) this.#credentials.holdNewJob(destination);
    const views = queued.map((job) => {
      const current = held ? (this.#store.get(job.id) ?? job) : job;
      this.#jobChanged(current);
      return toJobView(current);
    });
    this.#engine.wake();
    return views;
  }

  /**
   * One line a recording, or one for a batch: a line each cost 10,000 recordings found at start a
   * quarter of a second, and the ledger already holds each one's found and queued entries.
   */
  #logQueued(queued: readonly JobRecord[], destination: DestinationKind): void {
    const [first] = queued;
    const last = queued.at(-1);
    if (first === undefined || last === undefined) return;
    if (queued.length === 1) {
      this.#host.logger.info('recording queued', { job: first.id, file: first.fileName, destination });
      return;
    }
    this.#host.logger.info('recordings queued', {
      count: queued.length,
      jobs: `${first.id}-${last.id}`,
      files: `${first.fileName} … ${last.fileName}`,
      destination,
    });
  }

  /**
   * Recordings the watcher found settled together. Should the batch not go in as one (one of them
   * refused, or the write failing), each is tried on its own, so one recording never costs the others.
   */
  #queueSettled(recordings: readonly Recording[]): void {
    try {
      this.enqueueMany(recordings);
      return;
    } catch (error) {
      if (recordings.length === 1) throw error;
    }
    for (const recording of recordings) {
      try {
        this.enqueue(recording);
      } catch (error) {
        this.#host.logger.error('queuing a recording failed', {
          path: recording.path,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  // --- the bridge contract's commands ---

  getSnapshot(params: { jobLimit?: number } = {}): Snapshot {
    return {
      settings: this.#settings,
      totals: this.#store.totals(),
      jobs: this.listJobs({ filter: 'all', offset: 0, limit: params.jobLimit ?? 200 }),
      connections: [...this.#providers.values()].map((provider) => this.#connectionOf(provider)),
      paused: this.#settings.uploadsPaused,
      host: this.#hostCapabilities,
      platform: hostPlatformOf(process.platform),
      uploadRate: this.#uploadRate.view,
      policy: this.#policy.view,
      health: this.#health.now(),
    };
  }

  /** The uploader's health as it is now: what the header, the tray and `status` show. */
  getHealth(): Health {
    return this.#health.now();
  }

  getHistory(params: { days: HistoryPeriod }): HistoryView {
    return this.#history.days(params.days);
  }

  exportHistory(params: { days: HistoryPeriod }): HistoryExport {
    return this.#history.csv(params.days);
  }

  listJobs(params: { filter: JobFilter; offset: number; limit: number }): JobView[] {
    return this.#store.list(params.filter, params.offset, params.limit).map(toJobView);
  }

  /** Refused, naming the policy, when it would change a locked setting or pick a refused destination. */
  async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    const before = this.#settings;
    const refused = this.#policy.refusedChanges(before, patch);
    if (refused.length > 0) throw new SettingLockedError(refused, this.#policy.file);
    if (patch.activeDestination !== undefined) this.#allowed(patch.activeDestination);
    // A locked setting sent again at its own value changes nothing and is not stored as the operator's.
    const own = Object.fromEntries(
      Object.entries(patch).filter(([name]) => !this.#policy.isLocked(name as keyof Settings)),
    );
    checkNewFolder(patch.recordingsFolder, before.recordingsFolder);
    this.#settingsStore.save(own);
    this.#settings = this.#effectiveSettings();
    if (before.uploadRateLimit !== this.#settings.uploadRateLimit) {
      this.#uploadRate.setLimit(this.#settings.uploadRateLimit);
    }
    if (before.cpuPriority !== this.#settings.cpuPriority)
      this.#host.setCpuPriority?.(this.#settings.cpuPriority);
    await this.#folder.settingsChanged(before, this.#settings);
    this.events.emit('snapshot', this.getSnapshot());
    this.#engine.wake();
    return this.#settings;
  }

  async setStorageApiToken(params: { token: string }): Promise<ConnectionView> {
    const provider = this.#provider('storage-api');
    if (!(provider instanceof StorageApiProvider)) throw new Error('the storage API is not available');
    await provider.setToken(params.token);
    this.#credentialsReplaced(provider);
    return this.#connectionOf(provider);
  }

  async testConnection(params: { destination: DestinationKind }): Promise<ConnectionView> {
    const provider = this.#provider(params.destination);
    try {
      await provider.checkConnection(this.#requestSignal());
    } catch (error) {
      if (!isFault(error, 'auth')) throw error;
      this.#credentials.hold(provider.kind, error.message);
    }
    const view = this.#connectionOf(provider);
    if (view.state === 'connected') this.#health.accepted(provider.kind);
    this.events.emit('connection-changed', view);
    return view;
  }

  async connect(params: { destination: DestinationKind }): Promise<ConnectionView> {
    this.#allowed(params.destination);
    const provider = this.#provider(params.destination);
    // A sign-in waits for a person in a browser: its own time-out lives in the provider.
    await provider.connect(new AbortController().signal);
    this.#credentialsReplaced(provider);
    return this.#connectionOf(provider);
  }

  async disconnect(params: { destination: DestinationKind }): Promise<ConnectionView> {
    const provider = this.#provider(params.destination);
    const view = await provider.disconnect(this.#requestSignal());
    this.events.emit('connection-changed', view);
    return view;
  }

  listRemoteFolders(params: {
    destination: DestinationKind;
    parentId: string | null;
  }): Promise<RemoteFolder[]> {
    return this.#provider(params.destination).folders.list(params.parentId, this.#requestSignal());
  }

  createRemoteFolder(params: {
    destination: DestinationKind;
    parentId: string | null;
    name: string;
  }): Promise<RemoteFolder> {
    const name = params.name.trim();
    if (name === '') return Promise.reject(new Error('a folder needs a name'));
    return this.#provider(params.destination).folders.create(params.parentId, name, this.#requestSignal());
  }

  describeRemoteFolder(params: { destination: DestinationKind; folderId: string }): Promise<RemoteFolder> {
    return this.#provider(params.destination).folders.describe(params.folderId, this.#requestSignal());
  }

  async chooseRemoteFolder(params: {
    destination: DestinationKind;
    folder: RemoteFolderRef;
  }): Promise<Settings> {
    if (params.destination === 'onedrive') return this.updateSettings({ oneDriveFolder: params.folder });
    if (params.destination === 'gdrive') return this.updateSettings({ googleDriveFolder: params.folder });
    throw new Error(`${params.destination} has no remote folders to choose`);
  }

  /**
   * Checks that what the ledger says the destination verified (since `sinceMs`) is still there,
   * unchanged, from its listing alone; the findings go into the ledger.
   */
  async reconcile(
    params: { destination?: DestinationKind; sinceMs?: number | null } = {},
  ): Promise<ReconcileResult> {
    const kind = params.destination ?? this.#settings.activeDestination;
    const destination = this.#destination(kind);
    if (destination === undefined) throw new Error(`${kind} is not connected: sign in before reconciling`);
    // A listing of a large archive takes pages: each page has the request time-out, not the whole.
    const result = await reconcile(
      this.#store,
      destination,
      params.sinceMs ?? null,
      () => this.#host.clock.now(),
      new AbortController().signal,
    );
    this.#host.logger.info('reconciled with the destination', {
      destination: kind,
      checked: result.checked,
      missing: result.missing.length,
      altered: result.altered.length,
      unexpected: result.unexpected.length,
    });
    this.events.emit('reconciled', {
      destination: kind,
      asOf: result.asOf,
      checked: result.checked,
      present: result.present,
      missing: result.missing.map((f) => f.fileName),
      altered: result.altered.map((f) => f.fileName),
      unexpected: result.unexpected.length,
    });
    // Every checked row now says "present and unchanged as of" this run.
    this.events.emit('snapshot', this.getSnapshot());
    return result;
  }

  /** Writes this machine's heartbeat now (it is also written every few minutes while the setting is on). */
  writeHeartbeat(): Promise<boolean> {
    return this.#heartbeat.beat();
  }

  /** A verified recording's receipt, built from the database alone. */
  receiptOf(jobId: number): Receipt {
    return this.#receipts.receiptOf(jobId);
  }

  getJob(params: { jobId: number }): JobView {
    const job = this.#store.get(params.jobId);
    if (job === undefined) throw new Error(`there is no job ${params.jobId}`);
    return toJobView(job);
  }

  /** One recording's details for an administrator: where it went, its hashes, times and every move. */
  getJobDetails(params: { jobId: number }): JobDetails {
    const job = this.#store.get(params.jobId);
    if (job === undefined) throw new Error(`there is no job ${params.jobId}`);
    const { place, asVerified } = this.#receipts.placeOfJob(job);
    return jobDetailsOf(job, this.#store.historyOf(job.id, HISTORY_LIMIT), place, asVerified);
  }

  /**
   * A job held for sign-in is retried by trying the stored credentials again: the hold of its
   * destination ends, and comes back at once if they are refused again.
   */
  retry(params: { jobId: number }): JobView {
    const held = this.#store.get(params.jobId);
    if (held?.state === 'needs-auth') {
      this.#credentials.release(held.destination, 'retried by the operator');
      const released = this.#store.get(params.jobId);
      // Released with the others (queued), or left held meanwhile: retried like any job then.
      if (released !== undefined && released.state !== 'needs-auth') return this.#operator(released);
    }
    return this.#operator(this.#store.retry(params.jobId));
  }

  pauseJob(params: { jobId: number }): JobView {
    const job = this.#store.pause(params.jobId);
    this.#engine.abortJob(params.jobId);
    return this.#operator(job);
  }

  resumeJob(params: { jobId: number }): JobView {
    return this.#operator(this.#store.resume(params.jobId));
  }

  cancelJob(params: { jobId: number }): JobView {
    const job = this.#store.cancel(params.jobId);
    this.#engine.abortJob(params.jobId);
    return this.#operator(job);
  }

  async pauseAll(params: { until: number | null }): Promise<Snapshot> {
    await this.updateSettings({ uploadsPaused: true, pausedUntil: params.until });
    return this.getSnapshot();
  }

  async resumeAll(): Promise<Snapshot> {
    await this.updateSettings({ uploadsPaused: false, pausedUntil: null });
    return this.getSnapshot();
  }

  setUploadLimitNow(params: { limited: boolean }): UploadRateView {
    const limited = params.limited === true;
    // A limit the policy locks is the organisation's floor: the operator may slow down, never lift it.
    if (!limited && this.#policy.isLocked('uploadRateLimit')) {
      throw new SettingLockedError(['uploadRateLimit'], this.#policy.file);
    }
    return this.#uploadRate.setLimitedNow(limited);
  }

  // --- wiring ---

  #operator(job: JobRecord): JobView {
    this.#jobChanged(job);
    this.#engine.wake();
    return toJobView(job);
  }

  /**
   * Every job change is sent at once; the totals, which count the whole queue, follow within
   * TOTALS_EVERY_MS for all the changes made meanwhile. Counted per change, thousands of recordings
   * queued at start (or a chunk's progress beside a queue of 100,000) cost a count of the whole
   * table each: a quadratic start-up.
   */
  #jobChanged(job: JobRecord): void {
    this.events.emit('job-updated', toJobView(job));
    this.#totalsDue ??= setTimeout(() => this.#emitTotals(), TOTALS_EVERY_MS);
  }

  #emitTotals(): void {
    if (this.#totalsDue !== null) clearTimeout(this.#totalsDue);
    this.#totalsDue = null;
    this.events.emit('totals-changed', this.#store.totals());
  }

  #effectiveSettings(): Settings {
    const result = applySettings(this.#settingsStore.load(), this.#overrides, this.#policy.settingsRules);
    if (!result.ok) throw new Error(`settings: ${result.problems.join('; ')}`);
    return this.#policy.enforce(result.settings);
  }

  #allowed(destination: DestinationKind): void {
    if (!this.#policy.allowedDestinations.includes(destination)) {
      throw new Error(
        `${destination} is not allowed by the policy ${this.#policy.file} (allowedDestinations)`,
      );
    }
  }

  #provider(kind: DestinationKind): DestinationProvider {
    const provider = this.#providers.get(kind);
    if (provider === undefined) throw new Error(`${kind} is not available in this version`);
    return provider;
  }

  #destination(kind: DestinationKind): Destination | undefined {
    // Jobs queued for a destination the policy now refuses wait; nothing goes there.
    if (!this.#policy.allowedDestinations.includes(kind)) return undefined;
    const provider = this.#providers.get(kind);
    return provider?.isReady() ? provider.destination : undefined;
  }

  /** Receipts a stopped process still owed, placed where the destination takes requests now. */
  async #placeOwedReceipts(): Promise<void> {
    // A machine policy that does not validate stops everything sent to a destination.
    if (this.#policy.stopsUploads !== null) return;
    try {
      await this.#receipts.placeOwed((kind) =>
        this.#reachability.isAuthHeld(kind) ? undefined : this.#destination(kind),
      );
    } catch (error) {
      this.#host.logger.warn('owed receipts not placed', {
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  #requestSignal(): AbortSignal {
    return AbortSignal.timeout(this.#settings.requestTimeoutSeconds * 1000);
  }

  /** A ping is one small request: an outage should not take the whole request time-out to notice. */
  #pingSignal(): AbortSignal {
    return AbortSignal.timeout(Math.min(this.#settings.requestTimeoutSeconds, 30) * 1000);
  }

  /** A hold began or ended: the jobs moved in one statement each, so a snapshot tells the UI and the tray. */
  #holdChanged(kind: DestinationKind): void {
    const provider = this.#providers.get(kind);
    if (provider !== undefined) this.events.emit('connection-changed', this.#connectionOf(provider));
    this.events.emit('snapshot', this.getSnapshot());
    this.#engine.wake();
  }

  /** New credentials given in this process (a sign-in, a token entered): held uploads go on. */
  #credentialsReplaced(provider: DestinationProvider): void {
    this.#credentials.release(provider.kind, 'new credentials');
    this.#health.accepted(provider.kind);
    this.events.emit('connection-changed', this.#connectionOf(provider));
  }

  /** A destination whose jobs wait for sign-in says so, whatever its provider last saw. */
  /** Redacted as the log is: a detail may quote a server that echoed a credential. */
  #connectionOf(provider: DestinationProvider): ConnectionView {
    const view = this.#connectionAsKnown(provider);
    return { ...view, detail: redactReason(view.detail) };
  }

  #connectionAsKnown(provider: DestinationProvider): ConnectionView {
    const view = provider.connection();
    if (view.state !== 'connected') return view;
    if (this.#credentials.isHeld(provider.kind)) {
      const reason = this.#reachability.get(provider.kind).needsAuthReason;
      return {
        ...view,
        state: 'needs-auth',
        detail: `${NEW_CREDENTIALS[provider.kind]}${reason === null ? '' : ` (${reason})`}`,
      };
    }
    const reachability = this.#reachability.get(provider.kind);
    if (reachability.unreachableSince !== null) {
      const detail = `unreachable since ${clockTime(reachability.unreachableSince)}${reachability.lastError === null ? '' : `: ${reachability.lastError}`}`;
      return { ...view, state: 'error', detail };
    }
    return view;
  }
}

/** A recordings folder that cannot be watched; its name is the bridge's error code for the field. */
class RecordingsFolderRefusedError extends Error {
  override readonly name = RECORDINGS_FOLDER_REFUSED;
}

/**
 * A recordings folder being set must exist and be readable: a misspelled path is refused, naming
 * the problem, and nothing is saved (the folder already set may come and go: the watcher waits).
 */
export function checkNewFolder(folder: string | undefined, current: string): void {
  if (folder === undefined || folder === '' || folder === current) return;
  const problem = folderProblem(folder);
  if (problem !== null) throw new RecordingsFolderRefusedError(describeFolderProblem(folder, problem));
}

/** What the operator does about rejected credentials, per destination. */
const NEW_CREDENTIALS: Readonly<Record<DestinationKind, string>> = {
  'storage-api': 'the storage API rejected the token: enter a new one',
  onedrive: 'Microsoft refused the saved sign-in: sign in again',
  gdrive: 'Google refused the saved sign-in: sign in again',
};
