import type {
  AnyBridgeEvent,
  BridgeEvent,
  ConnectionView,
  CoreStatus,
} from '../../../src-shared/bridge-contract.ts';
import { ACTIVE_STATES, type JobView, type QueueTotals } from '../../../src-shared/job.ts';
import type { Settings } from '../../../src-shared/settings.ts';
import type { UploadRateView } from '../../../src-shared/upload-rate-limit.ts';

export interface TransferProgress {
  confirmedBytes: number;
  sizeBytes: number;
}

/** What the tray and the notifications know of the core, built only from bridge events. */
export interface ShellState {
  settings: Settings | null;
  totals: QueueTotals | null;
  connections: readonly ConnectionView[];
  /** Transfers under way, by job id. */
  active: Readonly<Record<number, TransferProgress>>;
  core: CoreStatus;
  online: boolean;
  /** The upload speed limit in force, for the tray's quick control. */
  uploadRate: UploadRateView;
}

export const initialShellState = (): ShellState => ({
  settings: null,
  totals: null,
  connections: [],
  active: {},
  core: { state: 'running', detail: null },
  online: true,
  uploadRate: { rate: null, until: null, next: null, override: null },
});

export function applyShellEvent(state: ShellState, raw: BridgeEvent): ShellState {
  const event = raw as AnyBridgeEvent;
  switch (event.event) {
    case 'snapshot': {
      const { settings, totals, connections, jobs, uploadRate } = event.payload;
      const active: Record<number, TransferProgress> = {};
      for (const job of jobs) if (isActive(job)) active[job.id] = progressOf(job);
      return { ...state, settings, totals, connections, active, uploadRate };
    }
    case 'totals-changed':
      return { ...state, totals: event.payload };
    case 'connection-changed': {
      const others = state.connections.filter((c) => c.destination !== event.payload.destination);
      return { ...state, connections: [...others, event.payload] };
    }
    case 'job-updated': {
      const { [event.payload.id]: _gone, ...rest } = state.active;
      return {
        ...state,
        active: isActive(event.payload) ? { ...rest, [event.payload.id]: progressOf(event.payload) } : rest,
      };
    }
    case 'progress': {
      const { jobId, confirmedBytes, sizeBytes } = event.payload;
      return { ...state, active: { ...state.active, [jobId]: { confirmedBytes, sizeBytes } } };
    }
    case 'core-status':
      return { ...state, core: event.payload };
    case 'upload-rate':
      return { ...state, uploadRate: event.payload };
    default:
      return state;
  }
}

const isActive = (job: JobView): boolean => ACTIVE_STATES.includes(job.state);
const progressOf = (job: JobView): TransferProgress => ({
  confirmedBytes: job.confirmedBytes,
  sizeBytes: job.sizeBytes,
});
