import type {
  AnyBridgeEvent,
  BridgeEvent,
  ConnectionView,
  CoreStatus,
} from '../../../src-shared/bridge-contract.ts';
import type { Health } from '../../../src-shared/health.ts';
import type { QueueTotals } from '../../../src-shared/job.ts';
import type { SettingName, Settings } from '../../../src-shared/settings.ts';
import type { UploadRateView } from '../../../src-shared/upload-rate-limit.ts';

/** What the tray and the notifications know of the core, built only from bridge events. */
export interface ShellState {
  settings: Settings | null;
  totals: QueueTotals | null;
  connections: readonly ConnectionView[];
  /** The core's health: its headline is the tray's, as it is the window's and `status`'s. */
  health: Health | null;
  core: CoreStatus;
  /** The upload speed limit in force, for the tray's quick control. */
  uploadRate: UploadRateView;
  /** The settings the administrator's policy locks: the quick controls do not offer to change them. */
  locked: readonly SettingName[];
}

export const initialShellState = (): ShellState => ({
  settings: null,
  totals: null,
  connections: [],
  health: null,
  core: { state: 'running', detail: null },
  uploadRate: { rate: null, until: null, next: null, override: null },
  locked: [],
});

export function applyShellEvent(state: ShellState, raw: BridgeEvent): ShellState {
  const event = raw as AnyBridgeEvent;
  switch (event.event) {
    case 'snapshot': {
      const { settings, totals, connections, health, uploadRate, policy } = event.payload;
      return { ...state, settings, totals, connections, health, uploadRate, locked: policy.locked };
    }
    case 'health':
      return { ...state, health: event.payload, totals: event.payload.queue.counts };
    case 'totals-changed':
      return { ...state, totals: event.payload };
    case 'connection-changed': {
      const others = state.connections.filter((c) => c.destination !== event.payload.destination);
      return { ...state, connections: [...others, event.payload] };
    }
    case 'core-status':
      return { ...state, core: event.payload };
    case 'upload-rate':
      return { ...state, uploadRate: event.payload };
    default:
      return state;
  }
}
