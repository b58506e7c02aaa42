import type { HostCapabilities, JobFilter } from '../../src-shared/bridge-contract.ts';
import { WAITING_STATES } from '../../src-shared/health.ts';
import {
  ACTION_STATES,
  JOB_FILTER_STATES,
  type JobState,
  type OperatorAction,
  type QueueTotals,
} from '../../src-shared/job.ts';

export const JOB_FILTERS: readonly JobFilter[] = ['all', 'active', 'waiting', 'failed', 'done'];

export function inFilter(state: JobState, filter: JobFilter): boolean {
  return (JOB_FILTER_STATES[filter] as readonly JobState[]).includes(state);
}

/** How many jobs a filter holds, from the totals the core keeps current. */
export function countInFilter(totals: QueueTotals, filter: JobFilter): number {
  return JOB_FILTER_STATES[filter].reduce((sum, state) => sum + totals[state], 0);
}

/** The four numbers at the top of the queue. */
export function headlineTotals(totals: QueueTotals): {
  queued: number;
  uploading: number;
  doneToday: number;
  failed: number;
} {
  return {
    // The same states the header's and status's "waiting" count (queued, waiting, paused, needs-auth).
    queued: WAITING_STATES.reduce((sum, state) => sum + totals[state], 0),
    uploading: totals.uploading + totals.verifying,
    doneToday: totals.doneToday,
    failed: totals.failed,
  };
}

/**
 * Puts an id into a list kept newest first (the core's order: id descending). An id older than
 * every loaded one is left out while more pages remain: its place is in a page not loaded yet.
 */
export function insertId(order: readonly number[], id: number, morePages: boolean): readonly number[] {
  if (order.includes(id)) return order;
  const at = order.findIndex((other) => other < id);
  if (at === -1) return morePages ? order : [...order, id];
  return [...order.slice(0, at), id, ...order.slice(at)];
}

export function removeId(order: readonly number[], id: number): readonly number[] {
  const at = order.indexOf(id);
  return at === -1 ? order : [...order.slice(0, at), ...order.slice(at + 1)];
}

/** A loaded page merged into the list: no duplicates, newest first. */
export function mergeIds(order: readonly number[], ids: readonly number[]): readonly number[] {
  const merged = new Set(order);
  for (const id of ids) merged.add(id);
  return [...merged].sort((a, b) => b - a);
}

export function canDo(action: OperatorAction, state: JobState): boolean {
  return ACTION_STATES[action].includes(state);
}

/** A button of a queue row: the operator's commands, and the host's file manager where it has one. */
export type RowAction = OperatorAction | 'show-in-folder';

/**
 * The buttons a row shows, in order: what the job's state allows first (they keep their places from
 * row to row), then what the host can do.
 */
export function rowActions(state: JobState, host: HostCapabilities): RowAction[] {
  const operator = (['retry', 'pause', 'resume', 'cancel'] as const).filter((action) => canDo(action, state));
  return host.showInFolder ? [...operator, 'show-in-folder'] : operator;
}
