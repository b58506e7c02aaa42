import type { DestinationKind } from './settings.ts';

/**
 * A job's life: queued → uploading → verifying → done, with waiting (retriable), needs-auth
 * (credentials rejected), failed (not retriable), paused and cancelled (the operator). Every move
 * between them is in src-main/core/store/job-transitions.ts.
 */
export const JOB_STATES = [
  'queued',
  'uploading',
  'verifying',
  'done',
  'waiting',
  'needs-auth',
  'failed',
  'paused',
  'cancelled',
] as const;
export type JobState = (typeof JOB_STATES)[number];

export const ACTIVE_STATES: readonly JobState[] = ['uploading', 'verifying'];

/** The operator's buttons on a job. */
export type OperatorAction = 'pause' | 'resume' | 'cancel' | 'retry';

/**
 * The states each of the operator's buttons works from: the core's store refuses the others, the UI
 * offers no button there. Resume only undoes a pause; retry gives a failed, cancelled or waiting job
 * a fresh start now (for a waiting job: skipping the rest of its backoff; for one held for sign-in:
 * trying the stored credentials again).
 */
export const ACTION_STATES: Readonly<Record<OperatorAction, readonly JobState[]>> = {
  pause: ['queued', 'uploading', 'verifying', 'waiting', 'needs-auth'],
  resume: ['paused'],
  cancel: ['queued', 'uploading', 'verifying', 'waiting', 'needs-auth', 'failed', 'paused'],
  retry: ['failed', 'cancelled', 'waiting', 'needs-auth'],
};

/**
 * Which states each job list shows, for the store's queries and the UI's filters alike. Needs-auth
 * is in both 'active' and 'waiting': it is both.
 */
export const JOB_FILTER_STATES = {
  all: JOB_STATES,
  active: ['queued', 'uploading', 'verifying', 'paused', 'needs-auth'],
  waiting: ['waiting', 'needs-auth'],
  failed: ['failed'],
  done: ['done'],
} as const satisfies Record<'all' | 'active' | 'waiting' | 'failed' | 'done', readonly JobState[]>;

/** What the UI and `status` see of a job. */
export interface JobView {
  id: number;
  destination: DestinationKind;
  path: string;
  fileName: string;
  sizeBytes: number;
  state: JobState;
  confirmedBytes: number;
  attempts: number;
  lastError: string | null;
  /** A problem that did not stop the upload, e.g. a receipt not placed or a local copy kept. */
  warning: string | null;
  /** Why the metadata sidecar could not be used, so the recording went without it; kept on its own. */
  sidecarWarning: string | null;
  remoteId: string | null;
  remoteUrl: string | null;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
  nextAttemptAt: number | null;
  /** The last reconciliation's finding for this recording at its destination, and when. */
  reconciledState: 'present' | 'missing' | 'altered' | null;
  reconciledAt: number | null;
}

export interface JobProgress {
  jobId: number;
  confirmedBytes: number;
  sizeBytes: number;
  bytesPerSecond: number;
}

export type QueueTotals = Record<JobState, number> & { doneToday: number };
