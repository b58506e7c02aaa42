import type { DestinationKind } from '../../../src-shared/settings.ts';
import type { ShellState } from './shell-state.ts';

export const TRAY_STATES = ['idle', 'uploading', 'paused', 'attention', 'offline'] as const;
export type TrayState = (typeof TRAY_STATES)[number];

/** Why the tray looks as it does, in words the strings module turns into a sentence. */
export type TrayStatus =
  | { kind: 'core-down'; detail: string | null }
  | { kind: 'sign-in-needed'; destination: DestinationKind }
  | { kind: 'failed'; count: number }
  | { kind: 'paused'; until: number | null }
  | { kind: 'offline'; waiting: number }
  | { kind: 'uploading'; count: number; percent: number }
  | { kind: 'idle'; doneToday: number; queued: number };

export interface TrayView {
  state: TrayState;
  status: TrayStatus;
}

/**
 * The tray's state, most urgent first: what needs the operator (the core down, a sign-in, failed
 * recordings), then what the operator chose (paused), then what will pass by itself (offline), then
 * work in progress, then idle.
 */
export function trayViewOf(state: ShellState): TrayView {
  const totals = state.totals;
  if (state.core.state === 'unavailable') {
    return { state: 'attention', status: { kind: 'core-down', detail: state.core.detail } };
  }
  const signIn = state.connections.find((c) => c.state === 'needs-auth');
  if (signIn !== undefined) {
    return { state: 'attention', status: { kind: 'sign-in-needed', destination: signIn.destination } };
  }
  if (totals !== null && totals['needs-auth'] > 0) {
    const destination = state.settings?.activeDestination ?? 'storage-api';
    return { state: 'attention', status: { kind: 'sign-in-needed', destination } };
  }
  if (totals !== null && totals.failed > 0) {
    return { state: 'attention', status: { kind: 'failed', count: totals.failed } };
  }
  if (state.settings?.uploadsPaused) {
    return { state: 'paused', status: { kind: 'paused', until: state.settings.pausedUntil } };
  }
  const waiting = totals === null ? 0 : totals.queued + totals.waiting + totals.uploading + totals.verifying;
  if (!state.online) return { state: 'offline', status: { kind: 'offline', waiting } };
  const transfers = Object.values(state.active);
  const uploading = totals === null ? transfers.length : totals.uploading + totals.verifying;
  if (uploading > 0) {
    return {
      state: 'uploading',
      status: { kind: 'uploading', count: uploading, percent: overallPercent(transfers) },
    };
  }
  return {
    state: 'idle',
    status: {
      kind: 'idle',
      doneToday: totals?.doneToday ?? 0,
      queued: totals === null ? 0 : totals.queued + totals.waiting,
    },
  };
}

/** Bytes confirmed over bytes to send, across every transfer under way: big files weigh more. */
export function overallPercent(transfers: readonly { confirmedBytes: number; sizeBytes: number }[]): number {
  let confirmed = 0;
  let size = 0;
  for (const t of transfers) {
    confirmed += Math.min(t.confirmedBytes, t.sizeBytes);
    size += t.sizeBytes;
  }
  return size === 0 ? 0 : Math.floor((confirmed / size) * 100);
}
