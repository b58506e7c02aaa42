import { ACTION_STATES, type JobState, type OperatorAction } from '../../../src-shared/job.ts';

/**
 * Every move a job may make, and no other. The store checks each change against this table inside
 * the same transaction that writes it, so a late answer from the engine can never undo what the
 * operator did meanwhile (a chunk finishing after a pause leaves the job paused).
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  queued: ['uploading', 'paused', 'cancelled', 'needs-auth'],
  uploading: ['verifying', 'waiting', 'failed', 'needs-auth', 'queued', 'paused', 'cancelled', 'done'],
  verifying: ['done', 'failed', 'waiting', 'needs-auth', 'queued', 'paused', 'cancelled'],
  waiting: ['uploading', 'queued', 'paused', 'cancelled', 'needs-auth'],
  'needs-auth': ['queued', 'paused', 'cancelled'],
  failed: ['queued', 'cancelled'],
  paused: ['queued', 'cancelled'],
  cancelled: ['queued'],
  done: [],
};

export function canTransition(from: JobState, to: JobState): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

/** The states from which a job may move to `to`. */
export function statesLeadingTo(to: JobState): JobState[] {
  return (Object.keys(ALLOWED_TRANSITIONS) as JobState[]).filter((from) => canTransition(from, to));
}

export interface Move {
  to: JobState;
  from: readonly JobState[];
}

/**
 * Each thing that moves a job, with the states it starts from: always a part of what the table
 * allows, often a smaller part. No engine move starts from a state the operator chose (paused,
 * cancelled) or one that waits for the operator (failed; needs-auth until releaseAuth), so a late
 * answer from an upload never lifts a pause, a cancel or a wait for new credentials.
 */
export const ENGINE_MOVES = {
  /** claimNext: the oldest queued job, or waiting job whose time has come. */
  claim: { to: 'uploading', from: ['queued', 'waiting'] },
  verify: { to: 'verifying', from: ['uploading'] },
  finish: { to: 'done', from: ['uploading', 'verifying'] },
  wait: { to: 'waiting', from: ['uploading', 'verifying'] },
  fail: { to: 'failed', from: ['uploading', 'verifying'] },
  requeue: { to: 'queued', from: ['uploading', 'verifying'] },
  restart: { to: 'queued', from: ['uploading', 'verifying', 'waiting'] },
  holdForAuth: { to: 'needs-auth', from: statesLeadingTo('needs-auth') },
  releaseAuth: { to: 'queued', from: ['needs-auth'] },
  recoverInterrupted: { to: 'queued', from: ['uploading', 'verifying'] },
} as const satisfies Record<string, Move>;

export type EngineMove = keyof typeof ENGINE_MOVES;

interface OperatorMove extends Move {
  /** As the refusal reads: "job 12 (a.mp4) is done: it cannot be <verb>". */
  verb: string;
}

/**
 * What the operator's buttons do, from the states the UI offers them in (ACTION_STATES, shared with
 * the renderer). Resume and retry both lead to queued, but from different states.
 */
export const OPERATOR_ACTIONS: Readonly<Record<OperatorAction, OperatorMove>> = {
  pause: { to: 'paused', from: ACTION_STATES.pause, verb: 'paused' },
  resume: { to: 'queued', from: ACTION_STATES.resume, verb: 'resumed' },
  cancel: { to: 'cancelled', from: ACTION_STATES.cancel, verb: 'cancelled' },
  retry: { to: 'queued', from: ACTION_STATES.retry, verb: 'retried' },
};
