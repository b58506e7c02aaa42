import type { Health } from './health.ts';
import type { HistoryExport, HistoryPeriod, HistoryView } from './history.ts';
import type { HostPlatform } from './host-platform.ts';
import type { JobProgress, JobState, JobView, QueueTotals } from './job.ts';
import type { JobDetails } from './job-details.ts';
import type { PolicyView } from './policy.ts';
import type { ReconcileSummary } from './reconcile.ts';
import type { DestinationKind, RemoteFolderRef, Settings } from './settings.ts';
import type { UploadRateView } from './upload-rate-limit.ts';

export type ConnectionState = 'not-configured' | 'connected' | 'needs-auth' | 'error';

export interface ConnectionView {
  destination: DestinationKind;
  state: ConnectionState;
  /** Who or where: an account name, or the storage API's URL. */
  label: string | null;
  detail: string | null;
}

/** A folder in a cloud drive, as the folder browser lists it. */
export interface RemoteFolder {
  id: string;
  driveId: string | null;
  name: string;
  /** Display path from the drive's root, e.g. "/Recordings/2024". */
  path: string;
}

/**
 * What the host the UI runs in can do besides the core's own commands. The desktop shell answers
 * `chooseLocalFolder` and `showInFolder` with the OS; the headless host has no screen and answers
 * neither. The host states it (the UI never guesses it from the carrier), and the UI offers only
 * what is there.
 */
export interface HostCapabilities {
  /** `chooseLocalFolder` opens the OS folder dialog. */
  folderDialog: boolean;
  /** `showInFolder` opens the OS file manager at a job's recording. */
  showInFolder: boolean;
  /** The host starts itself at login (the desktop app): only then is startAtLogin a setting to show. */
  startAtLogin: boolean;
  /** The host updates itself from a feed (the desktop app): only then is updateFeedUrl a setting to show. */
  updates: boolean;
}

/** A host with no screen of its own: the headless host, a test. */
export const NO_HOST_CAPABILITIES: HostCapabilities = {
  folderDialog: false,
  showInFolder: false,
  startAtLogin: false,
  updates: false,
};

export interface Snapshot {
  settings: Settings;
  totals: QueueTotals;
  jobs: JobView[];
  connections: ConnectionView[];
  paused: boolean;
  host: HostCapabilities;
  /** The OS of the machine the core runs on: the one whose paths the recordings folder is typed in. */
  platform: HostPlatform;
  /** The upload speed limit in force now, and until when. */
  uploadRate: UploadRateView;
  /** The administrator's policy in force: locked settings, allowed destinations, or why it is invalid. */
  policy: PolicyView;
  /** The uploader's health and its one headline (see health.ts). */
  health: Health;
}

export type JobFilter = 'all' | 'active' | 'waiting' | 'failed' | 'done';

/**
 * Whether the core answers at all. The carrier emits it, not the core (a dead core cannot say it is
 * dead): the desktop shell while it restarts the core process, the browser bridge while its socket
 * is closed. On `running` after `unavailable`, state may have moved on: fetch a fresh snapshot.
 */
export interface CoreStatus {
  state: 'running' | 'unavailable';
  /** Why it is unavailable, in a sentence for the operator; null when running. */
  detail: string | null;
  /**
   * How the UI comes back while unavailable: the desktop shell restarts its core by itself
   * ('by-itself', also when absent); a browser page reconnects once the headless host serves its
   * address again ('at-this-address'), unless that address now answers as another page's ('no':
   * the host was started with another data folder or port, and prints the address to open).
   */
  reconnect?: 'by-itself' | 'at-this-address' | 'no';
}

/** The error code of a command sent while the core is unavailable (see CoreStatus): try again later. */
export const CORE_UNAVAILABLE = 'CoreUnavailableError';

/** The error code of `chooseLocalFolder` where there is no native dialog (the browser UI). */
export const NO_FOLDER_DIALOG = 'NoFolderDialogError';

/**
 * The error code of `updateSettings` refusing the recordings folder it was given (missing, not a
 * folder, unreadable): the UI puts the core's words under that field.
 */
export const RECORDINGS_FOLDER_REFUSED = 'RecordingsFolderRefusedError';

/** The error code of `showInFolder` where there is no file manager to open (the browser UI). */
export const NO_FILE_MANAGER = 'NoFileManagerError';

