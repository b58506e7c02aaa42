import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteJobStore } from '../../src-main/core/store/job-store.ts';
import {
  ALLOWED_TRANSITIONS,
  canTransition,
  ENGINE_MOVES,
  type Move,
  OPERATOR_ACTIONS,
} from '../../src-main/core/store/job-transitions.ts';
import { JOB_STATES, type JobState } from '../../src-shared/job.ts';
import {
  jobStoreOn,
  type ManualClock,
  manualClock,
  recording,
  TempDatabase,
} from '../support/store-fixtures.ts';

const SESSION = {
  mode: 'chunked' as const,
  chunkMultiple: 327_680,
  maxChunkBytes: null,
  expiresAt: null,
  state: { uploadUrl: 'https://upload.example/s/1' },
};

/** Brings a new job to `state` through the store's own methods, as the engine and operator would. */
function reach(store: SqliteJobStore, clock: ManualClock, state: JobState): number {
  const job = store.enqueue(recording(), 'onedrive');
  if (job === null) throw new Error('the recording was already queued');
  const id = job.id;
  const claim = () => expect(store.claimNext(['onedrive'])?.id).toBe(id);
  const steps: Record<JobState, () => void> = {
    queued: () => {},
    uploading: claim,
    verifying: () => {
      claim();
      store.markVerifying(id);
    },
    done: () => {
      claim();
      store.markDone(id, { id: 'remote-1', url: 'https://remote.example/1' });
    },
    waiting: () => {
      claim();
      store.markWaiting(id, 'HTTP 503', clock.now(), true);
    },
    'needs-auth': () => store.holdForAuth('onedrive', 'token revoked'),
    failed: () => {
      claim();
      store.markFailed(id, 'HTTP 400: bad name');
    },
    paused: () => store.pause(id),
    cancelled: () => store.cancel(id),
  };
  steps[state]();
  expect(store.get(id)?.state).toBe(state);
  return id;
}

interface Attempt {
  name: string;
  move: Move;
  /** Written out by hand, apart from the store's tables: where this method may start, and where it leads. */
  works: { from: JobState[]; to: JobState };
  /** True when the store carried it out, false when it refused. */
  run(store: SqliteJobStore, id: number, clock: ManualClock): boolean;
}

const refusedByThrow = (action: () => unknown): boolean => {
  try {
    action();
    return true;
  } catch {
    return false;
  }
};