/** Every command the UI (or any host) may send the core: method → params and result. */
export interface BridgeCommands {
  getSnapshot: { params: { jobLimit?: number }; result: Snapshot };
  getHealth: { params: Record<string, never>; result: Health };
  listJobs: { params: { filter: JobFilter; offset: number; limit: number }; result: JobView[] };
  updateSettings: { params: Partial<Settings>; result: Settings };
  setStorageApiToken: { params: { token: string }; result: ConnectionView };
  testConnection: { params: { destination: DestinationKind }; result: ConnectionView };
  /** Interactive sign-in in the system browser (OneDrive, Google Drive). */
  connect: { params: { destination: DestinationKind }; result: ConnectionView };
  disconnect: { params: { destination: DestinationKind }; result: ConnectionView };
  /** Child folders of a folder; parentId null = the drive's root. */
  listRemoteFolders: {
    params: { destination: DestinationKind; parentId: string | null };
    result: RemoteFolder[];
  };
  createRemoteFolder: {
    params: { destination: DestinationKind; parentId: string | null; name: string };
    result: RemoteFolder;
  };
  describeRemoteFolder: {
    params: { destination: DestinationKind; folderId: string };
    result: RemoteFolder;
  };
  chooseRemoteFolder: { params: { destination: DestinationKind; folder: RemoteFolderRef }; result: Settings };
  /** One job as it is now; an unknown id is refused. */
  getJob: { params: { jobId: number }; result: JobView };
  /** One job's details: its destination, hashes, times and every ledger entry; an unknown id is refused. */
  getJobDetails: { params: { jobId: number }; result: JobDetails };
  retry: { params: { jobId: number }; result: JobView };
  pauseJob: { params: { jobId: number }; result: JobView };
  resumeJob: { params: { jobId: number }; result: JobView };
  cancelJob: { params: { jobId: number }; result: JobView };
  pauseAll: { params: { until: number | null }; result: Snapshot };
  resumeAll: { params: Record<string, never>; result: Snapshot };
  /**
   * The quick control: limit the upload speed now (limited: true) or upload at full speed (false),
   * until the timetable's next change of rate.
   */
  setUploadLimitNow: { params: { limited: boolean }; result: UploadRateView };
  /** Recordings uploaded, their bytes and failures per day over the last `days` days (UTC). */
  getHistory: { params: { days: HistoryPeriod }; result: HistoryView };
  /** The same period's report rows, as `report --format csv` writes them. */
  exportHistory: { params: { days: HistoryPeriod }; result: HistoryExport };
  /**
   * The OS folder dialog. Only the desktop shell answers it (path null: the operator cancelled); the
   * core and the browser UI answer with the error code NO_FOLDER_DIALOG: type the folder path. It
   * only picks a path; saving it is `updateSettings({ recordingsFolder })`.
   */
  chooseLocalFolder: { params: { defaultPath?: string }; result: { path: string | null } };
  /**
   * The OS file manager at a job's recording (or at its folder, once the file is gone). Only the
   * desktop shell answers it, with the path it looked up from the core by the job's id: a path from
   * the page is never opened. The core and the browser UI answer with the error code NO_FILE_MANAGER.
   */
  showInFolder: { params: { jobId: number }; result: { shown: string } };
}

/**
 * A sign-in is waiting for a person at this web address (the identity provider's page). The desktop
 * shell opens it in the system browser by itself; a browser UI, whose host can only print it in a
 * terminal, offers it as a link. Only http(s) addresses are ever announced.
 */
export interface SignInStarted {
  destination: DestinationKind;
  url: string;
}

/** Every event the core pushes: name → payload. */
export interface BridgeEvents {
  snapshot: Snapshot;
  'job-updated': JobView;
  progress: JobProgress;
  'connection-changed': ConnectionView;
  'totals-changed': QueueTotals;
  'core-status': CoreStatus;
  'sign-in-started': SignInStarted;
  /** The limit in force changed: a timetable boundary, the setting, or the quick control. */
  'upload-rate': UploadRateView;
  /** A reconciliation with the destination finished (on its schedule or asked for). */
  reconciled: ReconcileSummary;
  /** The health changed (its headline, a destination's state, the queue's counts…). */
  health: Health;
}

export type CommandName = keyof BridgeCommands;
export type EventName = keyof BridgeEvents;

export interface BridgeRequest<M extends CommandName = CommandName> {
  id: number;
  method: M;
  params: BridgeCommands[M]['params'];
}

export type BridgeResponse =
  | { id: number; result: unknown }
  | { id: number; error: { message: string; code: string } };

export interface BridgeEvent<E extends EventName = EventName> {
  event: E;
  payload: BridgeEvents[E];
}

/** Any one event, discriminated by its name: `switch (event.event)` narrows the payload. */
export type AnyBridgeEvent = { [E in EventName]: BridgeEvent<E> }[EventName];

export type { JobState };