const ATTEMPTS: Attempt[] = [
  {
    name: 'claimNext',
    works: { from: ['queued', 'waiting'], to: 'uploading' },
    move: ENGINE_MOVES.claim,
    run: (s, id) => s.claimNext(['onedrive'])?.id === id,
  },
  {
    name: 'markVerifying',
    works: { from: ['uploading'], to: 'verifying' },
    move: ENGINE_MOVES.verify,
    run: (s, id) => s.markVerifying(id),
  },
  {
    name: 'markDone',
    works: { from: ['uploading', 'verifying'], to: 'done' },
    move: ENGINE_MOVES.finish,
    run: (s, id) => s.markDone(id, { id: 'r', url: null }),
  },
  {
    name: 'markWaiting',
    works: { from: ['uploading', 'verifying'], to: 'waiting' },
    move: ENGINE_MOVES.wait,
    run: (s, id, c) => s.markWaiting(id, 'reset', c.now(), false),
  },
  {
    name: 'markFailed',
    works: { from: ['uploading', 'verifying'], to: 'failed' },
    move: ENGINE_MOVES.fail,
    run: (s, id) => s.markFailed(id, 'HTTP 400'),
  },
  {
    name: 'markQueued',
    works: { from: ['uploading', 'verifying'], to: 'queued' },
    move: ENGINE_MOVES.requeue,
    run: (s, id) => s.markQueued(id),
  },
  {
    name: 'restartFromScratch',
    works: { from: ['uploading', 'verifying', 'waiting'], to: 'queued' },
    move: ENGINE_MOVES.restart,
    run: (s, id) => s.restartFromScratch(id, 'hash mismatch', true),
  },
  {
    name: 'holdForAuth',
    works: { from: ['queued', 'uploading', 'verifying', 'waiting'], to: 'needs-auth' },
    move: ENGINE_MOVES.holdForAuth,
    run: (s) => s.holdForAuth('onedrive', 'HTTP 401') === 1,
  },
  {
    name: 'releaseAuth',
    works: { from: ['needs-auth'], to: 'queued' },
    move: ENGINE_MOVES.releaseAuth,
    run: (s) => s.releaseAuth('onedrive') === 1,
  },
  {
    name: 'recoverInterrupted',
    works: { from: ['uploading', 'verifying'], to: 'queued' },
    move: ENGINE_MOVES.recoverInterrupted,
    run: (s) => s.recoverInterrupted() === 1,
  },
  {
    name: 'pause',
    works: { from: ['queued', 'uploading', 'verifying', 'waiting', 'needs-auth'], to: 'paused' },
    move: OPERATOR_ACTIONS.pause,
    run: (s, id) => refusedByThrow(() => s.pause(id)),
  },
  {
    name: 'resume',
    works: { from: ['paused'], to: 'queued' },
    move: OPERATOR_ACTIONS.resume,
    run: (s, id) => refusedByThrow(() => s.resume(id)),
  },
  {
    name: 'cancel',
    works: {
      from: ['queued', 'uploading', 'verifying', 'waiting', 'needs-auth', 'failed', 'paused'],
      to: 'cancelled',
    },
    move: OPERATOR_ACTIONS.cancel,
    run: (s, id) => refusedByThrow(() => s.cancel(id)),
  },
  {
    name: 'retry',
    works: { from: ['failed', 'cancelled', 'waiting', 'needs-auth'], to: 'queued' },
    move: OPERATOR_ACTIONS.retry,
    run: (s, id) => refusedByThrow(() => s.retry(id)),
  },
];

const ALL_MOVES: Move[] = [...Object.values(ENGINE_MOVES), ...Object.values(OPERATOR_ACTIONS)];

describe('the job state table', () => {
  it('lets every move start only where the table allows it', () => {
    for (const move of ALL_MOVES) {
      for (const from of move.from)
        expect([from, move.to, canTransition(from, move.to)]).toEqual([from, move.to, true]);
    }
  });

  it('is what the store methods are written out to do', () => {
    for (const attempt of ATTEMPTS) {
      expect({ name: attempt.name, from: [...attempt.move.from].sort(), to: attempt.move.to }).toEqual({
        name: attempt.name,
        from: [...attempt.works.from].sort(),
        to: attempt.works.to,
      });
    }
  });

  it('has a method for every transition it allows', () => {
    for (const from of JOB_STATES) {
      for (const to of ALLOWED_TRANSITIONS[from]) {
        const carriedBy = ALL_MOVES.filter((move) => move.to === to && move.from.includes(from));
        expect(carriedBy.length, `${from} → ${to}`).toBeGreaterThan(0);
      }
    }
  });

  it('ends at done', () => {
    expect(ALLOWED_TRANSITIONS.done).toEqual([]);
  });
});

describe('job state transitions in the store', () => {
  let temp: TempDatabase;
  let clock: ManualClock;
  let store: SqliteJobStore;

  beforeEach(() => {
    temp = new TempDatabase();
    clock = manualClock();
    store = jobStoreOn(temp.open(), clock);
  });
  afterEach(() => temp.remove());

  const cases = JOB_STATES.flatMap((from) => ATTEMPTS.map((attempt) => ({ from, attempt })));

  it.each(cases)('$attempt.name from $from', ({ from, attempt }) => {
    const id = reach(store, clock, from);
    const before = store.get(id);
    const allowed = attempt.works.from.includes(from);
    clock.advance(1000);

    expect(attempt.run(store, id, clock)).toBe(allowed);

    const after = store.get(id);
    if (allowed) {
      expect(after?.state).toBe(attempt.works.to);
      expect(after?.updatedAt).toBe(clock.now());
    } else {
      expect(after).toEqual(before);
    }
  });

  it('names the job, its state and the action when the operator asks for what cannot be', () => {
    const done = reach(store, clock, 'done');
    const name = store.get(done)?.fileName ?? '';
    expect(() => store.pause(done)).toThrow(`job ${done} (${name}) is done: it cannot be paused`);
    expect(() => store.cancel(done)).toThrow(`job ${done} (${name}) is done: it cannot be cancelled`);
    expect(() => store.retry(done)).toThrow(`job ${done} (${name}) is done: it cannot be retried`);

    const queued = reach(store, clock, 'queued');
    expect(() => store.resume(queued)).toThrow(
      /^job \d+ \(session_\d+_Server_20241026_150000\.mp4\) is queued: it cannot be resumed$/,
    );
  });

  it('names a job that does not exist', () => {
    expect(() => store.pause(999)).toThrow('job 999 does not exist');
    expect(() => store.markDone(999, { id: 'r', url: null })).toThrow('job 999 does not exist');
    expect(store.get(999)).toBeUndefined();
  });

  it('retry gives a failed job a fresh start', () => {
    const id = reach(store, clock, 'uploading');
    store.markWaiting(id, 'HTTP 503', clock.now(), true);
    store.claimNext(['onedrive']);
    store.restartFromScratch(id, 'hash mismatch', true);
    store.claimNext(['onedrive']);
    store.markFailed(id, 'hash mismatch again');
    expect(store.get(id)).toMatchObject({ attempts: 1, verifyFailures: 1, lastError: 'hash mismatch again' });

    const retried = store.retry(id);

    expect(retried).toMatchObject({
      state: 'queued',
      attempts: 0,
      verifyFailures: 0,
      lastError: null,
      nextAttemptAt: null,
    });
  });

  it('retry of a waiting job skips the rest of its backoff', () => {
    const id = reach(store, clock, 'uploading');
    store.markWaiting(id, 'HTTP 429', clock.now() + 600_000, true);
    expect(store.claimNext(['onedrive'])).toBeUndefined();

    store.retry(id);

    expect(store.claimNext(['onedrive'])?.id).toBe(id);
  });

  it('resume puts a paused job back in the queue', () => {
    const id = reach(store, clock, 'paused');
    expect(store.claimNext(['onedrive'])).toBeUndefined();

    expect(store.resume(id).state).toBe('queued');
    expect(store.claimNext(['onedrive'])?.id).toBe(id);
  });

  it('a late answer from the engine does not undo a pause or a cancel', () => {
    const paused = reach(store, clock, 'uploading');
    store.pause(paused);
    const cancelled = reach(store, clock, 'verifying');
    store.cancel(cancelled);

    for (const id of [paused, cancelled]) {
      expect(store.markVerifying(id)).toBe(false);
      expect(store.markDone(id, { id: 'r', url: null })).toBe(false);
      expect(store.markWaiting(id, 'reset', clock.now(), true)).toBe(false);
      expect(store.markFailed(id, 'HTTP 400')).toBe(false);
      expect(store.restartFromScratch(id, 'hash mismatch', true)).toBe(false);
    }
    expect(store.get(paused)?.state).toBe('paused');
    expect(store.get(cancelled)?.state).toBe('cancelled');
  });

  it('saveProgress resets attempts only when the remote confirmed more', () => {
    const id = reach(store, clock, 'uploading');
    store.markWaiting(id, 'reset', clock.now(), true);
    store.claimNext(['onedrive']);
    store.markWaiting(id, 'reset', clock.now(), true);
    store.claimNext(['onedrive']);
    store.saveProgress(id, 0);
    expect(store.get(id)?.attempts).toBe(2);

    store.saveProgress(id, 327_680);

    expect(store.get(id)).toMatchObject({ attempts: 0, confirmedBytes: 327_680 });
    expect(() => store.saveProgress(id, 1.5)).toThrow(/job \d+: confirmed bytes/);
  });

  it('markWaiting counts an attempt only when told to', () => {
    const id = reach(store, clock, 'uploading');
    store.markWaiting(id, 'offline', clock.now() + 5000, false);
    expect(store.get(id)).toMatchObject({
      state: 'waiting',
      attempts: 0,
      lastError: 'offline',
      nextAttemptAt: clock.now() + 5000,
    });

    clock.advance(5000);
    store.claimNext(['onedrive']);
    store.markWaiting(id, 'HTTP 503', clock.now() + 5000, true);

    expect(store.get(id)).toMatchObject({ attempts: 1, lastError: 'HTTP 503' });
  });

  it('restartFromScratch drops the session and offset, counting a hash mismatch when told', () => {
    const id = reach(store, clock, 'uploading');
    store.saveSession(id, SESSION);
    store.saveProgress(id, 655_360);
    store.markVerifying(id);

    expect(store.restartFromScratch(id, 'sha256 differs', true)).toBe(true);
    expect(store.get(id)).toMatchObject({
      state: 'queued',
      session: null,
      confirmedBytes: 0,
      verifyFailures: 1,
      lastError: 'sha256 differs',
    });

    store.claimNext(['onedrive']);
    store.restartFromScratch(id, 'session expired', false);
    expect(store.get(id)?.verifyFailures).toBe(1);
  });

  it('markQueued keeps the session and offset for the next claim to resume from', () => {
    const id = reach(store, clock, 'uploading');
    store.saveSession(id, SESSION);
    store.saveProgress(id, 655_360);

    expect(store.markQueued(id)).toBe(true);

    expect(store.get(id)).toMatchObject({ state: 'queued', session: SESSION, confirmedBytes: 655_360 });
    expect(store.claimNext(['onedrive'])).toMatchObject({ id, session: SESSION, confirmedBytes: 655_360 });
  });

  it('markDone records where the file went and when', () => {
    const id = reach(store, clock, 'verifying');
    clock.advance(2500);

    store.markDone(id, { id: 'item-9', url: 'https://remote.example/item-9' });

    expect(store.get(id)).toMatchObject({
      state: 'done',
      remoteId: 'item-9',
      remoteUrl: 'https://remote.example/item-9',
      completedAt: clock.now(),
      lastError: null,
    });
    store.markLocalDeleted(id, { sidecar: null });
    expect(store.get(id)?.localDeletedAt).toBe(clock.now());
  });

  it('holds every unfinished job of a destination for new credentials, and releases them', () => {
    // Each job is claimed before the next is queued, so claimNext always takes the one meant.
    const failed = reach(store, clock, 'failed');
    const paused = reach(store, clock, 'paused');
    const uploading = reach(store, clock, 'uploading');
    const waiting = reach(store, clock, 'waiting');
    const queued = reach(store, clock, 'queued');
    const other = store.enqueue(recording(), 'gdrive')?.id ?? -1;

    expect(store.holdForAuth('onedrive', 'HTTP 401: token revoked')).toBe(3);

    for (const id of [queued, uploading, waiting]) {
      expect(store.get(id)).toMatchObject({
        state: 'needs-auth',
        lastError: 'HTTP 401: token revoked',
        nextAttemptAt: null,
      });
    }
    expect(store.get(failed)?.state).toBe('failed');
    expect(store.get(paused)?.state).toBe('paused');
    expect(store.get(other)?.state).toBe('queued');

    expect(store.releaseAuth('onedrive')).toBe(3);
    for (const id of [queued, uploading, waiting]) {
      expect(store.get(id)).toMatchObject({ state: 'queued', lastError: null });
    }
  });
});
